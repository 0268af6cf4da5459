"""The instruments' section on the person page: each instrument's latest result and trend."""

from __future__ import annotations

from kohtaamo.audit.actions import Actor
from kohtaamo.core.registry import person_section
from kohtaamo.instruments.actions import person_results


@person_section("instrument-results", order=40, template="instruments/person_section.html")
def instrument_results(request, person):
    rows = person_results(Actor.from_request(request), person, limit=30)
    latest = {}
    for r in rows:  # oldest first, so the last one per key wins
        latest[r.instrument.key] = r
    counts = {}
    for r in rows:
        counts[r.instrument.key] = counts.get(r.instrument.key, 0) + 1
    can_write = person.organisation_id in request.user.organisation_ids(client_access=("write",))
    return {
        "latest": [
            {"result": r, "count": counts[k]}
            for k, r in sorted(latest.items(), key=lambda kv: kv[1].at, reverse=True)
        ],
        "can_write": can_write,
    }
