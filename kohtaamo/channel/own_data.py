"""Sections of the client's own page ("Omat tiedot"), as a small registry.

Apps that keep client documents add what the client should see about themselves (a plan,
upcoming meetings...) without this app importing them:

    from kohtaamo.channel.own_data import section

    @section("groupwork-meetings", order=30, template="groupwork/own_meetings.html")
    def upcoming_meetings(actor, people):
        rows = ...                         # read the documents of `people`
        log_client_reads(actor, [(p.code, "groupwork.meeting", m.pk) for ...])
        return {"meetings": rows} or None  # None hides the section

`people` are the client's records (one per organisation's registry) found by the keyed hash of
the identity code. A section that reads client documents logs them with `log_client_reads`
(purpose "the client's own request"). Register from your AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kohtaamo.audit.actions import Actor, log_access_many
from kohtaamo.audit.models import AccessLogEntry


@dataclass(frozen=True)
class OwnSection:
    key: str
    order: int
    template: str
    build: Callable


_SECTIONS: dict[str, OwnSection] = {}


def section(key: str, *, order: int, template: str):
    def decorator(function):
        _SECTIONS[key] = OwnSection(key, order, template, function)
        return function

    return decorator


def sections_for(actor: Actor, people: list) -> list[dict]:
    result = []
    for item in sorted(_SECTIONS.values(), key=lambda s: s.order):
        context = item.build(actor, people)
        if context is not None:
            result.append({"key": item.key, "template": item.template, **context})
    return result


def log_client_reads(actor: Actor, items: list[tuple], *, export: bool = False) -> None:
    log_access_many(
        actor,
        items,
        action=AccessLogEntry.Action.EXPORT if export else AccessLogEntry.Action.VIEW,
        purpose=AccessLogEntry.Purpose.CLIENT_REQUEST,
    )


# The channel's own sections and the ones it can read without a hook -------------------------


@section("casework-matters", order=10, template="channel/own/matters.html")
def client_matters(actor: Actor, people: list):
    """Open client matters with their responsible worker (the plan will be shown here once
    case management records one)."""
    from kohtaamo.casework.models import ClientMatter

    rows = list(
        ClientMatter.objects.filter(person__in=people)
        .select_related("responsible_worker", "organisation")
        .order_by("-pending_at")[:20]
    )
    log_client_reads(actor, [(_code(people, m), "casework.matter", m.pk) for m in rows])
    return {"matters": rows}


@section("casework-plan", order=15, template="channel/own/plan.html")
def client_plans(actor: Actor, people: list):
    """The client's own copy of their client plan (§ 39): the situation, what they want, goals,
    who does what by when, and the next review. Read from case management when it has plans."""
    from django.apps import apps

    try:
        plan_model = apps.get_model("casework", "ClientPlan")
    except LookupError:
        return None
    plans = list(
        plan_model.objects.filter(matter__person__in=people)
        .exclude(status="ended")
        .select_related("matter")
        .prefetch_related("goals", "steps")
        .order_by("-created_at")[:5]
    )
    if not plans:
        return None
    log_client_reads(
        actor, [(_code_of(people, p.matter.person_id), "casework.plan", p.pk) for p in plans]
    )
    return {"plans": plans}


@section("channel-requests", order=20, template="channel/own/requests.html")
def contact_requests(actor: Actor, people: list):
    from kohtaamo.channel.models import ContactRequest

    rows = list(ContactRequest.objects.filter(person__in=people).order_by("-received_at")[:20])
    if not rows:
        return None
    log_client_reads(actor, [(_code(people, r), "channel.contact_request", r.pk) for r in rows])
    return {"requests": rows}


def _code(people: list, row):
    return _code_of(people, row.person_id)


def _code_of(people: list, person_id):
    return next(p.code for p in people if p.pk == person_id)
