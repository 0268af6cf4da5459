"""Tasks and reminders for a worker or a team, shown in "my day". The periodic job
`create_reminders` (casework/tasks.py) makes a reminder once per due thing (the `source_key`):
§ 36 start deadlines, assessments to complete, plan reviews, decisions waiting for a signature,
service periods ending, and matters without activity for KOHTAAMO_INACTIVE_MATTER_DAYS days.
Reminders carry no personal data: their text is made from their kind when shown."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor
from kohtaamo.casework.access import tasks_visible_to
from kohtaamo.casework.actions.common import TASK, CaseworkError, log_reads, touch
from kohtaamo.casework.models import (
    ClientMatter,
    ClientPlan,
    Decision,
    DocumentStatus,
    Measurement,
    ServiceNeedAssessment,
    ServicePeriod,
    Task,
)
from kohtaamo.casework.workdays import add_working_days

SOON_DAYS = 7
PERIOD_END_DAYS = 14
START_WARNING_WORKING_DAYS = 2


@transaction.atomic
def create_task(
    actor: Actor,
    *,
    by,
    organisation,
    title: str,
    due_on: datetime.date,
    kind: str = Task.Kind.OTHER,
    matter: ClientMatter | None = None,
    assignee=None,
    team=None,
) -> Task:
    if not title.strip():
        raise CaseworkError(_("Say what is to be done."), field="title")
    if assignee is None and team is None:
        assignee = by
    task = Task.objects.create(
        organisation=organisation,
        matter=matter,
        kind=kind,
        title=title.strip(),
        due_on=due_on,
        assignee=assignee,
        team=team,
        created_by=by,
    )
    from kohtaamo.audit.actions import record_change

    record_change(
        actor,
        person_code=matter.person.code if matter else None,
        object_type=TASK,
        object_ref=task.pk,
        action="create",
        changes={k: [None, v] for k, v in task.audit_snapshot().items() if v not in (None, "")},
    )
    if matter is not None:
        touch(matter)
    return task


@transaction.atomic
def complete_task(actor: Actor, task: Task, *, by) -> Task:
    if task.done_at is None:
        task.done_at, task.done_by = timezone.now(), by
        task.save(update_fields=["done_at", "done_by"])
        from kohtaamo.audit.actions import record_change

        record_change(
            actor,
            person_code=task.matter.person.code if task.matter_id else None,
            object_type=TASK,
            object_ref=task.pk,
            action="update",
            changes={"done_at": [None, task.done_at]},
        )
    return task


@transaction.atomic(savepoint=False)  # reads only: no savepoint of its own
def tasks_for(actor: Actor, user, *, limit: int = 30) -> list[Task]:
    """Open tasks for me and my teams, soonest first; the clients shown are access-logged."""
    rows = list(
        tasks_visible_to(user)
        .for_user(user)
        .open()
        .select_related("matter__person", "assignee", "team")
        .order_by("due_on", "id")[:limit]
    )
    log_reads(actor, [(t.matter.person.code, TASK, t.pk) for t in rows if t.matter_id])
    return rows


def _reminder(matter: ClientMatter, kind: str, key: str, due_on, *, title: str = "") -> Task:
    return Task(
        organisation_id=matter.organisation_id,
        matter=matter,
        kind=kind,
        title=title,
        due_on=due_on,
        assignee_id=matter.responsible_worker_id,
        team_id=matter.team_id if matter.responsible_worker_id is None else None,
        source_key=key[:100],
    )


def create_reminders(now: datetime.datetime | None = None, *, batch: int = 2000) -> int:
    """Make the reminders that are due; each exactly once (unique `source_key`)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    soon = today + datetime.timedelta(days=SOON_DAYS)
    tasks: list[Task] = []
    start_warning = add_working_days(today, START_WARNING_WORKING_DAYS)
    for m in ClientMatter.objects.awaiting_assessment().filter(
        assessment_start_by__isnull=False, assessment_start_by__lte=start_warning
    ):
        tasks.append(_reminder(m, Task.Kind.ASSESSMENT, f"start:{m.pk}", m.assessment_start_by))
    for a in ServiceNeedAssessment.objects.filter(
        status=DocumentStatus.DRAFT, complete_by__lte=soon, matter__status="open"
    ).select_related("matter"):
        tasks.append(
            _reminder(
                a.matter, Task.Kind.ASSESSMENT, f"complete:{a.pk}:{a.complete_by}", a.complete_by
            )
        )
    for p in (
        ClientPlan.objects.exclude(status=ClientPlan.Status.ENDED)
        .filter(review_on__lte=soon, matter__status="open")
        .select_related("matter")
    ):
        tasks.append(
            _reminder(p.matter, Task.Kind.PLAN_REVIEW, f"review:{p.pk}:{p.review_on}", p.review_on)
        )
    waiting_since = now - datetime.timedelta(days=2)
    for d in Decision.objects.filter(
        status=DocumentStatus.DRAFT, created_at__lte=waiting_since, matter__status="open"
    ).select_related("matter"):
        due = add_working_days(timezone.localdate(d.created_at), 5)
        reminder = _reminder(d.matter, Task.Kind.DECISION, f"decision:{d.pk}", due)
        reminder.assignee_id, reminder.team_id = None, d.matter.team_id or None
        if reminder.team_id is None:
            reminder.assignee_id = d.matter.responsible_worker_id
        tasks.append(reminder)
    with_end = Measurement.objects.filter(phase="end").values("period_id")
    for period in (
        ServicePeriod.objects.filter(
            ended_on__isnull=True, ends_on__lte=today + datetime.timedelta(days=PERIOD_END_DAYS)
        )
        .exclude(pk__in=with_end)
        .select_related("matter")
    ):
        if period.matter.status == "open":
            tasks.append(
                _reminder(period.matter, Task.Kind.OTHER, f"period-end:{period.pk}", period.ends_on)
            )
    inactive_before = now - datetime.timedelta(days=settings.INACTIVE_MATTER_DAYS)
    for m in ClientMatter.objects.inactive_since(inactive_before).iterator(chunk_size=batch):
        day = timezone.localdate(m.last_activity_at)
        tasks.append(_reminder(m, Task.Kind.INACTIVE, f"inactive:{m.pk}:{day}", today))
    made = 0
    for i in range(0, len(tasks), batch):
        chunk = tasks[i : i + batch]
        keys = {t.source_key for t in chunk}
        existing = set(
            Task.objects.filter(source_key__in=keys).values_list("source_key", flat=True)
        )
        new = [t for t in chunk if t.source_key not in existing]
        Task.objects.bulk_create(new, ignore_conflicts=True)
        made += len(new)
    return made
