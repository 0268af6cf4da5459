"""What referrals add to shared pages: navigation, "my day", the person page and the directory's
service page. Registered from ReferralsConfig.ready()."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.audit.actions import Actor
from kohtaamo.core.myday import register
from kohtaamo.core.registry import nav_item, person_section
from kohtaamo.directory.registry import service_section
from kohtaamo.referrals import actions
from kohtaamo.referrals.access import can_refer, figures_org_ids, member_org_ids, referral_org_ids
from kohtaamo.referrals.models import FollowUpTask, PathStep, Referral

nav_item(
    "referrals",
    label=_("Referrals"),
    url_name="referrals:list",
    order=65,
    visible=lambda user: bool(referral_org_ids(user)),
)
nav_item(
    "referral-figures",
    label=_("Referral figures"),
    url_name="referrals:figures",
    order=90,
    visible=lambda user: bool(figures_org_ids(user)) and not referral_org_ids(user),
)


@register("referral-follow-ups", order=20, template="referrals/myday_tasks.html")
def my_follow_ups(request):
    """Referrals of mine whose confirmation is overdue: did the person arrive?"""
    if not can_refer(request.user):
        return None
    tasks = list(
        FollowUpTask.objects.open()
        .filter(assigned_to=request.user)
        .select_related("referral__service__organisation", "referral__person")
        .order_by("due_at")[:20]
    )
    waiting = Referral.objects.open().filter(created_by=request.user).count()
    if not tasks and not waiting:
        return None
    actions.log_listed(Actor.from_request(request), [t.referral for t in tasks])
    return {"tasks": tasks, "waiting": waiting, "now": timezone.now()}


@person_section("referrals", order=40, template="referrals/person_section.html")
def person_referrals(request, person):
    referrals = list(
        Referral.objects.filter(person=person, organisation_id__in=referral_org_ids(request.user))
        .select_related("service__organisation")
        .order_by("-created_at")[:20]
    )
    for r in referrals:
        r.person = person  # the log needs the person's code: not one query per referral
    actions.log_listed(Actor.from_request(request), referrals)
    return {"referrals": referrals, "can_refer": can_refer(request.user), "person": person}


@service_section("referral-paths", order=10, template="referrals/service_section.html")
def service_paths(request, service):
    steps = list(
        PathStep.objects.filter(
            service=service, path__organisation_id__in=member_org_ids(request.user)
        )
        .select_related("path")
        .order_by("path__name_fi")
    )
    return {"steps": steps, "can_refer": can_refer(request.user), "service": service}
