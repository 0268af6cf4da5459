import datetime

from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.referrals import actions, queries
from kohtaamo.referrals.tests.conftest import send


def test_figures_count_arrivals_time_and_bounces(alice, county, service, person, path):
    step = path.steps.first()
    actor = Actor.for_user(alice)
    made = [send(alice, county, service, person, path_step=step)[0] for _ in range(6)]
    for r in made[:3]:
        r.sent_at = timezone.now() - datetime.timedelta(hours=10)
        r.save()
        actions.change_status(actor, r, to="arrived", user=alice)
    actions.change_status(actor, made[3], to="declined", user=alice, reason="Täynnä")
    actions.change_status(actor, made[4], to="not_reached", user=alice)

    data = queries.figures([county.pk])

    total = data["total"]
    assert (total["sent"], total["arrived"], total["bounced"]) == (6, 3, 2)
    assert total["arrival_rate"] == 0.5 and total["bounce_rate"] == 0.333
    assert 9.9 <= total["median_hours"] <= 10.1
    assert data["paths"][0]["name"] == "Velat ja ulosotto" and not data["paths"][0]["small"]
    assert data["partners"][0]["name"] == "Testijärjestö ry"


def test_failure_demand_lists_declined_and_bounced_by_reason(alice, county, service, person):
    actor = Actor.for_user(alice)
    a, _ = send(alice, county, service, person)
    b, _ = send(alice, county, service, person)
    actions.change_status(actor, a, to="declined", user=alice, reason="Ei tilaa")
    actions.change_status(actor, b, to="not_reached", user=alice)

    rows = queries.failure_demand([county.pk])

    assert {(r["status"], r["decline_reason"], r["count"]) for r in rows} == {
        ("declined", "Ei tilaa", 1),
        ("not_reached", "", 1),
    }
    assert all("person" not in r for r in rows)


def test_paths_for_themes(county, path):
    assert actions.paths_for_themes(["debt", "food"]) == [path]
    assert actions.paths_for_themes(["food"]) == []
    assert actions.paths_for_themes([]) == []


def test_the_encounter_page_shows_agreed_paths_for_its_themes(as_user, alice, county, path):
    from kohtaamo.encounters.models import Encounter, Term

    theme, _ = Term.objects.get_or_create(
        section="themes", key="debt", defaults={"label_fi": "Velat"}
    )
    encounter = Encounter.objects.create(
        organisation=county,
        channel="desk",
        started_at=timezone.now(),
        duration_minutes=10,
        identity_level="anonymous",
        result="settled",
        created_by=alice,
    )
    encounter.themes.add(theme)
    from kohtaamo.encounters.models import EncounterWorker

    EncounterWorker.objects.create(
        encounter=encounter, user=alice, position=0, started_at=encounter.started_at
    )

    body = as_user(alice).get(encounter.get_absolute_url()).content.decode()

    assert 'data-testid="encounter-paths"' in body and "Velat ja ulosotto" in body
    assert f"encounter={encounter.code}" in body
