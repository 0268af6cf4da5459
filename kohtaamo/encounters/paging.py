"""Keyset pagination over (started_at, id), newest first: constant cost at any depth, which
matters with a million encounters (OFFSET would scan everything before the page)."""

from __future__ import annotations

import base64
import datetime

from django.db.models import Q


def encode(started_at: datetime.datetime, pk: int) -> str:
    raw = f"{started_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime.datetime, int] | None:
    """None for a missing or malformed cursor (the caller answers with the first page or 4xx)."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.rsplit("|", 1)
        value = datetime.datetime.fromisoformat(stamp)
        if value.tzinfo is None:
            return None
        return value, int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def page(queryset, cursor: str = "", *, limit: int = 50, newest_first: bool = True):
    """(rows, next_cursor). `queryset` must not be sliced or ordered yet."""
    position = decode(cursor)
    if newest_first:
        qs = queryset.order_by("-started_at", "-id")
        if position:
            at, pk = position
            # The plain bound makes it an index range; the OR only breaks ties on the same time.
            qs = qs.filter(started_at__lte=at).filter(
                Q(started_at__lt=at) | Q(started_at=at, id__lt=pk)
            )
    else:
        qs = queryset.order_by("started_at", "id")
        if position:
            at, pk = position
            qs = qs.filter(started_at__gte=at).filter(
                Q(started_at__gt=at) | Q(started_at=at, id__gt=pk)
            )
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode(rows[-1].started_at, rows[-1].pk) if more and rows else "")
