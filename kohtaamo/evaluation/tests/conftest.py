"""Evaluation fixtures: places, encounters made straight with the ORM (the desk's own forms are
tested by the desk), and a helper that re-aggregates."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kohtaamo.encounters.models import Encounter, EncounterWorker, Place, Term
from kohtaamo.testing.factories import member


@pytest.fixture
def place(county, team_a):
    return Place.objects.create(
        organisation=county,
        unit=team_a.unit,
        team=team_a,
        name_fi="Kelan palvelupiste",
        kind=Place.Kind.KELA_OFFICE,
        municipality="Järvelä",
    )


@pytest.fixture
def nurse(county, team_a):
    return member(county, "other_professional", team=team_a, username="nina")


def local(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), timezone.get_current_timezone()
    )


@pytest.fixture
def make_encounter(county, team_a, alice):
    """`make_encounter(day=..., themes=[...], support=[...], workers=[...], **fields)`."""
    terms = {(t.section, t.key): t for t in Term.objects.all()}

    def make(
        *,
        day: datetime.date | None = None,
        at: datetime.datetime | None = None,
        themes=(),
        support=(),
        workers=None,
        **fields,
    ):
        started = at or local(day or timezone.localdate() - datetime.timedelta(days=3))
        values = {
            "organisation": county,
            "unit": team_a.unit,
            "team": team_a,
            "channel": "desk",
            "duration_minutes": 20,
            "identity_level": Encounter.IdentityLevel.ANONYMOUS,
            "result": "settled",
            "created_by": alice,
            **fields,
        }
        encounter = Encounter.objects.create(started_at=started, **values)
        for i, worker in enumerate(workers or [values["created_by"]]):
            EncounterWorker.objects.create(
                encounter=encounter, user=worker, position=i, started_at=started
            )
        encounter.themes.set([terms[("themes", k)] for k in themes])
        encounter.support.set([terms[("support", k)] for k in support])
        return encounter

    return make


@pytest.fixture
def rebuild(db):
    from kohtaamo.evaluation import aggregates

    def run():
        return aggregates.rebuild()

    return run


@pytest.fixture
def no_suppression(settings):
    """Hand-computed fixtures use a handful of contacts; k=1 hides nothing."""
    settings.SMALL_NUMBER_K = 1


@pytest.fixture
def sample_day():
    """A day in the previous month (aggregated, not today's live figures)."""
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=10)


@pytest.fixture
def sample(make_encounter, sample_day, alice, nurse, person, place):
    """Ten contacts in team A's unit, with every count worked out by hand:

    | # | worker | arrival | themes | support | result | repeat/handled | reason | identity | channel |
    | 1 | alice | self | income | initial_assessment, listening | settled | – | – | anonymous | desk |
    | 2 | alice | self | income, digital_skills | initial_assessment, listening | settled | – | – | anonymous | desk |
    | 3 | alice | self | housing, digital_skills | initial_assessment, listening | settled | – | – | anonymous | desk |
    | 4 | alice | self | debt | listening, accompanied_handoff | guided_onward | – | – | anonymous | desk |
    | 5 | alice | self | debt | listening | guided_onward | – | – | pseudonymous | desk |
    | 6 | alice | self | work | – | guided_onward | repeat | – | pseudonymous | desk |
    | 7 | nurse | self | work | – | guided_onward | repeat | – | pseudonymous | desk |
    | 8 | nurse | self | housing | – | settled | repeat, handled | no_suitable_service | identified | desk |
    | 9 | nurse | partner | housing | – | settled | repeat, handled | waiting_too_long | identified | chat |
    |10 | nurse | partner | – | – | client_matter | repeat, handled | no_suitable_service | identified | video |
    """
    rows = [
        (
            alice,
            "self",
            ["income"],
            ["initial_assessment", "listening"],
            "settled",
            False,
            None,
            "",
            "anonymous",
            "desk",
        ),
        (
            alice,
            "self",
            ["income", "digital_skills"],
            ["initial_assessment", "listening"],
            "settled",
            False,
            None,
            "",
            "anonymous",
            "desk",
        ),
        (
            alice,
            "self",
            ["housing", "digital_skills"],
            ["initial_assessment", "listening"],
            "settled",
            False,
            None,
            "",
            "anonymous",
            "desk",
        ),
        (
            alice,
            "self",
            ["debt"],
            ["listening", "accompanied_handoff"],
            "guided_onward",
            False,
            None,
            "",
            "anonymous",
            "desk",
        ),
        (
            alice,
            "self",
            ["debt"],
            ["listening"],
            "guided_onward",
            False,
            None,
            "",
            "pseudonymous",
            "desk",
        ),
        (alice, "self", ["work"], [], "guided_onward", True, False, "", "pseudonymous", "desk"),
        (nurse, "self", ["work"], [], "guided_onward", True, False, "", "pseudonymous", "desk"),
        (
            nurse,
            "self",
            ["housing"],
            [],
            "settled",
            True,
            True,
            "no_suitable_service",
            "identified",
            "desk",
        ),
        (
            nurse,
            "partner_guided",
            ["housing"],
            [],
            "settled",
            True,
            True,
            "waiting_too_long",
            "identified",
            "chat",
        ),
        (
            nurse,
            "partner_guided",
            [],
            [],
            "client_matter",
            True,
            True,
            "no_suitable_service",
            "identified",
            "video",
        ),
    ]
    made = []
    for i, (
        worker,
        arrival,
        themes,
        support,
        result,
        repeat,
        handled,
        reason,
        level,
        channel,
    ) in enumerate(rows):
        made.append(
            make_encounter(
                at=local(sample_day, 9 + i % 8),
                workers=[worker],
                created_by=worker,
                arrival=arrival,
                themes=themes,
                support=support,
                result=result,
                is_repeat=repeat,
                about_handled_matter=handled,
                failure_reason=reason,
                identity_level=level,
                person=person if level == "identified" else None,
                contact_code_hash=f"hash{i}" if level == "pseudonymous" else "",
                channel=channel,
                place=place,
            )
        )
    return made
