"""Answering the PAKU quality criteria questionnaires, and their aggregates per unit.

A client answers anonymously through a one-time link made by a worker (only the link's keyed
hash is stored, and the answer keeps no trace of the link or the person); professionals and
management answer logged in. Aggregates are sums and counts of ratings; a mean is shown only when
at least SMALL_NUMBER_K ratings are behind it (the rule of evaluation/suppression.py for means).
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.casework import content
from kohtaamo.casework.actions.common import CaseworkError
from kohtaamo.casework.models import QualityInvitation, QualityRating, QualityResponse, Rater
from kohtaamo.core import crypto

INVITATION_DAYS = 30
QUESTIONNAIRE_VERSION = "1"


def _hash(token: str) -> str:
    return crypto.keyed_hash(token.strip(), purpose="quality-invitation")


@transaction.atomic
def create_invitation(*, by, organisation, unit=None, days: int = INVITATION_DAYS) -> str:
    """A one-time link token for a client's questionnaire; shown once, stored as a hash."""
    token = secrets.token_urlsafe(16)
    QualityInvitation.objects.create(
        token_hash=_hash(token),
        organisation=organisation,
        unit=unit,
        created_by=by,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token


def invitation_for(token: str) -> QualityInvitation | None:
    invitation = QualityInvitation.objects.filter(token_hash=_hash(token)).first()
    if invitation is None or invitation.used_at or invitation.expires_at < timezone.now():
        return None
    return invitation


@transaction.atomic
def submit_answers(
    *,
    rater: str,
    organisation,
    unit=None,
    ratings: dict[str, int],
    by=None,
    invitation: QualityInvitation | None = None,
    about_close_one: bool = False,
) -> QualityResponse:
    """Store one questionnaire answer. Unknown statements or ratings outside 1–5 are refused
    naming each one; statements left unanswered are simply not rated."""
    if rater not in Rater.values:
        raise CaseworkError(_("Unknown questionnaire."), field="rater")
    statements = {s["key"]: s for s in content.quality_statements(rater)}
    bad = [
        key
        for key, value in ratings.items()
        if key not in statements or not isinstance(value, int) or not 1 <= value <= 5
    ]
    if bad:
        raise CaseworkError(
            _("Give each statement a number from 1 to 5: %(keys)s") % {"keys": ", ".join(bad)},
            field=bad[0],
        )
    if not ratings:
        raise CaseworkError(_("Rate at least one statement."))
    if invitation is not None:
        invitation = QualityInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at:
            raise CaseworkError(_("This link has already been used."))
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
    response = QualityResponse.objects.create(
        rater=rater,
        organisation=organisation,
        unit=unit,
        answered_by=None if rater == Rater.CLIENT else by,
        about_close_one=about_close_one,
        questionnaire_version=QUESTIONNAIRE_VERSION,
    )
    QualityRating.objects.bulk_create(
        QualityRating(
            response=response,
            organisation_id_copy=organisation.pk,
            unit_id_copy=unit.pk if unit else None,
            rater=rater,
            theme=statements[key]["theme"],
            criterion=statements[key]["criterion"],
            statement=key,
            rating=value,
            at=response.answered_at,
        )
        for key, value in ratings.items()
    )
    return response


def ratings(
    organisation_ids, start: datetime.date, end: datetime.date, *, rater=None, unit_ids=None
):
    tz = timezone.get_current_timezone()
    qs = QualityRating.objects.filter(
        organisation_id_copy__in=list(organisation_ids),
        at__gte=datetime.datetime.combine(start, datetime.time.min, tz),
        at__lt=datetime.datetime.combine(end, datetime.time.min, tz),
    )
    if rater:
        qs = qs.filter(rater=rater)
    if unit_ids is not None:
        qs = qs.filter(unit_id_copy__in=list(unit_ids))
    return qs


def results_by_unit(organisation_ids, start, end, *, rater=None) -> dict:
    """{(unit_id, criterion): (sum, n)} and per-unit totals under criterion None."""
    rows = (
        ratings(organisation_ids, start, end, rater=rater)
        .order_by()
        .values("unit_id_copy", "criterion")
        .annotate(s=Sum("rating"), n=Count("pk"))
    )
    out: dict = {}
    for r in rows:
        out[(r["unit_id_copy"], r["criterion"])] = (r["s"], r["n"])
        s, n = out.get((r["unit_id_copy"], None), (0, 0))
        out[(r["unit_id_copy"], None)] = (s + r["s"], n + r["n"])
        s, n = out.get(("__all__", r["criterion"]), (0, 0))
        out[("__all__", r["criterion"])] = (s + r["s"], n + r["n"])
        s, n = out.get(("__all__", None), (0, 0))
        out[("__all__", None)] = (s + r["s"], n + r["n"])
    return out


def shown_mean(total: int | None, n: int | None) -> float | None:
    """The mean, or None when fewer than SMALL_NUMBER_K ratings are behind it."""
    k = int(getattr(settings, "SMALL_NUMBER_K", 5))
    if not n or n < k:
        return None
    return total / n
