"""The PAKU client-centred quality criteria: the data (4 themes, 13 criteria, the book's statements),
the client's anonymous one-time questionnaire, professionals' and management's answers, and the
results per unit with small-number protection."""

import pytest

from kohtaamo.casework import content
from kohtaamo.casework.actions import CaseworkError
from kohtaamo.casework.actions import quality as quality_actions
from kohtaamo.casework.models import QualityInvitation, QualityRating, QualityResponse


def test_the_criteria_follow_the_book():
    themes = content.themes()

    assert [t["key"] for t in themes] == ["trust", "collaboration", "competence", "monitoring"]
    assert [c["number"] for t in themes for c in t["criteria"]] == list(range(1, 14))
    assert themes[0]["criteria"][0]["text"]["fi"] == (
        "Yhteisymmärrykseen tarvitaan keskustelua ja yhteistä kieltä"
    )
    # paku.md: 37 professional and 35 management statements; the plain-language client form has 28
    assert len(content.quality_statements("professional")) == 37
    assert len(content.quality_statements("management")) == 35
    assert len(content.quality_statements("client")) == 28
    for rater in ("client", "professional", "management"):
        for s in content.quality_statements(rater):
            assert all(s["text"][lang] for lang in ("fi", "sv", "en")), s["key"]
    assert [s["value"] for s in content.quality()["scale"]] == [1, 2, 3, 4, 5]


def test_a_client_answers_anonymously_once_through_a_link(client, as_user, alice, team_a):
    staff = as_user(alice)
    staff.post("/casework/quality/link/")
    page = staff.get("/casework/quality/")
    link = page.context["link"]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    staff.logout()

    form = client.get(f"/casework/quality/q/{token}/")
    answered = client.post(f"/casework/quality/q/{token}/", {"c1_1": "5", "c1_2": "4", "c8_1": "3"})
    again = client.get(f"/casework/quality/q/{token}/")

    assert (
        form.status_code == 200 and "I understand what the meeting is for." in form.content.decode()
    )
    assert (
        answered.status_code == 200 and 'data-testid="quality-thanks"' in answered.content.decode()
    )
    assert again.status_code == 410
    response = QualityResponse.objects.get()
    assert response.rater == "client" and response.answered_by is None
    assert response.unit == team_a.unit
    assert sorted(QualityRating.objects.values_list("rating", flat=True)) == [3, 4, 5]
    assert QualityInvitation.objects.get().used_at is not None


def test_an_empty_or_bad_answer_is_refused_naming_the_statements(county):
    with pytest.raises(CaseworkError) as bad:
        quality_actions.submit_answers(
            rater="client", organisation=county, ratings={"c1_1": 6, "x9": 3}
        )
    with pytest.raises(CaseworkError):
        quality_actions.submit_answers(rater="client", organisation=county, ratings={})

    assert "c1_1" in bad.value.message and "x9" in bad.value.message
    assert not QualityResponse.objects.exists()


def test_the_client_form_keeps_answers_when_nothing_is_rated(client, alice, county):
    token = quality_actions.create_invitation(by=alice, organisation=county)

    response = client.post(f"/casework/quality/q/{token}/", {})

    assert (
        response.status_code == 200 and "Rate at least one statement" in response.content.decode()
    )


def test_professional_and_management_answer(as_user, alice, manager):
    prof = as_user(alice).post(
        "/casework/quality/answer/professional/", {"p1_1": "4", "p12_3": "2"}
    )
    forbidden = as_user(alice).get("/casework/quality/answer/management/")
    mgmt = as_user(manager).post("/casework/quality/answer/management/", {"m1_1": "3"})

    assert prof.status_code == 302 and forbidden.status_code == 403 and mgmt.status_code == 302
    assert set(QualityResponse.objects.values_list("rater", flat=True)) == {
        "professional",
        "management",
    }
    assert QualityResponse.objects.get(rater="professional").answered_by == alice


def _answers(county, unit, n, rating=4, rater="client"):
    for _ in range(n):
        quality_actions.submit_answers(
            rater=rater, organisation=county, unit=unit, ratings={"c1_1": rating}
        )


def test_results_per_unit_hide_small_numbers(as_user, manager, county, team_a, settings):
    settings.SMALL_NUMBER_K = 5
    other = type(team_a.unit).objects.create(organisation=county, slug="toinen", name_fi="Toinen")
    _answers(county, team_a.unit, 5, rating=4)
    _answers(county, other, 2, rating=1)

    response = as_user(manager).get("/casework/quality/results/")

    rows = {r["number"]: r for r in response.context["rows"] if r.get("number")}
    columns = [label for _u, label in response.context["columns"]]
    first = rows[1]["cells"]
    assert columns == ["Tiimi A", "Toinen", "All"] or columns[-1] == "All"
    by_label = dict(zip(columns, first, strict=True))
    assert by_label[team_a.unit.name]["mean"] == 4.0
    assert by_label["Toinen"]["mean"] is None and by_label["Toinen"]["hidden"]
    assert by_label["All"]["mean"] == pytest.approx((5 * 4 + 2 * 1) / 7)
    assert "&lt;5" in response.content.decode()


def test_the_hiding_rule_agrees_with_the_evaluation_suppression(settings):
    from kohtaamo.evaluation.suppression import share_is_suppressed

    settings.SMALL_NUMBER_K = 5
    for n in range(1, 9):
        assert (quality_actions.shown_mean(3 * n, n) is None) == share_is_suppressed(3 * n, n, 5)


@pytest.mark.parametrize(("who", "status"), [("manager", 200), ("evaluator", 200), ("official", 200),
                                             ("alice", 403), ("partner_worker", 403)])  # fmt: skip
def test_results_access(request, as_user, who, status):
    assert (
        as_user(request.getfixturevalue(who)).get("/casework/quality/results/").status_code
        == status
    )


def test_quality_sources_per_unit(county, team_a):
    import datetime

    from django.utils import timezone

    from kohtaamo.casework import evaluation_sources as sources
    from kohtaamo.evaluation.registry import Scope

    _answers(county, team_a.unit, 3, rating=5)
    today = timezone.localdate()
    scope = Scope(
        (county.pk,), today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    )

    assert sources.ratings_sum(scope, "unit") == {team_a.unit_id: 15}
    assert sources.ratings_n(scope, "unit", rater="client", theme="trust") == {team_a.unit_id: 3}
    assert sources.ratings_n(scope, "total", criterion=2) == {}
    assert sources.ratings_n(scope.narrowed(channel="chat"), "total") == {}
