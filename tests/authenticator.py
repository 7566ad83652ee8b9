"""What an authenticator app does, written out from RFC 6238 (TOTP over RFC 4226's HOTP,
SHA-1, 30-second steps, 6 digits) so the tests check OOcamp against the standard rather than
against django-otp's own arithmetic."""

import base64
import hashlib
import hmac
import struct
import time


def code(secret: str, at: float | None = None) -> str:
    """The code an app shows at `at` (default: now) for `secret`, the base32 key as OOcamp
    shows it (spaces and missing padding allowed)."""
    compact = secret.replace(" ", "").upper()
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    step = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def make_authenticator(user) -> str:
    """Give `user` a confirmed authenticator; returns its secret in base32, as the app has it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    return base64.b32encode(device.bin_key).decode()
