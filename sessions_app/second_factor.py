"""Two-step sign-in for organisers and the admin, so a guessed or leaked password alone does
not open an event's organiser pages: a password (or a sign-in link), then the 6-digit code of
an authenticator app (TOTP, RFC 6238).

django-otp keeps the authenticator: its `TOTPDevice` row holds the secret, the time step of
the last accepted code and the count of wrong codes in a row, and `django_otp.login` marks the
session as verified, which its `OTPMiddleware` reads back on every request
(`request.user.is_verified()`). This module decides who owes a code, and when:

- `settings.OOCAMP_ORGANISER_TOTP == "required"` (production's default): whoever organises an
  event, and staff, must set up an authenticator before any organiser page or the admin.
- `"optional"` (development and the demo): nobody has to; an organiser may.
- Either way, an account with an authenticator gives its code at every sign-in: after the
  password (the password alone signs nobody in), and after a sign-in link before any
  organiser page. Until then the session has no organiser powers anywhere (`access`).

A code counts one time step (30 s) early or late, and once: codes of the step last accepted
and earlier are refused. After `CODE_LIMIT` wrong codes in a row no code is checked, not even
the right one, until `CODE_WINDOW` seconds after the last wrong one; the count is the
device's, in the database, so it holds for every address and every app process. The code
check and a new authenticator write the device's row: sessions_app/actions/second_factor.py.
"""

import base64
import math
import time
from binascii import unhexlify
from collections.abc import Callable

import django_otp
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from sessions_app import actions, qr
from sessions_app.actions.second_factor import CODE_LIMIT as CODE_LIMIT
from sessions_app.actions.second_factor import CODE_WINDOW
from sessions_app.models import Participant

PENDING_SECONDS = 5 * 60  # time to give the code after the password

OK, CODE, SETUP = "ok", "code", "setup"  # what a session still owes

HAS_DEVICE_KEY = "oocamp_totp"  # session: the account had an authenticator at sign-in
PENDING_KEY = "oocamp_totp_pending"  # session: the password was right, the code is due
SETUP_KEY = "oocamp_totp_setup"  # session: the secret being set up, until a code confirms it

GATED_NAMESPACES = {"organiser", "admin"}


class CodeRefused(Exception):
    """The code was not accepted; `str(error)` says why, in the user's language."""


def required() -> bool:
    return settings.OOCAMP_ORGANISER_TOTP == "required"


def authenticator_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def privileged(user) -> bool:
    """Staff, superusers and whoever organises an event: the accounts "required" applies to."""
    return (
        user.is_staff
        or user.is_superuser
        or Participant.objects.filter(user=user, role=Participant.Role.ORGANISER).exists()
    )


def verified(request: HttpRequest) -> bool:
    return getattr(request.user, "otp_device", None) is not None


def owed(request: HttpRequest, *, privileged_user: bool | None = None) -> str:
    """OK, or what this session must do first: give a CODE, or SETUP an authenticator.

    No query for a session that owes nothing in "optional" mode (every organiser page asks):
    whether the account has an authenticator was noted in the session at sign-in."""
    user = request.user
    if not user.is_authenticated or verified(request):
        return OK
    if request.session.get(HAS_DEVICE_KEY):
        return CODE
    if required() and (privileged(user) if privileged_user is None else privileged_user):
        return SETUP
    return OK


def step_url(step: str, after: str) -> str:
    name = "login-code" if step == CODE else "two-step"
    return f"{reverse(name)}?{urlencode({'next': after})}" if after else reverse(name)


def gate(request: HttpRequest) -> HttpResponse | None:
    """None, or the redirect to the step this session owes (back here afterwards)."""
    step = owed(request)
    if step == OK:
        return None
    url = step_url(step, request.get_full_path() if request.method == "GET" else "")
    return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)


class SecondFactorMiddleware:
    """Organiser pages and the admin (not its sign-in and sign-out) only for a session that owes
    nothing; others go to the code or set-up step first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace not in GATED_NAMESPACES:
            return None
        if match.view_name in {"admin:login", "admin:logout"}:
            return None
        return gate(request)


def note_authenticator(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """At every sign-in (form, link, join, test client): does this account owe a code?"""
    if request is None or not hasattr(request, "session"):
        return
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        request.session[HAS_DEVICE_KEY] = True
    else:
        request.session.pop(HAS_DEVICE_KEY, None)


def connect_signals() -> None:
    user_logged_in.connect(note_authenticator, dispatch_uid="oocamp-note-authenticator")


# ---- the code after the password ----------------------------------------------------------


def await_code(request: HttpRequest, user) -> None:
    """The password was right and the account has an authenticator: nobody is signed in yet;
    the session remembers whose code is due, for PENDING_SECONDS. Whoever was signed in on
    this browser is signed out first."""
    if request.user.is_authenticated:
        auth.logout(request)
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "at": int(time.time()),
    }


def awaiting_code(request: HttpRequest):
    """(user, backend) whose code this session may give: the account whose password was just
    right, or the signed-in account that has an authenticator but gave no code yet (after a
    sign-in link). None when no code is due."""
    if request.user.is_authenticated:
        if verified(request):
            return None
        if authenticator_of(request.user) is None:
            request.session.pop(HAS_DEVICE_KEY, None)  # reset by an administrator meanwhile
            return None
        return request.user, None
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = auth.get_user_model()._default_manager.filter(pk=pending["user"], is_active=True)
    found = user.first()
    return (found, pending["backend"]) if found else None


def sign_in_with_code(request: HttpRequest, user, backend: str | None, code: str) -> None:
    """Check the code; then sign in (after a password) or raise the session to verified (after a
    link), with a new session key either way. Raises CodeRefused."""
    device = check_code(user, code)
    if request.user.is_authenticated:
        request.session.cycle_key()
    else:
        request.session.pop(PENDING_KEY, None)
        actions.sign_in(request=request, user=user, backend=backend)
    django_otp.login(request, device)
    request.session[HAS_DEVICE_KEY] = True


def check_code(user, code: str) -> TOTPDevice:
    device, verdict = actions.check_authenticator_code(user=user, code=code)
    if verdict == actions.CODE_ACCEPTED:
        return device
    if verdict == actions.CODE_THROTTLED:
        assert device is not None  # only a device counts wrong codes
        left = CODE_WINDOW - (timezone.now() - device.throttling_failure_timestamp).total_seconds()
        minutes = max(1, math.ceil(left / 60))
        raise CodeRefused(
            ngettext(
                "Too many wrong codes. Wait %(minutes)d minute and try again, or ask an "
                "administrator to reset your authenticator.",
                "Too many wrong codes. Wait %(minutes)d minutes and try again, or ask an "
                "administrator to reset your authenticator.",
                minutes,
            )
            % {"minutes": minutes}
        )
    if verdict == actions.CODE_REUSED:
        raise CodeRefused(_("This code was used already. Wait for the next one and enter that."))
    raise CodeRefused(
        _("This code is not right. Enter the 6-digit code your authenticator app shows now.")
    )


# ---- setting up an authenticator ----------------------------------------------------------


def setup_secret(request: HttpRequest) -> str:
    """The secret (hex) being set up in this session, new the first time."""
    if not request.session.get(SETUP_KEY):
        request.session[SETUP_KEY] = random_hex(20)
    return request.session[SETUP_KEY]


def setup_details(request: HttpRequest) -> dict[str, str]:
    """What the set-up page shows: the secret as text (in groups of four) and as a QR code."""
    key = setup_secret(request)
    unsaved = TOTPDevice(user=request.user, key=key)
    secret = base64.b32encode(unhexlify(key)).decode().rstrip("=")
    return {
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr": qr.svg_data_uri(unsaved.config_url, scale=5, border=2),
    }


def confirm_setup(request: HttpRequest, code: str) -> TOTPDevice:
    """A right code for the secret on the set-up page makes it the account's authenticator
    (replacing any earlier one) and this session verified. Raises CodeRefused."""
    if authenticator_of(request.user) is not None and not verified(request):
        raise CodeRefused(_("Give the code of your current authenticator first."))
    key = request.session.get(SETUP_KEY)
    totp = TOTP(unhexlify(key), drift=0) if key else None
    if totp is None or not totp.verify(int(code), tolerance=1):
        raise CodeRefused(
            _(
                "This code is not right. Check that the app shows OOcamp with your name, and "
                "enter the code it shows now."
            )
        )
    assert key is not None  # there is a TOTP only for a key
    device = actions.replace_authenticator(user=request.user, key=key, last_t=totp.t())
    del request.session[SETUP_KEY]
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[HAS_DEVICE_KEY] = True
    return device
