"""The evaluation API: same gates, same small-number rule, one error shape."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.evaluation import actions
from kohtaamo.evaluation.models import Adaptation, Experiment, ExperimentStage, LogicModelVersion

pytestmark = pytest.mark.django_db


def test_logic_models_and_one_model(as_user, alice):
    client = as_user(alice)

    listing = client.get("/api/v1/evaluation/logic-models").json()
    detail = client.get("/api/v1/evaluation/logic-models/outreach").json()

    assert {m["key"] for m in listing} >= {"low_threshold", "outreach", "paku_digital"}
    assert detail["fixed"] == ["core_elements", "mechanisms", "outcomes"]
    assert detail["content"]["core_elements"]
    missing = client.get("/api/v1/evaluation/logic-models/nope")
    assert missing.status_code == 404 and set(missing.json()) == {"error", "detail"}


def test_indicator_values_for_managers_with_suppression(
    as_user, manager, alice, sample, rebuild, sample_day, settings
):
    settings.SMALL_NUMBER_K = 5
    rebuild()
    month = f"{sample_day:%Y-%m}"
    url = f"/api/v1/evaluation/indicator-values?start={month}&end={month}&indicator=listening_support_share&indicator=initial_assessment_share&indicator=felt_heard_share"

    response = as_user(manager).get(url)

    values = {v["indicator"]: v for v in response.json()}
    assert response.status_code == 200
    assert values["listening_support_share"]["value"] == pytest.approx(0.5)
    assert values["initial_assessment_share"] == {
        **values["initial_assessment_share"],
        "status": "suppressed",
        "value": None,
    }
    assert values["felt_heard_share"]["status"] in ("not_measurable", "no_data")
    assert as_user(alice).get(url).status_code == 403


def test_indicator_values_bad_input_is_422_never_500(as_user, manager):
    client = as_user(manager)

    for query in (
        "start=2026-13",
        "start=2026-05&end=2026-01",
        "indicator=nope",
        "group_by=person",
    ):
        response = client.get(f"/api/v1/evaluation/indicator-values?{query}")
        assert response.status_code == 422, query
        assert set(response.json()) == {"error", "detail"}


def test_create_experiment_and_fill_a_stage(as_user, alice, place):
    client = as_user(alice)
    today = timezone.localdate()

    created = client.post(
        "/api/v1/evaluation/experiments",
        {
            "name": "Kauppakeskus Mylly",
            "place": str(place.code),
            "weekdays": [4],
            "time_from": "12:00",
            "time_to": "14:00",
            "starts_on": str(today),
            "ends_on": str(today + datetime.timedelta(days=60)),
            "sessions": 8,
            "workers_per_session": 2,
            "hours_per_session": "2",
        },
        content_type="application/json",
    )
    code = created.json()["code"]
    draft = client.put(
        f"/api/v1/evaluation/experiments/{code}/stages/start",
        {"answers": {"target_group": "Kauppakeskuksen kävijät"}},
        content_type="application/json",
    )
    finish = client.put(
        f"/api/v1/evaluation/experiments/{code}/stages/start",
        {"answers": {}, "finish": True},
        content_type="application/json",
    )

    assert created.status_code == 201 and created.json()["staff_hours"] == 32
    assert draft.status_code == 200 and draft.json()["done"] is False
    assert "problem" in draft.json()["missing"]
    assert finish.status_code == 422 and finish.json()["error"] == "validation_error"
    assert (
        ExperimentStage.objects.get(experiment__code=code, stage="start").target_group
        == "Kauppakeskuksen kävijät"
    )


def test_experiment_access_in_the_api(as_user, alice, bob, charlie, place, county):
    today = timezone.localdate()
    experiment = actions.create_experiment(
        Actor.system("t"), by=alice, organisation=county, name="Kirjasto", place=place,
        starts_on=today, ends_on=today + datetime.timedelta(days=10),
    )  # fmt: skip
    url = f"/api/v1/evaluation/experiments/{experiment.code}"

    assert as_user(bob).get(url).status_code == 200
    assert (
        as_user(bob)
        .put(f"{url}/stages/start", {"answers": {}}, content_type="application/json")
        .status_code
        == 403
    )
    assert as_user(charlie).get(url).status_code == 404
    assert (
        as_user(alice)
        .put(f"{url}/stages/start", {"answers": {"nope": "x"}}, content_type="application/json")
        .status_code
        == 422
    )
    assert Experiment.objects.count() == 1


def test_adaptation_of_a_fixed_part_is_422_with_the_reason(as_user, manager, county, bob):
    version = LogicModelVersion.objects.get(model__key="low_threshold", is_current=True)
    adoption = actions.adopt_model(
        Actor.system("t"),
        version,
        by=manager,
        organisation=county,
        started_on=datetime.date(2026, 1, 1),
    )
    url = f"/api/v1/evaluation/adoptions/{adoption.code}/adaptations"
    key = version.elements("core_elements")[0]["key"]

    refused = as_user(manager).post(
        url,
        {"section": "core_elements", "target": key, "description": "x", "justification": "y"},
        content_type="application/json",
    )
    allowed = as_user(manager).post(
        url,
        {
            "section": "resources",
            "target": "new",
            "description": "Auto",
            "justification": "Haja-asutusalue",
        },
        content_type="application/json",
    )

    assert refused.status_code == 422 and "fixed by the program theory" in refused.json()["detail"]
    assert allowed.status_code == 201 and allowed.json()["target_label"] == "New element"
    assert (
        as_user(bob)
        .post(
            url,
            {"section": "resources", "target": "new", "description": "x", "justification": "y"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert Adaptation.objects.count() == 1
