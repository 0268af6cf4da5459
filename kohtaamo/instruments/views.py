from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor
from kohtaamo.encounters.actions import open_encounter
from kohtaamo.instruments import actions
from kohtaamo.instruments.forms import InstrumentForm
from kohtaamo.instruments.models import Instrument
from kohtaamo.instruments.scoring import AnswerError, normalise_sex
from kohtaamo.instruments.trend import score_range, trend_chart
from kohtaamo.people.actions import open_person


def _require_client_access(user):
    if not user.organisation_ids():
        raise PermissionDenied


def _uuid(value):
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def _subject(request, actor):
    """The person or contact the answers belong to (through their gates), or neither."""
    params = request.POST if request.method == "POST" else request.GET
    person_code, encounter_code = _uuid(params.get("person")), _uuid(params.get("encounter"))
    encounter = (
        open_encounter(actor, request.user, encounter_code, write=True) if encounter_code else None
    )
    person = None
    if person_code:
        person = open_person(actor, request.user, person_code, write=True, what="instruments.form")
    elif encounter is not None and encounter.person_id:
        person = encounter.person
    return person, encounter


@login_required
def instrument_list(request):
    _require_client_access(request.user)
    return render(
        request,
        "instruments/list.html",
        {
            "instruments": Instrument.objects.current(),
            "person": request.GET.get("person", ""),
            "encounter": request.GET.get("encounter", ""),
        },
    )


@login_required
def fill(request, key):
    _require_client_access(request.user)
    instrument = Instrument.objects.current().filter(key=key).first()
    if instrument is None:
        raise Http404
    actor = Actor.from_request(request)
    person, encounter = _subject(request, actor)
    initial = {}
    if encounter is not None and encounter.gender:
        try:
            initial["sex"] = normalise_sex(encounter.gender) or ""
        except ValueError:
            pass
    form = InstrumentForm(request.POST or None, definition=instrument.definition, initial=initial)
    outcome = None
    if request.method == "POST" and form.is_valid():
        answers, sex = form.answers(), form.cleaned_data.get("sex") or None
        try:
            if person is not None or encounter is not None:
                result = actions.record_result(
                    actor,
                    instrument,
                    answers,
                    by=request.user,
                    sex=sex,
                    person=person,
                    encounter=encounter,
                )
                messages.success(request, _("The answers were scored and saved."))
                return redirect(result)
            outcome = actions.score_answers(instrument, answers, sex=sex).to_dict()
        except AnswerError as error:
            form.add_answer_errors(error)
    return render(
        request,
        "instruments/fill.html",
        {
            "instrument": instrument,
            "form": form,
            "person": person,
            "encounter": encounter,
            "outcome": outcome,
        },
    )


@login_required
def result_detail(request, code):
    actor = Actor.from_request(request)
    result = actions.open_result(actor, request.user, code)
    history, chart = [], None
    if result.person_id:
        history = actions.person_results(actor, result.person, instrument_key=result.instrument.key)
        main = (
            "total"
            if "total" in result.result.get("scores", {})
            else next(iter(result.result.get("scores", {})), None)
        )
        if main:
            low, high = score_range(result.instrument.definition, main)
            chart = trend_chart(
                [(r.at, r.result.get("scores", {}).get(main)) for r in history],
                low=low,
                high=high,
            )
    return render(
        request,
        "instruments/result.html",
        {
            "result": result,
            "instrument": result.instrument,
            "outcome": result.result,
            "history": history,
            "chart": chart,
        },
    )
