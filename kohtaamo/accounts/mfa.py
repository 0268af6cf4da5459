"""Two-factor authentication with django-otp: TOTP devices and recovery codes."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Kohtaamo", confirmed=False)


def totp_secret_b32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def provisioning_qr_svg(device: TOTPDevice, user) -> str:
    uri = (
        f"otpauth://totp/{settings.OTP_TOTP_ISSUER}:{user.username}"
        f"?secret={totp_secret_b32(device)}&issuer={settings.OTP_TOTP_ISSUER}"
        f"&digits={device.digits}&period={device.step}"
    )
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff")


@transaction.atomic
def confirm_setup(request, device: TOTPDevice) -> list[str]:
    """Confirm the TOTP device, issue fresh recovery codes and mark the session verified."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    static, _ = StaticDevice.objects.get_or_create(user=request.user, name="recovery")
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    otp_login(request, device)
    return codes


def verify(request, token: str) -> bool:
    """Verify a TOTP code or a single-use recovery code; on success the session is verified."""
    candidates = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    candidates += list(StaticDevice.objects.filter(user=request.user, confirmed=True))
    for device in candidates:
        if device.verify_is_allowed()[0] and device.verify_token(token):
            otp_login(request, device)
            return True
    return False
