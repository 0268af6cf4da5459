"""What group work gives the evaluation app (nothing here imports evaluation).

- `groupwork.clients(individual_and_group=False, peer_support=False)`: clients (client matters)
  with a social rehabilitation service period overlapping the period; `individual_and_group`
  narrows to those who had a held individual support meeting and took part in a group meeting in
  the period, `peer_support` to those who took part in a group led with a peer instructor or an
  expert by experience, or met one in an individual meeting.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from kohtaamo.casework.evaluation_sources import bounds, grouped, in_scope, unsupported
from kohtaamo.casework.models import ClientMatter, ServicePeriod, SupportMeeting
from kohtaamo.groupwork.models import Attendance, GroupLeader


def clients(
    scope, group_by: str = "total", *, individual_and_group=False, peer_support=False, **_ignored
) -> dict:
    if unsupported(scope):
        return {}
    start, end = bounds(scope)
    in_service = ServicePeriod.objects.filter(
        matter=OuterRef("pk"),
        service=ServicePeriod.Service.SOCIAL_REHABILITATION,
        starts_on__lt=scope.end,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=scope.start))
    qs = in_scope(ClientMatter.objects.all(), scope).filter(Exists(in_service))
    held = SupportMeeting.objects.filter(
        matter=OuterRef("pk"), status=SupportMeeting.Status.HELD, at__gte=start, at__lt=end
    )
    attended = Attendance.objects.filter(
        member__person=OuterRef("person"),
        present=True,
        meeting__at__gte=start,
        meeting__at__lt=end,
        meeting__group__organisation_id=OuterRef("organisation_id"),
    )
    if individual_and_group:
        qs = qs.filter(Exists(held.exclude(kind=SupportMeeting.Kind.NETWORK)), Exists(attended))
    if peer_support:
        peer_led = GroupLeader.objects.filter(
            group=OuterRef("meeting__group"), role__in=GroupLeader.PEER_ROLES
        )
        qs = qs.filter(
            Exists(attended.filter(Exists(peer_led)))
            | Exists(held.filter(with_expert_by_experience=True))
        )
    return grouped(
        qs,
        group_by,
        org="organisation_id",
        unit="unit_id",
        time="pending_at",
        area="person__municipality",
    )


INDICATOR_SOURCES = {"groupwork.clients": clients}
