from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.core.htmx import is_htmx
from kohtaamo.core.i18n import current_language
from kohtaamo.directory import actions
from kohtaamo.directory.access import can_configure, get_service, require_staff
from kohtaamo.directory.forms import SearchForm, ServiceForm
from kohtaamo.directory.models import Channel, Schedule, Service
from kohtaamo.directory.registry import service_sections_for
from kohtaamo.directory.search import filter_services, open_service_ids, search_services


def _municipalities() -> list[str]:
    return sorted(
        set(Service.objects.exclude(municipality="").values_list("municipality", flat=True))
    )


def _person_param(request) -> str:
    """A referral in the making carries the person's code (a UUID, never a name) along."""
    try:
        return str(uuid.UUID(request.GET.get("person", "")))
    except ValueError:
        return ""


@login_required
def directory_home(request):
    """Search in everyday words, or browse with the filters alone."""
    require_staff(request.user)
    form = SearchForm(request.GET or None, municipalities=_municipalities())
    hits, browsing = None, False
    if form.is_valid():
        if form.query.strip():
            hits = search_services(
                form.query, lang=current_language(), filters=form.filters(), limit=20
            )
        elif form.filters().active:
            browsing = True
            services = filter_services(Service.objects.active(), form.filters()).for_listing()
            hits = [{"service": s, "score": None} for s in services.order_by("name_fi")[:50]]
    context = {
        "form": form,
        "person_param": _person_param(request),
        "hits": hits,
        "browsing": browsing,
        "open_ids": open_service_ids(timezone.now()) if hits else set(),
        "can_configure": can_configure(request.user),
        "stale_count": Service.objects.stale().count() if can_configure(request.user) else 0,
    }
    template = "directory/search.html#results" if is_htmx(request) else "directory/search.html"
    return render(request, template, context)


@login_required
def service_detail(request, hsds_id):
    require_staff(request.user)
    service = get_service(hsds_id)
    channels = (
        Channel.objects.filter(service=service)
        .select_related("phone", "service_at_location__location")
        .prefetch_related("schedules")
    )
    context = {
        "service": service,
        "channels": channels,
        "schedules": Schedule.objects.filter(service=service),
        "is_open": service.pk in open_service_ids(timezone.now()),
        "can_configure": can_configure(request.user),
        "texts": [
            (code, label, getattr(service, f"name_{code}"), getattr(service, f"description_{code}"))
            for code, label in (("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English")))
        ],
        "extra": _extra_sections(request, service),
    }
    return render(request, "directory/service.html", context)


def _extra_sections(request, service) -> list[dict]:
    """Sections other apps add to the service page (agreed service paths through it)."""
    return service_sections_for(request, service)


@login_required
def service_edit(request, hsds_id):
    service = get_service(hsds_id, edit=True, user=request.user)
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # The form has already set the fields on the instance; the action records the change.
        actions.update_service(
            Actor.from_request(request), Service.objects.get(pk=service.pk), **data
        )
        messages.success(request, _("The service was saved."))
        return redirect(service)
    return render(request, "directory/edit.html", {"form": form, "service": service})


@require_POST
@login_required
def service_verify(request, hsds_id):
    service = get_service(hsds_id, edit=True, user=request.user)
    actions.verify_service(
        Actor.from_request(request),
        service,
        by=request.user.get_full_name() or request.user.username,
    )
    messages.success(request, _("Marked as checked today."))
    if is_htmx(request):
        return render(
            request,
            "directory/service.html#provenance",
            {"service": service, "can_configure": True},
        )
    if request.POST.get("next") == "stale":
        return redirect("directory:stale")
    return redirect(service)


@login_required
def stale_list(request):
    """Entries not checked within the configured time (default 12 months), oldest first."""
    if not can_configure(request.user):
        raise PermissionDenied
    services = (
        Service.objects.stale()
        .select_related("organisation")
        .order_by("last_verified_at", "name_fi")
    )
    return render(request, "directory/stale.html", {"services": services})
