import filecmp
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kohtaamo.directory import hsds
from kohtaamo.directory.models import Channel, Location, Organisation, Service

VENDORED = hsds.VENDORED_SCHEMA_DIR


def official_validator():
    """The reference implementation (jsonschema) with $refs resolved from the vendored folder."""
    resources = [
        (
            p.relative_to(VENDORED).as_posix(),
            Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT202012),
        )
        for p in sorted([*VENDORED.glob("*.json"), *(VENDORED / "compiled").glob("*.json")])
    ]
    schema = json.loads((VENDORED / "compiled" / "organization.json").read_text())
    return Draft202012Validator(
        schema,
        registry=Registry().with_resources(resources),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def test_vendored_schemas_are_identical_to_the_shared_copy():
    shared = Path(settings.HSDS_SCHEMA_DIR)
    if not (shared / "compiled" / "organization.json").exists():
        pytest.skip("../shared/hsds is not beside the repository")
    names = sorted(p.relative_to(shared).as_posix() for p in shared.rglob("*") if p.is_file())
    for name in names:
        mine = VENDORED / ("README.upstream.md" if name == "README.md" else name)
        assert filecmp.cmp(shared / name, mine, shallow=False), name
    assert (VENDORED / "LICENSE").exists()


def test_export_of_the_demo_directory_validates_and_round_trips(demo_directory, tmp_path):
    first = tmp_path / "first.json"
    second = tmp_path / "second.json"

    call_command("export_hsds", str(first), stdout=open("/dev/null", "w"))
    call_command("import_hsds", str(first), stdout=open("/dev/null", "w"))
    call_command("export_hsds", str(second), stdout=open("/dev/null", "w"))

    records = json.loads(first.read_text())
    validator = official_validator()
    for record in records:
        assert not list(validator.iter_errors(record)), record["id"]
    assert first.read_text() == second.read_text()
    assert len(records) == 19 and sum(len(r["services"]) for r in records) == 78
    service = next(
        s
        for r in records
        for s in r["services"]
        if s["id"] == str(demo_directory["kriisipuhelin"].hsds_id)
    )
    assert {a["taxonomy_term"]["code"] for a in service["attributes"]} >= {
        "theme:mental_health",
        "anonymous_allowed",
        "slug",
    }


def test_importing_an_export_into_an_empty_database_keeps_every_id(demo_directory, tmp_path):
    exported = hsds.export_all("fi")
    ids = {s["id"] for r in exported for s in r["services"]}
    Organisation.objects.all().delete()
    Location.objects.all().delete()

    parsed = hsds.parse_file(exported)
    from kohtaamo.audit.actions import Actor
    from kohtaamo.directory.actions import import_directory

    result = import_directory(parsed.specs, actor=Actor.system("t"), langs=("fi",), source="hsds")
    again = import_directory(
        hsds.parse_file(exported).specs, actor=Actor.system("t"), langs=("fi",), source="hsds"
    )

    assert result.created == 78
    assert {str(i) for i in Service.objects.values_list("hsds_id", flat=True)} == ids
    assert hsds.export_all("fi") == exported
    assert (again.created, again.updated, again.unchanged) == (0, 0, 78)


def test_a_swedish_file_fills_only_the_swedish_texts(tiny_service, tmp_path):
    exported = hsds.export_all("sv")
    exported[0]["services"][0]["name"] = "Skuldrådgivning (ny)"
    path = tmp_path / "sv.json"
    path.write_text(json.dumps(exported))

    call_command("import_hsds", str(path), "--lang", "sv", stdout=open("/dev/null", "w"))

    service = Service.objects.get(pk=tiny_service.pk)
    assert service.name_sv == "Skuldrådgivning (ny)"
    assert service.name_fi == "Talous- ja velkaneuvonta"
    assert service.name_en == "Debt advice"
    assert Channel.objects.get(service=service, kind="Phone").name_fi == "Velkapuhelin"


def test_broken_records_are_reported_one_by_one_and_nothing_is_written(
    tiny_service, tmp_path, capsys
):
    records = hsds.export_all("fi")
    good = json.loads(json.dumps(records[0]))
    good["id"] = "77777777-7777-4777-8777-777777777777"
    good["services"][0]["id"] = "88888888-8888-4888-8888-888888888888"
    good["services"][0]["service_at_locations"] = []
    broken_status = json.loads(json.dumps(good))
    broken_status["id"] = "99999999-9999-4999-8999-999999999999"
    broken_status["services"][0]["id"] = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    broken_status["services"][0]["status"] = "open-ish"
    broken_id = {"id": "not-a-uuid", "name": "Rikki", "description": "x"}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps([good, broken_status, broken_id, "text"]))

    with pytest.raises(CommandError, match="3 of 4 records have errors; nothing was imported"):
        call_command("import_hsds", str(path))

    err = capsys.readouterr().err
    assert "record 1 (id 99999999-9999-4999-8999-999999999999): services[0].status" in err
    assert "record 2 (id not-a-uuid): id" in err
    assert "record 3: not a JSON object" in err
    assert not Service.objects.filter(hsds_id="88888888-8888-4888-8888-888888888888").exists()


def test_partial_imports_the_valid_records(tiny_service, tmp_path):
    records = hsds.export_all("fi")
    good = json.loads(json.dumps(records[0]))
    good["id"] = "77777777-7777-4777-8777-777777777777"
    good["services"][0]["id"] = "88888888-8888-4888-8888-888888888888"
    good["services"][0]["service_at_locations"] = []
    path = tmp_path / "partial.json"
    path.write_text(json.dumps([good, {"id": "x"}]))

    call_command(
        "import_hsds",
        str(path),
        "--partial",
        stdout=open("/dev/null", "w"),
        stderr=open("/dev/null", "w"),
    )

    assert Service.objects.filter(hsds_id="88888888-8888-4888-8888-888888888888").exists()


def test_a_file_that_is_not_json_gets_a_clear_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")

    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_hsds", str(path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_hsds", str(tmp_path / "missing.json"))


def test_a_link_to_a_location_that_does_not_exist_is_reported(db, tmp_path):
    record = {
        "id": "77777777-7777-4777-8777-777777777777",
        "name": "Org",
        "description": "d",
        "services": [
            {
                "id": "88888888-8888-4888-8888-888888888888",
                "name": "S",
                "status": "active",
                "service_at_locations": [
                    {
                        "id": "99999999-9999-4999-8999-999999999999",
                        "location_id": "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
                    }
                ],
            }
        ],
    }
    parsed = hsds.parse_file([record])

    assert not parsed.specs
    assert "no location aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" in parsed.problems[0].reason
