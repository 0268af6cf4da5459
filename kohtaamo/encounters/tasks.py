"""Periodic jobs of the desk."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from kohtaamo.core.schedule import every

IDEMPOTENCY_KEEP = timedelta(hours=24)


@every(timedelta(hours=1))
@task()
def purge_idempotency_keys() -> int:
    """API retries are answered from a stored response for 24 hours; then the key is dropped."""
    from kohtaamo.encounters.models import IdempotencyKey

    deleted, _ = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - IDEMPOTENCY_KEEP
    ).delete()
    return deleted
