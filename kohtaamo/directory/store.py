"""Writing directory entries from a *spec*: the one intermediate shape that the demo file, HSDS
and PTV imports are all turned into, so the three formats share one writer.

A spec is plain JSON: an organisation `{id, slug, kind, name: {fi, sv, en}, description, email,
website, provenance, locations: [...], services: [...]}`; a service `{id, slug, name, description,
keywords: {fi: [...]}, eligibility, fees, free_of_charge, anonymous_allowed, no_appointment,
languages: [{code, id}], municipality, coverage, status, url, email, themes, provenance,
schedules, channels, contacts, hsds_ids}`; a channel `{id, type, name, url, order, location |
location_id, phone, schedules, source_id}`; a schedule `{id, byday, opens, closes, description}`.
Text dicts may hold only some languages: only those columns are written (an HSDS file carries one
language), the others keep their values. Every object keeps the `id` it was given.

`write_organisations` compares a hash of each spec with the one stored at the last import: equal
means unchanged and nothing is written. A changed service has its rows below it rebuilt with the
same ids. New rows are written with `bulk_create`, so 20,000 services import in seconds.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from kohtaamo.directory.models import (
    LANGS,
    Channel,
    Contact,
    Location,
    Organisation,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
)

BATCH = 500
LOCATION_FIELDS = [
    "organisation", "location_type", "url", "latitude", "longitude", "external_identifier",
    "external_identifier_type", "address_hsds_id", "street", "postal_code", "city", "region",
    "country", *(f"{name}_{lang}" for name in ("name", "description") for lang in LANGS),
]  # fmt: skip


_PLAIN = (
    (models.CharField, (str,)),  # with EmailField, URLField, SlugField
    (models.TextField, (str,)),
    (models.BooleanField, (bool,)),
    (models.IntegerField, (int,)),  # with the positive and small ones
    (models.FloatField, (float, int)),
    (models.ForeignKey, (int,)),  # the id of the row pointed to (the attname's value)
)


def _converter(model_field) -> Callable:
    """The database value of one field, fast for the values an import holds: a str for a text
    column, a bool, an int id go as they are (what `get_db_prep_save` returns for them); a UUID
    as the backend stores it; anything else takes Django's own way."""

    def slow(value):
        return model_field.get_db_prep_save(value, connection)

    plain = next((types for cls, types in _PLAIN if isinstance(model_field, cls)), None)
    if plain is not None:
        return lambda value: value if value is None or type(value) in plain else slow(value)
    if isinstance(model_field, models.UUIDField):
        native = connection.features.has_native_uuid_field
        return lambda value: (
            (value if native else value.hex) if type(value) is uuid.UUID else slow(value)
        )
    return slow


def fast_insert(model, objs: list, *, keys: tuple[str, ...] | None = None) -> None:
    """INSERT many new rows with one prepared statement (`executemany`): Django's bulk_create
    compiles SQL for every row and field, which dominated a 20,000-service import. With `keys`,
    the new primary keys are read back by those fields and set on the objects."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for obj in objs:
        for f in fields:  # defaults and auto_now values, as save() would set them
            if f.attname not in obj.__dict__:
                setattr(obj, f.attname, f.get_default())
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                f.pre_save(obj, add=True)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    converters = [_converter(f) for f in fields]
    rows = [
        [convert(getattr(o, f.attname)) for f, convert in zip(fields, converters, strict=True)]
        for o in objs
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: several times faster than executemany
            columns = ", ".join(quote(f.column) for f in fields)
            with cursor.cursor.copy(
                f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            for start in range(0, len(rows), 2000):
                cursor.executemany(sql, rows[start : start + 2000])
    if keys:
        wanted = {tuple(getattr(o, k) for k in keys): o for o in objs}
        first = keys[-1]
        values = [getattr(o, first) for o in objs]
        for start in range(0, len(values), 5000):
            for pk, *key in _read_keys(model, keys, values[start : start + 5000]):
                obj = wanted.get(tuple(key))
                if obj is not None:
                    obj.pk = pk
                    obj._state.adding = False


def _read_keys(model, keys: tuple[str, ...], values: list) -> Iterable[tuple]:
    """(pk, *keys) of the rows whose last key is one of `values`. On PostgreSQL one array
    parameter (`= ANY(%s)`): thousands of placeholders cost the driver more than the query."""
    if connection.vendor != "postgresql":
        return model.objects.filter(**{keys[-1] + "__in": values}).values_list("pk", *keys)
    quote = connection.ops.quote_name
    columns = [quote(model._meta.get_field(k).column) for k in keys]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(model._meta.pk.column)}, {', '.join(columns)} "  # noqa: S608 (our names)
            f"FROM {quote(model._meta.db_table)} WHERE {columns[-1]} = ANY(%s)",
            [values],
        )
        return cursor.fetchall()


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_service_ids: list[int] = field(default_factory=list)

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)


def spec_hash(spec: dict, langs: Iterable[str]) -> str:
    body = json.dumps([sorted(langs), spec], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _set_texts(obj, name: str, texts: dict | None, langs: Iterable[str]) -> None:
    """Write the asked languages of one text; None leaves the columns as they are."""
    if texts is None:
        return
    for lang in langs:
        if lang in texts or not texts:
            value = texts.get(lang) or ""
            if isinstance(value, list):
                value = "\n".join(v.strip() for v in value if v and v.strip())
            setattr(obj, f"{name}_{lang}", value)


def _keep_texts(new, old, names: Iterable[str], langs: Iterable[str]) -> None:
    """Copy the languages this import does not carry from the row being replaced."""
    if old is None:
        return
    for name in names:
        for lang in LANGS:
            if lang not in langs:
                setattr(new, f"{name}_{lang}", getattr(old, f"{name}_{lang}"))


def parse_time(value) -> datetime.time | None:
    """'09:00', '09:00:00', '09:00Z' or '09:00+02:00' → 09:00 (taken as local time)."""
    if not value:
        return None
    text = str(value).strip()[:8]
    for cut in ("Z", "+", "-"):
        text = text.split(cut)[0]
    parts = [int(p) for p in text.split(":")[:2]]
    return datetime.time(parts[0] % 24, parts[1] if len(parts) > 1 else 0)


def parse_moment(value) -> datetime.datetime | None:
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return value
    moment = parse_datetime(str(value))
    if moment is None:
        day = parse_date(str(value)[:10])
        if day is None:
            return None
        moment = datetime.datetime.combine(day, datetime.time(12, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _apply_provenance(obj, provenance: dict | None, default_source: str) -> None:
    provenance = provenance or {}
    obj.source = (provenance.get("source") or default_source)[:100]
    obj.source_id = str(provenance.get("source_id") or "")[:100]
    obj.last_verified_at = parse_moment(provenance.get("last_verified"))
    obj.verified_by = (provenance.get("verified_by") or "")[:150]


def _apply_organisation(org: Organisation, spec: dict, langs, source: str) -> None:
    """Only the keys the spec has: a PTV service names its organisation by id and name only."""
    for key, limit in (("slug", 100), ("kind", 30), ("email", 254), ("website", 200)):
        if key in spec:
            setattr(org, key, (spec.get(key) or "")[:limit])
    _set_texts(org, "name", spec.get("name"), langs)
    _set_texts(org, "description", spec.get("description"), langs)
    if "provenance" in spec and (org.pk is None or spec["provenance"].get("last_verified")):
        _apply_provenance(org, spec.get("provenance"), source)
    if "hsds_ids" in spec:
        org.hsds_ids = spec["hsds_ids"] or {}


SERVICE_TEXTS = ("name", "description", "keywords", "eligibility", "fees")


def _apply_service(service: Service, spec: dict, langs, source: str) -> None:
    service.slug = (spec.get("slug") or "")[:100]
    service.status = spec.get("status") or Service.Status.ACTIVE
    service.url = spec.get("url") or ""
    service.email = spec.get("email") or ""
    for name in SERVICE_TEXTS:
        _set_texts(service, name, spec.get(name), langs)
    service.free_of_charge = bool(spec.get("free_of_charge"))
    service.anonymous_allowed = bool(spec.get("anonymous_allowed"))
    service.no_appointment = bool(spec.get("no_appointment"))
    service.municipality = spec.get("municipality") or ""
    service.coverage = spec.get("coverage") or Service.Coverage.LOCAL
    service.themes = sorted(set(spec.get("themes") or []))
    service.minimum_age = spec.get("minimum_age")
    service.maximum_age = spec.get("maximum_age")
    service.hsds_ids = spec.get("hsds_ids") or {}
    _apply_provenance(service, spec.get("provenance"), source)


def _location_from_spec(spec: dict, org: Organisation, langs, old: Location | None) -> Location:
    loc = Location(
        hsds_id=_uuid(spec["id"]),
        organisation=org,
        location_type=spec.get("type") or Location.Type.PHYSICAL,
        url=spec.get("url") or "",
        latitude=spec.get("latitude"),
        longitude=spec.get("longitude"),
        external_identifier=spec.get("external_identifier") or "",
        external_identifier_type=spec.get("external_identifier_type") or "",
        address_hsds_id=_uuid(spec["address_id"]) if spec.get("address_id") else None,
        street=spec.get("street") or "",
        postal_code=spec.get("postal_code") or "",
        city=spec.get("city") or "",
        region=spec.get("region") or "",
        country=spec.get("country") or "FI",
    )
    _set_texts(loc, "name", spec.get("name"), langs)
    _set_texts(loc, "description", spec.get("description"), langs)
    _keep_texts(loc, old, ("name", "description"), langs)
    return loc


def _schedule(spec: dict, langs, old: Schedule | None, **owner) -> Schedule:
    row = Schedule(
        hsds_id=_uuid(spec["id"]),
        freq=spec.get("freq") or "WEEKLY",
        byday=spec.get("byday") or "",
        opens_at=parse_time(spec.get("opens")),
        closes_at=parse_time(spec.get("closes")),
        valid_from=parse_date(spec["valid_from"]) if spec.get("valid_from") else None,
        valid_to=parse_date(spec["valid_to"]) if spec.get("valid_to") else None,
        **owner,
    )
    _set_texts(row, "description", spec.get("description"), langs)
    _keep_texts(row, old, ("description",), langs)
    return row


class _Old:
    """The rows under the services being rebuilt, by HSDS id, to keep other languages' texts."""

    def __init__(self, service_ids: list[int]):
        self.channels = {c.hsds_id: c for c in Channel.objects.filter(service_id__in=service_ids)}
        self.locations = {
            loc.hsds_id: loc
            for loc in Location.objects.filter(service_at_locations__service_id__in=service_ids)
        }
        self.phones = {p.hsds_id: p for p in Phone.objects.filter(service_id__in=service_ids)}
        self.schedules = {
            s.hsds_id: s
            for s in Schedule.objects.filter(service_id__in=service_ids)
            | Schedule.objects.filter(channel__service_id__in=service_ids)
        }
        self.sals = {
            s.hsds_id: s for s in ServiceAtLocation.objects.filter(service_id__in=service_ids)
        }


def _delete_children(service_ids: list[int]) -> None:
    """Remove the rows below services that are rebuilt. Locations stay: other services may use
    them, and a rebuilt service gets its own back by id."""
    Channel.objects.filter(service_id__in=service_ids).delete()  # with their schedules
    Schedule.objects.filter(service_id__in=service_ids).delete()
    ServiceAtLocation.objects.filter(service_id__in=service_ids).delete()
    Phone.objects.filter(service_id__in=service_ids).delete()
    Contact.objects.filter(service_id__in=service_ids).delete()
    ServiceLanguage.objects.filter(service_id__in=service_ids).delete()


class _Batch:
    """Rows to create, in dependency order."""

    def __init__(self):
        self.langs: tuple[str, ...] = LANGS
        self.location_schedules: list[tuple[Location, dict]] = []
        self.locations: dict[uuid.UUID, Location] = {}
        self.sals: list[ServiceAtLocation] = []
        self.phones: list[Phone] = []
        self.channels: list[tuple[Channel, ServiceAtLocation | None, Phone | None, list]] = []
        self.schedules: list[Schedule] = []
        self.languages: list[ServiceLanguage] = []
        self.contacts: list[Contact] = []

    def flush(self) -> None:
        existing = dict(
            Location.objects.filter(hsds_id__in=list(self.locations)).values_list("hsds_id", "id")
        )
        fresh, known = [], []
        for key, loc in self.locations.items():
            if key in existing:
                loc.pk = existing[key]
                known.append(loc)
            else:
                fresh.append(loc)
        fast_insert(Location, fresh, keys=("hsds_id",))
        Location.objects.bulk_update(known, LOCATION_FIELDS, batch_size=BATCH)
        fast_insert(
            Schedule,
            [
                _schedule(spec, self.langs, None, location=loc)
                for loc, spec in self.location_schedules
            ],
        )
        referenced = {sal.location.hsds_id for sal in self.sals if sal.location.pk is None}
        by_hsds = {loc.hsds_id: loc for loc in fresh + known}
        by_hsds.update(
            {
                loc.hsds_id: loc
                for loc in Location.objects.filter(hsds_id__in=referenced - set(by_hsds))
            }
        )
        for sal in self.sals:
            sal.location = by_hsds[sal.location.hsds_id]
        fast_insert(ServiceAtLocation, self.sals, keys=("hsds_id",))
        fast_insert(Phone, self.phones, keys=("service_id", "hsds_id"))
        channels = []
        for channel, sal, phone, _schedules in self.channels:
            channel.service_at_location = sal
            channel.phone = phone
            channels.append(channel)
        fast_insert(Channel, channels, keys=("service_id", "hsds_id"))
        for channel, _sal, _phone, schedules in self.channels:
            for row in schedules:
                row.channel = channel
        fast_insert(Schedule, self.schedules)
        fast_insert(ServiceLanguage, self.languages)
        fast_insert(Contact, self.contacts)
        langs = self.langs
        self.__init__()
        self.langs = langs


def _build_children(service: Service, spec: dict, langs, batch: _Batch, old: _Old | None) -> None:
    org = service.organisation
    for entry in spec.get("languages") or []:
        code = entry["code"] if isinstance(entry, dict) else entry
        lang_id = entry.get("id") if isinstance(entry, dict) else None
        batch.languages.append(
            ServiceLanguage(
                service=service,
                code=code[:8],
                hsds_id=_uuid(lang_id or service.sub_id(f"language:{code}")),
            )
        )
    for sched in spec.get("schedules") or []:
        prev = old.schedules.get(_uuid(sched["id"])) if old else None
        batch.schedules.append(_schedule(sched, langs, prev, service=service))
    for contact in spec.get("contacts") or []:
        batch.contacts.append(
            Contact(
                hsds_id=_uuid(contact["id"]),
                service=service,
                name=contact.get("name") or "",
                title=contact.get("title") or "",
                department=contact.get("department") or "",
                email=contact.get("email") or "",
                phone=contact.get("phone") or "",
                phone_hsds_id=_uuid(contact["phone_id"]) if contact.get("phone_id") else None,
            )
        )
    for order, chan in enumerate(spec.get("channels") or []):
        channel_id = _uuid(chan["id"])
        prev = old.channels.get(channel_id) if old else None
        channel = Channel(
            hsds_id=channel_id,
            service=service,
            kind=chan["type"],
            order=chan.get("order", order),
            url=chan.get("url") or "",
            source_id=str(chan.get("source_id") or "")[:100],
        )
        _set_texts(channel, "name", chan.get("name"), langs)
        _keep_texts(channel, prev, ("name",), langs)
        sal = phone = None
        if chan["type"] in (
            Channel.Kind.SERVICE_LOCATION,
            Channel.Kind.WEB_PAGE,
            Channel.Kind.E_CHANNEL,
        ):
            loc_spec = chan.get("location")
            if not loc_spec and not chan.get("location_id"):
                continue  # a service-at-location without a place: nothing to show
            if loc_spec:
                loc_id = _uuid(loc_spec["id"])
                prev_loc = old.locations.get(loc_id) if old else None
                location = batch.locations.get(loc_id) or _location_from_spec(
                    loc_spec, org, langs, prev_loc
                )
                batch.locations[loc_id] = location
            else:
                location = Location(hsds_id=_uuid(chan["location_id"]))
            sal = ServiceAtLocation(hsds_id=channel_id, service=service, location=location)
            prev_sal = old.sals.get(channel_id) if old else None
            _set_texts(sal, "description", chan.get("sal_description"), langs)
            _keep_texts(sal, prev_sal, ("description",), langs)
            batch.sals.append(sal)
        elif chan["type"] == Channel.Kind.PHONE:
            info = chan.get("phone") or {}
            phone = Phone(
                hsds_id=channel_id,
                service=service,
                number=(chan.get("number") or info.get("number") or "")[:40],
                type=info.get("type") or Phone.Type.VOICE,
            )
            _set_texts(phone, "description", chan.get("name"), langs)
            _keep_texts(phone, old.phones.get(channel_id) if old else None, ("description",), langs)
            batch.phones.append(phone)
        schedules = []
        for sched in chan.get("schedules") or []:
            prev_s = old.schedules.get(_uuid(sched["id"])) if old else None
            schedules.append(_schedule(sched, langs, prev_s))
        batch.schedules.extend(schedules)
        batch.channels.append((channel, sal, phone, schedules))


def write_organisation_locations(org: Organisation, specs: list[dict], langs) -> None:
    """HSDS organisation-level locations: upserted by id before the services that use them."""
    if not specs:
        return
    ids = [_uuid(s["id"]) for s in specs]
    old = {loc.hsds_id: loc for loc in Location.objects.filter(hsds_id__in=ids)}
    Schedule.objects.filter(location__hsds_id__in=ids).delete()
    new_rows, schedules = [], []
    for spec in specs:
        loc = _location_from_spec(spec, org, langs, old.get(_uuid(spec["id"])))
        if loc.hsds_id in old:
            loc.pk = old[loc.hsds_id].pk
            loc.save()
        else:
            new_rows.append(loc)
        for sched in spec.get("schedules") or []:
            schedules.append((loc, sched))
    Location.objects.bulk_create(new_rows, batch_size=BATCH)
    Schedule.objects.bulk_create(
        [_schedule(s, langs, None, location=loc) for loc, s in schedules], batch_size=BATCH
    )


@transaction.atomic
def write_organisations(
    specs: list[dict],
    *,
    langs: Iterable[str] = LANGS,
    source: str = "",
    progress: Callable[[int], None] | None = None,
) -> WriteResult:
    """Create or update organisations and their services; returns what happened to each service."""
    langs = tuple(langs)
    lang_key = ",".join(langs)
    result = WriteResult()
    org_ids = [_uuid(s["id"]) for s in specs]
    orgs = {o.hsds_id: o for o in Organisation.objects.filter(hsds_id__in=org_ids)}
    service_ids = [_uuid(s["id"]) for o in specs for s in o.get("services") or []]
    existing: dict[uuid.UUID, Service] = {}
    for start in range(0, len(service_ids), 5000):
        chunk = service_ids[start : start + 5000]
        existing.update({s.hsds_id: s for s in Service.objects.filter(hsds_id__in=chunk)})
    batch = _Batch()
    done = 0
    pending_new: list[tuple[Service, dict]] = []
    # Organisations first: new ones in one statement, with their locations in the first batch.
    fresh_orgs = []
    for org_spec in specs:
        org_id = _uuid(org_spec["id"])
        org = orgs.get(org_id)
        digest = spec_hash({k: v for k, v in org_spec.items() if k != "services"}, langs)
        if org is None:
            org = orgs[org_id] = Organisation(hsds_id=org_id)
            _apply_organisation(org, org_spec, langs, source)
            org.import_hashes = {lang_key: digest}
            fresh_orgs.append((org, org_spec))
        elif org.import_hashes.get(lang_key) != digest:
            _apply_organisation(org, org_spec, langs, source)
            org.import_hashes = {lang_key: digest}
            org.save()
            write_organisation_locations(org, org_spec.get("locations") or [], langs)
    fast_insert(Organisation, [o for o, _ in fresh_orgs], keys=("hsds_id",))
    for org, org_spec in fresh_orgs:
        for loc_spec in org_spec.get("locations") or []:
            location = _location_from_spec(loc_spec, org, langs, None)
            batch.locations[location.hsds_id] = location
            batch.location_schedules += [(location, s) for s in loc_spec.get("schedules") or []]
    batch.langs = langs
    for org_spec in specs:
        org = orgs[_uuid(org_spec["id"])]
        changed: list[tuple[Service, dict]] = []
        for spec in org_spec.get("services") or []:
            sid = _uuid(spec["id"])
            digest = spec_hash(spec, langs)
            service = existing.get(sid)
            if service is None:
                service = Service(hsds_id=sid, organisation=org)
                _apply_service(service, spec, langs, source)
                service.import_hashes = {lang_key: digest}
                pending_new.append((service, spec))
                result.add("created")
            elif (
                service.import_hashes.get(lang_key) == digest and service.organisation_id == org.pk
            ):
                result.add("unchanged")
            else:
                service.organisation = org
                _apply_service(service, spec, langs, source)
                service.import_hashes = {lang_key: digest}
                changed.append((service, spec))
                result.add("updated")
            done += 1
            if progress and done % 1000 == 0:
                progress(done)
        if changed:
            ids = [s.pk for s, _ in changed]
            old = _Old(ids)
            _delete_children(ids)
            for service, spec in changed:
                service.save()
                _build_children(service, spec, langs, batch, old)
                result.changed_service_ids.append(service.pk)
            batch.flush()
        if len(pending_new) >= BATCH:
            _flush_new(pending_new, langs, batch, result)
    _flush_new(pending_new, langs, batch, result)
    if progress:
        progress(done)
    return result


def _flush_new(pending: list[tuple[Service, dict]], langs, batch: _Batch, result) -> None:
    if not pending:
        return
    fast_insert(Service, [s for s, _ in pending], keys=("hsds_id",))
    for service, spec in pending:
        _build_children(service, spec, langs, batch, None)
        result.changed_service_ids.append(service.pk)
    batch.flush()
    pending.clear()
