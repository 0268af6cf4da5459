"""The public service finder's reads: everyday-words search (the directory's `search_services`),
life-situation lists, filters, and the facts a result card shows (address and directions as text,
phone, opening hours today, open now). Directory data is public: nothing here is logged.

A page of results is a constant number of queries, however many cards it shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.utils import timezone

from kohtaamo.channel.phrases import Situation
from kohtaamo.directory import searchdata
from kohtaamo.directory.models import Channel, Schedule, Service, ServiceLanguage
from kohtaamo.directory.search import Filters, filter_services, search_services

PAGE = 20
MAX_RESULTS = 100
LANGUAGE_NAMES = {
    "fi": "suomi",
    "sv": "svenska",
    "en": "English",
    "se": "sámegiella",
    "ru": "русский",
    "et": "eesti",
    "ar": "العربية",
    "so": "Soomaali",
    "uk": "українська",
    "fa": "فارسی",
    "ku": "kurdî",
    "sq": "shqip",
    "vi": "Tiếng Việt",
    "th": "ไทย",
    "zh": "中文",
    "es": "español",
    "fr": "français",
    "de": "Deutsch",
}


@dataclass
class Interval:
    opens: datetime.time
    closes: datetime.time


@dataclass
class Card:
    service: Service
    address: str = ""
    place_name: str = ""
    directions: str = ""
    phone: str = ""
    hours_today: list[Interval] = field(default_factory=list)
    has_hours: bool = False
    open_now: bool = False


def _applies(schedule: Schedule, day: datetime.date) -> bool:
    if schedule.valid_from and day < schedule.valid_from:
        return False
    if schedule.valid_to and day > schedule.valid_to:
        return False
    return day.weekday() in schedule.days and bool(schedule.opens_at and schedule.closes_at)


def intervals_on(schedules, day: datetime.date) -> list[Interval]:
    found = {(s.opens_at, s.closes_at) for s in schedules if _applies(s, day)}
    return [Interval(o, c) for o, c in sorted(found)]


def week(schedules, today: datetime.date) -> list[tuple[datetime.date, list[Interval]]]:
    """The next seven days from today, each with its opening hours."""
    days = [today + datetime.timedelta(days=i) for i in range(7)]
    return [(d, intervals_on(schedules, d)) for d in days]


def listing_queryset():
    """Services with everything a card or the service page reads, prefetched."""
    channels = (
        Channel.objects.select_related("service_at_location__location", "phone")
        .prefetch_related("schedules")
        .order_by("order", "id")
    )
    return Service.objects.select_related("organisation").prefetch_related(
        Prefetch("channels", queryset=channels),
        "schedules",
        "languages",
        "phones",
    )


def all_schedules(service: Service) -> list[Schedule]:
    result = list(service.schedules.all())
    for channel in service.channels.all():
        result += list(channel.schedules.all())
    return result


def card_for(service: Service, moment: datetime.datetime) -> Card:
    local = timezone.localtime(moment)
    card = Card(service=service)
    location_channel = phone_channel = None
    for channel in service.channels.all():
        if channel.kind == Channel.Kind.SERVICE_LOCATION and location_channel is None:
            location_channel = channel
        elif channel.kind == Channel.Kind.PHONE and phone_channel is None:
            phone_channel = channel
    if location_channel is not None and location_channel.location is not None:
        location = location_channel.location
        card.address = location.address_text
        card.place_name = location.name
        card.directions = location.description
    if phone_channel is not None and phone_channel.phone is not None:
        card.phone = phone_channel.phone.number
    elif service.phones.all():
        card.phone = service.phones.all()[0].number
    schedules = all_schedules(service)
    card.has_hours = bool(schedules)
    # Today's hours: the place's own, else the phone's, else the service's.
    for source in (location_channel, phone_channel):
        if source is not None and source.schedules.all():
            card.hours_today = intervals_on(source.schedules.all(), local.date())
            break
    else:
        card.hours_today = intervals_on(service.schedules.all(), local.date())
    now = local.time()
    card.open_now = any(i.opens <= now < i.closes for i in intervals_on(schedules, local.date()))
    return card


def cards(service_ids: list[int], *, moment: datetime.datetime | None = None) -> list[Card]:
    moment = moment or timezone.now()
    services = {s.pk: s for s in listing_queryset().filter(pk__in=service_ids)}
    return [card_for(services[sid], moment) for sid in service_ids if sid in services]


def theme_service_ids(themes: tuple[str, ...], filters: Filters | None, limit: int) -> list[int]:
    """Services for a life situation: those a social worker offers first (theme_links.json)
    in that order, then the others carrying the theme, by name."""
    links = searchdata.theme_links()
    ranked_slugs: list[str] = []
    for theme in themes:
        ranked_slugs += [s for s in links.get(theme, []) if s not in ranked_slugs]
    match = Q(slug__in=ranked_slugs)
    for theme in themes:
        match |= Q(themes__icontains=f'"{theme}"')
    rows = list(
        filter_services(Service.objects.active().filter(match), filters)
        .order_by("name_fi", "id")
        .values_list("pk", "slug")
    )
    position = {slug: i for i, slug in enumerate(ranked_slugs)}
    rows.sort(key=lambda r: position.get(r[1], len(position)))
    return [pk for pk, _slug in rows[:limit]]


def find(
    query: str,
    *,
    lang: str,
    situation: Situation | None = None,
    filters: Filters | None = None,
    limit: int = PAGE,
) -> list[int] | None:
    """Service ids for the finder, best first; None when nothing was asked yet."""
    limit = max(1, min(limit, MAX_RESULTS))
    if query.strip():
        return [
            h.service.pk for h in search_services(query, lang=lang, filters=filters, limit=limit)
        ]
    if situation is not None:
        return theme_service_ids(situation.themes, filters, limit)
    if filters is not None and filters.active:
        qs = filter_services(Service.objects.active(), filters).order_by("name_fi", "id")
        return list(qs.values_list("pk", flat=True)[:limit])
    return None


CHOICES_SECONDS = 300  # the filter lists change only when the directory is imported


def municipality_choices() -> list[str]:
    return cache.get_or_set("channel:finder:municipalities", _municipalities, CHOICES_SECONDS)


def language_choices() -> list[tuple[str, str]]:
    return cache.get_or_set("channel:finder:languages", _languages, CHOICES_SECONDS)


def _municipalities() -> list[str]:
    return sorted(
        set(
            Service.objects.active()
            .exclude(municipality="")
            .values_list("municipality", flat=True)
            .distinct()
        )
    )


def _languages() -> list[tuple[str, str]]:
    codes = set(ServiceLanguage.objects.values_list("code", flat=True).distinct())
    first = [c for c in ("fi", "sv", "en") if c in codes]
    rest = sorted(codes - set(first))
    return [(c, LANGUAGE_NAMES.get(c, c)) for c in first + rest]


def service_by_id(hsds_id) -> Service | None:
    return listing_queryset().filter(hsds_id=hsds_id).exclude(status=Service.Status.DEFUNCT).first()
