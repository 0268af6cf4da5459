"""The public service finder: no login, plain GET forms, no JavaScript needed."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kohtaamo.channel import finder, phrases
from kohtaamo.channel.forms import FinderForm
from kohtaamo.core.i18n import current_language
from kohtaamo.directory.search import Filters


def _filters(data: dict) -> Filters:
    return Filters(
        open_now=bool(data.get("open_now")),
        no_appointment=bool(data.get("no_appointment")),
        municipality=data.get("municipality") or "",
        language=data.get("language") or "",
    )


@require_GET
def finder_page(request):
    form = FinderForm(
        request.GET or None,
        municipalities=finder.municipality_choices(),
        languages=finder.language_choices(),
    )
    cards, situation, limit, asked = None, None, finder.PAGE, False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        situation = phrases.SITUATION_BY_KEY.get(data.get("situation") or "")
        limit = data.get("limit") or finder.PAGE
        ids = finder.find(
            data.get("q") or "",
            lang=current_language(),
            situation=situation,
            filters=_filters(data),
            limit=limit,
        )
        if ids is not None:
            asked = True
            cards = finder.cards(ids)
    more = None
    if cards is not None and len(cards) >= limit and limit < finder.MAX_RESULTS:
        query = request.GET.copy()
        query["limit"] = str(min(limit + finder.PAGE, finder.MAX_RESULTS))
        more = query.urlencode()
    return render(
        request,
        "channel/finder.html",
        {
            "form": form,
            "cards": cards,
            "asked": asked,
            "situation": situation,
            "situations": phrases.SITUATIONS,
            "more": more,
        },
    )


@require_GET
def service_page(request, hsds_id):
    service = finder.service_by_id(hsds_id)
    if service is None:
        raise Http404
    today = timezone.localdate()
    now = timezone.now()
    card = finder.card_for(service, now)
    channels = []
    for channel in service.channels.all():
        schedules = list(channel.schedules.all())
        channels.append(
            {
                "channel": channel,
                "location": channel.location,
                "phone": channel.phone,
                "week": finder.week(schedules, today) if schedules else None,
            }
        )
    service_week = finder.week(list(service.schedules.all()), today)
    return render(
        request,
        "channel/service.html",
        {
            "service": service,
            "card": card,
            "channels": channels,
            "service_week": service_week if any(i for _d, i in service_week) else None,
            "languages": [
                finder.LANGUAGE_NAMES.get(lang.code, lang.code) for lang in service.languages.all()
            ],
        },
    )
