"""The client matter: opening it from the person page, the matter page, the team and the named
responsible worker (§ 42), the client's network with consent, the caseload and its cap, the
timeline, and what the person page and "my day" show."""

import pytest

from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.casework import actions
from kohtaamo.casework.actions import CaseworkError
from kohtaamo.casework.models import ClientMatter, MatterMember
from kohtaamo.casework.tests.conftest import act
from kohtaamo.people.consent import Consent
from kohtaamo.testing.helpers import assert_constant_queries


def test_open_a_matter_from_the_person_page(as_user, alice, person, team_a):
    client = as_user(alice)
    page = client.get(f"/people/{person.code}/")
    assert 'data-testid="open-matter-link"' in page.content.decode()

    response = client.post(
        "/casework/matters/new/",
        {"person": person.code, "source": "encounter", "team": team_a.pk, "special_group": "on",
         "become_responsible": "on"},
    )  # fmt: skip

    matter = ClientMatter.objects.get()
    assert response.status_code == 302 and response["Location"] == matter.get_absolute_url()
    assert matter.responsible_worker == alice and matter.assessment_start_by is not None
    assert MatterMember.objects.get(matter=matter).role == "responsible"


def test_open_a_matter_from_a_referral_records_the_source(as_user, alice, person):
    from kohtaamo.referrals.models import Referral

    client = as_user(alice)
    response = client.get(f"/casework/matters/new/?person={person.code}&referral={person.code}")

    assert response.status_code == 404  # not a referral code
    assert not Referral.objects.exists()


def test_a_read_only_teammate_cannot_open_a_matter(as_user, bob, person):
    response = as_user(bob).post("/casework/matters/new/", {"person": person.code})

    assert response.status_code == 403 and not ClientMatter.objects.exists()


def test_matter_page_shows_the_team_and_logs_every_document(as_user, alice, matter, plan, person):
    response = as_user(alice).get(f"/casework/matters/{matter.code}/")

    body = response.content.decode()
    assert 'data-testid="responsible-worker"' in body and alice.get_full_name() in body
    logged = set(
        AccessLogEntry.objects.filter(person_code=person.code, username="alice").values_list(
            "object_type", flat=True
        )
    )
    assert {"casework.matter", "casework.plan"} <= logged


def test_special_support_needs_a_social_worker_as_responsible(matter, alice, official):
    matter.special_support = True
    matter.save(update_fields=["special_support"])

    with pytest.raises(CaseworkError) as refused:
        actions.set_responsible_worker(act(alice), matter, alice, by=alice)
    actions.set_responsible_worker(act(official), matter, official, by=official)

    matter.refresh_from_db()
    assert "social worker" in refused.value.message
    assert matter.responsible_worker == official
    roles = dict(
        MatterMember.objects.filter(matter=matter, ended_at__isnull=True).values_list(
            "user__username", "role"
        )
    )
    assert roles == {"olivia": "responsible", "alice": "team"}
    assert ChangeEntry.objects.filter(
        object_type="casework.matter", changes__has_key="responsible_worker"
    ).exists()


def test_add_a_partner_to_the_team_from_the_page(as_user, alice, matter, partner_worker):
    response = as_user(alice).post(
        f"/casework/matters/{matter.code}/members/add/",
        {"user": partner_worker.pk, "role": "partner", "title": "Kela"},
    )

    assert response.status_code == 302
    member = MatterMember.objects.get(user=partner_worker)
    assert member.role == "partner" and member.title == "Kela"


def test_network_member_needs_consent_and_records_it(as_user, alice, matter, person):
    client = as_user(alice)
    data = {"kind": "close_person", "name": "Sisko Meikäläinen", "relation": "sister",
            "consent_method": "oral"}  # fmt: skip

    refused = client.post(f"/casework/matters/{matter.code}/network/add/", data)
    saved = client.post(
        f"/casework/matters/{matter.code}/network/add/",
        data | {"consent_given": "on", "may_contact": "on"},
    )

    assert refused.status_code == 200 and "consent" in refused.content.decode()
    assert 'value="Sisko Meikäläinen"' in refused.content.decode()  # what was typed is kept
    assert saved.status_code == 302
    network = matter.network.get()
    assert network.consent.scope == Consent.Scope.SHARING
    assert network.consent.recipient == "Sisko Meikäläinen"


def test_caseload_lists_my_matters_and_warns_at_the_cap(as_user, alice, make_matter, settings):
    settings.CASELOAD_CAP = 3
    make_matter(3)

    response = as_user(alice).get("/casework/caseload/")

    body = response.content.decode()
    assert response.status_code == 200 and body.count('class="table table-stack"') == 1
    assert 'data-testid="caseload-warning"' in body
    assert (
        AccessLogEntry.objects.filter(object_type="casework.matter", username="alice").count() == 3
    )


def test_caseload_below_the_cap_has_no_warning(as_user, alice, make_matter):
    make_matter(2)

    body = as_user(alice).get("/casework/caseload/").content.decode()

    assert 'data-testid="caseload-warning"' not in body


def test_caseload_htmx_fragment_and_full_page(as_user, alice, make_matter):
    make_matter(1)
    client = as_user(alice)

    fragment = client.get("/casework/caseload/", headers={"HX-Request": "true"}).content.decode()
    page = client.get("/casework/caseload/").content.decode()

    assert fragment.startswith('<section id="caseload"') and "<html" not in fragment
    assert "<html" in page and 'id="caseload"' in page


def test_caseload_queries_do_not_grow_with_rows(as_user, alice, make_matter):
    client = as_user(alice)

    assert_constant_queries(make_matter, lambda: client.get("/casework/caseload/"))


def test_a_teammates_caseload_and_the_managers_counts(as_user, alice, bob, manager, make_matter):
    make_matter(2)

    teammate = as_user(bob).get(f"/casework/caseload/?worker={alice.code}")
    counts = as_user(manager).get("/casework/caseload/")

    assert teammate.status_code == 200 and teammate.context["count"] == 2
    body = counts.content.decode()
    assert counts.status_code == 200 and counts.context["counts"][0]["count"] == 2
    assert "Suku" not in body  # no client names for aggregate-only roles


def test_outsiders_get_no_caseload(as_user, partner_worker):
    assert as_user(partner_worker).get("/casework/caseload/").status_code == 403


def test_timeline_pages_and_logs(as_user, alice, matter, person):
    import datetime

    from django.utils import timezone

    for i in range(3):
        actions.record_meeting(
            act(alice), matter, by=alice, kind="individual", status="held",
            at=timezone.now() - datetime.timedelta(days=i + 1),
        )  # fmt: skip
    client = as_user(alice)

    page = client.get(f"/casework/matters/{matter.code}/timeline/")
    older = client.get(
        f"/casework/matters/{matter.code}/timeline/",
        {"before": (timezone.now() - datetime.timedelta(days=1, hours=12)).isoformat()},
        headers={"HX-Request": "true"},
    )

    assert page.content.decode().count("timeline__item--meeting") == 3
    assert older.content.decode().count("timeline__item--meeting") == 2
    assert AccessLogEntry.objects.filter(object_type="casework.support_meeting").count() == 5


def test_timeline_queries_do_not_grow(as_user, alice, matter):
    import datetime

    from django.utils import timezone

    def add(n):
        for _ in range(n):
            actions.record_meeting(
                act(alice), matter, by=alice, kind="phone", status="held",
                at=timezone.now() - datetime.timedelta(hours=1),
            )  # fmt: skip

    client = as_user(alice)
    assert_constant_queries(add, lambda: client.get(f"/casework/matters/{matter.code}/timeline/"))


def test_my_day_shows_tasks_and_caseload(as_user, alice, matter):
    import datetime

    from django.utils import timezone

    actions.create_task(
        act(alice), by=alice, organisation=matter.organisation, matter=matter,
        title="Soita asiakkaalle", due_on=timezone.localdate() + datetime.timedelta(days=1),
        kind="follow_up",
    )  # fmt: skip

    body = as_user(alice).get("/my-day/").content.decode()

    assert 'data-testid="myday-tasks"' in body and "Soita asiakkaalle" in body
    assert 'data-testid="myday-caseload"' in body


def test_my_day_queries_do_not_grow_and_each_client_shown_is_logged(as_user, alice, make_matter):
    """Deadlines, tasks and the caseload count of my day: constant queries, one log entry per
    client document shown, and the access-log chain still whole after the batched append."""
    import datetime

    from django.utils import timezone

    from kohtaamo.audit.actions import verify_all

    def add(n):
        for matter in make_matter(n):
            actions.create_task(
                act(alice), by=alice, organisation=matter.organisation, matter=matter,
                title="Soita", due_on=timezone.localdate() + datetime.timedelta(days=1),
                kind="follow_up",
            )  # fmt: skip

    client = as_user(alice)
    assert_constant_queries(add, lambda: client.get("/my-day/"), sizes=(1, 4))

    before = AccessLogEntry.objects.filter(object_type="casework.task").count()
    client.get("/my-day/")
    assert AccessLogEntry.objects.filter(object_type="casework.task").count() - before == 4
    assert verify_all()[1] == []


def test_timeline_queries_do_not_grow_with_events_of_every_kind(as_user, alice, matter):
    """Meetings, contacts and plan notes together: the sources are read in one query where the
    database allows it, and the count stays the same however many events there are."""
    import datetime

    from django.utils import timezone

    from kohtaamo.encounters.models import Encounter

    plan = actions.create_plan(act(alice), matter, by=alice, variant="intensive")

    def add(n):
        for i in range(n):
            at = timezone.now() - datetime.timedelta(hours=i + 1)
            actions.record_meeting(
                act(alice), matter, by=alice, kind="phone", status="held", at=at
            )  # fmt: skip
            Encounter.objects.create(
                organisation_id=matter.organisation_id, channel="desk", started_at=at,
                duration_minutes=5, identity_level="identified", person=matter.person,
                result="settled", created_by=alice,
            )  # fmt: skip
            actions.add_progress_note(act(alice), plan, by=alice, text=f"Muistiinpano {i}")

    client = as_user(alice)
    assert_constant_queries(add, lambda: client.get(f"/casework/matters/{matter.code}/timeline/"))
    body = client.get(f"/casework/matters/{matter.code}/timeline/").content.decode()
    assert body.count("timeline__item--meeting") == 3
    assert body.count("timeline__item--encounter") == 3 and body.count("timeline__item--note") == 3
