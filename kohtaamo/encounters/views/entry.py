"""Quick entry: one screen, HTMX without reloads, and a plain POST form without JavaScript."""

from __future__ import annotations

import time
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.core.htmx import is_htmx
from kohtaamo.encounters import actions
from kohtaamo.encounters.access import get_encounter_for_user, require_desk
from kohtaamo.encounters.forms import (
    FavouriteForm,
    QuickEntryForm,
    initial_from_encounter,
    initial_from_favourite,
)
from kohtaamo.encounters.models import Encounter, Favourite
from kohtaamo.people import contact_code
from kohtaamo.people.actions import open_person

SESSION_CODES = "desk_new_codes"
CODE_SHOWN_SECONDS = 10 * 60


def remember_code(request, encounter: Encounter, code: str) -> None:
    """Keep a new contact code for the card page for ten minutes, then it is gone for good."""
    now = time.time()
    codes = {
        k: v
        for k, v in request.session.get(SESSION_CODES, {}).items()
        if now - v[1] < CODE_SHOWN_SECONDS
    }
    codes[str(encounter.code)] = [code, now]
    request.session[SESSION_CODES] = codes


def recalled_code(request, encounter: Encounter) -> str:
    entry = request.session.get(SESSION_CODES, {}).get(str(encounter.code))
    if entry and time.time() - entry[1] < CODE_SHOWN_SECONDS:
        return entry[0]
    return ""


def _defaults(request, person) -> dict:
    user = request.user
    initial = {"client_id": uuid.uuid4(), "duration_minutes": 10}
    place = actions.current_place(user)
    if place is not None:
        initial["place"] = place.pk
        if place.default_channel:
            initial["channel"] = place.default_channel
    if person is not None:
        initial["identity_level"] = Encounter.IdentityLevel.IDENTIFIED
        initial["person"] = person.code
    if request.GET.get("from") == "last":
        last = (
            Encounter.objects.filter(created_by=user)
            .order_by("-created_at")
            .prefetch_related("themes", "support")
            .first()
        )
        if last is not None:
            initial.update(initial_from_encounter(last))
    favourite_id = request.GET.get("favourite", "")
    if favourite_id.isdigit():
        favourite = Favourite.objects.filter(user=user, pk=favourite_id).first()
        if favourite is not None:
            initial.update(initial_from_favourite(favourite))
    return initial


def _initial_from_post(post) -> dict:
    initial = {
        k: post.get(k) for k in post if k not in ("csrfmiddlewaretoken", "themes", "support")
    }
    initial["themes"] = post.getlist("themes")
    initial["support"] = post.getlist("support")
    initial["client_id"] = post.get("client_id") or uuid.uuid4()
    return initial


def _person(request, actor):
    code = request.POST.get("person") or request.GET.get("person")
    if not code:
        return None
    try:
        uuid.UUID(str(code))
    except ValueError:
        raise Http404 from None
    return open_person(actor, request.user, code, write=True, what="encounters.quick_entry")


def _render(request, form, *, saved=None, new_code="", undone=False, status=200):
    user = request.user
    context = {
        "form": form,
        "saved": saved,
        "new_code": new_code,
        "undone": undone,
        "can_undo": saved is not None and actions.can_undo(saved, user),
        "favourites": Favourite.objects.filter(user=user),
        "favourite_form": FavouriteForm(),
        "current_place": actions.current_place(user),
        "has_last": Encounter.objects.filter(created_by=user).exists(),
    }
    template = "encounters/new.html#entry" if is_htmx(request) else "encounters/new.html"
    return render(request, template, context, status=status)


@login_required
def quick_entry(request):
    org_ids = require_desk(request.user, write=True)
    actor = Actor.from_request(request)
    person = _person(request, actor)
    kwargs = {"user": request.user, "organisation_ids": org_ids, "person": person}
    if request.method != "POST":
        saved = None
        saved_code = request.GET.get("saved", "")
        if saved_code:
            try:
                saved = get_encounter_for_user(request.user, uuid.UUID(saved_code))
            except (ValueError, Http404):  # a malformed, stale or foreign link: just the form
                saved = None
        form = QuickEntryForm(initial=_defaults(request, person), **kwargs)
        new_code = recalled_code(request, saved) if saved else ""
        return _render(request, form, saved=saved, new_code=new_code)

    form = QuickEntryForm(request.POST, **kwargs)
    if "save_favourite" in request.POST:
        favourite_form = FavouriteForm(request.POST)
        if favourite_form.is_valid():
            actions.save_favourite(
                request.user,
                name=favourite_form.cleaned_data["favourite_name"],
                data=form.favourite_data(),
            )
            messages.success(request, _("The selection was saved as a favourite."))
        else:
            messages.error(request, _("Give the favourite a name."))
        form = QuickEntryForm(initial=_initial_from_post(request.POST), **kwargs)
        return _render(request, form)
    if not form.is_valid():
        return _render(request, form)

    data = form.to_input()
    recorded = actions.record_encounter(actor, data, by=request.user)
    actions.set_current_place(request.user, data.place)
    encounter = recorded.encounter
    if recorded.new_contact_code:
        remember_code(request, encounter, recorded.new_contact_code)
    if encounter.identity_level == Encounter.IdentityLevel.IDENTIFIED and not encounter.person_id:
        url = reverse("encounters:identify", args=[encounter.code])
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
    if is_htmx(request):
        fresh = QuickEntryForm(initial=_defaults(request, None), **{**kwargs, "person": None})
        return _render(request, fresh, saved=encounter, new_code=recorded.new_contact_code)
    return redirect(f"{reverse('encounters:new')}?saved={encounter.code}")


@require_POST
@login_required
def repeat_check(request):
    """HTMX: how many earlier contacts a contact code has (asks the failure-demand question)."""
    org_ids = require_desk(request.user, write=True)
    code = contact_code.normalise(request.POST.get("contact_code", ""))
    count, last = 0, None
    if code:
        earlier = Encounter.objects.filter(
            organisation_id__in=org_ids, contact_code_hash=contact_code.hash_code(code)
        )
        count = earlier.count()
        last = earlier.order_by("-started_at").only("started_at").first() if count else None
    return render(
        request,
        "encounters/new.html#repeat-info",
        {"checked": bool(code), "earlier_count": count, "last": last},
    )


@require_POST
@login_required
def undo(request, code):
    encounter = get_encounter_for_user(request.user, code, write=True)
    actions.undo_encounter(Actor.from_request(request), encounter, by=request.user)
    if is_htmx(request):
        org_ids = require_desk(request.user, write=True)
        form = QuickEntryForm(
            initial=_defaults(request, None), user=request.user, organisation_ids=org_ids
        )
        return _render(request, form, undone=True)
    messages.success(request, _("The contact was removed."))
    return redirect("encounters:new")


@require_POST
@login_required
def favourite_delete(request, pk):
    favourite = get_object_or_404(Favourite, pk=pk, user=request.user)
    favourite.delete()
    messages.success(request, _("The favourite was removed."))
    return redirect("encounters:new")
