"""Indicator sources from anonymous feedback, found by the evaluation app's `autodiscover()`
(this app does not import evaluation).

- `feedback.answers(item, agree=False)`: answers to one question ("heard", "helped", "again");
  with `agree` only the "yes" answers. Questions we do not ask ("safer", "trust") give no data.
- `feedback.responses`: feedback answers given.
- `feedback.offered`: contacts where feedback was offered (a feedback code was issued, or a
  chat was answered and ended).

Answers are counted under their contact's organisation, unit, channel, place and month, in the
period of the contact, so "the client was heard" lines up with the contact counts.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

ITEMS = ("heard", "helped", "again")
YES = 3
GROUP_FIELDS = {
    "organisation": "organisation_id",
    "unit": "unit_id",
    "channel": "channel",
    "place": "place_id",
    "area": "place__municipality",
}


def _bounds(scope):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(scope.start, datetime.time.min, tz),
        datetime.datetime.combine(scope.end, datetime.time.min, tz),
    )


def _encounters(scope, prefix: str):
    start, end = _bounds(scope)
    q = Q(**{f"{prefix}organisation_id__in": scope.organisation_ids})
    q &= Q(**{f"{prefix}started_at__gte": start, f"{prefix}started_at__lt": end})
    if scope.unit_ids is not None:
        q &= Q(**{f"{prefix}unit_id__in": scope.unit_ids})
    if scope.channel:
        q &= Q(**{f"{prefix}channel": scope.channel})
    if scope.place_ids is not None:
        q &= Q(**{f"{prefix}place_id__in": scope.place_ids})
    return q


def _grouped(qs, group_by: str, prefix: str) -> dict:
    parts = [] if group_by == "total" else group_by.split(",")
    exprs = {}
    for i, part in enumerate(parts):
        if part == "month":
            exprs[f"g{i}"] = TruncMonth(f"{prefix}started_at")
        elif part in GROUP_FIELDS:
            exprs[f"g{i}"] = F(f"{prefix}{GROUP_FIELDS[part]}")
        else:
            raise ValueError(f"unknown grouping {part!r}")
    if not exprs:
        n = qs.count()
        return {None: n} if n else {}
    result = {}
    for row in qs.order_by().values(**exprs).annotate(n=Count("pk")):
        values = []
        for i, part in enumerate(parts):
            v = row[f"g{i}"]
            if part == "month" and v is not None:
                v = f"{timezone.localtime(v) if isinstance(v, datetime.datetime) else v:%Y-%m}"
            values.append(v)
        key = values[0] if len(values) == 1 else tuple(values)
        result[key] = result.get(key, 0) + row["n"]
    return result


def answers(scope, group_by: str = "total", *, item: str, agree: bool = False) -> dict:
    from kohtaamo.channel.models import FeedbackResponse

    if item not in ITEMS:
        return {}
    qs = FeedbackResponse.objects.filter(_encounters(scope, "encounter__"))
    qs = qs.filter(**({item: YES} if agree else {f"{item}__isnull": False}))
    return _grouped(qs, group_by, "encounter__")


def responses(scope, group_by: str = "total") -> dict:
    from kohtaamo.channel.models import FeedbackResponse

    return _grouped(
        FeedbackResponse.objects.filter(_encounters(scope, "encounter__")), group_by, "encounter__"
    )


def offered(scope, group_by: str = "total") -> dict:
    from kohtaamo.channel.models import ChatSession
    from kohtaamo.encounters.models import Encounter

    chat_encounters = ChatSession.objects.filter(encounter__isnull=False).values("encounter_id")
    qs = Encounter.objects.filter(_encounters(scope, "")).filter(
        ~Q(feedback_code_hash="") | Q(pk__in=chat_encounters)
    )
    return _grouped(qs, group_by, "")


INDICATOR_SOURCES = {
    "feedback.answers": answers,
    "feedback.responses": responses,
    "feedback.offered": offered,
}
