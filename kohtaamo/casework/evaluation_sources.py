"""What case management gives the evaluation app (found by `kohtaamo.evaluation.registry`; nothing
here imports evaluation). Each source is `source(scope, group_by, **params) -> {group: number}`;
groups without data are left out. Case-management figures have no channel or place: a scope
narrowed to a channel or places gives no data ("no data", never a false 0).

- `casework.clients(**flags)`: client matters open at some time in the period; flags narrow it:
  `in_planned_work` (a plan exists), `with_joint_plan` (a current plan with goals, agreed with the
  client), `named_worker` (a responsible worker is recorded), `plan_and_decision` (a plan and a
  signed decision), `housing_support` (a home visit held, or a housing goal), `segment_recorded`;
- `casework.open_clients` / `casework.responsible_workers`: open matters with a responsible
  worker at the end of the period, and the number of such workers (caseload per worker);
- `casework.ended_clients(**flags)`: matters ended in the period; `continuation` (a referral or a
  continuation path), `work_or_study`, `assessed_start_end` (a service period with both a start and
  an end measurement); `casework.ended_client_months`: their summed length in months;
- `casework.goals(reached=False)`: goals reviewed in the period (reached fully or partly);
- `casework.assessments(reuses_earlier=False)`: first editions of assessments started in the
  period (that reused an earlier one with consent);
- `casework.follow_ups(done_on_time=False)`: follow-up tasks due in the period (done by the day);
- `casework.first_contacts` / `casework.first_contact_days`: contact notifications received in the
  period and taken by a worker, and the working days from receipt to being taken;
- `instruments.score_change_sum` / `instruments.score_change_n(instrument, score=None)`: change
  from the start to the end measurement of service periods whose end was measured in the period;
- `quality.ratings_sum` / `quality.ratings_n(rater=None, theme=None, criterion=None)`: PAKU quality
  criteria ratings in the period (unit = the answerer's unit).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kohtaamo.casework.models import (
    ClientMatter,
    ClientPlan,
    ContactNotification,
    Decision,
    DocumentStatus,
    MatterEnding,
    Measurement,
    PlanGoal,
    QualityRating,
    ServiceNeedAssessment,
    SupportMeeting,
    Task,
)
from kohtaamo.casework.workdays import working_days_between


def bounds(scope) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(scope.start, datetime.time.min, tz),
        datetime.datetime.combine(scope.end, datetime.time.min, tz),
    )


def unsupported(scope) -> bool:
    return bool(scope.channel) or scope.place_ids is not None


def in_scope(qs, scope, *, org: str = "organisation_id", unit: str = "unit_id"):
    qs = qs.filter(**{f"{org}__in": scope.organisation_ids})
    if scope.unit_ids is not None:
        qs = qs.filter(**{f"{unit}__in": scope.unit_ids})
    return qs


def grouped(
    qs, group_by: str, *, org: str, unit: str, time: str, area: str | None = None, value=None
) -> dict:
    """Count rows (or sum `value`) per group; `group_by` may combine groups ("unit,month")."""
    parts = [] if group_by == "total" else group_by.split(",")
    columns = {"organisation": org, "unit": unit, "area": area}
    exprs = {}
    for i, part in enumerate(parts):
        if part == "month":
            exprs[f"g{i}"] = TruncMonth(time, tzinfo=timezone.get_current_timezone())
        elif columns.get(part):
            exprs[f"g{i}"] = F(columns[part])
        else:
            return {}
    agg = Sum(value) if value is not None else Count("pk", distinct=True)
    if not exprs:
        result = qs.order_by().aggregate(v=agg)["v"]
        return {None: result} if result else {}
    out: dict = {}
    for row in qs.order_by().values(**exprs).annotate(v=agg):
        key = []
        for i, part in enumerate(parts):
            v = row[f"g{i}"]
            if part == "month" and v is not None:
                v = f"{v:%Y-%m}"
            key.append(v)
        k = key[0] if len(key) == 1 else tuple(key)
        if row["v"]:
            out[k] = out.get(k, 0) + row["v"]
    return out


def _matter_grouped(qs, group_by, *, time="pending_at", prefix=""):
    return grouped(
        qs,
        group_by,
        org=f"{prefix}organisation_id",
        unit=f"{prefix}unit_id",
        time=f"{prefix}{time}",
        area=f"{prefix}person__municipality",
    )


def clients(
    scope,
    group_by: str = "total",
    *,
    in_planned_work: bool = False,
    with_joint_plan: bool = False,
    named_worker: bool = False,
    plan_and_decision: bool = False,
    housing_support: bool = False,
    segment_recorded: bool = False,
    **_ignored,
) -> dict:
    if unsupported(scope):
        return {}
    start, end = bounds(scope)
    qs = (
        in_scope(ClientMatter.objects.all(), scope)
        .filter(pending_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
    )
    plans = ClientPlan.objects.filter(matter=OuterRef("pk"), created_at__lt=end)
    if in_planned_work or plan_and_decision:
        qs = qs.filter(Exists(plans))
    if with_joint_plan:
        qs = qs.filter(
            Exists(
                plans.filter(agreed_on__isnull=False, goals__isnull=False).filter(
                    Q(ended_at__isnull=True) | Q(ended_at__gte=start)
                )
            )
        )
    if named_worker:
        qs = qs.filter(responsible_worker__isnull=False)
    if plan_and_decision:
        qs = qs.filter(
            Exists(
                Decision.objects.filter(
                    matter=OuterRef("pk"),
                    status__in=(DocumentStatus.SIGNED, DocumentStatus.SUPERSEDED),
                    signed_at__lt=end,
                )
            )
        )
    if housing_support:
        qs = qs.filter(
            Exists(
                SupportMeeting.objects.filter(
                    matter=OuterRef("pk"),
                    kind=SupportMeeting.Kind.HOME_VISIT,
                    status=SupportMeeting.Status.HELD,
                    at__gte=start,
                    at__lt=end,
                )
            )
            | Exists(PlanGoal.objects.filter(plan__matter=OuterRef("pk"), life_area="housing"))
        )
    if segment_recorded:
        qs = qs.exclude(segment="")
    return _matter_grouped(qs, group_by)


def _open_at_end(scope):
    start, end = bounds(scope)
    return (
        in_scope(ClientMatter.objects.all(), scope)
        .filter(pending_at__lt=end, responsible_worker__isnull=False)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    )


def open_clients(scope, group_by: str = "total", **_ignored) -> dict:
    if unsupported(scope) or "month" in group_by:
        return {}
    return _matter_grouped(_open_at_end(scope), group_by)


def responsible_workers(scope, group_by: str = "total", **_ignored) -> dict:
    if unsupported(scope) or "month" in group_by:
        return {}
    qs = _open_at_end(scope)
    parts = [] if group_by == "total" else group_by.split(",")
    columns = {"organisation": "organisation_id", "unit": "unit_id", "area": "person__municipality"}
    if any(p not in columns for p in parts):
        return {}
    if not parts:
        n = qs.order_by().values("responsible_worker").distinct().count()
        return {None: n} if n else {}
    out = {}
    for row in (
        qs.order_by()
        .values(*[columns[p] for p in parts])
        .annotate(n=Count("responsible_worker", distinct=True))
    ):
        key = tuple(row[columns[p]] for p in parts)
        out[key[0] if len(key) == 1 else key] = row["n"]
    return out


def _ended(scope):
    start, end = bounds(scope)
    return in_scope(ClientMatter.objects.all(), scope).filter(
        status=ClientMatter.Status.CLOSED, closed_at__gte=start, closed_at__lt=end
    )


def ended_clients(
    scope,
    group_by: str = "total",
    *,
    continuation: bool = False,
    work_or_study: bool = False,
    assessed_start_end: bool = False,
    **_ignored,
) -> dict:
    if unsupported(scope):
        return {}
    qs = _ended(scope)
    if continuation:
        qs = qs.filter(ending__isnull=False).filter(
            Q(ending__referral__isnull=False)
            | ~Q(ending__continuation_kind=MatterEnding.Continuation.NONE)
        )
    if work_or_study:
        qs = qs.filter(ending__continuation_kind__in=MatterEnding.WORK_OR_STUDY)
    if assessed_start_end:
        starts = Measurement.objects.filter(period__matter=OuterRef("pk"), phase="start")
        ends = Measurement.objects.filter(period__matter=OuterRef("pk"), phase="end")
        qs = qs.filter(Exists(starts), Exists(ends))
    return _matter_grouped(qs, group_by, time="closed_at")


def ended_client_months(scope, group_by: str = "total", **_ignored) -> dict:
    if unsupported(scope):
        return {}
    out: dict = {}
    parts = [] if group_by == "total" else group_by.split(",")
    for m in _ended(scope).only("pk", "pending_at", "closed_at", "organisation_id", "unit_id"):
        months = (m.closed_at - m.pending_at).days / 30.44
        key = []
        for part in parts:
            if part == "organisation":
                key.append(m.organisation_id)
            elif part == "unit":
                key.append(m.unit_id)
            elif part == "month":
                key.append(f"{timezone.localtime(m.closed_at):%Y-%m}")
            else:
                return {}
        k = None if not key else key[0] if len(key) == 1 else tuple(key)
        out[k] = out.get(k, 0) + months
    return {k: round(v, 2) for k, v in out.items()}


def goals(scope, group_by: str = "total", *, reached: bool = False, **_ignored) -> dict:
    if unsupported(scope):
        return {}
    start, end = bounds(scope)
    qs = in_scope(
        PlanGoal.objects.all(),
        scope,
        org="plan__matter__organisation_id",
        unit="plan__matter__unit_id",
    ).filter(reviewed_at__gte=start, reviewed_at__lt=end, status__in=PlanGoal.REVIEWED)
    if reached:
        qs = qs.filter(status__in=(PlanGoal.Status.REACHED, PlanGoal.Status.PARTLY))
    return grouped(
        qs,
        group_by,
        org="plan__matter__organisation_id",
        unit="plan__matter__unit_id",
        time="reviewed_at",
    )


def assessments(
    scope, group_by: str = "total", *, reuses_earlier: bool = False, **_ignored
) -> dict:
    if unsupported(scope):
        return {}
    qs = in_scope(
        ServiceNeedAssessment.objects.filter(edition=1),
        scope,
        org="matter__organisation_id",
        unit="matter__unit_id",
    ).filter(started_on__gte=scope.start, started_on__lt=scope.end)
    if reuses_earlier:
        qs = qs.filter(reuses__isnull=False)
    return grouped(
        qs, group_by, org="matter__organisation_id", unit="matter__unit_id", time="created_at"
    )


def follow_ups(scope, group_by: str = "total", *, done_on_time: bool = False, **_ignored) -> dict:
    if unsupported(scope):
        return {}
    last = min(scope.end, timezone.localdate() + datetime.timedelta(days=1))
    qs = Task.objects.filter(
        organisation_id__in=scope.organisation_ids,
        kind=Task.Kind.FOLLOW_UP,
        due_on__gte=scope.start,
        due_on__lt=last,
    )
    if scope.unit_ids is not None:
        qs = qs.filter(matter__unit_id__in=scope.unit_ids)
    if done_on_time:
        tz = timezone.get_current_timezone()
        ids = [
            t.pk
            for t in qs.filter(done_at__isnull=False).only("pk", "due_on", "done_at")
            if timezone.localtime(t.done_at, tz).date() <= t.due_on
        ]
        qs = qs.filter(pk__in=ids)
    return grouped(qs, group_by, org="organisation_id", unit="matter__unit_id", time="created_at")


def _notifications(scope):
    start, end = bounds(scope)
    return in_scope(ContactNotification.objects.all(), scope).filter(
        received_at__gte=start, received_at__lt=end, taken_at__isnull=False
    )


def first_contacts(scope, group_by: str = "total", **_ignored) -> dict:
    if unsupported(scope):
        return {}
    return grouped(
        _notifications(scope), group_by, org="organisation_id", unit="unit_id", time="received_at"
    )


def first_contact_days(scope, group_by: str = "total", **_ignored) -> dict:
    if unsupported(scope):
        return {}
    parts = [] if group_by == "total" else group_by.split(",")
    out: dict = {}
    for n in _notifications(scope).only("received_at", "taken_at", "organisation_id", "unit_id"):
        days = working_days_between(
            timezone.localdate(n.received_at), timezone.localdate(n.taken_at)
        )
        key = []
        for part in parts:
            if part == "organisation":
                key.append(n.organisation_id)
            elif part == "unit":
                key.append(n.unit_id)
            elif part == "month":
                key.append(f"{timezone.localtime(n.received_at):%Y-%m}")
            else:
                return {}
        k = None if not key else key[0] if len(key) == 1 else tuple(key)
        out[k] = out.get(k, 0) + days
    return out


def _pairs(scope, instrument: str, score: str | None):
    """(period, start score, end score) of service periods whose end was measured in the period."""
    from kohtaamo.casework.queries import score_of

    start, end = bounds(scope)
    ends = in_scope(
        Measurement.objects.filter(
            instrument_key=instrument, phase="end", at__gte=start, at__lt=end
        ),
        scope,
        org="period__matter__organisation_id",
        unit="period__matter__unit_id",
    ).select_related("result", "period__matter")
    ends = list(ends)
    starts = {
        m.period_id: m
        for m in Measurement.objects.filter(
            instrument_key=instrument, phase="start", period_id__in=[e.period_id for e in ends]
        ).select_related("result")
    }
    if score is None and instrument == "eurohis8":
        score = "mean"
    for e in ends:
        s = starts.get(e.period_id)
        a, b = score_of(s.result, score) if s else None, score_of(e.result, score)
        if a is not None and b is not None:
            yield e, a, b


def _change_grouped(scope, group_by, instrument, score, value):
    if unsupported(scope):
        return {}
    parts = [] if group_by == "total" else group_by.split(",")
    out: dict = {}
    for e, a, b in _pairs(scope, instrument, score):
        matter = e.period.matter
        key = []
        for part in parts:
            if part == "organisation":
                key.append(matter.organisation_id)
            elif part == "unit":
                key.append(matter.unit_id)
            elif part == "month":
                key.append(f"{timezone.localtime(e.at):%Y-%m}")
            else:
                return {}
        k = None if not key else key[0] if len(key) == 1 else tuple(key)
        out[k] = out.get(k, 0) + value(a, b)
    return {k: round(v, 4) for k, v in out.items()}


def score_change_sum(scope, group_by="total", *, instrument="eurohis8", score=None, **_ignored):
    return _change_grouped(scope, group_by, instrument, score, lambda a, b: b - a)


def score_change_n(scope, group_by="total", *, instrument="eurohis8", score=None, **_ignored):
    return _change_grouped(scope, group_by, instrument, score, lambda a, b: 1)


def _ratings(scope, rater, theme, criterion):
    if unsupported(scope):
        return None
    start, end = bounds(scope)
    qs = QualityRating.objects.filter(
        organisation_id_copy__in=scope.organisation_ids, at__gte=start, at__lt=end
    )
    if scope.unit_ids is not None:
        qs = qs.filter(unit_id_copy__in=scope.unit_ids)
    if rater:
        qs = qs.filter(rater=rater)
    if theme:
        qs = qs.filter(theme=theme)
    if criterion:
        qs = qs.filter(criterion=int(criterion))
    return qs


def ratings_sum(scope, group_by="total", *, rater=None, theme=None, criterion=None, **_ignored):
    qs = _ratings(scope, rater, theme, criterion)
    if qs is None:
        return {}
    return grouped(
        qs, group_by, org="organisation_id_copy", unit="unit_id_copy", time="at", value="rating"
    )


def ratings_n(scope, group_by="total", *, rater=None, theme=None, criterion=None, **_ignored):
    qs = _ratings(scope, rater, theme, criterion)
    if qs is None:
        return {}
    return grouped(qs, group_by, org="organisation_id_copy", unit="unit_id_copy", time="at")


INDICATOR_SOURCES = {
    "casework.clients": clients,
    "casework.open_clients": open_clients,
    "casework.responsible_workers": responsible_workers,
    "casework.ended_clients": ended_clients,
    "casework.ended_client_months": ended_client_months,
    "casework.goals": goals,
    "casework.assessments": assessments,
    "casework.follow_ups": follow_ups,
    "casework.first_contacts": first_contacts,
    "casework.first_contact_days": first_contact_days,
    "instruments.score_change_sum": score_change_sum,
    "instruments.score_change_n": score_change_n,
    "quality.ratings_sum": ratings_sum,
    "quality.ratings_n": ratings_n,
}
