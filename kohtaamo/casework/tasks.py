"""Periodic jobs of case management."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from kohtaamo.core.schedule import every


@every(timedelta(hours=1))
@task()
def create_casework_reminders() -> int:
    """Reminders for § 36 deadlines, assessments to complete, plan reviews, decisions waiting
    for a signature, service periods ending and matters without activity (each made once)."""
    from kohtaamo.casework.actions.followup import create_reminders

    return create_reminders()
