"""The client's own data through the identification seam: their records, what the registered
sections show (client matters, requests...) and who has viewed their data (the access log,
Client Data Act 703/2023 § 11). Every look, and every download, is itself access-logged with
the purpose "the client's own request"."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from kohtaamo.accounts.models import Organisation, Role, User
from kohtaamo.audit.actions import Actor
from kohtaamo.channel import own_data, phrases
from kohtaamo.channel.identity import StrongIdentity
from kohtaamo.people.actions import access_report

OBJECT = "channel.own_data"
CLIENT_LABEL = "client"  # the "username" of the client's own entries in the access log
REPORT_DAYS = 730  # the log report covers two years (standards.md 3.4)


def client_actor(request) -> Actor:
    return Actor.external(
        CLIENT_LABEL, source=request.META.get("REMOTE_ADDR", ""), channel="client"
    )


def people_for(identity: StrongIdentity) -> list:
    from kohtaamo.people.models import Person

    return list(
        Person.objects.filter(hetu_hash=identity.hetu_hash)
        .select_related("organisation")
        .order_by("organisation__name_fi")
    )


@dataclass
class LogRow:
    at: datetime.datetime
    who: str
    role: str
    organisation: str
    what: str
    why: str
    action: str
    yours: bool


@dataclass
class OwnData:
    people: list
    rows: list[LogRow] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    start: datetime.date | None = None
    end: datetime.date | None = None


def _rows(entries) -> list[LogRow]:
    """Log entries in words: names for users, roles and organisations in three queries."""
    entries = list(entries)
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in={e.user_id_ref for e in entries if e.user_id_ref})
    }
    role_keys = {k for e in entries for k in e.roles.split(",") if k}
    roles = {r.key: r.name for r in Role.objects.filter(key__in=role_keys)}
    orgs = {
        o.pk: o.name
        for o in Organisation.objects.filter(
            pk__in={e.organisation_ref for e in entries if e.organisation_ref}
        )
    }
    rows = []
    for e in entries:
        yours = e.channel == "client" and e.username == CLIENT_LABEL
        user = users.get(e.user_id_ref)
        if yours:
            who = str(phrases.YOU)
        elif user is not None:
            who = user.get_full_name() or user.username
        elif e.channel == "system":
            who = str(phrases.SYSTEM_ACTOR)
        else:
            who = e.username or "–"
        rows.append(
            LogRow(
                at=e.at,
                who=who,
                role=", ".join(roles.get(k, k) for k in e.roles.split(",") if k),
                organisation=orgs.get(e.organisation_ref, ""),
                what=str(phrases.OBJECT_LABELS.get(e.object_type, phrases.OTHER_OBJECT)),
                why=e.get_purpose_display(),
                action=e.get_action_display(),
                yours=yours,
            )
        )
    return rows


def _period(days: int = REPORT_DAYS):
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    start = today - datetime.timedelta(days=days)
    return (
        start,
        today,
        datetime.datetime.combine(start, datetime.time.min, tz),
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, tz),
    )


@transaction.atomic
def open_own_data(actor: Actor, identity: StrongIdentity, *, export: bool = False) -> OwnData:
    people = people_for(identity)
    if not people:
        return OwnData(people=[])
    own_data.log_client_reads(actor, [(p.code, OBJECT, p.pk) for p in people], export=export)
    start, end, start_at, end_at = _period()
    entries = []
    for person in people:
        entries += list(access_report(person, start=start_at, end=end_at))
    entries.sort(key=lambda e: e.at, reverse=True)
    return OwnData(
        people=people,
        rows=_rows(entries),
        sections=own_data.sections_for(actor, people),
        start=start,
        end=end,
    )
