"""Periodic job of outreach: the safety check. The board also runs the overdue check on every
poll, so an alert appears there even if this job is late."""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from kohtaamo.core.schedule import every

LOCATION_KEEP = timedelta(days=7)


@every(timedelta(seconds=30))
@task()
def check_safety() -> dict:
    """Raise alerts for overdue check-ins, repeat open alerts to the on-call person, and drop the
    locations of check-ins a week after their shift ended."""
    from kohtaamo.outreach.actions import notify_pending, raise_overdue_alerts

    raised = raise_overdue_alerts()
    sent = notify_pending()
    return {"raised": len(raised), "sent": sent, "locations_dropped": drop_old_locations()}


def drop_old_locations(now: datetime.datetime | None = None) -> int:
    from kohtaamo.outreach.models import CheckIn

    now = now or timezone.now()
    return CheckIn.objects.filter(
        latitude__isnull=False, shift__ended_at__lt=now - LOCATION_KEEP
    ).update(latitude=None, longitude=None, accuracy_m=None)
