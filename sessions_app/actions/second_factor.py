"""An account's authenticator app (django-otp's `TOTPDevice`): checking a code, which counts
wrong ones on the device's row, and making a newly set-up app the account's only one. What a
session owes and when is decided in `sessions_app.second_factor`."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

CODE_LIMIT = 10  # wrong codes in a row ...
CODE_WINDOW = 15 * 60  # ... then none is checked for this many seconds after the last one

# what a code was found to be
CODE_ACCEPTED, CODE_THROTTLED, CODE_REUSED, CODE_WRONG = "ok", "throttled", "reused", "wrong"


@transaction.atomic
def check_authenticator_code(*, user, code: str) -> tuple[TOTPDevice | None, str]:
    """The device row is locked, so two requests cannot both use one code. Returns rather than
    raises, so the count of wrong codes is saved."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update().first()
    if device is None:
        return None, CODE_WRONG
    if device.throttling_failure_count >= CODE_LIMIT and (
        timezone.now() - device.throttling_failure_timestamp < timedelta(seconds=CODE_WINDOW)
    ):
        return device, CODE_THROTTLED
    if device.verify_token(code):  # counts a wrong (or reused) code, clears the count if right
        return device, CODE_ACCEPTED
    return device, CODE_REUSED if _used_already(device, code) else CODE_WRONG


def _used_already(device: TOTPDevice, code: str) -> bool:
    """Whether `code` is right for a step within the tolerance that was used already."""
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return any(
        hotp(device.bin_key, t, digits=device.digits) == int(code)
        for t in range(now - device.tolerance, now + device.tolerance + 1)
        if t <= device.last_t
    )


@transaction.atomic
def replace_authenticator(*, user, key: str, last_t: int) -> TOTPDevice:
    """The app just set up (its secret `key`, the time step of the code that confirmed it)
    becomes the account's authenticator, replacing any earlier one."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user,
        name="authenticator app",
        key=key,
        confirmed=True,
        last_t=last_t,  # this code cannot be used again to sign in
    )
