"""Fidelity per core element and dimension against the hand-computed sample (ten contacts)."""

from __future__ import annotations

import datetime

import pytest

from kohtaamo.audit.actions import Actor
from kohtaamo.evaluation import actions, fidelity
from kohtaamo.evaluation.filters import Filters
from kohtaamo.evaluation.indicators import NO_DATA, NOT_MEASURABLE, OK
from kohtaamo.evaluation.models import LogicModelVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(county, team_a, manager):
    version = LogicModelVersion.objects.get(model__key="low_threshold", is_current=True)
    return actions.adopt_model(
        Actor.system("t"),
        version,
        by=manager,
        organisation=county,
        unit=team_a.unit,
        started_on=datetime.date(2025, 1, 1),
    )


@pytest.fixture
def report(adopted, sample, rebuild, county, team_a, sample_day, no_suppression):
    rebuild()
    start = sample_day.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    filters = Filters((county.pk,), start, end, None, None, None, [team_a.unit])
    return fidelity.report(filters, "low_threshold")


def cell(report, element, dimension):
    el = next(e for e in report["elements"] if e["key"] == element)
    row = next(r for r in el["dimensions"].table.rows if r.key == dimension)
    return row.cells[0]


def test_adherence_is_the_mean_attainment_of_its_indicators(report):
    # professional 0.6 / target 0.9 = 0.667; without a partner's referral 0.8 / 0.7 → 1 (capped);
    # the anonymous share has no target and does not count.
    adherence = cell(report, "professional_counselling", "adherence")

    assert adherence.value == pytest.approx((0.6 / 0.9 + 1.0) / 2)
    assert adherence.text == "83 %"


def test_dimensions_without_data_sources_say_so(report):
    assert cell(report, "professional_counselling", "quality").state == NOT_MEASURABLE
    assert cell(report, "professional_counselling", "quality").text == "not measurable yet"
    assert cell(report, "professional_counselling", "dose").text == "values only"  # no target
    assert cell(report, "listening_and_support", "quality").text == "100 %"  # 0.5 of a 0.5 target
    assert cell(report, "initial_assessment_readiness", "adherence").text == "100 %"


def test_summary_is_shown_beside_the_outcomes(report):
    summary = {r.key: r.cells[0] for r in report["summary"].table.rows}
    outcomes = {r.key: r.cells[0] for r in report["outcomes"].table.rows}

    assert summary["professional_counselling"].value == pytest.approx((0.6 / 0.9 + 1.0) / 2)
    assert "failure_demand_decreases:failure_demand_share" in outcomes
    assert outcomes["failure_demand_decreases:failure_demand_share"].text == "60 %"
    assert outcomes["client_heard:felt_heard_share"].state in (NOT_MEASURABLE, NO_DATA)
    assert outcomes["failure_demand_decreases:failure_demand_share"].state == OK


def test_fidelity_page_compares_units_and_counties(
    as_user, manager, report, sample_day, team_a, county
):
    month = {"start": f"{sample_day:%Y-%m}", "end": f"{sample_day:%Y-%m}"}
    client = as_user(manager)

    by_unit = client.get(
        "/evaluation/fidelity/", {**month, "model": "low_threshold"}
    ).content.decode()
    by_county = client.get(
        "/evaluation/fidelity/", {**month, "model": "low_threshold", "compare": "county"}
    ).content.decode()

    assert "83 %" in by_unit and team_a.unit.name in by_unit
    assert "not measurable yet" in by_unit
    summary = by_county.split('data-testid="table-fidelity_summary"')[1].split("</table>")[0]
    assert county.name in summary and "83 %" in summary


def test_fidelity_page_without_adoption_explains(as_user, manager):
    html = as_user(manager).get("/evaluation/fidelity/").content.decode()

    assert 'data-testid="no-adoption"' in html


def test_fidelity_export(as_user, manager, report, sample_day):
    month = f"{sample_day:%Y-%m}"
    response = as_user(manager).get(
        "/evaluation/export/fidelity/fidelity_summary.csv",
        {"start": month, "end": month, "model": "low_threshold"},
    )

    assert response.status_code == 200 and "83 %" in response.content.decode("utf-8-sig")


def test_every_core_element_of_every_model_has_a_fidelity_definition():
    definitions = fidelity.definitions()["models"]
    for version in LogicModelVersion.objects.filter(is_current=True).select_related("model"):
        for element in version.elements("core_elements"):
            dims = definitions[version.model.key][element["key"]]
            assert set(dims) == set(fidelity.DIMENSIONS)
