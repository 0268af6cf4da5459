import pytest

from kohtaamo.referrals.tests.conftest import send


def test_owner_reads_and_writes_teammate_reads_outsider_gets_404(
    as_user, alice, bob, charlie, referral
):
    url = referral.get_absolute_url()

    assert as_user(alice).get(url).status_code == 200
    assert as_user(bob).get(url).status_code == 200
    assert as_user(bob).post(f"{url}status/", {"to": "arrived", "via": "worker"}).status_code == 403
    assert as_user(charlie).get(url).status_code == 404
    assert (
        as_user(charlie).post(f"{url}status/", {"to": "arrived", "via": "worker"}).status_code
        == 404
    )
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_read_only_teammate_cannot_refer(as_user, bob, service, person):
    response = as_user(bob).get("/referrals/new/", {"service": service.hsds_id})

    assert response.status_code == 403


def test_malformed_codes_are_404_not_500(as_user, alice, service):
    client = as_user(alice)

    assert client.get("/referrals/new/", {"service": "nope"}).status_code == 404
    assert (
        client.get("/referrals/new/", {"service": service.hsds_id, "person": "nope"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    "who,status", [("alice", 200), ("manager", 200), ("administrator", 200), ("charlie", 200)]
)
def test_path_pages_are_visible_to_members(as_user, request, path, who, status):
    user = request.getfixturevalue(who)
    code = 404 if who == "charlie" else 200

    assert as_user(user).get("/referrals/paths/").status_code == status
    assert as_user(user).get(path.get_absolute_url()).status_code == code


def test_only_administrators_edit_paths(as_user, alice, administrator, path, service):
    assert as_user(alice).get(f"{path.get_absolute_url()}edit/").status_code == 403
    assert as_user(alice).get("/referrals/paths/new/").status_code == 403
    client = as_user(administrator)
    data = {
        "name_fi": "Velat, ulosotto ja luototus",
        "themes": ["debt"],
        "status": "in_force",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-service": service.pk,
        "steps-0-method": "phone",
        "steps-0-response_time": "1",
        "steps-0-response_unit": "working_days",
        "steps-0-agreement_status": "in_force",
    }

    response = client.post(f"{path.get_absolute_url()}edit/", data)

    path.refresh_from_db()
    assert response.status_code == 302 and path.name_fi == "Velat, ulosotto ja luototus"
    assert path.steps.get().response_time == 1
    from kohtaamo.audit.models import ChangeEntry

    assert (
        ChangeEntry.objects.filter(object_type="referrals.path", object_ref=str(path.pk)).count()
        == 2
    )


def test_managers_see_figures_without_identifiers(as_user, alice, manager, county, service, person):
    for _ in range(6):
        send(alice, county, service, person)

    body = as_user(manager).get("/referrals/figures/").content.decode()

    assert 'data-testid="figures-partners"' in body and "<svg" in body
    assert person.last_name not in body and person.first_name not in body and "/people/" not in body


def test_figures_are_not_for_roles_without_aggregates(as_user, partner_worker):
    assert as_user(partner_worker).get("/referrals/figures/").status_code == 403
