"""Synthetic activity at scale for dashboards and benchmarks (`manage.py generate_scale_data`).

Realistic enough to exercise the figures: seasonality by month and weekday and opening hours,
a mix of places and channels, repeat visitors (identified people and pseudonymous contact codes
drawn with a skew, so some come often), failure demand and its reasons, and referrals whose
partners respond, accept or decline and whose arrival is confirmed or not.

Everything is synthetic: people are invented and their identity codes use the temporary
individual numbers 900–999. Rows are written in chronological order with ids allocated up front:
PostgreSQL gets them through COPY (psycopg 3 `cursor.copy`) in batches, SQLite through
executemany. Columns come from the models' own field lists, so a field added later with a
default is filled in without changing this module.
"""

from __future__ import annotations

import datetime
import itertools
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from kohtaamo.evaluation.aggregates import SUPPORT_MEASURES
from kohtaamo.evaluation.bulk import TableWriter, _copy
from kohtaamo.evaluation.models.aggregates import ENCOUNTER_MEASURES, REFERRAL_MEASURES

MONTH_FACTOR = {
    1: 1.15,
    2: 1.1,
    3: 1.1,
    4: 1.0,
    5: 0.95,
    6: 0.75,
    7: 0.55,
    8: 0.85,
    9: 1.1,
    10: 1.1,
    11: 1.1,
    12: 0.8,
}
WEEKDAY_FACTOR = [1.35, 1.2, 1.1, 1.0, 0.8, 0.08, 0.04]
HOURS = list(range(8, 17))
HOUR_WEIGHTS = [5, 10, 12, 11, 7, 9, 10, 8, 4]
THEME_WEIGHTS = {
    "income": 14, "debt": 10, "housing": 12, "work": 8, "substance_use": 7, "mental_health": 9,
    "loneliness": 6, "family": 5, "violence": 2, "benefits_forms": 11, "digital_skills": 6,
    "criminal_sanctions": 1, "immigration": 3, "health": 5, "food": 4, "education": 2,
    "legal": 2, "other": 3,
}  # fmt: skip
SUPPORT_WEIGHTS = {
    "listening": 20, "counselling": 25, "application_help": 12, "service_guidance": 18,
    "initial_assessment": 8, "contact_notification": 4, "emergency_help": 3, "accompanied_handoff": 4,
}  # fmt: skip
FAILURE_WEIGHTS = {
    "guidance_did_not_work": 5, "partner_turned_away": 4, "waiting_too_long": 6,
    "instructions_not_understood": 4, "no_suitable_service": 5, "could_not_reach_service": 3,
    "lost_in_between": 3, "other": 2,
}  # fmt: skip
CHANNELS = {"desk": 60, "phone": 20, "chat": 7, "video": 2, "field": 7, "home_visit": 3, "other": 1}
AGE_BANDS = ["18_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus", ""]
GENDERS = ["woman", "man", "other", "not_told", ""]
POOL = 4096
PLACES = [
    # slug, name, kind, municipality, weight, default channel
    ("keskusta", "Keskustan sosiaalipiste", "desk", "Järvelä", 30, "desk"),
    ("koivula", "Koivulan sosiaalipiste", "desk", "Koivula", 14, "desk"),
    ("kela", "Kelan palvelupiste", "kela_office", "Järvelä", 6, "desk"),
    ("terveysasema", "Rantalan terveysasema", "health_station", "Rantala", 8, "desk"),
    ("kohtaamo", "Olohuone-kohtaamispaikka", "meeting_place", "Järvelä", 10, "desk"),
    ("kirjasto", "Mäntylän kirjasto", "library", "Mäntylä", 4, "desk"),
    ("puhelin", "Puhelin ja chat", "online", "", 18, "phone"),
    ("kentta", "Kenttätyö", "street", "Järvelä", 10, "field"),
]


def uuid_sequence(rng: random.Random, start_ms: int):
    """UUIDv7-like codes: time-ordered (index-friendly for bulk loads), 74 random bits."""
    ms = start_ms
    while True:
        ms += 1
        value = (
            (ms << 80)
            | (0x7 << 76)
            | (rng.getrandbits(12) << 64)
            | (0b10 << 62)
            | rng.getrandbits(62)
        )
        yield uuid.UUID(int=value)


class Loader:
    """One background thread with its own connection runs the COPYs in order, so Python keeps
    generating while PostgreSQL loads. At most two batches wait, which bounds memory."""

    def __init__(self):
        import queue
        import threading

        self.queue = queue.Queue(maxsize=2)
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        from django.db import connections

        try:
            with _fast_session():
                while True:
                    item = self.queue.get()
                    if item is None:
                        return
                    _copy(*item)
        except Exception as exc:  # noqa: BLE001 - reported by close()
            self.error = exc
            while self.queue.get() is not None:
                pass
        finally:
            connections.close_all()

    def put(self, sql: str, text: str) -> None:
        if self.error:
            raise self.error
        self.queue.put((sql, text))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error:
            raise self.error


class dropped_indexes:
    """While loading many rows into (nearly) empty tables on PostgreSQL, drop their secondary
    indexes and unique constraints and build them again afterwards (always, even on error)."""

    def __init__(self, models, *, rows_to_add: int):
        self.models = models
        self.rows_to_add = rows_to_add
        self.saved: list[tuple[str, str]] = []

    def __enter__(self):
        if connection.vendor != "postgresql" or not self.rows_to_add:
            return self
        with connection.cursor() as cursor:
            for model in self.models:
                table = model._meta.db_table
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
                if cursor.fetchone()[0] > self.rows_to_add:
                    continue
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'u'",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.saved.append(
                        (
                            f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"',
                            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}',
                        )
                    )
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
                    "AND c.conrelid = %s::regclass)",
                    [table, table],
                )
                for name, definition in cursor.fetchall():
                    self.saved.append((f'DROP INDEX "{name}"', definition))
            for drop, _create in self.saved:
                cursor.execute(drop)
        return self

    def __exit__(self, *exc):
        if not self.saved:
            return False
        from concurrent.futures import ThreadPoolExecutor

        from django.db import connections

        def create(statement: str) -> None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SET maintenance_work_mem = '256MB'")
                    cursor.execute(statement)
            finally:
                connections.close_all()

        # Largest tables first, two at a time (each build also uses a parallel worker).
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(create, [c for _d, c in self.saved]))
        return False


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')  # noqa: S608
        return cursor.fetchone()[0] + 1


def reset_sequence(model) -> None:
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
        )


# The synthetic world --------------------------------------------------------------------------


@dataclass
class World:
    organisation: object
    places: list  # (place, unit_id, team_id, weight, default_channel)
    workers: list  # user ids
    person_ids: list
    code_hashes: list
    terms: dict  # (section, key) -> id
    services: list  # service ids
    place_weights: list = field(default_factory=list)
    professionals: set = field(default_factory=set)  # user ids of social welfare professionals
    service_orgs: dict = field(default_factory=dict)  # service id -> directory organisation id


def ensure_world(org_slug: str, *, persons: int, workers: int = 24, rng: random.Random) -> World:
    """The county, its units, places, workers, people and partner services (idempotent)."""
    from kohtaamo.accounts.models import Membership, Organisation, Role, Team, Unit, User
    from kohtaamo.directory.models import Organisation as DirectoryOrganisation
    from kohtaamo.directory.models import Service
    from kohtaamo.encounters.models import Place, Term
    from kohtaamo.people.hetu import make_hetu
    from kohtaamo.people.models import Person

    org, _ = Organisation.objects.get_or_create(
        slug=org_slug,
        defaults={
            "kind": "county",
            "name_fi": f"Skaalatesti ({org_slug})",
            "name_en": f"Scale test ({org_slug})",
        },
    )
    unit, _ = Unit.objects.get_or_create(
        organisation=org,
        slug="skaala-matala",
        defaults={"name_fi": "Matalan kynnyksen palvelut (skaala)"},
    )
    field_unit, _ = Unit.objects.get_or_create(
        organisation=org, slug="skaala-etsiva", defaults={"name_fi": "Etsivä työ (skaala)"}
    )
    team, _ = Team.objects.get_or_create(
        unit=unit, slug="skaala-tiimi", defaults={"name_fi": "Skaalatiimi"}
    )
    field_team, _ = Team.objects.get_or_create(
        unit=field_unit, slug="skaala-kentta", defaults={"name_fi": "Skaalakenttä"}
    )
    places = []
    for _slug, name, kind, municipality, weight, channel in PLACES:
        on_field = kind == "street"
        place, _ = Place.objects.get_or_create(
            organisation=org,
            name_fi=f"{name} (skaala)",
            defaults={
                "unit": field_unit if on_field else unit,
                "team": field_team if on_field else team,
                "kind": kind,
                "municipality": municipality,
                "default_channel": channel,
            },
        )
        places.append((place, place.unit_id, place.team_id, weight, channel))
    roles = {
        r.key: r
        for r in Role.objects.filter(
            key__in=["social_worker", "social_counsellor", "other_professional"]
        )
    }
    existing = list(
        User.objects.filter(username__startswith=f"skaala-{org.pk}-")
        .order_by("id")
        .values_list("id", flat=True)
    )
    for i in range(len(existing), workers):
        user = User.objects.create(
            username=f"skaala-{org.pk}-{i}", first_name="Skaala", last_name=f"Työntekijä {i}"
        )
        role = ["social_worker", "social_counsellor", "social_counsellor", "other_professional"][
            i % 4
        ]
        Membership.objects.create(
            user=user,
            organisation=org,
            unit=field_unit if i % 5 == 4 else unit,
            team=field_team if i % 5 == 4 else team,
            role=roles[role],
        )
        existing.append(user.pk)
    have = Person.objects.filter(organisation=org).count()
    if have < persons:
        batch = []
        for i in range(have, persons):
            born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 52))
            p = Person(
                organisation=org,
                first_name=f"Skaala{i}",
                last_name=f"Henkilö{i % 997}",
                municipality=rng.choice(["Järvelä", "Koivula", "Rantala", "Mäntylä"]),
            )
            p.last_name_upper = p.last_name.upper()
            p.set_hetu(make_hetu(born, 900 + i % 100))
            batch.append(p)
            if len(batch) >= 2000:
                Person.objects.bulk_create(batch)
                batch = []
        Person.objects.bulk_create(batch)
    person_ids = list(
        Person.objects.filter(organisation=org)
        .order_by("id")
        .values_list("id", flat=True)[:persons]
    )
    code_hashes = [f"{rng.getrandbits(256):064x}" for _ in range(max(persons * 2, 10))]
    terms = {(t.section, t.key): t.pk for t in Term.objects.all()}
    provider, _ = DirectoryOrganisation.objects.get_or_create(
        slug=f"skaala-kumppani-{org.pk}", defaults={"name_fi": "Skaalakumppani ry", "kind": "ngo"}
    )
    services = list(Service.objects.filter(organisation=provider).values_list("id", flat=True))
    for i in range(len(services), 6):
        services.append(
            Service.objects.create(
                organisation=provider, name_fi=f"Skaalapalvelu {i + 1}", themes=["housing"]
            ).pk
        )
    world = World(org, places, existing, person_ids, code_hashes, terms, services)
    return _complete_world(world)


def _complete_world(world: World) -> World:
    from kohtaamo.directory.models import Service
    from kohtaamo.evaluation.aggregates import professional_user_ids

    world.place_weights = [p[3] for p in world.places]
    world.professionals = professional_user_ids([world.organisation.pk])
    world.service_orgs = dict(
        Service.objects.filter(id__in=world.services).values_list("id", "organisation_id")
    )
    return world


def existing_world(org_slug: str, *, rng: random.Random) -> World:
    """The places, workers, people and services already in an organisation (demo data)."""
    from kohtaamo.accounts.models import Membership, Organisation
    from kohtaamo.directory.models import Service
    from kohtaamo.encounters.models import Place, Term
    from kohtaamo.people.models import Person

    org = Organisation.objects.get(slug=org_slug)
    places = []
    for place in Place.objects.filter(organisation=org, active=True).order_by("id"):
        channel = place.default_channel or ("field" if place.kind == "street" else "desk")
        weight = 30 if place.kind == "desk" else 10
        places.append((place, place.unit_id, place.team_id, weight, channel))
    workers = sorted(
        {
            m.user_id
            for m in Membership.objects.filter(
                organisation=org, is_active=True, role__client_access="write"
            )
        }
    )
    if not places or not workers:
        raise ValueError(f"{org_slug} has no places or no workers who record contacts")
    person_ids = list(Person.objects.filter(organisation=org).values_list("id", flat=True))
    services = list(Service.objects.active().order_by("id").values_list("id", flat=True)[:40])
    if not services:
        return ensure_world(org_slug, persons=0, rng=rng)
    world = World(
        org,
        places,
        workers,
        person_ids,
        [f"{rng.getrandbits(256):064x}" for _ in range(max(len(person_ids) * 2, 60))],
        {(t.section, t.key): t.pk for t in Term.objects.all()},
        services,
    )
    return _complete_world(world)


def open_hours(day: datetime.date, now: datetime.datetime | None) -> list[int]:
    """Opening hours of a day; today only those already over (activity is never in the future)."""
    if now is None or day < now.date():
        return HOURS
    return [h for h in HOURS if h < now.hour]


def day_counts(
    total: int, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> list[tuple[datetime.date, int]]:
    """Spread `total` over the days with month and weekday seasonality (largest remainder);
    today (if in range) gets only the share of its hours already past."""
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days)]
    weights = [
        MONTH_FACTOR[d.month]
        * WEEKDAY_FACTOR[d.weekday()]
        * sum(HOUR_WEIGHTS[HOURS.index(h)] for h in open_hours(d, now))
        / sum(HOUR_WEIGHTS)
        for d in days
    ]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(r) for r in raw]
    missing = total - sum(counts)
    order = sorted(range(len(days)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[:missing]:
        counts[i] += 1
    return list(zip(days, counts, strict=True))


@dataclass
class Summary:
    encounters: int = 0
    referrals: int = 0
    events: int = 0
    persons: int = 0
    repeat: int = 0
    failure_demand: int = 0
    seconds: float = 0.0
    aggregate_rows: int = 0


def generate(
    *,
    encounters: int,
    referrals: int,
    persons: int,
    months: int = 24,
    organisation: str = "skaala",
    seed: int = 2026,
    batch: int = 100_000,
    progress: Callable[[str], None] = lambda s: None,
    aggregate: bool = True,
    existing: bool = False,
) -> Summary:
    """Add synthetic activity to `organisation` (created with its own units, places, workers and
    people, or with `existing=True` those it already has). Rows are appended: run it on a test
    or benchmark database."""
    from kohtaamo.encounters.models import Encounter, EncounterWorker
    from kohtaamo.referrals.models import Referral, ReferralEvent

    rng = random.Random(seed)
    started = time.monotonic()
    summary = Summary()
    with transaction.atomic():
        if existing:
            world = existing_world(organisation, rng=rng)
        else:
            world = ensure_world(organisation, persons=persons, rng=rng)
    summary.persons = len(world.person_ids)
    now = timezone.localtime()
    end = now.date() + datetime.timedelta(days=1)  # today too, up to the last full hour
    start = (now.date().replace(day=1) - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    plan = day_counts(encounters, start, end, now)
    tz = timezone.get_current_timezone()
    postgres = connection.vendor == "postgresql"

    loaded = [
        Encounter,
        Encounter.themes.through,
        Encounter.support.through,
        EncounterWorker,
        Referral,
        ReferralEvent,
    ]
    # A second connection and index changes only outside a transaction (not in tests, where the
    # other connection could not see the test's rows and would wait on its locks).
    standalone = postgres and not connection.in_atomic_block
    loader = Loader() if standalone else None
    enc = TableWriter(Encounter, {"feedback_code_hash": "", "note": "", "guided_to": ""}, loader)
    themes_w = TableWriter(Encounter.themes.through, loader=loader)
    support_w = TableWriter(Encounter.support.through, loader=loader)
    workers_w = TableWriter(EncounterWorker, loader=loader)
    ref_w = TableWriter(Referral, loader=loader)
    event_w = TableWriter(ReferralEvent, loader=loader)
    writers = [enc, themes_w, support_w, workers_w, ref_w, event_w]
    add_encounter = enc.maker(
        ["id", "code", "organisation_id", "unit_id", "team_id", "place_id", "channel",
         "started_at", "duration_minutes", "arrival", "identity_level", "age_band", "gender",
         "contact_code_hash", "person_id", "result", "is_repeat", "about_handled_matter",
         "failure_reason", "created_by_id", "created_at", "updated_at"]
    )  # fmt: skip
    add_theme = themes_w.maker(["id", "encounter_id", "term_id"])
    add_support = support_w.maker(["id", "encounter_id", "term_id"])
    add_worker = workers_w.maker(["id", "encounter_id", "user_id", "position", "started_at"])
    null, true, false = enc.null, enc.true, enc.false

    enc_id = next_id(Encounter)
    theme_id = next_id(Encounter.themes.through)
    support_id = next_id(Encounter.support.through)
    worker_id = next_id(EncounterWorker)
    ref_id = next_id(Referral)
    event_id = next_id(ReferralEvent)
    codes = uuid_sequence(rng, int(time.time() * 1000) - encounters - referrals)

    theme_ids = [str(world.terms[("themes", k)]) for k in THEME_WEIGHTS]
    theme_weights = list(itertools.accumulate(THEME_WEIGHTS.values()))
    support_ids = [str(world.terms[("support", k)]) for k in SUPPORT_WEIGHTS]
    support_weights = list(itertools.accumulate(SUPPORT_WEIGHTS.values()))
    failure_keys = list(FAILURE_WEIGHTS)
    failure_weights = list(itertools.accumulate(FAILURE_WEIGHTS.values()))
    channel_keys = list(CHANNELS)
    channel_weights = list(itertools.accumulate(CHANNELS.values()))
    arrivals = ("self", "partner_guided", "outreach", "relative", "other")
    arrival_weights = list(itertools.accumulate((70, 15, 8, 5, 2)))
    seen_people = bytearray(len(world.person_ids) or 1)
    seen_codes = bytearray(len(world.code_hashes))
    referral_p = min(1.0, referrals / max(1, encounters * 0.35))
    org_id = str(world.organisation.pk)
    person_texts = [str(p) for p in world.person_ids]
    worker_texts = [str(w) for w in world.workers]
    place_rows = [
        (str(p.pk), str(u) if u else null, str(t) if t else null, ch, p.pk, u)
        for p, u, t, _w, ch in world.places
    ]
    place_weights = list(itertools.accumulate(world.place_weights))
    durations = ("10", "15", "20", "20", "30", "30", "45", "60")
    n_people, n_codes, n_workers = len(world.person_ids), len(world.code_hashes), len(world.workers)
    pending = 0
    last_report = time.monotonic()
    random_ = rng.random
    choices = rng.choices
    # Pools of theme and support combinations (0–3 themes, 1–2 kinds of support), drawn once.
    theme_pool, support_pool = [], []
    for _ in range(POOL):
        r = random_()
        k = 0 if r < 0.08 else 1 if r < 0.55 else 2 if r < 0.85 else 3
        theme_pool.append(tuple(set(choices(theme_ids, cum_weights=theme_weights, k=k))))
        k = 1 if random_() < 0.6 else 2
        support_pool.append(tuple(set(choices(support_ids, cum_weights=support_weights, k=k))))

    professionals = {str(u) for u in world.professionals}
    theme_keys = {str(world.terms[("themes", k)]): k for k in THEME_WEIGHTS}
    support_index = {
        str(world.terms[("support", k)]): ENCOUNTER_MEASURES.index(measure)
        for k, measure in SUPPORT_MEASURES.items()
    }
    # A county with nothing recorded yet gets its daily figures straight from the generator
    # (the same definitions as `aggregates`, checked by a test); otherwise they are recomputed.
    direct = aggregate and is_fresh(world.organisation) and caught_up()
    enc_agg: dict = {}
    term_agg: dict = {}
    ref_agg: dict = {}

    indexes = dropped_indexes(loaded, rows_to_add=encounters if standalone else 0)
    with indexes, _fast_session():
        try:
            for day, count in plan:
                if not count:
                    continue
                # The day's UTC offset once; opening hours never cross midnight in UTC.
                noon = datetime.datetime.combine(day, datetime.time(12), tz)
                offset = int(noon.utcoffset().total_seconds() // 60)
                day_text = f"{day:%Y-%m-%d}"
                suffix = "+00" if postgres else ""
                hours = open_hours(day, now)
                hour_weights = list(
                    itertools.accumulate(HOUR_WEIGHTS[HOURS.index(h)] for h in hours)
                )
                stamps = sorted(
                    h * 60 + m - offset
                    for h, m in zip(
                        choices(hours, cum_weights=hour_weights, k=count),
                        [int(random_() * 60) for _ in range(count)],
                        strict=True,
                    )
                )
                places = choices(place_rows, cum_weights=place_weights, k=count)
                day_arrivals = choices(arrivals, cum_weights=arrival_weights, k=count)
                for i in range(count):
                    place_id, unit_id, team_id, default_channel, place_pk, unit_pk = places[i]
                    minute = stamps[i]
                    at = f"{day_text} {minute // 60:02d}:{minute % 60:02d}:00{suffix}"
                    r = random_()
                    channel = (
                        default_channel
                        if r < 0.75
                        else choices(channel_keys, cum_weights=channel_weights)[0]
                    )
                    duration = durations[int(random_() * 8)]
                    done = minute + int(duration)
                    done_at = f"{day_text} {done // 60:02d}:{done % 60:02d}:00{suffix}"
                    roll = random_()
                    person, code_hash, repeat = null, "", False
                    if roll < 0.25 and n_people:
                        level = "identified"
                        idx = int(n_people * random_() ** 2.2)
                        person = person_texts[idx]
                        repeat = bool(seen_people[idx])
                        seen_people[idx] = 1
                    elif roll < 0.55:
                        level = "pseudonymous"
                        idx = int(n_codes * random_() ** 2.2)
                        code_hash = world.code_hashes[idx]
                        repeat = bool(seen_codes[idx])
                        seen_codes[idx] = 1
                    else:
                        level = "anonymous"
                        repeat = random_() < 0.15
                    handled, reason = null, ""
                    if repeat:
                        summary.repeat += 1
                        if random_() < 0.38:
                            handled = true
                            reason = choices(failure_keys, cum_weights=failure_weights)[0]
                            summary.failure_demand += 1
                        else:
                            handled = false
                    r = random_()
                    result = (
                        "settled" if r < 0.5 else "guided_onward" if r < 0.85 else "client_matter"
                    )
                    worker_index = int(n_workers * random_())
                    worker = worker_texts[worker_index]
                    e = str(enc_id)
                    anonymous = level != "identified"
                    add_encounter(
                        e, next(codes).hex, org_id, unit_id, team_id, place_id, channel, at,
                        duration, day_arrivals[i], level,
                        AGE_BANDS[int(random_() * 8)] if anonymous else "",
                        GENDERS[int(random_() * 5)] if anonymous else "",
                        code_hash, person, result, true if repeat else false, handled, reason,
                        worker, done_at, done_at,
                    )  # fmt: skip
                    themes = theme_pool[int(random_() * POOL)]
                    for term in themes:
                        add_theme(str(theme_id), e, term)
                        theme_id += 1
                    support = support_pool[int(random_() * POOL)]
                    for term in support:
                        add_support(str(support_id), e, term)
                        support_id += 1
                    add_worker(str(worker_id), e, worker, "0", at)
                    worker_id += 1
                    professional = worker in professionals
                    if random_() < (0.6 if channel == "field" else 0.15):
                        other = worker_texts[int(n_workers * random_())]
                        if other != worker:
                            add_worker(str(worker_id), e, other, "1", at)
                            worker_id += 1
                            professional = professional or other in professionals
                    if direct:
                        key = (day, unit_pk, place_pk, channel)
                        acc = enc_agg.get(key)
                        if acc is None:
                            acc = enc_agg[key] = [0] * len(ENCOUNTER_MEASURES)
                        acc[0] += 1
                        acc[1] += professional
                        acc[2] += day_arrivals[i] != "partner_guided"
                        acc[LEVEL_INDEX[level]] += 1
                        acc[6] += bool(themes)
                        for term in support:
                            position = support_index.get(term)
                            if position:
                                acc[position] += 1
                        acc[RESULT_INDEX[result]] += 1
                        acc[15] += repeat
                        acc[16] += handled == true
                        acc[17] += channel in DIGITAL
                        acc[18] += channel in FIELD
                        acc[19] += int(duration)
                        for term in themes:
                            tkey = (day, unit_pk, place_pk, channel, "themes", theme_keys[term])
                            term_agg[tkey] = term_agg.get(tkey, 0) + 1
                        if reason:
                            tkey = (day, unit_pk, place_pk, channel, "failure_reasons", reason)
                            term_agg[tkey] = term_agg.get(tkey, 0) + 1
                            if reason == "no_suitable_service":
                                for term in themes:
                                    tkey = (
                                        day,
                                        unit_pk,
                                        place_pk,
                                        channel,
                                        "unmet_themes",
                                        theme_keys[term],
                                    )
                                    term_agg[tkey] = term_agg.get(tkey, 0) + 1
                    if (
                        result == "guided_onward"
                        and summary.referrals < referrals
                        and random_() < referral_p
                    ):
                        sent = utc_midnight(day) + datetime.timedelta(minutes=done)
                        event_id = _referral(
                            ref_w, event_w, rng, codes, ref_id, event_id, enc_id,
                            world.organisation.pk, int(person) if person != null else None,
                            world.workers[worker_index], sent, world,
                            ref_agg if direct else None, (day, unit_pk, channel), now=now,
                        )  # fmt: skip
                        ref_id += 1
                        summary.referrals += 1
                    enc_id += 1
                    summary.encounters += 1
                    pending += 1
                if pending >= batch:
                    for w in writers:
                        w.flush()
                    pending = 0
                    if time.monotonic() - last_report > 2:
                        last_report = time.monotonic()
                        rate = summary.encounters / (last_report - started)
                        eta = (encounters - summary.encounters) / rate if rate else 0
                        progress(
                            f"{summary.encounters:,} / {encounters:,} encounters, "
                            f"{summary.referrals:,} referrals ({rate:,.0f}/s, {eta:,.0f} s left)"
                        )
            for w in writers:
                w.flush()
        finally:
            if loader:
                loader.close()
        progress("building indexes" if indexes.saved else "loaded")
    summary.events = event_w.written
    for model in loaded:
        reset_sequence(model)
    if postgres:
        progress("analysing tables")
        with connection.cursor() as cursor:
            for model in loaded:
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    if direct:
        progress("writing daily figures")
        summary.aggregate_rows = write_figures(
            world.organisation.pk, enc_agg, term_agg, ref_agg, now
        )
    elif aggregate:
        from kohtaamo.evaluation import aggregates

        progress("aggregating by day")
        summary.aggregate_rows = aggregates.rebuild(
            progress=lambda i, n, month: progress(f"aggregated from {month:%Y-%m} ({i}/{n})"),
            chunk_months=3,
            workers=2 if postgres else 1,
        )
    summary.seconds = time.monotonic() - started
    return summary


def _referral(
    ref_w,
    event_w,
    rng,
    codes,
    ref_id,
    event_id,
    enc_id,
    org_id,
    person_id,
    worker,
    sent,
    world,
    ref_agg=None,
    where=None,
    *,
    now=None,
) -> int:
    response = sent + datetime.timedelta(hours=max(1, int(rng.lognormvariate(3.0, 0.9))))
    events = [("", "sent", sent)]
    roll = rng.random()
    confirmed = None
    status = "sent"
    if roll < 0.70:
        events.append(("sent", "accepted", response))
        status = "accepted"
        outcome = rng.random()
        later = response + datetime.timedelta(hours=int(rng.uniform(12, 240)))
        if outcome < 0.75:
            events.append(("accepted", "arrived", later))
            status, confirmed = "arrived", later
        elif outcome < 0.9:
            events.append(("accepted", "not_reached", later))
            status = "not_reached"
    elif roll < 0.82:
        events.append(("sent", "declined", response))
        status = "declined"
    if now is not None and events[-1][2] > now:
        # What has not happened yet is not in the data: a referral sent yesterday is still
        # waiting for its answer (and nothing is "updated" in the future, which the minute job
        # would otherwise re-aggregate on every run).
        events = [e for e in events if e[2] <= now]
        status = events[-1][1]
        confirmed = confirmed if status == "arrived" else None
    mode = "warm_handoff" if rng.random() < 0.15 else "standard"
    service = world.services[int(len(world.services) * rng.random())]
    if ref_agg is not None:
        day, unit, channel = where
        key = (day, unit, world.service_orgs.get(service), channel)
        m = ref_agg.get(key)
        if m is None:
            m = ref_agg[key] = dict.fromkeys(REFERRAL_MEASURES, 0)
        m["sent"] += 1
        m["accepted"] += status in ("accepted", "arrived", "not_reached")
        m["declined"] += status == "declined"
        m["arrived"] += confirmed is not None
        m["not_arrived"] += status == "not_reached"
        m["warm_handoff"] += mode == "warm_handoff"
        if len(events) > 1:
            m["responded"] += 1
            m["response_hours"] += int((events[1][2] - sent).total_seconds() // 3600)
    ref_w.add({
        "id": ref_id, "code": next(codes), "organisation_id": org_id,
        "service_id": service, "encounter_id": enc_id,
        "person_id": person_id, "mode": mode, "status": status,
        "decline_reason": "Ei sopiva" if status == "declined" else "", "created_by_id": worker,
        "created_at": sent, "sent_at": sent, "due_at": sent + datetime.timedelta(days=5),
        "confirmed_at": confirmed, "confirmed_via": "partner_link" if confirmed else "",
        "updated_at": events[-1][2],
    })  # fmt: skip
    for from_status, to_status, at in events:
        event_w.add(
            {
                "id": event_id,
                "referral_id": ref_id,
                "at": at,
                "from_status": from_status,
                "to_status": to_status,
                "actor_id": worker if to_status == "sent" else None,
                "via": "",
            }
        )
        event_id += 1
    return event_id


LEVEL_INDEX = {"anonymous": 3, "pseudonymous": 4, "identified": 5}
RESULT_INDEX = {"guided_onward": 12, "settled": 13, "client_matter": 14}
DIGITAL = ("chat", "video")
FIELD = ("field", "home_visit")


def utc_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), datetime.UTC)


def is_fresh(organisation) -> bool:
    """Nothing recorded or aggregated for the organisation yet."""
    from kohtaamo.encounters.models import Encounter
    from kohtaamo.evaluation.models import EncounterDay, ReferralDay
    from kohtaamo.referrals.models import Referral

    return not (
        Encounter.objects.filter(organisation=organisation).exists()
        or Referral.objects.filter(organisation=organisation).exists()
        or EncounterDay.objects.filter(organisation=organisation).exists()
        or ReferralDay.objects.filter(organisation=organisation).exists()
    )


def caught_up() -> bool:
    """Every existing row is in the aggregates (or there are none), so the generator may write
    its own figures and move the refresh marks past its rows."""
    from kohtaamo.evaluation import aggregates
    from kohtaamo.evaluation.models import AggregateState

    newest, newest_referral = aggregates.newest_ids()
    if newest == 0 and newest_referral == 0:
        return True
    marks = {s.name: s for s in AggregateState.objects.filter(refreshed_at__isnull=False)}
    return (
        "encounters" in marks
        and marks["encounters"].last_id >= newest
        and ("referrals" in marks and marks["referrals"].last_id >= newest_referral)
    )


def write_figures(org_id: int, enc_agg: dict, term_agg: dict, ref_agg: dict, now) -> int:
    """Write the generator's own daily figures, then the monthly sums and the refresh state."""
    from kohtaamo.evaluation import aggregates
    from kohtaamo.evaluation.bulk import insert_rows
    from kohtaamo.evaluation.models import (
        EncounterDay,
        EncounterTermDay,
        ReferralDay,
    )

    insert_rows(
        EncounterDay,
        [
            {"day": day, "organisation_id": org_id, "unit_id": unit, "place_id": place,
             "channel": channel, **dict(zip(ENCOUNTER_MEASURES, acc, strict=True))}
            for (day, unit, place, channel), acc in enc_agg.items()
        ],
    )  # fmt: skip
    insert_rows(
        EncounterTermDay,
        [
            {"day": day, "organisation_id": org_id, "unit_id": unit, "place_id": place,
             "channel": channel, "section": section, "key": key, "n": n}
            for (day, unit, place, channel, section, key), n in term_agg.items()
        ],
    )  # fmt: skip
    insert_rows(
        ReferralDay,
        [
            {"day": day, "organisation_id": org_id, "unit_id": unit, "partner_ref": partner,
             "channel": channel, **m}
            for (day, unit, partner, channel), m in ref_agg.items()
        ],
    )  # fmt: skip
    aggregates.roll_up(
        org_id,
        {key[0].replace(day=1) for key in enc_agg} | {key[0].replace(day=1) for key in ref_agg},
    )
    # Everything before was aggregated (see `caught_up`) and the new rows now are.
    aggregates.save_state(*aggregates.newest_ids(), now)
    aggregates.analyse()
    return len(enc_agg)


class _fast_session:
    """On PostgreSQL, skip per-row foreign-key triggers while loading generated rows (their
    references are made consistent here) and do not wait for WAL flushes. Both settings are
    for this session only; without the privilege the load simply runs with the checks."""

    def __enter__(self):
        self.replica = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
                try:
                    with transaction.atomic():
                        cursor.execute("SET session_replication_role = replica")
                    self.replica = True
                except Exception:  # noqa: BLE001 - not a superuser: keep the checks
                    self.replica = False
        return self

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if self.replica:
                    cursor.execute("SET session_replication_role = DEFAULT")
                cursor.execute("SET synchronous_commit = on")
        return False
