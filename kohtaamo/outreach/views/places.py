"""Regular outreach places: their schedule of presence, contact people and publicity."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor
from kohtaamo.outreach import access, actions
from kohtaamo.outreach.forms import PlaceForm, SlotFormSet, place_initial, place_input
from kohtaamo.outreach.models import FieldContact, Observation


@login_required
def place_list(request):
    access.require_outreach(request.user)
    places = list(access.places_visible_to(request.user).prefetch_related("slots"))
    return render(
        request,
        "outreach/places.html",
        {"places": places, "can_edit": access.can_plan(request.user)},
    )


@login_required
def place_detail(request, code):
    outreach = access.get_place_for_user(request.user, code)
    contacts = FieldContact.objects.filter(encounter__place=outreach.place).count()
    observations = list(
        Observation.objects.filter(place=outreach.place).order_by("-observed_at")[:10]
    )
    return render(
        request,
        "outreach/place.html",
        {
            "outreach": outreach,
            "place": outreach.place,
            "slots": list(outreach.slots.all()),
            "contacts": contacts,
            "observations": observations,
            "can_edit": outreach.place.organisation_id in access.write_org_ids(request.user),
        },
    )


def _edit(request, *, outreach=None):
    org_id = (
        outreach.place.organisation_id
        if outreach
        else sorted(access.require_outreach(request.user, write=True))[0]
    )
    initial, slots = place_initial(outreach) if outreach else ({}, [])
    form = PlaceForm(request.POST or None, organisation_id=org_id, initial=initial)
    formset = SlotFormSet(request.POST or None, prefix="slots", initial=slots)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = actions.save_outreach_place(
            Actor.from_request(request), place_input(form, formset), outreach=outreach
        )
        messages.success(request, _("The place was saved."))
        return redirect(saved)
    return render(
        request,
        "outreach/place_form.html",
        {"form": form, "slots": formset, "outreach": outreach},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def place_new(request):
    access.require_outreach(request.user, write=True)
    return _edit(request)


@login_required
def place_edit(request, code):
    outreach = access.get_place_for_user(request.user, code, write=True)
    return _edit(request, outreach=outreach)
