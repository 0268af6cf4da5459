"""The matter itself, its team (responsible worker, team members, partner workers), the client's
network, and a worker's caseload."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor, record_change
from kohtaamo.casework.access import get_matter_for_user
from kohtaamo.casework.actions.common import (
    MATTER,
    MEMBER,
    NETWORK,
    CaseworkError,
    changed,
    created,
    log_read,
    log_reads,
    require_open,
    touch,
)
from kohtaamo.casework.models import (
    ClientMatter,
    ClientPlan,
    MatterMember,
    NetworkMember,
    SupportMeeting,
    Task,
)
from kohtaamo.people.consent import Consent
from kohtaamo.people.consent_actions import record_consent


def open_matter(actor: Actor, user, code, *, write: bool = False) -> ClientMatter:
    """Fetch a matter through its gate and access-log the read (the gate refuses before anything
    is written; the entry joins the caller's transaction or batch if there is one)."""
    matter = get_matter_for_user(user, code, write=write)
    log_read(actor, matter, MATTER, matter.pk)
    return matter


@transaction.atomic
def update_matter(actor: Actor, matter: ClientMatter, **fields) -> ClientMatter:
    require_open(matter)
    before = matter.audit_snapshot()
    for name, value in fields.items():
        setattr(matter, name, value)
    matter.save()
    changed(actor, matter, MATTER, matter, before)
    touch(matter)
    return matter


def _is_social_worker(user, organisation_id: int) -> bool:
    # § 42: with special support need, the responsible worker must be a social worker; the role
    # capability standing for that qualification is `is_official` (the social worker's role).
    return any(
        m.role.is_official and m.organisation_id == organisation_id
        for m in user.active_memberships()
    )


def _end_active(matter: ClientMatter, user) -> None:
    MatterMember.objects.filter(matter=matter, user=user, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


@transaction.atomic
def set_responsible_worker(actor: Actor, matter: ClientMatter, worker, *, by) -> ClientMatter:
    """Name the responsible worker (omatyöntekijä, § 42); the previous one stays in the team."""
    require_open(matter)
    if not worker.organisation_ids(client_access=("write",)):
        raise CaseworkError(
            _("The responsible worker must be someone who records client work."), field="user"
        )
    if matter.special_support and not _is_social_worker(worker, matter.organisation_id):
        raise CaseworkError(
            _(
                "The client needs special support (§ 46): the responsible worker must be a "
                "social worker (§ 42)."
            ),
            field="user",
        )
    previous = matter.responsible_worker
    if previous is not None and previous.pk == worker.pk:
        return matter
    now = timezone.now()
    if previous is not None:
        old = MatterMember.objects.filter(
            matter=matter, user=previous, ended_at__isnull=True, role=MatterMember.Role.RESPONSIBLE
        ).first()
        if old is not None:
            old.ended_at = now
            old.save(update_fields=["ended_at"])
            MatterMember.objects.create(
                matter=matter, user=previous, role=MatterMember.Role.TEAM, added_by=by
            )
    _end_active(matter, worker)
    member = MatterMember.objects.create(
        matter=matter, user=worker, role=MatterMember.Role.RESPONSIBLE, added_by=by
    )
    matter.responsible_worker = worker
    matter.save(update_fields=["responsible_worker"])
    record_change(
        actor,
        person_code=matter.person.code,
        object_type=MATTER,
        object_ref=matter.pk,
        action="update",
        changes={"responsible_worker": [previous.pk if previous else None, worker.pk]},
    )
    record_change(
        actor,
        person_code=matter.person.code,
        object_type=MEMBER,
        object_ref=member.pk,
        action="create",
        changes={"user": [None, worker.pk], "role": [None, member.role]},
    )
    touch(matter)
    return matter


@transaction.atomic
def add_member(
    actor: Actor, matter: ClientMatter, user, *, role: str, by, title: str = ""
) -> MatterMember:
    require_open(matter)
    if role == MatterMember.Role.RESPONSIBLE:
        set_responsible_worker(actor, matter, user, by=by)
        return MatterMember.objects.get(matter=matter, user=user, ended_at__isnull=True)
    if MatterMember.objects.filter(matter=matter, user=user, ended_at__isnull=True).exists():
        raise CaseworkError(_("This person is already in the matter's team."), field="user")
    member = MatterMember.objects.create(
        matter=matter, user=user, role=role, title=title, added_by=by
    )
    record_change(
        actor,
        person_code=matter.person.code,
        object_type=MEMBER,
        object_ref=member.pk,
        action="create",
        changes={"user": [None, user.pk], "role": [None, role], "title": [None, title]},
    )
    touch(matter)
    return member


@transaction.atomic
def end_member(actor: Actor, member: MatterMember) -> MatterMember:
    if member.role == MatterMember.Role.RESPONSIBLE:
        raise CaseworkError(_("Name another responsible worker first."))
    if member.ended_at is None:
        member.ended_at = timezone.now()
        member.save(update_fields=["ended_at"])
        record_change(
            actor,
            person_code=member.matter.person.code,
            object_type=MEMBER,
            object_ref=member.pk,
            action="update",
            changes={"ended_at": [None, member.ended_at]},
        )
    return member


@transaction.atomic
def add_network_member(
    actor: Actor,
    matter: ClientMatter,
    *,
    by,
    kind: str,
    name: str,
    relation: str = "",
    contact: str = "",
    may_contact: bool = False,
    consent_given: bool,
    consent_method: str = Consent.Method.ORAL,
) -> NetworkMember:
    """Add someone to the client's network. The client's consent is recorded with it (a
    `people.Consent` naming the person or service); without consent nothing is saved."""
    require_open(matter)
    if not consent_given:
        raise CaseworkError(
            _(
                "Ask the client first: people and services are added to the network only with consent."
            ),
            field="consent_given",
        )
    consent = record_consent(
        actor,
        matter.person,
        scope=Consent.Scope.SHARING if may_contact else Consent.Scope.RECORDING,
        purpose=_("Client network: %(name)s") % {"name": name[:150]},
        recipient=name[:200] if may_contact else "",
        recorded_by=by,
        method=consent_method,
    )
    member = NetworkMember.objects.create(
        matter=matter,
        kind=kind,
        name=name,
        relation=relation,
        contact=contact,
        may_contact=may_contact,
        consent=consent,
        added_by=by,
    )
    created(actor, matter, NETWORK, member)
    touch(matter)
    return member


@transaction.atomic
def remove_network_member(actor: Actor, member: NetworkMember) -> NetworkMember:
    if member.removed_at is None:
        before = member.audit_snapshot()
        member.removed_at = timezone.now()
        member.save(update_fields=["removed_at"])
        changed(actor, member.matter, NETWORK, member, before)
    return member


def caseload_queryset(worker):
    """Open matters with `worker` as the responsible worker (with the person and team)."""
    return (
        ClientMatter.objects.open()
        .filter(responsible_worker=worker)
        .select_related("person", "team")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def annotate_caseload(rows: list[ClientMatter]) -> list[ClientMatter]:
    """What the caseload list shows for each matter, in three grouped queries for any number of
    rows: the next plan review, the next planned meeting, the number of open tasks."""
    from django.db.models import Min

    ids = [m.pk for m in rows]
    reviews = dict(
        ClientPlan.objects.filter(matter_id__in=ids, review_on__isnull=False)
        .exclude(status=ClientPlan.Status.ENDED)
        .values("matter_id")
        .annotate(first=Min("review_on"))
        .values_list("matter_id", "first")
    )
    meetings = dict(
        SupportMeeting.objects.filter(
            matter_id__in=ids, status=SupportMeeting.Status.PLANNED, at__gte=timezone.now()
        )
        .values("matter_id")
        .annotate(first=Min("at"))
        .values_list("matter_id", "first")
    )
    tasks = dict(
        Task.objects.filter(matter_id__in=ids, done_at__isnull=True)
        .values("matter_id")
        .annotate(n=Count("pk"))
        .values_list("matter_id", "n")
    )
    for m in rows:
        m.next_review = reviews.get(m.pk)
        m.next_meeting = meetings.get(m.pk)
        m.open_tasks = tasks.get(m.pk, 0)
    return rows


@transaction.atomic
def caseload_for(actor: Actor, viewer, worker, *, limit: int = 500) -> dict:
    """A worker's caseload: their open matters (each row access-logged) and the cap warning.
    `viewer` must see the matters (the same organisation with client access)."""
    from kohtaamo.casework.access import matter_visibility

    qs = caseload_queryset(worker).filter(matter_visibility(viewer))
    rows = annotate_caseload(list(qs[:limit]))
    count = qs.count() if len(rows) == limit else len(rows)
    log_reads(actor, [(m.person.code, MATTER, m.pk) for m in rows])
    cap = settings.CASELOAD_CAP
    return {"rows": rows, "count": count, "cap": cap, "over_cap": count >= cap}


def caseload_counts(organisation_ids, *, team_ids=None) -> list[dict]:
    """Open matters per responsible worker (no client data): for team overviews and managers."""
    qs = ClientMatter.objects.open().filter(
        organisation_id__in=organisation_ids, responsible_worker__isnull=False
    )
    if team_ids is not None:
        qs = qs.filter(team_id__in=team_ids)
    rows = (
        qs.order_by()
        .values(
            "responsible_worker",
            "responsible_worker__first_name",
            "responsible_worker__last_name",
            "responsible_worker__code",
        )
        .annotate(n=Count("pk"))  # one row per matter: the join to the worker is many-to-one
        .order_by("responsible_worker__last_name", "responsible_worker__first_name")
    )
    cap = settings.CASELOAD_CAP
    return [
        {
            "code": r["responsible_worker__code"],
            "name": f"{r['responsible_worker__first_name']} {r['responsible_worker__last_name']}",
            "count": r["n"],
            "over_cap": r["n"] >= cap,
        }
        for r in rows
    ]


@transaction.atomic(savepoint=False)  # reads only: no savepoint of its own
def person_timeline(actor: Actor, matter: ClientMatter, *, before=None, limit: int = 50):
    """The matter's person's case-management timeline (one query per source), each event shown
    written to the access log."""
    from kohtaamo.casework.queries import timeline

    events = timeline(matter.person, before=before, limit=limit)
    log_reads(actor, [(matter.person.code, e.object_type, e.obj.pk) for e in events])
    return events


@transaction.atomic
def matter_overview(actor: Actor, matter: ClientMatter) -> dict:
    """What the matter page shows besides the matter: its team, network, documents, periods,
    meetings and tasks; every client document listed is access-logged."""
    from kohtaamo.casework.models import (
        Decision,
        ServiceNeedAssessment,
        ServicePeriod,
    )

    members = list(
        matter.members.filter(ended_at__isnull=True).select_related("user").order_by("role", "pk")
    )
    network = list(matter.network.filter(removed_at__isnull=True))
    assessments = list(
        ServiceNeedAssessment.objects.filter(matter=matter).select_related("signed_by")
    )
    plans = list(matter.plans.all())
    decisions = list(Decision.objects.filter(matter=matter).select_related("signed_by", "plan"))
    periods = list(ServicePeriod.objects.filter(matter=matter))
    meetings = list(matter.meetings.select_related("worker").order_by("-at")[:10])
    tasks = list(matter.tasks.filter(done_at__isnull=True).select_related("assignee", "team"))
    code = matter.person.code
    log_reads(
        actor,
        [(code, NETWORK, n.pk) for n in network]
        + [(code, "casework.assessment", a.pk) for a in assessments]
        + [(code, "casework.plan", p.pk) for p in plans]
        + [(code, "casework.decision", d.pk) for d in decisions]
        + [(code, "casework.service_period", p.pk) for p in periods]
        + [(code, "casework.support_meeting", m.pk) for m in meetings],
    )
    current_plan = next((p for p in plans if p.status != ClientPlan.Status.ENDED), None)
    return {
        "members": members,
        "network": network,
        "assessments": assessments,
        "plans": plans,
        "current_plan": current_plan,
        "decisions": decisions,
        "periods": periods,
        "meetings": meetings,
        "tasks": tasks,
    }
