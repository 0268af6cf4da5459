"""The outreach API besides the sync: my shifts, one shift, help, acknowledge."""

from kohtaamo.outreach import actions
from kohtaamo.outreach.models import SafetyAlert


def test_my_shifts_and_one_shift(as_user, alice, active_shift, place):
    actions.check_in(active_shift, by=alice, place=place, next_minutes=30)
    client = as_user(alice)

    mine = client.get("/api/v1/outreach/shifts").json()
    one = client.get(f"/api/v1/outreach/shifts/{active_shift.code}").json()

    assert [s["code"] for s in mine] == [str(active_shift.code)]
    workers = {w["username"]: w for w in one["workers"]}
    assert workers["alice"]["status"] == "ok" and workers["alice"]["last_place"] == "Järvelän asema"
    assert workers["anna"]["last_check_in"] is None


def test_help_and_acknowledge(as_user, alice, manager, bob, active_shift):
    alert = as_user(alice).post(f"/api/v1/outreach/shifts/{active_shift.code}/help").json()
    refused = as_user(bob).post(f"/api/v1/outreach/alerts/{alert['code']}/acknowledge")
    done = as_user(manager).post(f"/api/v1/outreach/alerts/{alert['code']}/acknowledge").json()

    assert alert["kind"] == "help" and refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    assert done["acknowledged_at"] is not None
    assert SafetyAlert.objects.get().acknowledged_by == manager


def test_outsiders_get_404_in_the_error_shape(as_user, charlie, active_shift):
    client = as_user(charlie)

    for response in (
        client.get(f"/api/v1/outreach/shifts/{active_shift.code}"),
        client.post(f"/api/v1/outreach/shifts/{active_shift.code}/help"),
    ):
        assert response.status_code == 404 and set(response.json()) == {"error", "detail"}


def test_every_outreach_operation_has_an_example(client, db):
    doc = client.get("/api/v1/openapi.json").json()

    paths = {p: ops for p, ops in doc["paths"].items() if p.startswith("/api/v1/outreach")}
    assert len(paths) == 5
    schemas = doc["components"]["schemas"]
    for name in ("SyncIn", "SyncOut", "ShiftOut", "AlertOut"):
        assert schemas[name].get("examples"), name
