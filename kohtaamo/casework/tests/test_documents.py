"""Service need assessments and decisions: drafts by any worker, signing by an official only (a
counsellor gets a clear refusal), immutability once signed, corrections as new editions, reuse of
an earlier assessment with consent, and appeal instructions frozen into the decision."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.casework import actions
from kohtaamo.casework.actions import CaseworkError
from kohtaamo.casework.models import AssessmentReuse, Decision, ServiceNeedAssessment
from kohtaamo.casework.tests.conftest import act
from kohtaamo.people.consent import Consent


def _draft(matter, by, **fields):
    return actions.create_assessment(
        act(by), matter, by=by,
        **({"client_view": "Minun sanoin.", "worker_assessment": "Arvio.", "conclusion": "Päätelmä."} | fields),
    )  # fmt: skip


def test_a_counsellors_draft_has_deadlines_and_an_officials_draft_starts_the_clock(
    matter, alice, official
):
    draft = _draft(matter, alice)
    matter.refresh_from_db()
    assert draft.complete_by == actions.assessment.add_months(draft.started_on, 3)
    assert matter.assessment_started_at is None

    _draft(matter, official)
    matter.refresh_from_db()
    assert matter.assessment_started_by == official


def test_only_an_official_signs_the_assessment(matter, alice, official):
    draft = _draft(matter, alice, special_support=True, special_support_reason="Monta tarvetta.")

    with pytest.raises(PermissionDenied) as refused:
        actions.sign_assessment(act(alice), draft, by=alice)
    signed = actions.sign_assessment(act(official), draft, by=official)

    matter.refresh_from_db()
    assert "official" in str(refused.value.args[0])
    assert signed.status == "signed" and signed.signed_by == official and signed.completed_on
    assert matter.special_support is True and matter.assessment_started_at is not None


def test_signing_needs_the_clients_view_and_a_conclusion(matter, official):
    draft = _draft(matter, official, client_view="", conclusion="")

    with pytest.raises(CaseworkError) as refused:
        actions.sign_assessment(act(official), draft, by=official)

    assert refused.value.field == "client_view"


def test_counsellor_sign_view_shows_the_reason(as_user, alice, matter):
    draft = _draft(matter, alice)

    response = as_user(alice).post(f"/casework/assessments/{draft.code}/sign/")

    draft.refresh_from_db()
    assert response.status_code == 403 and draft.status == "draft"
    assert 'data-testid="refusal-reason"' in response.content.decode()
    assert "official" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("official", 302), ("bob", 403), ("charlie", 404)])
def test_assessment_sign_view_access(request, as_user, matter, alice, who, status):
    draft = _draft(matter, alice)

    response = as_user(request.getfixturevalue(who)).post(
        f"/casework/assessments/{draft.code}/sign/"
    )

    assert response.status_code == status


def test_a_signed_assessment_is_never_changed_and_a_correction_supersedes_it(
    signed_assessment, alice, official
):
    with pytest.raises(CaseworkError):
        actions.update_assessment(act(alice), signed_assessment, conclusion="Muutettu")

    correction = actions.start_correction(act(alice), signed_assessment, by=alice)
    actions.update_assessment(
        act(alice), correction, version=correction.version, conclusion="Korjattu päätelmä."
    )
    actions.sign_assessment(act(official), correction, by=official)

    signed_assessment.refresh_from_db()
    correction.refresh_from_db()
    assert correction.edition == 2 and correction.corrects == signed_assessment
    assert signed_assessment.status == "superseded"
    assert signed_assessment.conclusion == "Sosiaalinen kuntoutus."  # the old text stays


def test_assessment_draft_edit_keeps_input_on_a_stale_version(as_user, alice, matter):
    draft = _draft(matter, alice)
    actions.update_assessment(act(alice), draft, version=draft.version, reason="Toisen muutos")
    client = as_user(alice)

    response = client.post(
        f"/casework/assessments/{draft.code}/",
        {"version": 1, "started_on": draft.started_on.isoformat(), "reason": "Minun muutokseni",
         "client_view": "Minun sanoin."},
    )  # fmt: skip

    draft.refresh_from_db()
    body = response.content.decode()
    assert response.status_code == 409 and 'data-testid="conflict"' in body
    assert "Toisen muutos" in body and "Minun muutokseni" in body
    assert draft.reason == "Toisen muutos"


def test_reuse_an_earlier_assessment_with_consent(signed_assessment, matter, alice, person):
    draft = _draft(matter, alice, client_view="", reason="")

    with pytest.raises(CaseworkError):
        actions.reuse_assessment(act(alice), draft, signed_assessment, by=alice, sections=[])
    reuse = actions.reuse_assessment(
        act(alice), draft, signed_assessment, by=alice, sections=["client_view", "need_areas"]
    )

    draft.refresh_from_db()
    assert draft.client_view == "Haluan asunnon ja töitä."
    assert draft.need_areas == ["housing", "work"]
    assert reuse.consent.scope == Consent.Scope.RECORDING and reuse.consent.person == person
    assert AssessmentReuse.objects.get().sections == ["need_areas", "client_view"]


def test_reuse_view_requires_the_consent_box(as_user, alice, matter, signed_assessment):
    draft = _draft(matter, alice)
    client = as_user(alice)

    refused = client.post(
        f"/casework/assessments/{draft.code}/reuse/",
        {"source": signed_assessment.pk, "sections": ["client_view"], "consent_method": "oral"},
    )
    assert refused.status_code == 200 and not AssessmentReuse.objects.exists()
    done = client.post(
        f"/casework/assessments/{draft.code}/reuse/",
        {"source": signed_assessment.pk, "sections": ["client_view"], "consent_method": "oral",
         "consent_given": "on"},
    )  # fmt: skip

    assert done.status_code == 302 and AssessmentReuse.objects.count() == 1


def test_assessment_page_logs_the_read(as_user, bob, signed_assessment, person):
    response = as_user(bob).get(f"/casework/assessments/{signed_assessment.code}/")

    assert response.status_code == 200 and 'data-testid="client-view"' in response.content.decode()
    assert AccessLogEntry.objects.filter(
        object_type="casework.assessment", username="bob", person_code=person.code
    ).exists()


def test_new_assessment_form_names_the_bad_field(as_user, alice, matter):
    response = as_user(alice).post(
        f"/casework/matters/{matter.code}/assessments/new/",
        {"started_on": "2026-05-10", "complete_by": "2026-05-01", "client_view": "Sanoin"},
    )

    assert response.status_code == 200 and not ServiceNeedAssessment.objects.exists()
    assert 'href="#id_complete_by"' in response.content.decode()
    assert "Sanoin" in response.content.decode()


# Decisions ------------------------------------------------------------------------------------


def test_a_counsellor_cannot_sign_a_decision_and_an_official_can(decision, alice, official):
    with pytest.raises(PermissionDenied):
        actions.sign_decision(act(alice), decision, by=alice)

    signed = actions.sign_decision(act(official), decision, by=official)

    assert signed.status == "signed" and signed.signed_by == official
    assert "OIKAISUVAATIMUSOHJE" in signed.appeal_instructions and signed.appeal_language == "fi"


def test_decision_sign_view_refuses_a_counsellor_with_the_reason(
    as_user, alice, official, decision
):
    refused = as_user(alice).post(f"/casework/decisions/{decision.code}/sign/")
    decision.refresh_from_db()
    assert refused.status_code == 403 and "official" in refused.content.decode()
    assert decision.status == "draft"

    done = as_user(official).post(f"/casework/decisions/{decision.code}/sign/")
    decision.refresh_from_db()
    assert done.status_code == 302 and decision.status == "signed"


def test_a_granted_decision_needs_the_plan_and_rehabilitation_needs_dates(matter, alice, official):
    decision = actions.create_decision(
        act(alice), matter, by=alice, service=Decision.Service.SOCIAL_REHABILITATION,
        subject="Kuntoutus", outcome=Decision.Outcome.GRANTED, decision_text="Myönnetään.",
        reasoning="Perustelu.",
    )  # fmt: skip

    with pytest.raises(CaseworkError) as no_plan:
        actions.sign_decision(act(official), decision, by=official)

    assert no_plan.value.field == "plan"


def test_a_signed_decision_is_never_edited_only_corrected(decision, alice, official, as_user):
    actions.sign_decision(act(official), decision, by=official)

    with pytest.raises(CaseworkError):
        actions.update_decision(act(alice), decision, subject="Muutettu")
    edit = as_user(alice).get(f"/casework/decisions/{decision.code}/edit/")
    correction = actions.start_decision_correction(act(alice), decision, by=alice)
    actions.update_decision(act(alice), correction, reasoning="Korjattu perustelu.")
    actions.sign_decision(act(official), correction, by=official)

    decision.refresh_from_db()
    assert edit.status_code == 302
    assert correction.corrects == decision and correction.edition == 2
    assert decision.status == "superseded" and decision.reasoning == "Palvelutarpeen arvion mukaan."
    assert ChangeEntry.objects.filter(object_type="casework.decision", action="create").count() == 2


def test_decision_page_shows_appeal_instructions(as_user, bob, decision):
    body = as_user(bob).get(f"/casework/decisions/{decision.code}/").content.decode()

    assert 'data-testid="appeal"' in body and "30" in body


def test_decision_form_keeps_input_and_names_the_field(as_user, alice, matter, plan):
    today = timezone.localdate()
    response = as_user(alice).post(
        f"/casework/matters/{matter.code}/decisions/new/",
        {"plan": plan.pk, "service": "social_rehabilitation", "subject": "Kuntoutus",
         "outcome": "granted", "decision_text": "Myönnetään.", "reasoning": "",
         "valid_from": today.isoformat(),
         "valid_until": (today - datetime.timedelta(days=1)).isoformat()},
    )  # fmt: skip

    body = response.content.decode()
    assert response.status_code == 200 and not Decision.objects.exists()
    assert 'href="#id_reasoning"' in body and 'href="#id_valid_until"' in body
    assert 'value="Kuntoutus"' in body
