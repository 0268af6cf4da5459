"""Suomi.fi Finnish Service Catalogue (PTV) shaped JSON → specs for `store.write_organisations`.

The file holds services and their service channels in the shape of PTV's open API (v11 field
names; texts are lists of `{language, type, value}`):

    {"services": [{"Id": "<guid>", "ServiceNames": [{"language": "fi", "type": "Name", "value": ".."}],
                   "ServiceDescriptions": [{"language": "fi", "type": "Description", "value": ".."}],
                   "ServiceChargeType": "Free", "Languages": ["fi", "sv"], "Keywords": [..],
                   "Requirements": [..], "ServiceCoverageType": "Local", "Areas": [..],
                   "Organizations": [{"roleType": "Responsible", "organization": {"id": "..", "name": ".."}}],
                   "ServiceChannels": [{"serviceChannel": {"id": "<channel guid>"}}],
                   "PublishingStatus": "Published", "Modified": "2026-11-01T10:00:00Z"}],
     "serviceChannels": [{"Id": "<channel guid>", "ServiceChannelType": "Phone" | "ServiceLocation" |
                          "WebPage" | "EChannel" | "PrintableForm", "ServiceChannelNames": [..],
                          "PhoneNumbers": [{"number": "..", "prefixNumber": "+358"}], "WebPages": [{"url": ".."}],
                          "Addresses": [..], "ServiceHours": [..]}]}

A single service object, or a list of them, with channels nested in `ServiceChannels` is also
read. Ids are PTV GUIDs and are kept: the service's id is its HSDS id; a channel's location keeps
the channel's GUID; the link rows get uuid5(service, channel) because a PTV channel can be shared.
"""

from __future__ import annotations

import uuid

from kohtaamo.directory.demo import schedules_from_hours

KINDS = {"EChannel", "WebPage", "PrintableForm", "Phone", "ServiceLocation"}
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
STATUS = {"Published": "active", "Draft": "inactive", "Deleted": "defunct", "Modified": "active"}
COVERAGE = {"Local": "local", "Nationwide": "nationwide", "NationwideExceptAland": "nationwide"}


class PTVError(ValueError):
    pass


def texts(items, *, type_: str | None = None) -> dict:
    """[{language, type, value}] → {fi, sv, en}; the first of each language (of `type_`)."""
    result: dict[str, str] = {}
    for item in items or []:
        if not isinstance(item, dict):
            continue
        if type_ and item.get("type") not in (type_, None):
            continue
        lang = (item.get("language") or "fi")[:2]
        if lang in ("fi", "sv", "en") and item.get("value") and lang not in result:
            result[lang] = str(item["value"]).strip()
    return result


def _hours(channel: dict) -> list[dict]:
    hours = []
    for block in channel.get("ServiceHours") or []:
        if block.get("serviceHourType", "DaysOfTheWeek") != "DaysOfTheWeek" or block.get(
            "isClosed"
        ):
            continue
        for opening in block.get("openingHour") or []:
            start = DAYS.index(opening["dayFrom"]) if opening.get("dayFrom") in DAYS else None
            if start is None:
                continue
            end = DAYS.index(opening["dayTo"]) if opening.get("dayTo") in DAYS else start
            for day in range(start, end + 1):
                hours.append(
                    {
                        "weekday": day,
                        "opens": opening.get("from", "")[:5],
                        "closes": opening.get("to", "")[:5],
                    }
                )
    return hours


def channel_spec(service_id: str, order: int, channel: dict) -> dict:
    kind = channel.get("ServiceChannelType")
    if kind not in KINDS:
        raise PTVError(f"channel {channel.get('Id')}: unknown ServiceChannelType {kind!r}")
    channel_id = str(channel["Id"])
    link_id = str(uuid.uuid5(uuid.UUID(service_id), f"ptv-channel:{channel_id}"))
    name = texts(channel.get("ServiceChannelNames"))
    urls = [w.get("url") for w in channel.get("WebPages") or [] if w.get("url")]
    spec = {
        "id": link_id,
        "type": kind,
        "order": order,
        "name": name,
        "url": (urls or [""])[0],
        "source_id": channel_id,
        "schedules": schedules_from_hours(link_id, _hours(channel)),
    }
    if kind == "Phone":
        phones = channel.get("PhoneNumbers") or [{}]
        number = phones[0].get("number", "")
        prefix = phones[0].get("prefixNumber", "")
        spec["number"] = (
            f"{prefix} {number}".strip() if prefix and not number.startswith("0") else number
        )
    elif kind == "ServiceLocation":
        address = next(
            (
                a
                for a in channel.get("Addresses") or []
                if a.get("type") in ("Location", "Visiting", None)
            ),
            {},
        )
        street_info = address.get("streetAddress") or {}
        street = texts(street_info.get("street")).get("fi", "")
        number = street_info.get("streetNumber") or ""
        municipality = street_info.get("municipality") or {}
        spec["location"] = {
            "id": channel_id,
            "type": "physical",
            "name": name,
            "description": texts(channel.get("ServiceChannelDescriptions")),
            "street": f"{street} {number}".strip(),
            "postal_code": street_info.get("postalCode") or "",
            "city": texts(municipality.get("name")).get("fi", ""),
            "latitude": street_info.get("latitude"),
            "longitude": street_info.get("longitude"),
            "external_identifier": channel_id,
            "external_identifier_type": "ptv:ServiceLocation",
        }
    elif kind in ("WebPage", "EChannel"):
        spec["location"] = {
            "id": channel_id,
            "type": "virtual",
            "url": spec["url"],
            "name": name,
            "external_identifier": channel_id,
            "external_identifier_type": f"ptv:{kind}",
        }
    return spec


def service_spec(service: dict, channels_by_id: dict[str, dict]) -> tuple[dict, dict]:
    """(organisation stub, service spec) of one PTV service."""
    service_id = str(uuid.UUID(str(service["Id"])))
    names = texts(service.get("ServiceNames"), type_="Name")
    if not names:
        raise PTVError(f"service {service_id}: ServiceNames has no name")
    orgs = service.get("Organizations") or []
    responsible = next(
        (o for o in orgs if o.get("roleType") == "Responsible"), orgs[0] if orgs else None
    )
    if not responsible or not (responsible.get("organization") or {}).get("id"):
        raise PTVError(f"service {service_id}: no responsible organisation")
    organisation = responsible["organization"]
    channels = []
    for order, link in enumerate(service.get("ServiceChannels") or []):
        ref = link.get("serviceChannel") or link
        channel = channels_by_id.get(str(ref.get("id") or ref.get("Id"))) or (
            ref if "ServiceChannelType" in ref else None
        )
        if channel is None:
            raise PTVError(f"service {service_id}: channel {ref.get('id')} is not in the file")
        channels.append(channel_spec(service_id, order, channel))
    keywords: dict[str, list[str]] = {}
    for item in service.get("Keywords") or []:
        lang = (item.get("language") or "fi")[:2]
        if item.get("value"):
            keywords.setdefault(lang, []).append(item["value"])
    area_names = [texts(a.get("name")).get("fi", "") for a in service.get("Areas") or []]
    coverage = COVERAGE.get(service.get("ServiceCoverageType") or "", "local")
    description = texts(service.get("ServiceDescriptions"), type_="Description") or texts(
        service.get("ServiceDescriptions"), type_="Summary"
    )
    spec = {
        "id": service_id,
        "name": names,
        "description": description,
        "keywords": keywords,
        "eligibility": texts(service.get("Requirements")),
        "free_of_charge": service.get("ServiceChargeType") == "Free",
        "languages": [{"code": code} for code in service.get("Languages") or []],
        "municipality": next((n for n in area_names if n), "") if coverage == "local" else "",
        "coverage": coverage,
        "status": STATUS.get(service.get("PublishingStatus") or "Published", "active"),
        "provenance": {
            "source": "ptv",
            "source_id": service_id,
            "last_verified": service.get("Modified"),
        },
        "channels": channels,
    }
    org_stub = {
        "id": str(uuid.UUID(str(organisation["id"]))),
        "name": {"fi": organisation.get("name") or ""} if organisation.get("name") else None,
        "provenance": {"source": "ptv", "source_id": str(organisation["id"])},
    }
    return org_stub, spec


def parse(data) -> tuple[list[dict], list[tuple[int, str, str]]]:
    """(organisation specs, problems [(index, id, reason)]) of a PTV-shaped file."""
    if isinstance(data, dict) and "services" in data:
        services, channels = data.get("services") or [], data.get("serviceChannels") or []
    elif isinstance(data, list):
        services, channels = data, []
    elif isinstance(data, dict):
        services, channels = [data], []
    else:
        return [], [(0, "", "the file is not a PTV service or a list of them")]
    by_id = {str(c.get("Id")): c for c in channels if isinstance(c, dict)}
    orgs: dict[str, dict] = {}
    problems = []
    for index, service in enumerate(services):
        try:
            org_stub, spec = service_spec(service, by_id)
        except (PTVError, KeyError, ValueError, TypeError, AttributeError) as exc:
            problems.append(
                (
                    index,
                    str((service or {}).get("Id", "")) if isinstance(service, dict) else "",
                    str(exc) or type(exc).__name__,
                )
            )
            continue
        org = orgs.setdefault(org_stub["id"], {**org_stub, "services": []})
        org["services"].append(spec)
    return list(orgs.values()), problems
