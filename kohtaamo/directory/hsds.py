"""Open Referral HSDS 3.0: export of the directory as organisations with nested services, and
import of such a file, record by record, through the shared spec writer (`store.py`).

HSDS text fields hold one language, so each file is one language (`--lang`, default fi): an export
writes that language's texts and an import writes only that language's columns.

How our model maps (standards.md 4.2 "Implementation notes"):
- Channel ServiceLocation → a physical `location` at the organisation and a `service_at_location`;
  WebPage / EChannel → a virtual location with `url` (its `external_identifier_type` says
  `ptv:WebPage` or `ptv:EChannel`); Phone → a service `phone`; PrintableForm → a
  `required_document` with `uri`. A phone's opening hours are service `schedules` with
  `attending_type: "phone"` and `notes: "phone:<phone id>"` (HSDS phones have no schedules).
- Themes, keywords, "anonymous allowed", "no appointment" and our slug → `attributes` with
  taxonomy terms of the taxonomy `kohtaamo`. Free of charge → a `cost_option` with amount 0.
  Municipality and coverage → a `service_area` (`extent_type`: local, county or nationwide).
- Last verified (date and by whom) → `assured_date` and a `metadata` entry of type `verified`.
Every id is kept; sub-objects we keep no row for get the id they came with (`hsds_ids`) or a
stable uuid5, so import → export → import changes nothing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from kohtaamo.directory.models import (
    LANGS,
    Channel,
    Location,
    Organisation,
    Schedule,
    Service,
)

VENDORED_SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"
TAXONOMY = "kohtaamo"
NAMESPACE = uuid.UUID("1b4c1c33-3b79-5d3e-9c1e-6b6f68746161")
FLAGS = ("anonymous_allowed", "no_appointment")


# Schema --------------------------------------------------------------------------------------


def schema_dir() -> Path:
    """The configured schema folder (default ../shared/hsds/) or the vendored copy."""
    configured = Path(settings.HSDS_SCHEMA_DIR)
    if (configured / "compiled" / "organization.json").exists():
        return configured
    return VENDORED_SCHEMA_DIR


@lru_cache(maxsize=4)
def validator(kind: str = "organization", folder: str | None = None):
    """A draft 2020-12 validator with format checks (uuid, email, uri, date-time). `$ref`s are
    resolved from the same folder only; nothing is fetched from the network."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    base = Path(folder) if folder else schema_dir()
    resources = [
        (
            path.relative_to(base).as_posix(),
            Resource.from_contents(
                json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
            ),
        )
        for path in sorted([*base.glob("*.json"), *(base / "compiled").glob("*.json")])
    ]
    registry = Registry().with_resources(resources)
    schema = json.loads((base / "compiled" / f"{kind}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@lru_cache(maxsize=4)
def fast_validator(kind: str = "organization", folder: str | None = None):
    """jsonschema-rs with the same schema and format checks: ~300× faster for big imports."""
    import jsonschema_rs

    base = Path(folder) if folder else schema_dir()
    schema = json.loads((base / "compiled" / f"{kind}.json").read_text(encoding="utf-8"))
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def schema_errors(record: dict, kind: str = "organization", folder: str | None = None) -> list[str]:
    """Readable schema errors of one record: 'services[0].status: "x" is not one of ...'."""
    fast = fast_validator(kind, folder)
    if fast.is_valid(record):
        return []
    errors = []
    for error in fast.iter_errors(record):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.instance_path)
        errors.append(f"{path.lstrip('.') or '(record)'}: {error.message[:300]}")
    return sorted(errors)


# Export --------------------------------------------------------------------------------------


def _sub(base, key: str) -> str:
    return str(uuid.uuid5(uuid.UUID(str(base)), key))


def _text(obj, name: str, lang: str, *, fallback: bool = False) -> str:
    value = getattr(obj, f"{name}_{lang}", "")
    if not value and fallback:
        for other in LANGS:
            value = getattr(obj, f"{name}_{other}", "")
            if value:
                break
    return value


def _clean(data: dict) -> dict:
    """HSDS fields are typed without null: leave empty values out."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def _time(value) -> str | None:
    return value.strftime("%H:%M") if value else None


def export_schedule(row: Schedule, lang: str, **links) -> dict:
    return _clean(
        {
            "id": str(row.hsds_id),
            **links,
            "freq": row.freq or "WEEKLY",
            "byday": row.byday,
            "opens_at": _time(row.opens_at),
            "closes_at": _time(row.closes_at),
            "valid_from": row.valid_from.isoformat() if row.valid_from else None,
            "valid_to": row.valid_to.isoformat() if row.valid_to else None,
            "description": _text(row, "description", lang),
        }
    )


def _term(code: str, name: str, description: str) -> dict:
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"{TAXONOMY}:{code}")),
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": TAXONOMY,
    }


def _attribute(
    service: Service, key: str, code: str, value: str, name: str, description: str
) -> dict:
    term = _term(code, name, description)
    return {
        "id": service.sub_id(f"attribute:{key}"),
        "link_id": str(service.hsds_id),
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "value": value,
        "taxonomy_term": term,
    }


def export_attributes(service: Service, lang: str) -> list[dict]:
    attributes = [
        _attribute(service, f"theme:{t}", f"theme:{t}", t, t, "Need theme (encounter theme key)")
        for t in sorted(service.themes or [])
    ]
    keywords = service.keyword_list(lang)
    if keywords:
        attributes.append(
            _attribute(
                service, "keywords", "keywords", "; ".join(keywords), "keywords", "Search keywords"
            )
        )
    for flag in FLAGS:
        if getattr(service, flag):
            attributes.append(
                _attribute(service, flag, flag, "true", flag, "Kohtaamo service attribute")
            )
    if service.slug:
        attributes.append(
            _attribute(service, "slug", "slug", service.slug, "slug", "Kohtaamo short name")
        )
    if service.municipality:
        attributes.append(
            _attribute(
                service,
                "municipality",
                "municipality",
                service.municipality,
                "municipality",
                "The municipality where the service is used in person",
            )
        )
    return attributes


def export_service(service: Service, lang: str) -> dict:
    sid = str(service.hsds_id)
    phones, sals, documents, phone_schedules = [], [], [], []
    for channel in service.channels.all():
        if channel.kind == Channel.Kind.PHONE and channel.phone:
            phone = channel.phone
            phones.append(
                _clean(
                    {
                        "id": str(phone.hsds_id),
                        "service_id": sid,
                        "number": phone.number,
                        "type": phone.type,
                        "description": _text(phone, "description", lang),
                    }
                )
            )
            for row in channel.schedules.all():
                entry = export_schedule(row, lang, service_id=sid)
                entry["attending_type"] = "phone"
                entry["notes"] = f"phone:{phone.hsds_id}"
                phone_schedules.append(entry)
        elif channel.kind == Channel.Kind.PRINTABLE_FORM:
            documents.append(
                _clean(
                    {
                        "id": str(channel.hsds_id),
                        "service_id": sid,
                        "document": _text(channel, "name", lang),
                        "uri": channel.url,
                    }
                )
            )
        elif channel.service_at_location:
            sal = channel.service_at_location
            sals.append(
                _clean(
                    {
                        "id": str(sal.hsds_id),
                        "service_id": sid,
                        "location_id": str(sal.location.hsds_id),
                        "description": _text(sal, "description", lang),
                        "schedules": [
                            export_schedule(row, lang, service_at_location_id=str(sal.hsds_id))
                            for row in channel.schedules.all()
                        ],
                    }
                )
            )
    area_name = {
        Service.Coverage.NATIONWIDE: "Suomi",
        Service.Coverage.COUNTY: service.organisation.name_fi,
    }.get(service.coverage, service.municipality)
    verified = service.last_verified_at
    data = {
        "id": sid,
        "organization_id": str(service.organisation.hsds_id),
        "name": _text(service, "name", lang, fallback=True),
        "description": _text(service, "description", lang, fallback=True),
        "url": service.url,
        "email": service.email,
        "status": service.status,
        "eligibility_description": _text(service, "eligibility", lang),
        "fees_description": _text(service, "fees", lang),
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "assured_date": timezone.localtime(verified).date().isoformat() if verified else None,
        "phones": phones,
        "schedules": [export_schedule(row, lang, service_id=sid) for row in service.schedules.all()]
        + phone_schedules,
        "service_areas": [
            _clean(
                {
                    "id": service.sub_id("service_area"),
                    "service_id": sid,
                    "name": area_name,
                    "extent_type": service.coverage,
                }
            )
        ],
        "service_at_locations": sals,
        "languages": [
            {"id": str(lang_row.hsds_id), "service_id": sid, "code": lang_row.code}
            for lang_row in service.languages.all()
        ],
        "cost_options": [
            {
                "id": service.sub_id("cost_option"),
                "service_id": sid,
                "option": "free",
                "amount": 0,
                "currency": "EUR",
            }
        ]
        if service.free_of_charge
        else [],
        "required_documents": documents,
        "contacts": [
            _clean(
                {
                    "id": str(c.hsds_id),
                    "service_id": sid,
                    "name": c.name,
                    "title": c.title,
                    "department": c.department,
                    "email": c.email,
                    "phones": [
                        {
                            "id": str(c.phone_hsds_id or _sub(c.hsds_id, "phone")),
                            "contact_id": str(c.hsds_id),
                            "number": c.phone,
                        }
                    ]
                    if c.phone
                    else [],
                }
            )
            for c in service.contacts.all()
        ],
        "attributes": export_attributes(service, lang),
        "metadata": [
            {
                "id": service.sub_id("metadata:verified"),
                "resource_id": sid,
                "resource_type": "service",
                "last_action_date": verified.isoformat(),
                "last_action_type": "verified",
                "field_name": "last_verified_at",
                "previous_value": "",
                "replacement_value": verified.isoformat(),
                "updated_by": service.verified_by or "",
            }
        ]
        if verified
        else [],
    }
    return _clean(data)


def export_location(location: Location, lang: str) -> dict:
    lid = str(location.hsds_id)
    address = []
    if location.street or location.city:
        # Required fields stay even when empty; Finland has no states, so state_province is the
        # region (maakunta) when known (standards.md 4.1).
        address = [
            {
                "id": str(location.address_hsds_id or _sub(location.hsds_id, "address")),
                "location_id": lid,
                "address_1": location.street,
                "city": location.city,
                **({"region": location.region} if location.region else {}),
                "state_province": location.region,
                "postal_code": location.postal_code,
                "country": location.country or "FI",
                "address_type": "physical",
            }
        ]
    return _clean(
        {
            "id": lid,
            "location_type": location.location_type,
            "url": location.url,
            "organization_id": str(location.organisation.hsds_id)
            if location.organisation
            else None,
            "name": _text(location, "name", lang),
            "description": _text(location, "description", lang),
            "latitude": location.latitude,
            "longitude": location.longitude,
            "external_identifier": location.external_identifier,
            "external_identifier_type": location.external_identifier_type,
            "addresses": address,
            "schedules": [
                export_schedule(row, lang, location_id=lid) for row in location.schedules.all()
            ],
        }
    )


def organisations_for_export():
    schedules = Prefetch("schedules", queryset=Schedule.objects.order_by("hsds_id"))
    services = (
        Service.objects.order_by("hsds_id")
        .select_related("organisation")
        .prefetch_related(
            schedules,
            "languages",
            "contacts",
            Prefetch(
                "channels",
                queryset=Channel.objects.order_by("order", "hsds_id")
                .select_related("phone", "service_at_location__location")
                .prefetch_related(schedules),
            ),
        )
    )
    locations = (
        Location.objects.order_by("hsds_id")
        .select_related("organisation")
        .prefetch_related(schedules)
    )
    return Organisation.objects.order_by("hsds_id").prefetch_related(
        Prefetch("services", queryset=services), Prefetch("locations", queryset=locations)
    )


def export_organisation(org: Organisation, lang: str) -> dict:
    verified = org.last_verified_at
    required = {
        "name": _text(org, "name", lang, fallback=True),
        # required by HSDS even when we know none: the name stands in
        "description": _text(org, "description", lang, fallback=True)
        or _text(org, "name", lang, fallback=True),
    }
    return required | _clean(
        {
            "id": str(org.hsds_id),
            "name": _text(org, "name", lang, fallback=True),
            "description": _text(org, "description", lang, fallback=True),
            "email": org.email,
            "website": org.website,
            "locations": [export_location(loc, lang) for loc in org.locations.all()],
            "metadata": [
                {
                    "id": org.sub_id("metadata:verified"),
                    "resource_id": str(org.hsds_id),
                    "resource_type": "organization",
                    "last_action_date": verified.isoformat(),
                    "last_action_type": "verified",
                    "field_name": "last_verified_at",
                    "previous_value": "",
                    "replacement_value": verified.isoformat(),
                    "updated_by": org.verified_by or "",
                }
            ]
            if verified
            else [],
            "services": [export_service(s, lang) for s in org.services.all()],
        }
    )


def export_all(lang: str = "fi") -> list[dict]:
    return [export_organisation(org, lang) for org in organisations_for_export()]


# Import --------------------------------------------------------------------------------------


@dataclass
class RecordProblem:
    index: int
    record_id: str
    reason: str


@dataclass
class ParsedFile:
    specs: list[dict] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)
    records: int = 0


def records_of(data) -> list:
    """A list of organisations, {"organizations": [...]}, {"items": [...]} or one organisation."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("organizations", "items", "contents"):
            if isinstance(data.get(key), list):
                return data[key]
        return [data]
    return []


def _verified(metadata: list | None, assured_date: str | None) -> dict:
    for entry in metadata or []:
        if entry.get("last_action_type") == "verified":
            return {
                "last_verified": entry.get("replacement_value") or entry.get("last_action_date"),
                "verified_by": entry.get("updated_by") or "",
            }
    return {"last_verified": assured_date, "verified_by": ""} if assured_date else {}


def _schedule_spec(entry: dict, lang: str) -> dict:
    return {
        "id": entry["id"],
        "freq": entry.get("freq") or "WEEKLY",
        "byday": entry.get("byday") or "",
        "opens": entry.get("opens_at"),
        "closes": entry.get("closes_at"),
        "valid_from": entry.get("valid_from"),
        "valid_to": entry.get("valid_to"),
        "description": {lang: entry.get("description") or ""},
    }


def _location_spec(entry: dict, lang: str) -> dict:
    address = (entry.get("addresses") or [{}])[0]
    return {
        "id": entry["id"],
        "type": entry.get("location_type") or "physical",
        "url": entry.get("url") or "",
        "name": {lang: entry.get("name") or ""},
        "description": {lang: entry.get("description") or ""},
        "latitude": entry.get("latitude"),
        "longitude": entry.get("longitude"),
        "external_identifier": entry.get("external_identifier") or "",
        "external_identifier_type": entry.get("external_identifier_type") or "",
        "address_id": address.get("id"),
        "street": address.get("address_1") or "",
        "postal_code": address.get("postal_code") or "",
        "city": address.get("city") or "",
        "region": address.get("region") or address.get("state_province") or "",
        "country": address.get("country") or "FI",
        "schedules": [_schedule_spec(s, lang) for s in entry.get("schedules") or []],
    }


def service_spec_from_hsds(raw: dict, lang: str, locations: dict[str, dict]) -> dict:
    sid = raw["id"]
    attrs: dict[str, str] = {}
    themes: list[str] = []
    hsds_ids: dict[str, str] = {}
    for attribute in raw.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        code = term.get("code") or ""
        if term.get("taxonomy") != TAXONOMY or not code:
            continue
        if code.startswith("theme:"):
            themes.append(code.split(":", 1)[1])
            hsds_ids[f"attribute:{code}"] = attribute["id"]
        else:
            attrs[code] = attribute.get("value") or ""
            hsds_ids[f"attribute:{code}"] = attribute["id"]
    areas = raw.get("service_areas") or []
    if areas:
        hsds_ids["service_area"] = areas[0]["id"]
    costs = raw.get("cost_options") or []
    free = any(
        c.get("amount") == 0 or (c.get("option") or "").lower() in ("free", "maksuton")
        for c in costs
    )
    if costs:
        hsds_ids["cost_option"] = costs[0]["id"]
    metadata = raw.get("metadata") or []
    for entry in metadata:
        if entry.get("last_action_type") == "verified":
            hsds_ids["metadata:verified"] = entry["id"]
    extent = areas[0].get("extent_type") if areas else ""
    coverage = extent if extent in ("local", "county", "nationwide") else "local"
    channels = []
    phone_hours: dict[str, list[dict]] = {}
    own_schedules = []
    for entry in raw.get("schedules") or []:
        note = entry.get("notes") or ""
        if entry.get("attending_type") == "phone" and note.startswith("phone:"):
            phone_hours.setdefault(note.split(":", 1)[1], []).append(_schedule_spec(entry, lang))
        else:
            own_schedules.append(_schedule_spec(entry, lang))
    for sal in raw.get("service_at_locations") or []:
        location_id = sal.get("location_id") or (sal.get("location") or {}).get("id")
        location = locations.get(location_id) or (
            _location_spec(sal["location"], lang) if sal.get("location") else None
        )
        kind = "ServiceLocation"
        if location and location["type"] == "virtual":
            kind = (
                "EChannel" if location["external_identifier_type"] == "ptv:EChannel" else "WebPage"
            )
        channels.append(
            {
                "id": sal["id"],
                "type": kind,
                "name": location["name"] if location else {lang: ""},
                "url": location["url"] if location else "",
                "location_id": location_id,
                "location": None if location_id in locations else location,
                "sal_description": {lang: sal.get("description") or ""},
                "schedules": [_schedule_spec(s, lang) for s in sal.get("schedules") or []],
            }
        )
    for phone in raw.get("phones") or []:
        channels.append(
            {
                "id": phone["id"],
                "type": "Phone",
                "name": {lang: phone.get("description") or ""},
                "number": phone.get("number") or "",
                "phone": {"type": phone.get("type") or "voice"},
                "schedules": phone_hours.get(phone["id"], []),
            }
        )
    for doc in raw.get("required_documents") or []:
        channels.append(
            {
                "id": doc["id"],
                "type": "PrintableForm",
                "name": {lang: doc.get("document") or ""},
                "url": doc.get("uri") or "",
            }
        )
    for order, channel in enumerate(channels):
        channel["order"] = order
    keywords = [k.strip() for k in attrs.get("keywords", "").split(";") if k.strip()]
    return {
        "id": sid,
        "slug": attrs.get("slug", ""),
        "name": {lang: raw.get("name") or ""},
        "description": {lang: raw.get("description") or ""},
        "keywords": {lang: keywords},
        "eligibility": {lang: raw.get("eligibility_description") or ""},
        "fees": {lang: raw.get("fees_description") or ""},
        "free_of_charge": free,
        "anonymous_allowed": attrs.get("anonymous_allowed") == "true",
        "no_appointment": attrs.get("no_appointment") == "true",
        "languages": [
            {"code": entry.get("code") or "", "id": entry["id"]}
            for entry in raw.get("languages") or []
            if entry.get("code")
        ],
        "municipality": attrs.get("municipality")
        or (areas[0].get("name", "") if areas and coverage == "local" else ""),
        "coverage": coverage,
        "status": raw.get("status") or "active",
        "url": raw.get("url") or "",
        "email": raw.get("email") or "",
        "themes": sorted(set(themes)),
        "minimum_age": raw.get("minimum_age"),
        "maximum_age": raw.get("maximum_age"),
        "provenance": {
            "source": "hsds",
            "source_id": sid,
            **_verified(metadata, raw.get("assured_date")),
        },
        "schedules": own_schedules,
        "channels": channels,
        "contacts": [
            {
                "id": c["id"],
                "name": c.get("name") or "",
                "title": c.get("title") or "",
                "department": c.get("department") or "",
                "email": c.get("email") or "",
                "phone": ((c.get("phones") or [{}])[0]).get("number", ""),
                "phone_id": ((c.get("phones") or [{}])[0]).get("id"),
            }
            for c in raw.get("contacts") or []
        ],
        "hsds_ids": hsds_ids,
    }


def organisation_spec_from_hsds(raw: dict, lang: str) -> dict:
    locations = {loc["id"]: _location_spec(loc, lang) for loc in raw.get("locations") or []}
    hsds_ids = {}
    for entry in raw.get("metadata") or []:
        if entry.get("last_action_type") == "verified":
            hsds_ids["metadata:verified"] = entry["id"]
    return {
        "id": raw["id"],
        "name": {lang: raw.get("name") or ""},
        "description": {lang: raw.get("description") or ""},
        "email": raw.get("email") or "",
        "website": raw.get("website") or "",
        "provenance": {
            "source": "hsds",
            "source_id": raw["id"],
            **_verified(raw.get("metadata"), None),
        },
        "hsds_ids": hsds_ids,
        "locations": list(locations.values()),
        "services": [service_spec_from_hsds(s, lang, locations) for s in raw.get("services") or []],
    }


def _own_checks(raw: dict, seen: dict[str, str]) -> list[str]:
    """Our checks beyond the schema: unique ids across the file, resolvable location links."""
    problems = []
    location_ids = {loc.get("id") for loc in raw.get("locations") or []}
    for i, service in enumerate(raw.get("services") or []):
        sid = service.get("id")
        if sid in seen:
            problems.append(f"services[{i}].id: {sid} appears twice in the file ({seen[sid]})")
        else:
            seen[sid] = f"services[{i}] of organisation {raw.get('id')}"
        if not (service.get("name") or "").strip():
            problems.append(f"services[{i}].name: a service needs a name")
        for j, sal in enumerate(service.get("service_at_locations") or []):
            lid = sal.get("location_id")
            if lid and lid not in location_ids and not sal.get("location"):
                if not Location.objects.filter(hsds_id=_as_uuid(lid)).exists():
                    problems.append(
                        f"services[{i}].service_at_locations[{j}].location_id: no location {lid} "
                        "in this organisation or the directory"
                    )
    if not (raw.get("name") or "").strip():
        problems.append("name: an organisation needs a name")
    return problems


def _as_uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def parse_file(data, *, lang: str = "fi", folder: str | None = None) -> ParsedFile:
    """Validate every record (schema, then our checks) and turn the good ones into specs."""
    parsed = ParsedFile()
    seen: dict[str, str] = {}
    for index, raw in enumerate(records_of(data)):
        parsed.records += 1
        if not isinstance(raw, dict):
            parsed.problems.append(RecordProblem(index, "", "not a JSON object"))
            continue
        record_id = str(raw.get("id", ""))
        problems = schema_errors(raw, "organization", folder)
        if not problems:
            problems = _own_checks(raw, seen)
        if problems:
            parsed.problems.extend(RecordProblem(index, record_id, p) for p in problems)
            continue
        parsed.specs.append(organisation_spec_from_hsds(raw, lang))
    return parsed
