"""Dashboards: managers and evaluators see aggregates only (and 404 on every person page),
small numbers are hidden the same way on screen and in exports, HTMX gets the fragment."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from kohtaamo.evaluation.models import LogicModelVersion
from kohtaamo.testing.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

PAGES = [
    "/evaluation/",
    "/evaluation/activity/",
    "/evaluation/fidelity/",
    "/evaluation/social-report/",
]


@pytest.fixture
def data(sample, rebuild, sample_day):
    rebuild()
    return {"start": f"{sample_day:%Y-%m}", "end": f"{sample_day:%Y-%m}"}


@pytest.mark.parametrize("url", PAGES)
def test_managers_and_evaluators_see_dashboards(url, as_user, manager, evaluator, data):
    for user in (manager, evaluator):
        response = as_user(user).get(url, data)
        assert response.status_code == 200, (url, user)


@pytest.mark.parametrize("url", ["/evaluation/", "/evaluation/activity/", "/evaluation/fidelity/"])
def test_workers_and_others_without_aggregates_get_403(
    url, as_user, alice, bob, charlie, partner_worker, data
):
    for user in (alice, bob, charlie, partner_worker):
        assert as_user(user).get(url).status_code == 403, user


def test_anonymous_is_sent_to_login(client):
    response = client.get("/evaluation/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_manager_gets_404_on_every_person_page(as_user, manager, evaluator, person):
    for user in (manager, evaluator):
        client = as_user(user)
        for url in (
            f"/people/{person.code}/",
            f"/people/{person.code}/edit/",
            f"/people/{person.code}/access-log/",
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/people/{person.code}/identity-code/").status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_dashboards_show_no_identifiers(url, as_user, manager, data, person, sample):
    html = as_user(manager).get(url, data).content.decode()

    assert person.last_name not in html and person.first_name not in html
    assert person.hetu not in html and person.hetu[:6] not in html
    assert str(person.code) not in html
    assert all(str(e.code) not in html for e in sample)


def test_overview_shows_the_figures_table_first_then_a_chart(
    as_user, manager, data, no_suppression
):
    html = as_user(manager).get("/evaluation/", data).content.decode()

    table = html.index('data-testid="table-contacts_by_unit_month"')
    chart = html.index("<svg", table)
    assert table < chart
    assert "60 %" in html  # professional counselling share, 6 of 10
    assert "not measurable yet" in html  # client feedback is not recorded yet


def test_small_numbers_are_hidden_on_the_page(as_user, manager, data, settings):
    settings.SMALL_NUMBER_K = 5
    html = as_user(manager).get("/evaluation/activity/", data).content.decode()

    # Channels: desk 8, chat 1, video 1 → chat and video are hidden, and so is a complement.
    assert "&lt;5" in html
    assert "×" in html


def test_htmx_request_gets_only_the_dashboard_fragment(as_user, manager, data):
    client = as_user(manager)

    full = client.get("/evaluation/", data)
    fragment = client.get("/evaluation/", data, HTTP_HX_REQUEST="true")

    assert b"<html" in full.content and b'id="dashboard"' in full.content
    assert b"<html" not in fragment.content and fragment.content.lstrip().startswith(
        b'<div id="dashboard"'
    )


def test_filters_by_unit_and_channel(as_user, manager, data, sample, no_suppression):
    client = as_user(manager)

    chat = client.get("/evaluation/activity/", {**data, "channel": "chat"}).content.decode()
    other_unit = client.get("/evaluation/", {**data, "unit": 999999}).content.decode()

    assert (
        "Chat" in chat
        and "Desk / walk-in"
        not in chat.split('data-testid="table-contacts_by_channel_month"')[1].split("</table>")[0]
    )
    assert "Select a valid choice" in other_unit  # an unknown unit is a form error, not a crash


def test_bad_month_is_named_and_kept(as_user, manager, data):
    response = as_user(manager).get("/evaluation/", {"start": "2026-13", "end": "x"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Write the month as year-month" in html
    assert 'value="2026-13"' in html


def test_model_filter_limits_to_units_that_adopted_it(
    as_user, manager, data, county, team_a, no_suppression
):
    from kohtaamo.audit.actions import Actor
    from kohtaamo.evaluation import actions
    from kohtaamo.testing.factories import UnitFactory

    other = UnitFactory(organisation=county, name_fi="Muu yksikkö")
    version = LogicModelVersion.objects.get(model__key="outreach", is_current=True)
    actions.adopt_model(
        Actor.system("t"),
        version,
        by=manager,
        organisation=county,
        unit=other,
        started_on=data_start(data),
    )

    adopted = as_user(manager).get("/evaluation/", {**data, "model": "outreach"}).content.decode()
    everyone = as_user(manager).get("/evaluation/", data).content.decode()

    table = 'data-testid="table-contacts_by_unit_month"'
    assert team_a.unit.name in everyone.split(table)[1].split("</table>")[0]
    # the only unit working to the model recorded nothing
    assert "Contacts by unit and month: no data for this selection." in adopted


def data_start(data):
    import datetime

    return datetime.datetime.strptime(data["start"], "%Y-%m").date()


def test_csv_export_has_the_same_hidden_cells_as_the_page(as_user, manager, data, settings):
    settings.SMALL_NUMBER_K = 5
    client = as_user(manager)

    response = client.get("/evaluation/export/activity/contacts_by_channel_month.csv", data)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [c for row in rows[2:] for c in row[1:]]
    assert "<5" in cells and "×" in cells
    assert "1" not in cells  # the single chat contact is never shown
    assert any("fewer than 5" in row[0] for row in rows if row)


def test_xlsx_export_of_every_overview_table(as_user, manager, data, no_suppression):
    client = as_user(manager)

    for key in ("indicators_by_unit", "contacts_by_unit_month", "failure_demand_trend"):
        response = client.get(f"/evaluation/export/overview/{key}.xlsx", data)
        assert response.status_code == 200, key
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet["A1"].value
        assert sheet.max_row >= 3


def test_xlsx_counts_are_numbers_and_hidden_cells_are_marks(as_user, manager, data, settings):
    settings.SMALL_NUMBER_K = 5
    response = as_user(manager).get(
        "/evaluation/export/activity/contacts_by_channel_month.xlsx", data
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows(min_row=3) for c in row[1:]]
    assert 8 in values or "×" in values
    assert "<5" in values
    assert 1 not in values


def test_unknown_export_is_404_and_workers_cannot_export(as_user, manager, alice, data):
    assert as_user(manager).get("/evaluation/export/overview/nope.csv").status_code == 404
    assert (
        as_user(manager).get("/evaluation/export/overview/contacts_by_unit_month.pdf").status_code
        == 404
    )
    assert (
        as_user(alice).get("/evaluation/export/overview/contacts_by_unit_month.csv").status_code
        == 403
    )


@pytest.mark.parametrize("url", ["/evaluation/", "/evaluation/activity/"])
def test_dashboard_queries_do_not_grow_with_units_and_contacts(
    url, as_user, manager, county, make_encounter, rebuild
):
    from kohtaamo.testing.factories import UnitFactory

    client = as_user(manager)

    def make(n):
        for _ in range(n):
            unit = UnitFactory(organisation=county)
            for _ in range(3):
                make_encounter(unit=unit, team=None, themes=["housing"], support=["listening"])
        rebuild()

    assert_constant_queries(make, lambda: client.get(url))


def test_evaluator_with_two_counties_compares_them(
    as_user, county, other_county, data, no_suppression
):
    from kohtaamo.accounts.models import Membership, Role
    from kohtaamo.testing.factories import member

    eve = member(county, "evaluator", username="eve")
    Membership.objects.create(
        user=eve, organisation=other_county, role=Role.objects.get(key="evaluator")
    )

    html = as_user(eve).get("/evaluation/", data).content.decode()

    assert 'name="organisation"' in html and "All my counties" in html
