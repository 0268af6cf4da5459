"""The planned ending: reason, summary, continuation path as a referral (through the referrals app's
action), a feedback code from the desk, and what ending closes; plus tasks and reminders."""

import datetime

import pytest
from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.casework import actions
from kohtaamo.casework.actions import CaseworkError
from kohtaamo.casework.actions.followup import create_reminders
from kohtaamo.casework.models import ClientMatter, MatterEnding, Task
from kohtaamo.casework.tests.conftest import act
from kohtaamo.directory.actions import import_directory
from kohtaamo.directory.models import Service
from kohtaamo.directory.tests.conftest import tiny_spec
from kohtaamo.referrals.models import Referral


@pytest.fixture
def service(db):
    import_directory(tiny_spec(), actor=Actor.system("test"), source="test")
    return Service.objects.select_related("organisation").get(slug="velkaneuvonta-testi")


@pytest.fixture
def encounter(alice, person, team_a):
    from kohtaamo.encounters.actions import EncounterInput, record_encounter
    from kohtaamo.encounters.models import Term

    return record_encounter(
        act(alice),
        EncounterInput(
            organisation_id=person.organisation_id, unit_id=team_a.unit_id, team_id=team_a.pk,
            channel="desk", started_at=timezone.now() - datetime.timedelta(hours=1),
            duration_minutes=30, result="settled", identity_level="identified", person=person,
            themes=[Term.objects.get(section="themes", key="income")],
            support=[Term.objects.get(section="support", key="counselling")],
        ),
        by=alice,
    ).encounter  # fmt: skip


def test_end_with_a_continuation_referral_and_a_feedback_code(
    matter, plan, period, alice, service, encounter
):
    result = actions.end_matter(
        act(alice), matter, by=alice, reason="next_service", summary="Tavoitteet saavutettiin.",
        continuation_kind="employment_services", continuation="Työkokeilu keväällä.",
        service=service, referral_consent=True, shared_information="Nimi ja puhelin",
        request_feedback=True,
    )  # fmt: skip

    matter.refresh_from_db()
    plan.refresh_from_db()
    period.refresh_from_db()
    encounter.refresh_from_db()
    referral = Referral.objects.get()
    assert matter.status == "closed" and matter.closed_by == alice
    assert referral.client_matter == matter and referral.status == "sent"
    assert result.ending.referral == referral and result.referral_token
    assert result.feedback_code and encounter.feedback_code_hash
    assert plan.status == "ended" and period.ended_on == timezone.localdate()
    assert result.ending.has_continuation


def test_a_referral_without_consent_is_refused_and_nothing_ends(matter, alice, service):
    with pytest.raises(CaseworkError) as refused:
        actions.end_matter(
            act(alice), matter, by=alice, reason="next_service", summary="Yhteenveto",
            continuation_kind="other_service", service=service, referral_consent=False,
        )  # fmt: skip

    matter.refresh_from_db()
    assert refused.value.field == "referral_consent" and matter.status == "open"
    assert not Referral.objects.exists() and not MatterEnding.objects.exists()


def test_feedback_needs_a_contact(matter, alice):
    with pytest.raises(CaseworkError) as refused:
        actions.end_matter(
            act(alice), matter, by=alice, reason="goals_reached", summary="Yhteenveto",
            continuation_kind="none", request_feedback=True,
        )  # fmt: skip

    assert refused.value.field == "request_feedback"


def test_nothing_is_recorded_in_an_ended_matter(matter, alice):
    actions.end_matter(
        act(alice),
        matter,
        by=alice,
        reason="goals_reached",
        summary="Valmis",
        continuation_kind="none",
    )

    with pytest.raises(CaseworkError):
        actions.create_plan(act(alice), matter, by=alice, variant="digital")


def test_ending_page_searches_services_and_sends_the_referral(as_user, alice, matter, service):
    client = as_user(alice)
    found = client.get(f"/casework/matters/{matter.code}/end/", {"q": "velka"})
    assert found.status_code == 200 and str(service.hsds_id) in found.content.decode()

    refused = client.post(
        f"/casework/matters/{matter.code}/end/",
        {"end": "1", "q": "velka", "reason": "next_service", "summary": "Yhteenveto",
         "continuation_kind": "other_service", "service": str(service.hsds_id),
         "consent_method": "oral"},
    )  # fmt: skip
    assert refused.status_code == 200 and ClientMatter.objects.get().status == "open"
    assert "Yhteenveto" in refused.content.decode()

    done = client.post(
        f"/casework/matters/{matter.code}/end/",
        {"end": "1", "q": "velka", "reason": "next_service", "summary": "Yhteenveto",
         "continuation_kind": "other_service", "service": str(service.hsds_id),
         "referral_consent": "on", "consent_method": "oral"},
    )  # fmt: skip
    assert done.status_code == 302
    ended = client.get(done["Location"])
    assert 'data-testid="continuation-referral"' in ended.content.decode()


@pytest.mark.parametrize(("who", "status"), [("bob", 403), ("charlie", 404)])
def test_ending_page_access(request, as_user, matter, who, status):
    response = as_user(request.getfixturevalue(who)).post(
        f"/casework/matters/{matter.code}/end/", {"end": "1"}
    )

    assert response.status_code == status


# Tasks and reminders ---------------------------------------------------------------------------


def test_reminders_are_made_once(matter, plan, alice):
    plan.review_on = timezone.localdate() + datetime.timedelta(days=3)
    plan.save()
    matter.special_group = True
    matter.assessment_start_by = timezone.localdate()
    matter.save()

    first = create_reminders()
    second = create_reminders()

    kinds = set(Task.objects.values_list("kind", flat=True))
    assert first == 2 and second == 0
    assert kinds == {"plan_review", "assessment"}
    assert all(t.assignee == alice for t in Task.objects.all())
    assert (
        str(Task.objects.get(kind="plan_review").label) == "Review the client plan with the client"
    )


def test_an_inactive_matter_gets_a_reminder_after_the_configured_days(matter, settings):
    settings.INACTIVE_MATTER_DAYS = 10
    ClientMatter.objects.filter(pk=matter.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=11)
    )

    create_reminders()

    task = Task.objects.get(kind="inactive")
    assert task.matter == matter and "No activity" in task.label


def test_activity_resets_the_inactivity_clock(matter, alice, settings):
    settings.INACTIVE_MATTER_DAYS = 10
    ClientMatter.objects.filter(pk=matter.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=11)
    )
    actions.record_meeting(
        act(alice), matter, by=alice, kind="phone", at=timezone.now(), status="held"
    )

    assert create_reminders() == 0


def test_signing_closes_the_assessment_reminders(matter, alice, official):
    draft = actions.create_assessment(
        act(alice), matter, by=alice, client_view="x", worker_assessment="y", conclusion="z",
        complete_by=timezone.localdate(),
    )  # fmt: skip
    create_reminders()
    assert Task.objects.filter(kind="assessment", done_at__isnull=True).count() == 1

    actions.sign_assessment(act(official), draft, by=official)

    assert not Task.objects.filter(kind="assessment", done_at__isnull=True).exists()


def test_the_periodic_job_is_registered():
    from kohtaamo.core.schedule import jobs

    assert any(j.name.endswith("create_casework_reminders") for j in jobs())


def test_team_task_and_done(as_user, alice, bob, matter, team_a):
    client = as_user(alice)
    response = client.post(
        f"/casework/tasks/new/?matter={matter.code}",
        {"title": "Soita Kelaan", "kind": "follow_up", "due_on": timezone.localdate().isoformat(),
         "for_team": "on", "matter": matter.code},
    )  # fmt: skip
    task = Task.objects.get()
    assert response.status_code == 302 and task.team == team_a and task.assignee is None

    listing = as_user(bob).get("/casework/tasks/")
    assert "Soita Kelaan" in listing.content.decode()

    done = as_user(alice).post(f"/casework/tasks/{task.code}/done/", headers={"HX-Request": "true"})
    task.refresh_from_db()
    assert done.status_code == 200 and task.done_by == alice
    assert done.content.decode().startswith(f'<li id="task-{task.code}"')
