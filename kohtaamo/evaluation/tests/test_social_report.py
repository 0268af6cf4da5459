"""The social report: needs, unmet needs and failure-demand reasons by area and period, with
workers' commentary; pluggable sections; small numbers hidden."""

from __future__ import annotations

import datetime

import pytest

from kohtaamo.evaluation import registry
from kohtaamo.evaluation.models import SocialReportComment

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(sample, rebuild, sample_day):
    rebuild()
    return {"start": f"{sample_day:%Y-%m}", "end": f"{sample_day:%Y-%m}"}


def test_sections_show_themes_unmet_needs_and_reasons_by_area(
    as_user, manager, month, no_suppression
):
    html = as_user(manager).get("/evaluation/social-report/", month).content.decode()

    for key in ("themes_by_area", "themes_by_month", "unmet_needs", "failure_reasons"):
        assert f'data-testid="section-{key}"' in html
    unmet = html.split('data-testid="section-unmet_needs"')[1].split("</section>")[0]
    assert "Housing" in unmet and "Järvelä" in unmet  # contact 8: housing, no suitable service
    reasons = html.split('data-testid="section-failure_reasons"')[1].split("</section>")[0]
    assert "Waiting too long" in reasons


def test_small_numbers_are_hidden_in_the_report(as_user, manager, month, settings):
    settings.SMALL_NUMBER_K = 5
    html = as_user(manager).get("/evaluation/social-report/", month).content.decode()

    unmet = html.split('data-testid="section-unmet_needs"')[1].split("</section>")[0]
    assert "&lt;5" in unmet or "–" in unmet
    assert ">1<" not in unmet


def test_worker_adds_commentary_and_leaders_read_it(as_user, alice, manager, month):
    response = as_user(alice).post(
        f"/evaluation/social-report/comment/?start={month['start']}&end={month['end']}",
        {
            "section": "unmet_needs",
            "area": "Järvelä",
            "text": "Tuettua asumista ei ole tarjolla nuorille.",
        },
    )

    comment = SocialReportComment.objects.get()
    assert response.status_code == 302
    assert comment.author == alice and comment.section == "unmet_needs"
    assert comment.period_start.strftime("%Y-%m") == month["start"]
    html = as_user(manager).get("/evaluation/social-report/", month).content.decode()
    assert "Tuettua asumista ei ole tarjolla nuorille." in html


def test_identity_code_in_commentary_is_refused_and_text_kept(as_user, alice, month):
    from kohtaamo.people.hetu import make_hetu

    text = f"Asiakas {make_hetu(datetime.date(1975, 4, 3), 903)} palasi"
    response = as_user(alice).post(
        "/evaluation/social-report/comment/", {"section": "unmet_needs", "text": text}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Remove the identity code" in html
    assert not SocialReportComment.objects.exists()


def test_access(as_user, bob, charlie, partner_worker, alice, month):
    assert as_user(alice).get("/evaluation/social-report/").status_code == 200
    assert as_user(bob).get("/evaluation/social-report/").status_code == 403  # read-only role
    assert as_user(partner_worker).get("/evaluation/social-report/").status_code == 403
    assert (
        as_user(bob)
        .post("/evaluation/social-report/comment/", {"section": "unmet_needs", "text": "x"})
        .status_code
        == 403
    )
    charlie_page = as_user(charlie).get("/evaluation/social-report/", month).content.decode()
    assert "Järvelä" not in charlie_page  # another county's figures


def test_a_plugged_section_appears_protected(as_user, manager, month, settings):
    settings.SMALL_NUMBER_K = 5
    calls = []

    def build(scope):
        calls.append(scope.organisation_ids)
        return {
            "row_label": "Havainto",
            "rows": [("camp", "Leiriytyminen"), ("use", "Päihteiden käyttö")],
            "columns": [("Järvelä", "Järvelä"), ("Koivula", "Koivula")],
            "values": [[2, 40], [30, 50]],
        }

    before = dict(registry._SECTIONS)
    registry.register_section(
        "test_observations", order=99, title="Havainnot kentältä", build=build, app="outreach"
    )
    try:
        html = as_user(manager).get("/evaluation/social-report/", month).content.decode()
        export = as_user(manager).get(
            "/evaluation/export/social-report/test_observations.csv", month
        )
    finally:
        registry._SECTIONS.clear()
        registry._SECTIONS.update(before)

    section = html.split('data-testid="section-test_observations"')[1].split("</section>")[0]
    assert "Havainnot kentältä" in section and "Leiriytyminen" in section
    assert "&lt;5" in section and ">2<" not in section
    assert calls and export.status_code == 200 and "<5" in export.content.decode("utf-8-sig")


def test_a_failing_plugged_section_does_not_break_the_report(as_user, manager, month):
    def broken(scope):
        raise RuntimeError("bug elsewhere")

    before = dict(registry._SECTIONS)
    registry.register_section("broken", order=98, title="Rikki", build=broken, app="outreach")
    try:
        response = as_user(manager).get("/evaluation/social-report/", month)
    finally:
        registry._SECTIONS.clear()
        registry._SECTIONS.update(before)

    assert response.status_code == 200
    assert "could not be computed" in response.content.decode()


def test_report_is_printable(as_user, manager, month):
    html = as_user(manager).get("/evaluation/social-report/", month).content.decode()

    assert "css/evaluation.css" in html and "data-print" in html
    assert 'class="subnav no-print"' in html
