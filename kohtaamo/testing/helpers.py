"""Test helpers: verified logins and query-count assertions."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def login_verified(client, user):
    """Log the test client in as `user` with a verified second factor."""
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as ctx:
        function()
    return len(ctx.captured_queries)


def assert_constant_queries(make_rows, request, *, sizes=(1, 3)):
    """Query count of `request()` must not grow with the rows `make_rows(n)` adds."""
    counts = []
    made = 0
    for index, size in enumerate(sizes):
        make_rows(size - made)
        made = size
        if index == 0:
            request()  # warm up: first-time rows (session, audit chain head) are not per-row cost
        counts.append(count_queries(request))
    assert len(set(counts)) == 1, (
        f"query count grows with rows: {dict(zip(sizes, counts, strict=True))}"
    )
    return counts[0]
