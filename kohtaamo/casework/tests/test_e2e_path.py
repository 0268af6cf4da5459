"""The whole path in a browser: a contact at the desk, consent and a client matter, a service need
assessment with its deadline, a plan with two goals, a decision (a counsellor cannot sign it, the
official can), social rehabilitation with group attendance and start and end measurements, an
ending with a continuation referral, and quality-criteria answers aggregated per unit. Every view
of the client wrote an access-log entry. Elements are found by name, id or data-testid."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kohtaamo.audit.actions import Actor
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.casework.actions import quality as quality_actions
from kohtaamo.casework.models import ClientMatter, Decision, ServiceNeedAssessment
from kohtaamo.directory.actions import import_directory
from kohtaamo.directory.tests.conftest import tiny_spec
from kohtaamo.encounters.actions import EncounterInput, record_encounter
from kohtaamo.encounters.models import Encounter, Term
from kohtaamo.groupwork import actions as group_actions
from kohtaamo.referrals.models import Referral
from kohtaamo.testing.browser import assert_no_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def answer_eurohis(page, value):
    for i in range(1, 9):
        page.check(f"input[name=q{i}][value='{value}']")


def switch_user(page, browser_login, user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.context.clear_cookies()
    # A second login within the same 30-second step would reuse the code, which TOTP refuses.
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    browser_login(user)


def test_the_whole_case_management_path(
    page, browser_login, alice, official, manager, team_a, settings
):
    settings.SMALL_NUMBER_K = 1  # one unit's few answers are shown in this test
    import_directory(tiny_spec(), actor=Actor.system("test"), source="test")
    encounter = record_encounter(
        Actor.for_user(alice),
        EncounterInput(
            organisation_id=team_a.unit.organisation_id, unit_id=team_a.unit_id, team_id=team_a.pk,
            channel="desk", started_at=timezone.now() - datetime.timedelta(minutes=20),
            duration_minutes=20, result="settled", identity_level="pseudonymous",
            new_contact_code=True,
            themes=[Term.objects.get(section="themes", key="housing")],
            support=[Term.objects.get(section="support", key="counselling")],
        ),
        by=alice,
    ).encounter  # fmt: skip

    # Encounter → consent → client matter (the desk's identify flow).
    browser_login(alice)
    page.goto(f"/desk/{encounter.code}/")
    page.click("[data-testid=identify]")
    page.check("input[name=person_choice][value=new]")
    page.fill("#id_first_name", "Ville")
    page.fill("#id_last_name", "Polkunen")
    page.check("#id_consent_recording")
    page.check("#id_special_group")
    page.select_option("#id_team", str(team_a.pk))
    page.fill("#id_reason", "Asuminen ja arki")
    page.click("[data-testid=identify-save]")
    expect(page.locator("[data-testid=deadline]")).to_be_visible()
    matter = ClientMatter.objects.get()
    person = matter.person

    page.goto(person.get_absolute_url())
    page.click("[data-testid=casework-matters] [data-testid=matter-link]")
    expect(page.locator("[data-testid=assessment-deadline]")).to_contain_text(
        matter.assessment_start_by.strftime("%-d.%-m.%Y")
    )
    page.select_option("#id_user", str(alice.pk))
    page.click("[data-testid=set-responsible]")
    expect(page.locator("[data-testid=responsible-worker]")).to_contain_text(alice.last_name)
    assert_no_axe_violations(page, "client matter")

    # Service need assessment with its deadline.
    page.click("[data-testid=new-assessment]")
    page.fill("#id_client_view", "Haluan pysyä asunnossani.")
    page.fill("#id_worker_assessment", "Tarvitsee tukea arkeen.")
    page.fill("#id_conclusion", "Sosiaalinen kuntoutus.")
    page.check("input[name=need_areas][value=housing]")
    page.click("[data-testid=save]")
    assessment = ServiceNeedAssessment.objects.get()
    expect(page.locator("[data-testid=complete-by]")).to_contain_text(
        assessment.complete_by.strftime("%-d.%-m.%Y")
    )
    assert_no_axe_violations(page, "assessment draft")

    # A plan with two goals, agreed with the client; the client's copy on a phone.
    page.goto(matter.get_absolute_url())
    page.click("[data-testid=new-plan]")
    page.check("input[name=variant][value=intensive]")
    page.fill("#id_client_view", "Haluan oman rytmin arkeen.")
    page.click("[data-testid=save]")
    for text in ("Haluan pysyä omassa asunnossani.", "Haluan käydä ryhmässä joka viikko."):
        page.fill("#id_text", text)
        page.click("[data-testid=add-goal]")
    expect(page.locator("[data-testid=goals] li")).to_have_count(2)
    page.check("input[name=agreed_how][value=meeting]")
    page.click("[data-testid=agree]")
    expect(page.locator("[data-testid=agreement]")).not_to_contain_text("not agreed")
    assert_no_axe_violations(page, "plan")
    page.set_viewport_size({"width": 360, "height": 800})
    page.click("[data-testid=print-copy]")
    expect(page.locator("[data-testid=print-goals] li")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_no_axe_violations(page, "the client's printable plan")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A decision: the counsellor prepares it but cannot sign it.
    page.goto(matter.get_absolute_url())
    page.click("[data-testid=new-decision]")
    today = timezone.localdate()
    page.fill("#id_subject", "Sosiaalinen kuntoutus")
    page.check("input[name=outcome][value=granted]")
    page.fill("#id_decision_text", "Myönnetään sosiaalinen kuntoutus.")
    page.fill("#id_reasoning", "Palvelutarpeen arvion mukaan.")
    page.fill("#id_valid_from", today.isoformat())
    page.fill("#id_valid_until", (today + datetime.timedelta(days=120)).isoformat())
    page.click("[data-testid=save]")
    decision = Decision.objects.get()
    page.click("[data-testid=sign]")
    expect(page.locator("[data-testid=refusal-reason]")).to_be_visible()
    decision.refresh_from_db()
    assert decision.status == "draft"

    # The official signs the assessment and the decision.
    switch_user(page, browser_login, official)
    page.goto(assessment.get_absolute_url())
    page.click("[data-testid=sign]")
    expect(page.locator("[data-testid=assessment-status]")).to_contain_text("Signed")
    page.goto(decision.get_absolute_url())
    page.click("[data-testid=sign]")
    expect(page.locator("[data-testid=decision-status]")).to_contain_text("Signed")
    expect(page.locator("[data-testid=appeal]")).to_contain_text("30")
    assert_no_axe_violations(page, "signed decision")

    # Social rehabilitation: the period, the start measurement, group attendance, the end.
    switch_user(page, browser_login, alice)
    page.goto(matter.get_absolute_url())
    page.click("[data-testid=new-period]")
    page.click("[data-testid=save]")
    page.click("[data-testid=measure-eurohis8-start]")
    answer_eurohis(page, 2)
    page.click("[data-testid=save-measurement]")
    assert_no_axe_violations(page, "service period")
    group = group_actions.create_group(
        Actor.for_user(alice), by=alice, organisation=team_a.unit.organisation, unit=team_a.unit,
        team=team_a, name="Arjen taidot", kind="social_rehabilitation", starts_on=today,
        ends_on=today + datetime.timedelta(days=60),
    )  # fmt: skip
    group_actions.add_leader(Actor.for_user(alice), group, role="peer_instructor", name="Pirkko")
    meeting = group_actions.plan_meeting(
        Actor.for_user(alice), group, by=alice, at=timezone.now() - datetime.timedelta(minutes=5)
    )
    page.goto(group.get_absolute_url())
    page.click("[data-testid=add-member]")
    page.check(f"input[name=person][value='{person.code}']")
    page.click("[data-testid=save]")
    page.goto(meeting.get_absolute_url())
    page.check("input[name=present]")
    page.click("[data-testid=save-attendance]")
    expect(page.locator("[data-testid=present-count]")).to_contain_text("1")
    assert_no_axe_violations(page, "group meeting")
    page.goto(matter.get_absolute_url())
    page.click("#rehab ~ ul a, [aria-labelledby=rehab] ul a >> nth=0")
    page.click("[data-testid=measure-eurohis8-end]")
    answer_eurohis(page, 4)
    page.click("[data-testid=save-measurement]")
    expect(page.locator("[data-testid=change-eurohis8]")).to_contain_text("+2")

    # The ending with a continuation referral.
    page.goto(matter.get_absolute_url())
    page.click("[data-testid=end-matter]")
    page.fill("#id_q", "velka")
    page.click("[data-testid=find-service]")
    page.check("input[name=service] >> nth=1")
    page.fill("#id_summary", "Arki sujuu, jatkaa velkaneuvonnassa.")
    page.select_option("#id_continuation_kind", "other_service")
    page.check("#id_referral_consent")
    page.fill("#id_shared_information", "Nimi ja puhelinnumero")
    assert_no_axe_violations(page, "ending")
    page.click("[data-testid=end-save]")
    expect(page.locator("[data-testid=continuation-referral]")).to_be_visible()
    matter.refresh_from_db()
    assert matter.status == "closed"
    assert Referral.objects.get().client_matter == matter

    # Quality criteria: a client answers through a link; the manager sees the unit's figures.
    token = quality_actions.create_invitation(
        by=alice, organisation=matter.organisation, unit=team_a.unit
    )
    page.context.clear_cookies()
    page.goto(f"/casework/quality/q/{token}/")  # the client's own device: no login
    page.check("input[name=c1_1][value='5']")
    page.check("input[name=c8_1][value='4']")
    assert_no_axe_violations(page, "client questionnaire")
    page.click("[data-testid=send-answers]")
    expect(page.locator("[data-testid=quality-thanks]")).to_be_visible()
    browser_login(manager)
    page.goto("/casework/quality/results/")
    expect(page.locator("[data-testid=quality-table] thead")).to_contain_text(team_a.unit.name)
    expect(page.locator("[data-testid=total-1]")).to_contain_text("4.50")
    assert_no_axe_violations(page, "quality results")

    # Every view of the client was access-logged.
    logged = set(
        AccessLogEntry.objects.filter(person_code=person.code).values_list("object_type", flat=True)
    )
    assert {
        "people.person", "casework.matter", "casework.assessment", "casework.plan",
        "casework.decision", "casework.service_period", "groupwork.member",
    } <= logged  # fmt: skip
    assert Encounter.objects.get().person == person
