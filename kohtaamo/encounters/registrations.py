"""What the desk adds to shared pages: navigation, "my day", the person page and the registry
search. Registered from EncountersConfig.ready()."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.audit.actions import Actor, log_access_many
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.core.myday import register
from kohtaamo.core.registry import nav_item, person_section
from kohtaamo.encounters.access import (
    can_record,
    counts_org_ids,
    desk_org_ids,
    encounters_visible_to,
)
from kohtaamo.encounters.models import Encounter, EncounterWorker
from kohtaamo.people import contact_code
from kohtaamo.people.search import search_extra

nav_item(
    "desk",
    label=_("Desk"),
    url_name="encounters:new",
    order=40,
    visible=lambda user: can_record(user),
)
nav_item(
    "desk-counts",
    label=_("Contact counts"),
    url_name="encounters:counts",
    order=45,
    visible=lambda user: not can_record(user) and bool(counts_org_ids(user)),
)


@register("desk-today", order=10, template="encounters/myday_today.html")
def my_contacts_today(request):
    user = request.user
    if not desk_org_ids(user):
        return None
    start = datetime.datetime.combine(
        timezone.localdate(), datetime.time.min, timezone.get_current_timezone()
    )
    ids = list(
        EncounterWorker.objects.filter(user=user, started_at__gte=start)
        .order_by("-started_at")
        .values_list("encounter_id", flat=True)[:50]
    )
    rows = list(
        Encounter.objects.filter(pk__in=ids[:10])
        .select_related("place")
        .prefetch_related("themes")
        .order_by("-started_at")
    )
    return {"rows": rows, "count": len(ids), "more": len(ids) >= 50}


@person_section("desk-timeline", order=30, template="encounters/person_timeline.html")
def person_timeline(request, person):
    """Contacts, consents and client matters of the person, newest first, each read through its
    own gate (the person page's gate does not decide for them); each document read is written to
    the access log."""
    from kohtaamo.casework.access import matters_visible_to, notifications_visible_to

    user = request.user
    encounters = list(
        encounters_visible_to(user)
        .filter(person=person)
        .select_related("place")
        .prefetch_related("themes", "support")
        .order_by("-started_at")[:30]
    )
    consents = list(person.consents.all())  # a consent is seen through its person
    matters = list(matters_visible_to(user).filter(person=person).order_by("-pending_at"))
    notifications = list(
        notifications_visible_to(user).filter(person=person).order_by("-received_at")
    )
    items = (
        [("encounter", e.started_at, e) for e in encounters]
        + [("consent", c.given_at, c) for c in consents]
        + [("matter", m.pending_at, m) for m in matters]
        + [("notification", n.received_at, n) for n in notifications]
    )
    items.sort(key=lambda t: t[1], reverse=True)
    log_access_many(
        Actor.from_request(request),
        [(person.code, "encounters.encounter", e.pk) for e in encounters]
        + [(person.code, "people.consent", c.pk) for c in consents]
        + [(person.code, "casework.matter", m.pk) for m in matters]
        + [(person.code, "casework.contact_notification", n.pk) for n in notifications],
        action=AccessLogEntry.Action.VIEW,
        purpose=AccessLogEntry.Purpose.CLIENT_WORK,
    )
    can_write = person.organisation_id in request.user.organisation_ids(client_access=("write",))
    return {
        "timeline": [{"kind": k, "at": at, "obj": obj} for k, at, obj in items],
        "can_write": can_write,
        "new_contact_url_person": person.code,
    }


@search_extra("desk-contact-code", template="encounters/registry_code_extra.html")
def registry_contact_code(request, query, hits):
    """A contact code no person has yet: point to the pseudonymous contacts recorded with it."""
    code = contact_code.normalise(query)
    if not code or hits:
        return None
    org_ids = desk_org_ids(request.user)
    count = Encounter.objects.filter(
        organisation_id__in=org_ids, contact_code_hash=contact_code.hash_code(code)
    ).count()
    return {"code": code, "code_count": count}
