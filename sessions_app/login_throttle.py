"""Password sign-in throttled per account name and client address.

Organisers (and the admin) sign in with a password; without a limit anyone can try passwords
as fast as the server answers. After `LIMIT` failed attempts for one username from one address
within `WINDOW` seconds, every further attempt is refused with a clear message, **even with the
right password**, until the window (counted from the first failure) has passed. A success
before that clears the count.

The count lives in Django's cache: with `REDIS_URL` set (production with several processes) it
is shared by all of them; without it each process counts on its own, so the effective limit is
`LIMIT` per process. Keys are hashes, so no username or address is stored in clear.

Why not django-axes: it brings a middleware, an authentication backend, three models and
migrations, and locks accounts in the database; a form mixin over the cache does what is needed
here without a new dependency and without a lock-out an attacker could use against an organiser
from other addresses (the key includes the address).
"""

import hashlib

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from sessions_app.requests import client_ip

LIMIT = 10  # failed attempts per username and address ...
WINDOW = 15 * 60  # ... per this many seconds, counted from the first failure


def _key(username: str, address: str | None) -> str:
    raw = f"{username.strip().casefold()}|{address or '-'}"
    return "login-failures:" + hashlib.sha256(raw.encode()).hexdigest()


def failures(username: str, address: str | None) -> int:
    return int(cache.get(_key(username, address), 0))


def record_failure(username: str, address: str | None) -> int:
    key = _key(username, address)
    cache.add(key, 0, timeout=WINDOW)  # starts the window; a later add leaves it alone
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW)
        return 1


def clear_failures(username: str, address: str | None) -> None:
    cache.delete(_key(username, address))


class ThrottledLoginMixin:
    """For an AuthenticationForm: refuse before checking the password once the limit is hit."""

    request: HttpRequest | None  # AuthenticationForm's

    def _address(self) -> str | None:
        return client_ip(self.request) if self.request is not None else None

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = self._address()
        if username and failures(username, address) >= LIMIT:
            minutes = WINDOW // 60
            raise forms.ValidationError(
                ngettext(
                    "Too many failed sign-in attempts. Wait %(minutes)d minute and try again, "
                    "or get a sign-in link by mail.",
                    "Too many failed sign-in attempts. Wait %(minutes)d minutes and try again, "
                    "or get a sign-in link by mail.",
                    minutes,
                ),
                code="throttled",
                params={"minutes": minutes},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                record_failure(username, address)
            raise
        clear_failures(username, address)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
