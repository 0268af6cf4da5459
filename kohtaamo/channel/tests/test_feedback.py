import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kohtaamo.channel import evaluation_sources
from kohtaamo.channel.actions import feedback as actions
from kohtaamo.channel.models import FeedbackResponse

pytestmark = pytest.mark.django_db

ANSWERS = {"heard": "3", "helped": "2", "again": "3", "comment": "Kiitos kuuntelusta"}


def test_code_form_redirects_to_the_form(client, feedback_code):
    typed = f"{feedback_code[:3].lower()} {feedback_code[3:]}"

    response = client.get(reverse("channel:feedback-start"), {"code": typed})

    assert response["Location"] == reverse("channel:feedback", args=[feedback_code])


def test_code_form_names_a_malformed_code(client):
    response = client.get(reverse("channel:feedback-start"), {"code": "ABC"})

    assert response.status_code == 200
    assert b"Check the code." in response.content


def test_feedback_form_is_an_accessible_scale(client, feedback_code):
    response = client.get(reverse("channel:feedback", args=[feedback_code]))

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<fieldset") == 3 and body.count("<legend>") == 3
    assert "Did you feel heard?" in body and "Would you come again?" in body
    assert 'type="radio" name="heard" value="3"' in body


def test_answer_is_linked_to_the_encounter_not_a_person(client, feedback_code, encounter):
    response = client.post(reverse("channel:feedback", args=[feedback_code]), ANSWERS)

    assert b"We got your answer." in response.content
    answer = FeedbackResponse.objects.get()
    assert answer.encounter == encounter and answer.source == "card"
    assert (answer.heard, answer.helped, answer.again) == (3, 2, 3)
    assert feedback_code not in answer.code_hash
    assert not hasattr(answer, "person")


def test_second_answer_with_the_same_code_is_refused_politely(client, feedback_code):
    client.post(reverse("channel:feedback", args=[feedback_code]), ANSWERS)

    again = client.post(reverse("channel:feedback", args=[feedback_code]), ANSWERS)
    page = client.get(reverse("channel:feedback", args=[feedback_code]))

    assert again.status_code == 409
    assert b"You can answer only once" in again.content
    assert b"You can answer only once" in page.content
    assert FeedbackResponse.objects.count() == 1


def test_same_hash_twice_raises_already_answered(encounter):
    actions.submit_feedback(code_hash="h", encounter=encounter, source="card", heard=3)

    with pytest.raises(actions.AlreadyAnswered):
        actions.submit_feedback(code_hash="h", encounter=encounter, source="card", heard=1)


def test_unknown_code_and_guessing_is_throttled(client, feedback_code):
    for _ in range(10):
        response = client.get(reverse("channel:feedback", args=["ACDEFH"]))
        assert response.status_code == 404

    blocked = client.get(reverse("channel:feedback", args=[feedback_code]))

    assert blocked.status_code == 429


def test_empty_answer_is_refused(client, feedback_code):
    response = client.post(reverse("channel:feedback", args=[feedback_code]), {"heard": "9"})

    assert response.status_code == 400
    assert not FeedbackResponse.objects.exists()


def test_odd_codes_never_fail(client):
    for code in ["x" * 300, "%00", "ÅÄÖ123", "../../etc"]:
        assert client.get(f"/palvelut/palaute/{code}/").status_code in (404, 429)


def _scope(county):
    from kohtaamo.evaluation.registry import Scope

    today = timezone.localdate()
    return Scope(
        organisation_ids=(county.pk,),
        start=today - datetime.timedelta(days=1),
        end=today + datetime.timedelta(days=1),
    )


def test_felt_heard_source_counts_yes_answers(county, encounter):
    for i, heard in enumerate([3, 3, 1, None]):
        actions.submit_feedback(code_hash=f"h{i}", encounter=encounter, source="card", heard=heard)

    scope = _scope(county)

    assert evaluation_sources.answers(scope, "total", item="heard", agree=True) == {None: 2}
    assert evaluation_sources.answers(scope, "total", item="heard") == {None: 3}
    assert evaluation_sources.answers(scope, "channel", item="heard") == {"desk": 3}
    assert evaluation_sources.answers(scope, "total", item="safer") == {}
    assert evaluation_sources.responses(scope, "total") == {None: 4}
    month = f"{timezone.localdate():%Y-%m}"
    assert evaluation_sources.answers(scope, "organisation,month", item="heard") == {
        (county.pk, month): 3
    }


def test_offered_counts_encounters_with_a_feedback_code(county, feedback_code):
    assert evaluation_sources.offered(_scope(county), "total") == {None: 1}


def test_sources_are_registered_with_evaluation():
    from kohtaamo.evaluation.registry import autodiscover, get_source

    autodiscover()

    assert get_source("feedback.answers").function is evaluation_sources.answers
