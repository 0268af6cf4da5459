"""The figures page: contacts per place, per shift and per staff hour, repeats, hand-offs."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.encounters.models import Term
from kohtaamo.outreach import actions, queries
from kohtaamo.outreach.tests.conftest import make_place


@pytest.fixture(autouse=True)
def _at_midday():
    """Today's figures, counted at local noon: shifts started hours ago fall on the same day
    whatever hour the suite runs (autouse, so it comes before the shift fixtures)."""
    noon = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(12)))
    with time_machine.travel(noon, tick=True):
        yield


def _contact(shift, by, visit=None, place=None, **extra):
    return actions.record_field_contact(
        Actor.for_user(by), shift, actions.ContactInput(visit=visit, place=place, **extra), by=by
    )


def test_figures_count_contacts_repeats_and_handoffs(alice, anna, county, active_shift, place):
    other = make_place(county, name="Kauppakeskus Järvi", kind="shopping_centre").place
    visit = active_shift.visits.get()
    handoff = Term.objects.get(section="support", key="accompanied_handoff")
    _contact(
        active_shift, alice, visit=visit, identity_level="pseudonymous", contact_code="KALA-4821"
    )
    _contact(
        active_shift, anna, visit=visit, identity_level="pseudonymous", contact_code="KALA-4821"
    )
    _contact(active_shift, alice, visit=visit, support=[handoff])
    _contact(
        active_shift, alice, place=other, identity_level="pseudonymous", contact_code="KALA-4821"
    )
    active_shift.started_at = timezone.now() - datetime.timedelta(hours=2)
    active_shift.save()
    today = timezone.localdate()

    result = queries.figures({county.pk}, today, today)

    rows = {r["place"].name: r for r in result.by_place}
    assert result.total_contacts == 4
    assert (rows["Järvelän asema"]["contacts"], rows["Järvelän asema"]["repeats"]) == (3, 1)
    assert rows["Kauppakeskus Järvi"]["repeats"] == 0  # the same code, but another place
    assert (result.handoffs_made, result.handoffs_confirmed) == (1, 1)
    assert result.by_shift[0]["contacts"] == 4
    assert 3.9 < result.total_hours < 4.1  # two workers, two hours so far
    assert result.per_hour == 4 / result.total_hours


def test_the_figures_page_has_a_table_and_a_chart(as_user, manager, alice, active_shift):
    _contact(active_shift, alice, visit=active_shift.visits.get())

    body = as_user(manager).get("/outreach/figures/").content.decode()

    assert 'data-testid="total-contacts">1<' in body
    assert "<svg" in body and "Järvelän asema" in body


def test_a_bad_date_range_is_explained(as_user, alice):
    response = as_user(alice).get(
        "/outreach/figures/", {"start": "2026-05-10", "end": "2026-05-01"}
    )

    assert "The end must not be before the start." in response.content.decode()


def test_figures_access(as_user, evaluator, partner_worker, charlie, alice, active_shift):
    _contact(active_shift, alice, visit=active_shift.visits.get())

    assert as_user(evaluator).get("/outreach/figures/").status_code == 200
    assert (
        'data-testid="total-contacts">0<'
        in as_user(charlie).get("/outreach/figures/").content.decode()
    )
    assert as_user(partner_worker).get("/outreach/figures/").status_code == 403


def test_the_figures_page_makes_no_n_plus_one(as_user, manager, alice, anna, team_a, place):
    from kohtaamo.outreach.tests.conftest import make_shift
    from kohtaamo.testing.helpers import assert_constant_queries

    client = as_user(manager)

    def make(n):
        for _ in range(n):
            shift = actions.start_shift(
                make_shift(team_a, [alice, anna], manager, place=place), by=alice
            )
            _contact(shift, alice, visit=shift.visits.get())

    assert_constant_queries(make, lambda: client.get("/outreach/figures/"))
