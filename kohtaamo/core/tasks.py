"""Foundation background jobs. Domain apps keep theirs in their own tasks.py."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task

from kohtaamo.accounts.actions import purge_old_login_failures
from kohtaamo.core.schedule import every


@every(timedelta(hours=1))
@task()
def purge_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@every(timedelta(hours=1))
@task()
def purge_login_failures() -> int:
    return purge_old_login_failures()


@every(timedelta(days=1))
@task()
def verify_audit_chains() -> int:
    """Nightly check of the audit chains; a problem fails the task, which shows in the admin."""
    from kohtaamo.audit.actions import verify_all

    count, problems = verify_all()
    if problems:
        raise RuntimeError(f"audit chain problems: {len(problems)} in {count} entries")
    return count
