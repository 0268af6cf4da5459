"""Demo data for the desk: places, ~400 synthetic contacts over 90 days (anonymous, with contact
codes that come back, identified), failure demand, a few clients with consents, client matters
and notifications waiting. Idempotent: contacts are made only if the county has none yet."""

from __future__ import annotations

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from kohtaamo.accounts.models import Organisation, Team, User
from kohtaamo.audit.actions import Actor
from kohtaamo.casework.models import ContactNotification
from kohtaamo.encounters.actions import (
    EncounterInput,
    record_encounter,
    set_current_place,
)
from kohtaamo.encounters.identify import ConsentInput, MatterInput, identify_encounter
from kohtaamo.encounters.models import Encounter, Place, Term
from kohtaamo.people import contact_code
from kohtaamo.people.models import Person

COUNTY = "jarvi-suomi"
PLACES = [
    # slug-ish key, fi, sv, en, kind, team, default channel, municipality
    ("keskusta", "Keskustan sosiaalipiste", "Centrums socialpunkt", "City centre desk", "desk", "keskusta", "desk", "Järvelä"),
    ("koivula", "Koivulan sosiaalipiste", "Koivula socialpunkt", "Koivula desk", "desk", "koivula", "desk", "Koivula"),
    ("olohuone", "Kohtaamispaikka Olohuone", "Mötesplatsen Vardagsrummet", "Open meeting place Living Room", "meeting_place", "keskusta", "desk", "Järvelä"),
    ("kela", "Kelan palvelupiste, Järvelä", "FPA:s servicepunkt, Järvelä", "Kela service point, Järvelä", "kela_office", "keskusta", "desk", "Järvelä"),
    ("terveysasema", "Rantalan terveysasema", "Rantala hälsostation", "Rantala health station", "health_station", "koivula", "desk", "Rantala"),
    ("puhelin", "Puhelinneuvonta", "Telefonrådgivning", "Phone counselling", "online", "keskusta", "phone", ""),
    ("chat", "Chat", "Chatt", "Chat", "online", "keskusta", "chat", ""),
]  # fmt: skip
CURRENT = {
    "sosiaalityontekija": "keskusta",
    "sosiaaliohjaaja": "keskusta",
    "ammattilainen": "olohuone",
    "etsiva": "olohuone",
}


class Command(BaseCommand):
    help = "Demo data for the low-threshold desk (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=int, default=400)

    def handle(self, *args, contacts=400, **options):
        county = Organisation.objects.filter(slug=COUNTY).first()
        if county is None:
            self.stdout.write("seed_demo_encounters: no demo county, run seed_demo first")
            return
        places = self.ensure_places(county)
        for username, key in CURRENT.items():
            user = User.objects.filter(username=username).first()
            if user:
                set_current_place(user, places[key])
        if Encounter.objects.filter(organisation=county).exists():
            self.stdout.write("seed_demo_encounters: contacts already exist")
            return
        self.make_contacts(county, places, contacts)

    def ensure_places(self, county):
        places = {}
        for key, fi, sv, en, kind, team_slug, channel, municipality in PLACES:
            team = Team.objects.filter(unit__organisation=county, slug=team_slug).first()
            place, _ = Place.objects.get_or_create(
                organisation=county,
                name_fi=fi,
                defaults=dict(
                    name_sv=sv,
                    name_en=en,
                    kind=kind,
                    team=team,
                    unit=team.unit if team else None,
                    default_channel=channel,
                    municipality=municipality,
                ),
            )
            places[key] = place
        return places

    @transaction.atomic
    def make_contacts(self, county, places, count):
        rng = random.Random(4)
        workers = list(
            User.objects.filter(
                username__in=["sosiaalityontekija", "sosiaaliohjaaja", "ammattilainen", "etsiva"]
            )
        )
        official = User.objects.get(username="sosiaalityontekija")
        terms = {
            s: list(Term.objects.filter(section=s, active=True)) for s in ("themes", "support")
        }
        by_key = {(t.section, t.key): t for t in Term.objects.all()}
        age_bands = [k for (s, k) in by_key if s == "age_bands"]
        genders = [k for (s, k) in by_key if s == "genders"]
        reasons = [k for (s, k) in by_key if s == "failure_reasons"]
        people = list(Person.objects.filter(organisation=county).order_by("id")[:12])
        codes = [f"{rng.choice(contact_code.WORDS)}-{rng.randrange(10000):04d}" for _ in range(30)]
        seen_codes, now = set(), timezone.now()
        partners = list(Organisation.objects.exclude(kind="county"))
        place_list = [
            places[k]
            for k in (
                "keskusta",
                "keskusta",
                "koivula",
                "olohuone",
                "kela",
                "terveysasema",
                "puhelin",
                "chat",
            )
        ]
        made = []
        for i in range(count):
            place = rng.choice(place_list)
            by = rng.choice(workers)
            started = now - datetime.timedelta(
                days=rng.randrange(0, 90), hours=rng.randrange(0, 7), minutes=rng.randrange(0, 60)
            )
            started = started.replace(hour=max(8, min(started.hour, 15)))
            if started > now:
                started = now - datetime.timedelta(minutes=rng.randrange(5, 300))
            roll = rng.random()
            level, code, person = "anonymous", "", None
            if roll < 0.2:
                level, code = "pseudonymous", rng.choice(codes)
            elif roll < 0.28 and people:
                level, person = "identified", rng.choice(people)
            repeat = (
                (level == "pseudonymous" and code in seen_codes)
                or (level == "identified" and rng.random() < 0.6)
                or (level == "anonymous" and rng.random() < 0.1)
            )
            about = (rng.random() < 0.45) if repeat else None
            arrival = rng.choice(["self"] * 6 + ["partner_guided", "outreach", "relative"])
            data = EncounterInput(
                organisation_id=county.pk,
                unit_id=place.unit_id,
                team_id=place.team_id,
                place=place,
                channel=place.default_channel or "desk",
                started_at=started,
                duration_minutes=rng.choice([5, 10, 10, 15, 20, 30, 45]),
                result=rng.choice(["settled"] * 5 + ["guided_onward"] * 3 + ["client_matter"]),
                identity_level=level,
                themes=rng.sample(terms["themes"], rng.choice([1, 2, 2, 3])),
                support=rng.sample(terms["support"], rng.choice([1, 1, 2])),
                pair_worker=rng.choice(workers) if rng.random() < 0.2 else None,
                arrival=arrival,
                partner_id=rng.choice(partners).pk
                if arrival == "partner_guided" and partners
                else None,
                age_band=rng.choice(age_bands + [""]) if level != "identified" else "",
                gender=rng.choice(genders + [""]) if level != "identified" else "",
                municipality=rng.choice(["Järvelä", "Koivula", "Rantala", ""])
                if level == "anonymous"
                else "",
                contact_code=code,
                person=person,
                is_repeat=repeat,
                about_handled_matter=about,
                failure_reason=rng.choice(reasons) if about else "",
            )
            made.append(record_encounter(Actor.system("seed_demo"), data, by=by).encounter)
            if code:
                seen_codes.add(code)
            if (i + 1) % 100 == 0:
                self.stdout.write(f"  {i + 1}/{count} contacts")
        # Two pseudonymous visitors become clients (existing demo people, so the registry keeps
        # its synthetic identity codes); one is in a § 36 special group.
        actor = Actor.system("seed_demo")
        clients = list(Person.objects.filter(organisation=county).order_by("-id")[:2])
        for n, (special, person) in enumerate(zip([True, False], clients, strict=False)):
            encounter = Encounter.objects.filter(
                organisation=county, identity_level="pseudonymous"
            ).order_by("-started_at")[n * 5]
            team = encounter.team or Team.objects.filter(unit__organisation=county).first()
            identify_encounter(
                actor,
                encounter,
                by=official if special else workers[1],
                person=person,
                consent=ConsentInput(purpose="Neuvonta, ohjaus ja palvelutarpeen arviointi"),
                matter=MatterInput(
                    special_group=special,
                    team=team,
                    reason="Toimeentulo ja asuminen: tarvitsee palvelutarpeen arvioinnin.",
                    sender_role=ContactNotification.SenderRole.SOCIAL_WELFARE,
                ),
            )
        self.stdout.write(
            f"seed_demo_encounters: {len(places)} places, {len(made)} contacts; "
            f"demo contact codes (they come back): {', '.join(codes[:3])}"
        )
