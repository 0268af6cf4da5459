"""Our own multilingual directory format (`data/demo_directory.json`, described in
`data/README.md`) → specs for `store.write_organisations`.

Channels in the file have no ids; each gets a stable uuid5 from its service id and position, so
loading the file again changes nothing. Opening hours `[{weekday, opens, closes}]` become weekly
schedules grouped by time: Mon–Fri 9–11 is one schedule with `byday = MO,TU,WE,TH,FR`.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from kohtaamo.directory.models import WEEKDAYS

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_directory.json"


def _id(base, key: str) -> str:
    return str(uuid.uuid5(uuid.UUID(str(base)), key))


def schedules_from_hours(owner_id, hours: list[dict] | None) -> list[dict]:
    groups: dict[tuple[str, str], list[int]] = {}
    for entry in hours or []:
        groups.setdefault((entry["opens"], entry["closes"]), []).append(int(entry["weekday"]))
    result = []
    for (opens, closes), days in sorted(groups.items(), key=lambda g: (min(g[1]), g[0])):
        byday = ",".join(WEEKDAYS[d] for d in sorted(set(days)))
        result.append(
            {
                "id": _id(owner_id, f"schedule:{byday}:{opens}-{closes}"),
                "byday": byday,
                "opens": opens,
                "closes": closes,
            }
        )
    return result


def channel_spec(service_id, index: int, chan: dict) -> dict:
    channel_id = _id(service_id, f"channel:{index}")
    spec = {
        "id": channel_id,
        "type": chan["type"],
        "order": index,
        "name": chan.get("name") or {},
        "url": chan.get("url") or "",
        "schedules": schedules_from_hours(channel_id, chan.get("opening_hours")),
    }
    if chan["type"] == "ServiceLocation":
        address = chan.get("address") or {}
        location_id = _id(service_id, f"location:{index}")
        spec["location"] = {
            "id": location_id,
            "type": "physical",
            "name": chan.get("name") or {},
            "description": chan.get("directions") or {},
            "street": address.get("street", ""),
            "postal_code": address.get("postal_code", ""),
            "city": address.get("city", ""),
            "address_id": _id(location_id, "address"),
        }
    elif chan["type"] in ("WebPage", "EChannel"):
        spec["location"] = {
            "id": _id(service_id, f"location:{index}"),
            "type": "virtual",
            "url": chan.get("url") or "",
            "name": chan.get("name") or {},
            "external_identifier_type": f"ptv:{chan['type']}",
        }
    elif chan["type"] == "Phone":
        spec["number"] = chan.get("number", "")
    return spec


def service_spec(raw: dict) -> dict:
    sid = raw["id"]
    return {
        "id": sid,
        "slug": raw.get("slug", ""),
        "name": raw.get("name") or {},
        "description": raw.get("description") or {},
        "keywords": raw.get("keywords") or {},
        "eligibility": raw.get("eligibility") or {},
        "fees": raw.get("fees") or {},
        "free_of_charge": bool(raw.get("free_of_charge")),
        "anonymous_allowed": bool(raw.get("anonymous_allowed")),
        "no_appointment": bool(raw.get("no_appointment")),
        "languages": [{"code": code} for code in raw.get("languages") or []],
        "municipality": raw.get("municipality") or "",
        "coverage": raw.get("coverage") or "local",
        "status": raw.get("status") or "active",
        "url": raw.get("url") or "",
        "email": raw.get("email") or "",
        "themes": raw.get("themes") or [],
        "provenance": raw.get("provenance") or {},
        "schedules": schedules_from_hours(sid, raw.get("opening_hours")),
        "channels": [channel_spec(sid, i, c) for i, c in enumerate(raw.get("channels") or [])],
    }


def organisation_specs(data: dict) -> list[dict]:
    specs = []
    for org in data.get("organizations") or []:
        services = [service_spec(s) for s in org.get("services") or []]
        verified = [
            s["provenance"].get("last_verified")
            for s in services
            if s["provenance"].get("last_verified")
        ]
        specs.append(
            {
                "id": org["id"],
                "slug": org.get("slug", ""),
                "kind": org.get("kind", ""),
                "name": org.get("name") or {},
                "description": org.get("description") or {},
                "email": org.get("email") or "",
                "website": org.get("website") or "",
                "provenance": {
                    "source": "demo",
                    "last_verified": max(verified) if verified else None,
                    "verified_by": "Demo Data" if verified else "",
                },
                "services": services,
            }
        )
    return specs


def load_demo_file(path: Path = DEMO_FILE) -> list[dict]:
    return organisation_specs(json.loads(path.read_text(encoding="utf-8")))
