"""Social rehabilitation: service periods, support meetings, start and end measurements and the
change per client."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor
from kohtaamo.casework import actions, charts
from kohtaamo.casework.access import (
    can_write_matter,
    get_matter_for_user,
    get_meeting_for_user,
    get_period_for_user,
    matters_visible_to,
)
from kohtaamo.casework.actions import CaseworkError
from kohtaamo.casework.actions.common import PERIOD, log_reads
from kohtaamo.casework.forms import (
    MeasurementChoiceForm,
    MeetingForm,
    PeriodEndForm,
    PeriodForm,
)
from kohtaamo.casework.models import Decision, DocumentStatus, ServicePeriod
from kohtaamo.casework.queries import paired_changes
from kohtaamo.casework.views.common import form_error
from kohtaamo.instruments.forms import InstrumentForm
from kohtaamo.instruments.models import Instrument
from kohtaamo.instruments.scoring import AnswerError
from kohtaamo.instruments.trend import score_range


def _decisions(matter):
    return Decision.objects.filter(matter=matter, status=DocumentStatus.SIGNED).exclude(
        outcome=Decision.Outcome.REFUSED
    )


@login_required
def period_new(request, code):
    matter = get_matter_for_user(request.user, code, write=True)
    decisions = _decisions(matter)
    latest = decisions.filter(service=Decision.Service.SOCIAL_REHABILITATION).first()
    initial = {}
    if latest is not None:
        initial = {
            "decision": latest.pk,
            "starts_on": latest.valid_from,
            "ends_on": latest.valid_until,
        }
    form = PeriodForm(request.POST or None, decisions=decisions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            period = actions.start_period(
                Actor.from_request(request), matter, by=request.user, **form.cleaned_data
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The service period was started."))
            return redirect(period)
    return render(request, "casework/period_form.html", {"form": form, "matter": matter})


def _changes(period):
    keys = sorted({m.instrument_key for m in period.measurements.all()})
    instruments = {i.key: i for i in Instrument.objects.current().filter(key__in=keys)}
    rows = []
    for key in keys:
        change = paired_changes([period], instrument_key=key)[0]
        rows.append({"key": key, "instrument": instruments.get(key), "change": change})
    return rows


@login_required
def period_detail(request, code):
    actor = Actor.from_request(request)
    period = get_period_for_user(request.user, code)
    matter = period.matter
    measurements = list(period.measurements.select_related("result"))
    log_reads(
        actor,
        [(matter.person.code, PERIOD, period.pk)]
        + [(matter.person.code, "casework.measurement", m.pk) for m in measurements],
    )
    context = {
        "period": period,
        "matter": matter,
        "measurements": measurements,
        "changes": _changes(period),
        "meetings": list(period.meetings.select_related("worker").order_by("-at")[:50]),
        "can_write": can_write_matter(request.user, matter) and matter.is_open,
        "end_form": PeriodEndForm() if period.is_open else None,
        "instruments": list(Instrument.objects.current()),
    }
    return render(request, "casework/period_detail.html", context)


@login_required
def period_end(request, code):
    period = get_period_for_user(request.user, code, write=True)
    form = PeriodEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_period(
                Actor.from_request(request), period, ended_on=form.cleaned_data["ended_on"]
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The service period was ended."))
            return redirect(period)
    return render(
        request,
        "casework/period_end.html",
        {"form": form, "period": period, "matter": period.matter},
    )


@login_required
def measurement_new(request, code):
    period = get_period_for_user(request.user, code, write=True)
    instruments = list(Instrument.objects.current())
    source = request.POST if request.method == "POST" else request.GET
    choice = MeasurementChoiceForm(
        source or None,
        instruments=instruments,
        initial={"instrument": "eurohis8", "phase": "start"},
    )
    key = source.get("instrument") or "eurohis8"
    instrument = next((i for i in instruments if i.key == key), None)
    if instrument is None:
        instrument = instruments[0] if instruments else None
    if instrument is None:
        raise PermissionDenied
    form = InstrumentForm(
        request.POST if request.method == "POST" else None, definition=instrument.definition
    )
    if request.method == "POST" and choice.is_valid() and form.is_valid():
        try:
            actions.record_measurement(
                Actor.from_request(request),
                period,
                by=request.user,
                instrument=instrument,
                answers=form.answers(),
                phase=choice.cleaned_data["phase"],
                sex=form.cleaned_data.get("sex") or None,
            )
        except AnswerError as exc:
            form.add_answer_errors(exc)
        except CaseworkError as exc:
            form_error(choice, exc)
        else:
            messages.success(request, _("The measurement was recorded."))
            return redirect(period)
    return render(
        request,
        "casework/measurement_form.html",
        {
            "choice": choice,
            "form": form,
            "instrument": instrument,
            "period": period,
            "matter": period.matter,
        },
    )


@login_required
def meeting_new(request, code):
    matter = get_matter_for_user(request.user, code, write=True)
    periods = ServicePeriod.objects.filter(matter=matter, ended_on__isnull=True)
    form = MeetingForm(request.POST or None, periods=periods, initial={"period": periods.first()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_meeting(
                Actor.from_request(request), matter, by=request.user, **form.cleaned_data
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect(matter)
    return render(request, "casework/meeting_form.html", {"form": form, "matter": matter})


@login_required
def meeting_edit(request, code):
    meeting = get_meeting_for_user(request.user, code, write=True)
    matter = meeting.matter
    periods = ServicePeriod.objects.filter(matter=matter)
    initial = {
        name: getattr(meeting, name)
        for name in (
            "kind",
            "at",
            "duration_minutes",
            "status",
            "place",
            "with_expert_by_experience",
            "notes",
        )
    } | {"period": meeting.period_id}
    form = MeetingForm(request.POST or None, periods=periods, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_meeting(Actor.from_request(request), meeting, **form.cleaned_data)
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect(matter)
    return render(
        request, "casework/meeting_form.html", {"form": form, "matter": matter, "meeting": meeting}
    )


@login_required
def rehab_results(request):
    """Change per client: paired start and end results of an instrument in the service periods
    the user can see, as a table and a chart drawn from the same rows."""
    if not request.user.organisation_ids():
        raise PermissionDenied
    actor = Actor.from_request(request)
    instruments = list(Instrument.objects.current())
    key = request.GET.get("instrument") or "eurohis8"
    instrument = next((i for i in instruments if i.key == key), None)
    if instrument is None and instruments:
        instrument, key = instruments[0], instruments[0].key
    score_key = "mean" if key == "eurohis8" else None
    periods = (
        ServicePeriod.objects.filter(
            matter__in=matters_visible_to(request.user), measurements__instrument_key=key
        )
        .distinct()
        .select_related("matter__person")
        .order_by("-starts_on")[:200]
    )
    rows = paired_changes(periods, instrument_key=key, score_key=score_key)
    log_reads(actor, [(r.period.matter.person.code, PERIOD, r.period.pk) for r in rows])
    paired = [r for r in rows if r.change is not None]
    mean_change = round(sum(r.change for r in paired) / len(paired), 2) if paired else None
    low, high = (1, 5) if score_key == "mean" else (0, 1)
    if instrument is not None and score_key is None:
        low, high = score_range(instrument.definition, "total")
    chart = charts.change_chart(
        [
            (
                f"{r.period.matter.person.last_name} {r.period.matter.person.first_name[:1]}.",
                r.start,
                r.end,
            )
            for r in rows
        ],
        low=low,
        high=high,
    )
    return render(
        request,
        "casework/rehab_results.html",
        {
            "rows": rows,
            "paired": len(paired),
            "mean_change": mean_change,
            "chart": chart,
            "instrument": instrument,
            "instruments": instruments,
        },
    )
