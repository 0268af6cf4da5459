"""Periodic job: a follow-up task when a referral's confirmation is overdue by the agreed
response time (shown in "my day")."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from kohtaamo.core.schedule import every
from kohtaamo.referrals.actions import create_overdue_tasks


@every(timedelta(minutes=30))
@task()
def referral_follow_ups() -> int:
    return create_overdue_tasks()
