"""What case management adds to shared pages: navigation, the person page, "my day". Registered
from CaseworkConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kohtaamo.audit.actions import Actor
from kohtaamo.casework.access import can_record, matters_visible_to, sees_quality_results
from kohtaamo.casework.actions.common import MATTER, log_reads
from kohtaamo.casework.models import ClientPlan
from kohtaamo.core.myday import register
from kohtaamo.core.registry import nav_item, person_section

nav_item(
    "caseload",
    label=_("Caseload"),
    url_name="casework:caseload",
    order=55,
    visible=lambda user: bool(user.organisation_ids()) or user.has_capability("sees_aggregates"),
)
nav_item(
    "my-steps",
    label=_("My plan steps"),
    url_name="casework:my-steps",
    order=56,
    visible=lambda user: not user.organisation_ids() and user.has_capability("handles_referrals"),
)
nav_item(
    "quality",
    label=_("Quality criteria"),
    url_name="casework:quality",
    order=85,
    visible=lambda user: (
        bool(user.active_memberships())
        and (bool(user.organisation_ids()) or sees_quality_results(user))
    ),
)


@person_section("casework-matters", order=20, template="casework/person_section.html")
def person_matters(request, person):
    """The person's client matters with their responsible worker and current plan."""
    from django.db.models import Prefetch

    matters = list(
        matters_visible_to(request.user)
        .filter(person=person)
        .select_related("responsible_worker", "team")
        .prefetch_related(
            Prefetch(
                "plans",
                queryset=ClientPlan.objects.exclude(status=ClientPlan.Status.ENDED),
                to_attr="current_plans",
            )
        )
        .order_by("-pending_at")
    )
    log_reads(Actor.from_request(request), [(person.code, MATTER, m.pk) for m in matters])
    return {
        "matters": matters,
        "can_open": can_record(request.user)
        and person.organisation_id in request.user.organisation_ids(client_access=("write",)),
    }


@register("casework-tasks", order=25, template="casework/myday_tasks.html")
def my_tasks(request):
    from kohtaamo.casework import actions

    user = request.user
    if not user.active_memberships():
        return None
    actor = Actor.from_request(request)
    tasks = actions.tasks_for(actor, user, limit=15)
    caseload = None
    if can_record(user):
        from django.conf import settings

        from kohtaamo.casework.actions.team import caseload_queryset

        count = caseload_queryset(user).count()
        caseload = {
            "count": count,
            "cap": settings.CASELOAD_CAP,
            "over_cap": count >= settings.CASELOAD_CAP,
        }
    if not tasks and not caseload:
        return None
    return {"tasks": tasks, "caseload": caseload}
