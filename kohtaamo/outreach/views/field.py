"""In the field: the phone capture page for contacts, the feedback card, observations.

With JavaScript the capture and check-in forms go through the phone's queue and the sync API
(`static/js/outreach-field.js`), so they work without a connection; without JavaScript they are
plain forms posted here, through the same actions."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.encounters import actions as desk_actions
from kohtaamo.outreach import access, actions, queries
from kohtaamo.outreach.forms import FieldContactForm, FigureFilterForm, ObservationForm
from kohtaamo.outreach.models import FieldContact, Observation

FEEDBACK_PATH = "/palvelut/"


def referral_url(encounter) -> str:
    """The referrals app's page for a new referral from this contact, when the app has one."""
    for name in ("referrals:new", "referrals:create"):
        try:
            return f"{reverse(name)}?encounter={encounter.code}"
        except NoReverseMatch:
            continue
    return ""


def _capture(request, shift, form, *, saved=None, new_code="", status=200):
    response = render(
        request,
        "outreach/contact.html",
        {
            "shift": shift,
            "form": form,
            "saved": saved,
            "new_code": new_code,
            "referral_url": referral_url(saved) if saved else "",
            "referral_template_url": referral_url_template(),
            "count_today": FieldContact.objects.filter(shift=shift).count(),
        },
        status=status,
    )
    if not shift.is_open or saved is not None:
        response["Cache-Control"] = "no-store"  # not for the phone's offline copy
    return response


def referral_url_template() -> str:
    for name in ("referrals:new", "referrals:create"):
        try:
            return f"{reverse(name)}?encounter="
        except NoReverseMatch:
            continue
    return ""


@login_required
def contact(request, code):
    shift = access.get_shift_for_user(request.user, code, write=True)
    visit = queries.current_visit(shift)
    initial = {"visit": visit.code} if visit else {}
    if request.method != "POST":
        return _capture(request, shift, FieldContactForm(shift=shift, initial=initial))
    form = FieldContactForm(request.POST, shift=shift, initial=initial)
    if not form.is_valid():
        return _capture(request, shift, form, status=400)
    try:
        recorded = actions.record_field_contact(
            Actor.from_request(request), shift, form.contact_input(), by=request.user
        )
    except actions.Refused as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _capture(request, shift, form, status=400)
    fresh = FieldContactForm(shift=shift, initial=initial)
    return _capture(
        request,
        shift,
        fresh,
        saved=recorded.encounter,
        new_code=recorded.recorded.new_contact_code,
    )


@require_POST
@login_required
def feedback_card(request, code, encounter):
    """A feedback card for a field contact of this shift: a short code and a QR of the
    feedback page (only the code's hash is kept, by the desk's own action)."""
    shift = access.get_shift_for_user(request.user, code, write=True)
    actor = Actor.from_request(request)
    found = desk_actions.open_encounter(actor, request.user, encounter, write=True)
    if not FieldContact.objects.filter(encounter=found, shift=shift).exists():
        raise Http404
    plain = desk_actions.issue_feedback_code(actor, found)
    from django.conf import settings

    url = f"{settings.SITE_URL}{FEEDBACK_PATH}?code={plain}"
    qr = segno.make(url, error="m").svg_inline(scale=5, dark="#111", light="#fff")
    return render(
        request,
        "outreach/feedback_card.html",
        {"shift": shift, "encounter": found, "code": plain, "qr_svg": qr, "url": url},
    )


def _observation_form(request, org_id, *, shift=None):
    initial = {}
    if shift is not None:
        visit = queries.current_visit(shift)
        if visit:
            initial["place"] = visit.place.code
    return ObservationForm(request.POST or None, organisation_id=org_id, initial=initial)


def _save_observation(request, form, *, org_id, shift=None):
    data = form.cleaned_data
    try:
        actions.record_observation(
            Actor.from_request(request),
            by=request.user,
            organisation_id=org_id,
            kind=data["kind"],
            observed_at=data["observed_at"],
            description=data["description"],
            count_estimate=data["count_estimate"],
            place=data["place"],
            shift=shift,
            team_id=next((m.team_id for m in request.user.active_memberships() if m.team_id), None)
            if shift is None
            else None,
        )
    except (actions.Refused, ValidationError) as exc:
        form.add_error("description" if isinstance(exc, ValidationError) else exc.field, str(exc))
        return False
    messages.success(request, _("The observation was saved. Thank you."))
    return True


@login_required
def shift_observation(request, code):
    shift = access.get_shift_for_user(request.user, code, write=True)
    form = _observation_form(request, shift.organisation_id, shift=shift)
    if request.method == "POST" and form.is_valid():
        if _save_observation(request, form, org_id=shift.organisation_id, shift=shift):
            return redirect(shift)
    return render(
        request,
        "outreach/observation_form.html",
        {"form": form, "shift": shift},
        status=400 if form.errors else 200,
    )


@login_required
def observation_new(request):
    org_ids = access.require_outreach(request.user, write=True)
    org_id = sorted(org_ids)[0]
    form = _observation_form(request, org_id)
    if request.method == "POST" and form.is_valid():
        if _save_observation(request, form, org_id=org_id):
            return redirect("outreach:observations")
    return render(
        request,
        "outreach/observation_form.html",
        {"form": form, "shift": None},
        status=400 if form.errors else 200,
    )


@login_required
def observations(request):
    access.require_outreach(request.user)
    today = timezone.localdate()
    form = FigureFilterForm(request.GET or None)
    start, end = today.replace(day=1), today
    if request.GET and form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    lo, hi = queries._range(start, end)
    rows = list(
        access.observations_visible_to(request.user)
        .filter(observed_at__gte=lo, observed_at__lt=hi)
        .select_related("place", "created_by")
        .order_by("-observed_at")[:200]
    )
    return render(
        request,
        "outreach/observations.html",
        {
            "rows": rows,
            "form": form,
            "start": start,
            "end": end,
            "kinds": Observation.Kind.choices,
            "can_add": access.can_plan(request.user),
        },
    )
