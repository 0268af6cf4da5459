"""Three-stage experiments: forms saved half-done and finished later, activity linked by code or
by place and time window, reach per staff hour, reminders, "my day", the printable report."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.evaluation import actions, myday, tasks
from kohtaamo.evaluation.experiment_activity import activity, linked_encounters
from kohtaamo.evaluation.models import Experiment, ExperimentStage
from kohtaamo.testing.helpers import assert_constant_queries

from .conftest import local

pytestmark = pytest.mark.django_db


def tuesday_before(day: datetime.date, weeks: int = 0) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - 1) % 7 + 7 * weeks)


@pytest.fixture
def experiment(alice, county, team_a, place):
    today = timezone.localdate()
    return actions.create_experiment(
        Actor.system("test"),
        by=alice,
        organisation=county,
        name="Sosiaalityöntekijä Kelassa tiistaisin 10–12",
        unit=team_a.unit,
        place=place,
        weekdays=[1],
        time_from=datetime.time(10),
        time_to=datetime.time(12),
        starts_on=tuesday_before(today, 4),
        ends_on=today + datetime.timedelta(days=60),
        sessions=3,
        workers_per_session=1,
        hours_per_session=Decimal("2"),
    )


def test_worker_creates_an_experiment_through_the_form(as_user, alice, place, team_a):
    response = as_user(alice).post(
        "/evaluation/experiments/add/",
        {
            "name": "Diakoniapäivystys maanantaisin",
            "unit": team_a.unit.pk,
            "place": place.pk,
            "weekdays": ["0"],
            "time_from": "10:00",
            "time_to": "12:00",
            "starts_on": "2026-02-02",
            "mid_review_on": "",
            "ends_on": "2026-05-25",
            "sessions": "8",
            "workers_per_session": "2",
            "hours_per_session": "2",
        },
    )

    experiment = Experiment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/evaluation/experiments/{experiment.code}/start/"
    assert experiment.owner == alice and experiment.weekdays == [0]
    assert experiment.staff_hours == Decimal("32")
    assert experiment.stages.count() == 3


def test_form_errors_keep_what_was_typed(as_user, alice):
    response = as_user(alice).post(
        "/evaluation/experiments/add/",
        {
            "name": "Kauppakeskus",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
            "time_from": "12:00",
            "time_to": "10:00",
            "sessions": "0",
            "workers_per_session": "1",
            "hours_per_session": "0",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200 and not Experiment.objects.exists()
    assert "The last day is before the first day." in html
    assert "The end time must be after the start time." in html
    assert 'value="Kauppakeskus"' in html


def test_start_form_saved_half_done_and_finished_later(as_user, alice, experiment):
    client = as_user(alice)
    url = f"/evaluation/experiments/{experiment.code}/start/"

    draft = client.post(url, {"target_group": "Kelassa asioivat", "action": "draft"})
    row = ExperimentStage.objects.get(experiment=experiment, stage="start")
    assert draft.status_code == 302
    assert row.target_group == "Kelassa asioivat" and row.completed_at is None

    incomplete = client.post(
        url,
        {
            "target_group": "Kelassa asioivat",
            "problem": "Ilmoituksia tulee vähän",
            "action": "finish",
        },
    )
    row.refresh_from_db()
    html = incomplete.content.decode()
    assert incomplete.status_code == 200
    assert "Answer this to finish the form." in html
    assert row.problem == "Ilmoituksia tulee vähän" and row.completed_at is None  # nothing lost

    done = client.post(
        url,
        {
            "target_group": "Kelassa asioivat",
            "problem": "Ilmoituksia tulee vähän",
            "description": "Sosiaalityöntekijä läsnä 2 h viikossa",
            "resources": "2 h työaikaa",
            "expectations_positive": "Löydetään tarvitsevat",
            "expectations_negative": "Hakemusten täyttöä",
            "evaluation_plan": "Haluavatko asiakkaat keskustella",
            "action": "finish",
        },
    )
    row.refresh_from_db()
    assert done.status_code == 302 and row.completed_at is not None and row.completed_by == alice


def test_mid_and_end_forms_have_the_review_questions(as_user, alice, experiment):
    client = as_user(alice)

    mid = client.get(f"/evaluation/experiments/{experiment.code}/mid/").content.decode()
    end = client.get(f"/evaluation/experiments/{experiment.code}/end/").content.decode()

    for name in (
        "target_reached",
        "reached_instead",
        "overall_assessment",
        "other_needs",
        "successes",
        "failures",
        "changes_needed",
    ):
        assert f'name="{name}"' in mid and f'name="{name}"' in end
    assert 'name="future"' not in mid and 'name="future"' in end and 'name="lessons"' in end


def test_activity_links_contacts_by_code_and_by_place_and_time_window(
    make_encounter, experiment, place, county
):
    tuesday = tuesday_before(timezone.localdate(), 1)
    inside = make_encounter(at=local(tuesday, 10, 30), place=place)
    by_code = make_encounter(
        at=local(tuesday - datetime.timedelta(days=1), 15), experiment_ref=experiment.code
    )
    make_encounter(at=local(tuesday, 13), place=place)  # after 12
    make_encounter(
        at=local(tuesday + datetime.timedelta(days=1), 10, 30), place=place
    )  # a Wednesday
    make_encounter(at=local(tuesday, 10, 30))  # another place
    make_encounter(
        at=local(experiment.starts_on - datetime.timedelta(days=7), 10, 30), place=place
    )  # before

    linked = set(linked_encounters(experiment).values_list("id", flat=True))

    assert linked == {inside.pk, by_code.pk}


def test_reach_per_staff_hour(make_encounter, experiment, place, no_suppression):
    tuesday = tuesday_before(timezone.localdate(), 1)
    for minute in (0, 20, 40):
        make_encounter(at=local(tuesday, 10, minute), place=place, themes=["income"])

    result = activity(experiment)

    assert result.contacts == 3
    assert result.staff_hours == Decimal("6")  # 3 sessions × 1 worker × 2 h
    assert result.per_staff_hour == pytest.approx(0.5)
    assert result.themes.table.rows[0].cells[0].text == "3"


def test_experiment_without_staff_hours_has_no_reach_figure(experiment):
    experiment.sessions = 0
    experiment.save()

    assert activity(experiment).per_staff_hour is None


def test_detail_and_printable_report(as_user, alice, experiment, make_encounter, place):
    make_encounter(at=local(tuesday_before(timezone.localdate(), 1), 11), place=place)
    actions.save_stage(
        Actor.system("t"), experiment, "start", by=alice, data={"target_group": "Kelan asiakkaat"}
    )
    client = as_user(alice)

    detail = client.get(experiment.get_absolute_url()).content.decode()
    report = client.get(f"/evaluation/experiments/{experiment.code}/report/").content.decode()

    assert (
        'data-testid="per-staff-hour">0,17' in detail
        or 'data-testid="per-staff-hour">0.17' in detail
    )
    assert "Kelan asiakkaat" in report and "data-print" in report
    assert 'data-testid="experiment-report"' in report


def test_access_owner_reader_outsider(as_user, alice, bob, charlie, manager, evaluator, experiment):
    url = f"/evaluation/experiments/{experiment.code}/"
    post = {"target_group": "x", "action": "draft"}

    assert as_user(bob).get(url).status_code == 200
    assert as_user(bob).get(f"{url}start/").status_code == 200
    assert as_user(bob).post(f"{url}start/", post).status_code == 403
    assert as_user(bob).get(f"{url}edit/").status_code == 403
    assert as_user(evaluator).get(url).status_code == 200
    assert as_user(evaluator).post(f"{url}start/", post).status_code == 403
    assert as_user(manager).post(f"{url}start/", post).status_code == 302
    assert as_user(charlie).get(url).status_code == 404
    assert as_user(charlie).post(f"{url}start/", post).status_code == 404
    assert as_user(alice).get(f"{url}nonsense/").status_code == 404


def test_read_only_view_shows_answers_without_a_form(as_user, bob, alice, experiment):
    actions.save_stage(
        Actor.system("t"),
        experiment,
        "start",
        by=alice,
        data={"target_group": "Diakonian asiakkaat"},
    )

    html = as_user(bob).get(f"/evaluation/experiments/{experiment.code}/start/").content.decode()

    assert "Diakonian asiakkaat" in html and 'data-testid="stage-form"' not in html


def test_reminder_is_sent_once_when_a_stage_is_due(experiment, alice):
    alice.email = "alice@example.fi"
    alice.save()
    now = timezone.now()

    with pytest.MonkeyPatch.context() as m:
        m.setattr("django.db.transaction.on_commit", lambda f, using=None, robust=False: f())
        first = tasks.remind(now)
        second = tasks.remind(now + datetime.timedelta(hours=1))

    assert first == 1 and second == 0  # the start form is due; the mid-point not yet
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (
        experiment.name in message.subject
        and f"/evaluation/experiments/{experiment.code}/start/" in message.body
    )
    assert ExperimentStage.objects.get(experiment=experiment, stage="start").reminded_at is not None


def test_reminders_stop_when_the_form_is_finished(experiment, alice):
    row = ExperimentStage.objects.get(experiment=experiment, stage="start")
    row.completed_at = timezone.now()
    row.save()

    assert tasks.stages_to_remind() == []


def test_my_day_lists_due_forms_for_the_owner_only(as_user, alice, bob, experiment):
    due = myday.due_stages(alice)

    assert [d["stage"].stage for d in due] == ["start"]
    assert myday.due_stages(bob) == []
    html = as_user(alice).get("/my-day/").content.decode()
    assert 'data-testid="my-day-experiments"' in html and experiment.name in html
    assert 'data-testid="my-day-experiments"' not in as_user(bob).get("/my-day/").content.decode()


def test_list_queries_do_not_grow(as_user, alice, county, place):
    client = as_user(alice)
    today = timezone.localdate()

    def make(n):
        for i in range(n):
            actions.create_experiment(
                Actor.system("t"), by=alice, organisation=county, name=f"Kokeilu {i}", place=place,
                starts_on=today, ends_on=today + datetime.timedelta(days=30),
            )  # fmt: skip

    assert_constant_queries(make, lambda: client.get("/evaluation/experiments/"))


def test_hetu_in_an_answer_is_refused(as_user, alice, experiment):
    from kohtaamo.people.hetu import make_hetu

    response = as_user(alice).post(
        f"/evaluation/experiments/{experiment.code}/start/",
        {"target_group": f"Asiakas {make_hetu(datetime.date(1980, 5, 5), 901)}", "action": "draft"},
    )

    assert response.status_code == 200
    assert "Remove the identity code" in response.content.decode()
    assert ExperimentStage.objects.get(experiment=experiment, stage="start").target_group == ""


def test_owner_edits_and_reopens_a_finished_form(as_user, alice, experiment):
    client = as_user(alice)
    actions.save_stage(
        Actor.system("t"), experiment, "start", by=alice, finish=True,
        data={"target_group": "a", "problem": "b", "description": "c", "evaluation_plan": "d"},
    )  # fmt: skip

    edit = client.post(
        f"/evaluation/experiments/{experiment.code}/edit/",
        {"name": "Kela tiistaisin ja torstaisin", "place": experiment.place_id, "weekdays": ["1", "3"],
         "time_from": "10:00", "time_to": "12:00", "starts_on": str(experiment.starts_on),
         "ends_on": str(experiment.ends_on), "sessions": "4", "workers_per_session": "1", "hours_per_session": "2"},
    )  # fmt: skip
    reopen = client.post(f"/evaluation/experiments/{experiment.code}/start/reopen/")

    experiment.refresh_from_db()
    assert (
        edit.status_code == 302
        and experiment.weekdays == [1, 3]
        and experiment.staff_hours == Decimal("8")
    )
    assert reopen.status_code == 302
    assert ExperimentStage.objects.get(experiment=experiment, stage="start").completed_at is None
