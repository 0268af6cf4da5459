"""One contact: its page, the contact-code and feedback cards, identification, code timeline."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.casework.access import is_official_in
from kohtaamo.casework.models import ClientMatter
from kohtaamo.encounters import actions
from kohtaamo.encounters.access import require_desk
from kohtaamo.encounters.forms import CodeLookupForm
from kohtaamo.encounters.identify import (
    ConsentInput,
    MatterInput,
    carry_over_candidates,
    identify_encounter,
)
from kohtaamo.encounters.identify_forms import NEW, IdentifyForm
from kohtaamo.encounters.models import Encounter, EncounterWorker
from kohtaamo.encounters.taxonomy import terms
from kohtaamo.encounters.views.entry import recalled_code
from kohtaamo.people import contact_code
from kohtaamo.people.access import get_person_for_user
from kohtaamo.people.actions import search_people
from kohtaamo.people.consent import ContactCode


def _qr(text: str) -> str:
    return segno.make(text, error="m").svg_inline(scale=6, dark="#111", light="#fff")


@login_required
def detail(request, code):
    encounter = actions.open_encounter(Actor.from_request(request), request.user, code)
    matters = (
        list(ClientMatter.objects.filter(source_ref=encounter.code, person=encounter.person_id))
        if encounter.person_id
        else []
    )
    return render(
        request,
        "encounters/detail.html",
        {
            "encounter": encounter,
            "themes": list(encounter.themes.all()),
            "support": list(encounter.support.all()),
            "workers": [
                w.user
                for w in EncounterWorker.objects.filter(encounter=encounter)
                .select_related("user")
                .order_by("position")
            ],
            "labels": {s: {t.key: t.label for t in rows} for s, rows in terms().items()},
            "matters": matters,
            "new_code": recalled_code(request, encounter),
            "can_write": encounter.organisation_id
            in request.user.organisation_ids(client_access=("write",)),
            "can_undo": actions.can_undo(encounter, request.user),
        },
    )


@login_required
def card(request, code):
    """The printable contact-code card: the code is shown only right after it was made."""
    encounter = actions.open_encounter(Actor.from_request(request), request.user, code)
    plain = recalled_code(request, encounter)
    return render(
        request,
        "encounters/card.html",
        {"encounter": encounter, "code": plain, "qr_svg": _qr(plain) if plain else ""},
    )


@require_POST
@login_required
def feedback_card(request, code):
    """Make a feedback code for this contact and show its card (only the hash is kept)."""
    actor = Actor.from_request(request)
    encounter = actions.open_encounter(actor, request.user, code, write=True)
    plain = actions.issue_feedback_code(actor, encounter)
    return render(
        request,
        "encounters/feedback_card.html",
        {"encounter": encounter, "code": plain, "qr_svg": _qr(plain)},
    )


def _candidates(request, actor, encounter, query=""):
    """People to choose from: whoever the contact code was carried over to, and search hits.
    The search is posted (intent "search"), so that a name or identity code is never in a URL."""
    found = []
    if encounter.contact_code_hash:
        link = (
            ContactCode.objects.filter(
                code_hash=encounter.contact_code_hash,
                person__organisation_id=encounter.organisation_id,
            )
            .select_related("person")
            .first()
        )
        if link is not None:
            found.append(get_person_for_user(request.user, link.person.code, write=True))
    query = query.strip()
    if query:
        found += [
            p
            for p in search_people(actor, request.user, query)
            if p.organisation_id == encounter.organisation_id and p not in found
        ]
    return query, found


@login_required
def identify(request, code):
    actor = Actor.from_request(request)
    encounter = actions.open_encounter(actor, request.user, code, write=True)
    if encounter.identity_level == Encounter.IdentityLevel.IDENTIFIED and encounter.person_id:
        messages.info(request, _("This contact is already identified."))
        return redirect(encounter)
    official = is_official_in(request.user, encounter.organisation_id)
    earlier = list(carry_over_candidates(encounter))
    searching = request.method == "POST" and request.POST.get("intent") == "search"
    if request.method == "POST" and not searching:
        query = request.POST.get("q", "")
        choice = request.POST.get("person_choice", "")
        candidates = []
        if choice and choice != NEW:
            try:
                candidates = [get_person_for_user(request.user, choice, write=True)]
            except (Http404, PermissionDenied, ValidationError):
                candidates = []  # a tampered choice simply fails validation
    else:
        query, candidates = _candidates(
            request, actor, encounter, request.POST.get("q", "") if searching else ""
        )
    form = IdentifyForm(
        None if searching else (request.POST or None),
        encounter=encounter,
        candidates=candidates,
        earlier=earlier,
        user=request.user,
        official=official,
    )
    if form.is_bound and form.is_valid():
        try:
            result = _identify(request, actor, encounter, form)
        except ValidationError as error:  # e.g. the contact code already belongs to someone else
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The person is now identified and their consent recorded.")
                if result.matter is None
                else _(
                    "The person is now a client: the matter is pending and the consent recorded."
                ),
            )
            return redirect(encounter)
    return render(
        request,
        "encounters/identify.html",
        {
            "encounter": encounter,
            "form": form,
            "query": query,
            "candidates": candidates,
            "official": official,
        },
    )


def _identify(request, actor, encounter, form):
    data = form.cleaned_data
    return identify_encounter(
        actor,
        encounter,
        by=request.user,
        person=form.chosen_person,
        new_person=None if form.chosen_person else form.new_person_fields(),
        consent=ConsentInput(
            purpose=data["consent_purpose"],
            given_by=data["consent_given_by"],
            method=data["consent_method"],
            valid_until=data.get("consent_valid_until"),
            sharing=data.get("consent_sharing", False),
            sharing_recipient=data.get("sharing_recipient", ""),
        ),
        carry_over=form.carry_over_encounters(),
        matter=MatterInput(
            special_group=data.get("special_group", False),
            team=data.get("team"),
            responsible_worker=data.get("responsible_worker"),
            reason=data.get("reason", ""),
            notification_consent=data["notification_consent"],
            start_assessment=data.get("start_assessment", False),
        )
        if data.get("open_matter")
        else None,
    )


@login_required
def code_timeline(request):
    """Every contact recorded with a contact code (pseudonymous: no names are read)."""
    org_ids = require_desk(request.user)
    form = CodeLookupForm(request.POST or None)
    rows, linked = None, False
    if request.method == "POST" and form.is_valid():
        code_hash = contact_code.hash_code(form.cleaned_data["contact_code"])
        rows = list(
            Encounter.objects.filter(organisation_id__in=org_ids, contact_code_hash=code_hash)
            .with_lists()
            .order_by("-started_at")[:100]
        )
        linked = ContactCode.objects.filter(
            code_hash=code_hash, person__organisation_id__in=org_ids
        ).exists()
    return render(
        request, "encounters/code_timeline.html", {"form": form, "rows": rows, "linked": linked}
    )
