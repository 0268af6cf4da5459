"""Browser tests: a worker creates a field experiment, contacts are recorded against it, the
mid-point and end forms are filled (the mid-point first saved as a draft) and the reach per staff
hour is shown; a manager's dashboards and the fidelity page pass axe."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kohtaamo.evaluation.models import Experiment, ExperimentStage
from kohtaamo.testing.browser import assert_no_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_experiment_in_three_stages_shows_reach_per_staff_hour(
    page, browser_login, alice, place, make_encounter
):
    today = timezone.localdate()
    browser_login(alice)

    page.goto("/evaluation/experiments/add/")
    page.fill("#id_name", "Sosiaalityöntekijä Kelassa tiistaisin 10–12")
    page.select_option("#id_place", str(place.pk))
    page.check("input[name=weekdays][value='1']")
    page.fill("#id_time_from", "10:00")
    page.fill("#id_time_to", "12:00")
    page.fill("#id_starts_on", str(today - datetime.timedelta(days=21)))
    page.fill("#id_ends_on", str(today + datetime.timedelta(days=1)))
    page.fill("#id_sessions", "2")
    page.fill("#id_workers_per_session", "1")
    page.fill("#id_hours_per_session", "2")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/start/")
    experiment = Experiment.objects.get()
    assert_no_axe_violations(page, "start form")
    page.fill("#id_target_group", "Kelassa asioivat, joilla voi olla sosiaalityön tarve")
    page.fill("#id_problem", "Kelasta tulee vähän yhteydenottoja")
    page.fill("#id_description", "Sosiaalityöntekijä läsnä kaksi tuntia viikossa")
    page.fill("#id_evaluation_plan", "Haluavatko asiakkaat keskustella")
    page.click("[data-testid=finish]")
    page.wait_for_url(f"**/experiments/{experiment.code}/")

    for days in (7, 14):  # two contacts recorded against the experiment
        make_encounter(
            at=timezone.now() - datetime.timedelta(days=days),
            experiment_ref=experiment.code,
            themes=["income"],
        )

    page.goto(f"/evaluation/experiments/{experiment.code}/mid/")
    page.check("input[name=target_reached][value=partly]")
    page.fill("#id_reached_instead", "Keskusteluyhteys Kelan työntekijöihin")
    page.click("[data-testid=save-draft]")
    page.wait_for_url(f"**/experiments/{experiment.code}/")
    page.goto(f"/evaluation/experiments/{experiment.code}/mid/")
    assert page.input_value("#id_reached_instead") == "Keskusteluyhteys Kelan työntekijöihin"
    page.fill("#id_overall_assessment", "Ajallinen resursointi ja hyöty eivät kohdanneet")
    page.fill("#id_changes_needed", "Yhteinen tapaaminen Kelan työntekijöiden kanssa")
    page.click("[data-testid=finish]")
    page.wait_for_url(f"**/experiments/{experiment.code}/")

    page.goto(f"/evaluation/experiments/{experiment.code}/end/")
    page.check("input[name=target_reached][value=no]")
    page.fill("#id_overall_assessment", "Toiminnalla ei tavoitettu asiakkaita")
    page.fill("#id_future", "Jalkaudutaan seurakunnan päivystyksiin yhdessä Kelan kanssa")
    page.fill("#id_lessons", "Sama aika ja paikka joka viikko, jatkuva tiedottaminen")
    page.click("[data-testid=finish]")
    page.wait_for_url(f"**/experiments/{experiment.code}/")

    assert page.text_content("[data-testid=contacts]").strip() == "2"
    assert page.text_content("[data-testid=per-staff-hour]").strip() in (
        "0,50",
        "0.50",
    )  # 2 / (2 × 1 × 2 h)
    assert_no_axe_violations(page, "experiment page")
    assert set(
        ExperimentStage.objects.filter(completed_at__isnull=False).values_list("stage", flat=True)
    ) == {"start", "mid", "end"}
    page.goto(f"/evaluation/experiments/{experiment.code}/report/")
    assert "Sama aika ja paikka" in page.text_content("[data-testid=experiment-report]")


def test_dashboards_pass_axe(page, browser_login, manager, sample, rebuild, county, team_a):
    from kohtaamo.audit.actions import Actor
    from kohtaamo.evaluation import actions
    from kohtaamo.evaluation.models import LogicModelVersion

    version = LogicModelVersion.objects.get(model__key="low_threshold", is_current=True)
    actions.adopt_model(
        Actor.system("t"),
        version,
        by=manager,
        organisation=county,
        unit=team_a.unit,
        started_on=datetime.date(2025, 1, 1),
    )
    rebuild()
    browser_login(manager)

    for url in (
        "/evaluation/",
        "/evaluation/activity/",
        "/evaluation/fidelity/",
        "/evaluation/social-report/",
    ):
        page.goto(url)
        assert page.locator("table").count() >= 1, url
        assert_no_axe_violations(page, url)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/evaluation/")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )
