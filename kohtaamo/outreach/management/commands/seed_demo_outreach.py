"""Demo data for outreach: regular places of the field team, four weeks of past pair shifts with
check-ins, field contacts and observations, today's shift on the move and tomorrow's plan.

Run by `seed_demo` after the base demo data. Idempotent: places are matched by name, and past
shifts are made only once. Everything is synthetic: contacts are anonymous or carry invented
contact codes; no person is named.
"""

from __future__ import annotations

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from kohtaamo.accounts.models import Organisation, Team, User
from kohtaamo.audit.actions import Actor
from kohtaamo.encounters.models import Place, Term
from kohtaamo.outreach import actions
from kohtaamo.outreach.models import CheckIn, Observation, OutreachPlace, Shift, ShiftWorker

COUNTY = "jarvi-suomi"
DEMO_TITLE = "Demo: "
PLACES = [
    # name fi, sv, en, kind, weekday, from, until, publicity
    (
        "Kauppakeskus Järvi",
        "Köpcentret Järvi",
        "Järvi shopping centre",
        "shopping_centre",
        1,
        10,
        12,
        "Juliste ala-aulan ilmoitustaululla ja kauppakeskuksen verkkosivuilla.",
    ),
    (
        "Kelan palvelupiste, Järvelä",
        "FPA:s servicepunkt, Järvelä",
        "Kela service point, Järvelä",
        "kela_office",
        3,
        9,
        11,
        "Kelan asiakaspalvelu kertoo vuorosta jonottajille.",
    ),
    (
        "Järvelän seurakunnan diakoniavastaanotto",
        "Järvelä församlings diakonimottagning",
        "Järvelä parish diaconal hours",
        "parish",
        2,
        13,
        15,
        "Diakoniatyöntekijä ohjaa vastaanotolle.",
    ),
    (
        "Järvelän asema",
        "Järvelä station",
        "Järvelä station",
        "station",
        4,
        14,
        16,
        "Ei julkista ilmoitusta; säännöllinen läsnäolo.",
    ),
    (
        "Rantapuiston leiri",
        "Strandparkens läger",
        "Beach park encampment",
        "encampment",
        4,
        16,
        17,
        "Vain parityönä. Ei ilmoitusta.",
    ),
    (
        "Järvelän keskustelupalsta",
        "Järvelä diskussionsforum",
        "Järvelä discussion forum",
        "online_forum",
        0,
        18,
        20,
        "Moderaattori tietää etsivän työn vuorosta.",
    ),
]
CODES = ["KALA-4821", "LEPPA-1093", "SAMMAL-5530", "KIVI-7718", "PURO-2264"]


class Command(BaseCommand):
    help = "Outreach demo data: places, past and current pair shifts, field contacts, observations."

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=4)

    def handle(self, *args, weeks=4, **options):
        county = Organisation.objects.filter(slug=COUNTY).first()
        if county is None:
            raise CommandError("Run seed_demo first: the demo county is missing.")
        team = Team.objects.filter(unit__organisation=county, slug="kenttä").first()
        users = {
            u.username: u
            for u in User.objects.filter(username__in=["etsiva", "sosiaaliohjaaja", "esihenkilo"])
        }
        if team is None or len(users) < 3:
            raise CommandError("The demo field team or its users are missing; run seed_demo first.")
        actor = Actor.system("seed_demo_outreach")
        places = self.ensure_places(actor, county, team)
        made = 0
        if not Shift.objects.filter(organisation=county, title__startswith=DEMO_TITLE).exists():
            rng = random.Random(8)
            terms = {
                s: list(Term.objects.filter(section=s, active=True)) for s in ("themes", "support")
            }
            for week in range(weeks, 0, -1):
                self.stdout.write(f"  outreach: week -{week}")
                with transaction.atomic():
                    self.past_shift(actor, team, users, places, week, rng, terms)
                made += 1
            with transaction.atomic():
                self.current_shifts(actor, team, users, places)
        self.stdout.write(f"outreach: {len(places)} places, {made} past shifts")

    def ensure_places(self, actor, county, team) -> list[Place]:
        result = []
        for fi, sv, en, kind, weekday, start, end, publicity in PLACES:
            existing = OutreachPlace.objects.filter(
                place__organisation=county, place__name_fi=fi
            ).first()
            if existing is None:
                existing = actions.save_outreach_place(
                    actor,
                    actions.PlaceInput(
                        organisation_id=county.pk,
                        name_fi=fi,
                        name_sv=sv,
                        name_en=en,
                        kind=kind,
                        team_id=team.pk,
                        unit_id=team.unit_id,
                        municipality="Järvelä",
                        contact_people="Paikan yhteyshenkilö (demo), 040 000 0100",
                        publicity_notes=publicity,
                        safety_notes="Parityönä. Kerro aina missä olet."
                        if kind in ("encampment", "station")
                        else "",
                        slots=[(weekday, datetime.time(start), datetime.time(end))],
                    ),
                )
            result.append(existing.place)
        return result

    def _plan(self, actor, team, users, places, start, title):
        return actions.plan_shift(
            actor,
            by=users["etsiva"],
            team=team,
            title=DEMO_TITLE + title,
            planned_start=start,
            planned_end=start + datetime.timedelta(hours=4),
            workers=[users["etsiva"], users["sosiaaliohjaaja"]],
            on_call=users["esihenkilo"],
            on_call_phone="040 000 0200",
            visits=[
                actions.VisitInput(
                    p,
                    start + datetime.timedelta(hours=i * 1.5),
                    start + datetime.timedelta(hours=i * 1.5 + 1.25),
                )
                for i, p in enumerate(places)
            ],
        )

    def past_shift(self, actor, team, users, places, week, rng, terms):
        day = timezone.localdate() - datetime.timedelta(days=7 * week)
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(13)))
        chosen = [places[0], places[3], places[4]] if week % 2 else [places[1], places[2]]
        shift = self._plan(actor, team, users, chosen, start, "iltapäiväkierros")
        actions.start_shift(shift, by=users["etsiva"], at=start)
        for visit in shift.visits.all():
            for worker in (users["etsiva"], users["sosiaaliohjaaja"]):
                at = visit.planned_from + datetime.timedelta(minutes=rng.randint(0, 5))
                actions.check_in(
                    shift,
                    by=worker,
                    place=visit.place,
                    visit=visit,
                    next_minutes=90,
                    timing=actions.Timing(received_at=at, seen_at=at),
                )
            for _ in range(rng.randint(2, 6)):
                at = visit.planned_from + datetime.timedelta(minutes=rng.randint(5, 70))
                pseudo = rng.random() < 0.4
                actions.record_field_contact(
                    actor,
                    shift,
                    actions.ContactInput(
                        themes=rng.sample(terms["themes"], k=rng.randint(1, 2)),
                        support=rng.sample(terms["support"], k=1),
                        result=rng.choice(["settled", "settled", "guided_onward"]),
                        identity_level="pseudonymous" if pseudo else "anonymous",
                        contact_code=rng.choice(CODES) if pseudo else "",
                        duration_minutes=rng.choice([5, 10, 15, 20]),
                        visit=visit,
                    ),
                    by=rng.choice([users["etsiva"], users["sosiaaliohjaaja"]]),
                    timing=actions.Timing(received_at=at, seen_at=at),
                )
        actions.record_observation(
            actor,
            by=users["etsiva"],
            organisation_id=shift.organisation_id,
            kind=rng.choice([k for k, _ in Observation.Kind.choices]),
            observed_at=start + datetime.timedelta(hours=2),
            count_estimate=rng.randint(1, 12),
            description="Demohavainto: tilanne paikalla muuttunut edellisestä viikosta.",
            place=chosen[0],
            shift=shift,
        )
        end = start + datetime.timedelta(hours=4)
        ShiftWorker.objects.filter(shift=shift).update(safe_at=end)
        Shift.objects.filter(pk=shift.pk).update(status=Shift.Status.ENDED, ended_at=end)

    def current_shifts(self, actor, team, users, places):
        now = timezone.now()
        today = self._plan(
            actor,
            team,
            users,
            [places[3], places[0]],
            now - datetime.timedelta(hours=1),
            "tämän päivän kierros",
        )
        actions.start_shift(today, by=users["etsiva"], at=now - datetime.timedelta(hours=1))
        visit = today.visits.first()
        for worker, minutes in ((users["etsiva"], 50), (users["sosiaaliohjaaja"], 20)):
            at = now - datetime.timedelta(minutes=minutes)
            actions.check_in(
                today,
                by=worker,
                place=visit.place,
                visit=visit,
                next_minutes=60,
                timing=actions.Timing(received_at=at, seen_at=at),
            )
        CheckIn.objects.filter(shift=today, worker=users["sosiaaliohjaaja"]).update(
            received_at=now - datetime.timedelta(minutes=5), via=CheckIn.Via.SYNC
        )  # this one waited on the phone without a connection
        tomorrow = timezone.make_aware(
            datetime.datetime.combine(
                timezone.localdate() + datetime.timedelta(days=1), datetime.time(10)
            )
        )
        self._plan(actor, team, users, [places[1], places[2]], tomorrow, "huomisen kierros")
