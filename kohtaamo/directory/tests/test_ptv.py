import json
from pathlib import Path

from django.core.management import call_command

from kohtaamo.directory import hsds, ptv
from kohtaamo.directory.models import Channel, Organisation, Service

FIXTURE = Path(__file__).parent / "fixtures" / "ptv_service.json"


def test_ptv_service_and_its_channels_are_imported_with_their_ids(db):
    call_command("import_ptv", str(FIXTURE), stdout=open("/dev/null", "w"))

    service = Service.objects.get(hsds_id="c0ffee00-0000-4000-8000-000000000001")
    assert service.name_fi == "Kuntouttava työtoiminta (PTV)"
    assert service.name_sv.startswith("Arbetsverksamhet")
    assert service.description_fi.startswith("Kuntouttavaa")
    assert service.free_of_charge and service.municipality == "Järvelä"
    assert service.organisation == Organisation.objects.get(
        hsds_id="c0ffee00-0000-4000-8000-0000000000aa"
    )
    channels = {
        c.kind: c
        for c in Channel.objects.filter(service=service).select_related(
            "phone", "service_at_location__location"
        )
    }
    assert channels["Phone"].phone.number == "029 555 0999"
    location = channels["ServiceLocation"].location
    assert (location.street, location.city, str(location.hsds_id)) == (
        "Teollisuuskatu 5",
        "Järvelä",
        "c0ffee00-0000-4000-8000-0000000000c1",
    )
    assert [s.byday for s in channels["ServiceLocation"].schedules.all()] == ["MO,TU,WE,TH"]
    assert not hsds.schema_errors(hsds.export_all("fi")[0])


def test_ptv_import_is_idempotent_and_reports_broken_services(db):
    data = json.loads(FIXTURE.read_text())
    data["services"].append({"Id": "c0ffee00-0000-4000-8000-000000000002", "ServiceNames": []})

    specs, problems = ptv.parse(data)

    assert len(specs) == 1 and problems[0][0] == 1 and "no name" in problems[0][2]
    call_command("import_ptv", str(FIXTURE), stdout=open("/dev/null", "w"))
    call_command("import_ptv", str(FIXTURE), stdout=open("/dev/null", "w"))
    assert Service.objects.count() == 1 and Channel.objects.count() == 2
