"""Demo data: a fictional county with units, teams, partners, one user per role and synthetic people.

All people are invented; identity codes use the temporary individual numbers 900–999, which are
never given to real people. Refuses to run with DEBUG off unless --force is given.
"""

import datetime
import random

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kohtaamo.accounts.models import Membership, Organisation, Role, Team, Unit, User
from kohtaamo.audit.actions import Actor
from kohtaamo.people.actions import create_person
from kohtaamo.people.hetu import make_hetu
from kohtaamo.people.models import Person

DEMO_PASSWORD = "Kohtaamo-demo-2026"
COUNTY_SLUG = "jarvi-suomi"

USERS = [
    # username, first, last, role, unit slug, team slug, organisation slug, title
    (
        "sosiaalityontekija",
        "Sanna",
        "Sosiaalinen",
        "social_worker",
        "matala",
        "keskusta",
        COUNTY_SLUG,
        "sosiaalityöntekijä",
    ),
    (
        "sosiaaliohjaaja",
        "Olli",
        "Ohjaaja",
        "social_counsellor",
        "matala",
        "keskusta",
        COUNTY_SLUG,
        "sosiaaliohjaaja",
    ),
    (
        "ammattilainen",
        "Anu",
        "Ammattilainen",
        "other_professional",
        "matala",
        "keskusta",
        COUNTY_SLUG,
        "sairaanhoitaja",
    ),
    ("lukija", "Leo", "Lukija", "readonly", "matala", "keskusta", COUNTY_SLUG, "opiskelija"),
    (
        "etsiva",
        "Eeva",
        "Etsivä",
        "social_counsellor",
        "etsiva",
        "kenttä",
        COUNTY_SLUG,
        "sosiaaliohjaaja",
    ),
    (
        "kumppani",
        "Kalle",
        "Kumppani",
        "partner_worker",
        None,
        None,
        "kela-jarvela",
        "etuuskäsittelijä",
    ),
    (
        "esihenkilo",
        "Essi",
        "Esihenkilö",
        "manager",
        "matala",
        None,
        COUNTY_SLUG,
        "palveluesihenkilö",
    ),
    ("arvioija", "Arvo", "Arvioija", "evaluator", None, None, COUNTY_SLUG, "kehittäjä"),
    (
        "paakayttaja",
        "Paula",
        "Pääkäyttäjä",
        "administrator",
        None,
        None,
        COUNTY_SLUG,
        "pääkäyttäjä",
    ),
]

FIRST = [
    "Aino",
    "Eero",
    "Helmi",
    "Juho",
    "Kaarina",
    "Lauri",
    "Maija",
    "Niko",
    "Oona",
    "Pekka",
    "Riikka",
    "Sami",
    "Tiina",
    "Ville",
    "Ulla",
    "Jari",
    "Mervi",
    "Teemu",
]
LAST = [
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Kinnunen",
]
MUNICIPALITIES = ["Järvelä", "Koivula", "Rantala", "Mäntylä"]


def ensure_structure():
    county, _ = Organisation.objects.get_or_create(
        slug=COUNTY_SLUG,
        defaults=dict(
            kind="county",
            name_fi="Järvi-Suomen hyvinvointialue",
            name_sv="Insjöfinlands välfärdsområde",
            name_en="Lakeland Wellbeing Services County",
            bilingual=True,
        ),
    )
    units = {}
    for slug, fi, sv, en in [
        ("matala", "Matalan kynnyksen palvelut", "Lågtröskeltjänster", "Low-threshold services"),
        ("etsiva", "Etsivä sosiaalityö", "Uppsökande socialt arbete", "Outreach social work"),
        ("aikuis", "Aikuissosiaalityö", "Socialt arbete för vuxna", "Adult social work"),
    ]:
        units[slug], _ = Unit.objects.get_or_create(
            organisation=county, slug=slug, defaults=dict(name_fi=fi, name_sv=sv, name_en=en)
        )
    teams = {}
    for unit, slug, fi, sv, en in [
        (
            "matala",
            "keskusta",
            "Keskustan sosiaalipiste",
            "Centrums socialpunkt",
            "City centre desk",
        ),
        ("matala", "koivula", "Koivulan sosiaalipiste", "Koivula socialpunkt", "Koivula desk"),
        ("etsiva", "kenttä", "Kenttätiimi", "Fältteamet", "Field team"),
        ("aikuis", "palveluohjaus", "Palveluohjaus", "Servicehandledning", "Case management"),
    ]:
        teams[slug], _ = Team.objects.get_or_create(
            unit=units[unit], slug=slug, defaults=dict(name_fi=fi, name_sv=sv, name_en=en)
        )
    partners = {}
    for slug, kind, fi, sv, en in [
        (
            "kela-jarvela",
            "kela",
            "Kela, Järvelän palvelupiste",
            "FPA, Järvelä servicepunkt",
            "Kela, Järvelä service point",
        ),
        (
            "tyollisyys",
            "employment",
            "Järvi-Suomen työllisyyspalvelut",
            "Insjöfinlands sysselsättningstjänster",
            "Lakeland employment services",
        ),
        (
            "a-kilta",
            "ngo",
            "Järvelän A-kilta ry",
            "Järvelä A-gille rf",
            "Järvelä A-Guild association",
        ),
        (
            "seurakunta",
            "parish",
            "Järvelän seurakunta, diakoniatyö",
            "Järvelä församling, diakoni",
            "Järvelä parish, diaconal work",
        ),
    ]:
        partners[slug], _ = Organisation.objects.get_or_create(
            slug=slug, defaults=dict(kind=kind, name_fi=fi, name_sv=sv, name_en=en)
        )
    return county, units, teams, partners


def ensure_users(county, units, teams, partners, password):
    orgs = {COUNTY_SLUG: county, **partners}
    users = {}
    for username, first, last, role_key, unit, team, org, title in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults=dict(first_name=first, last_name=last, email=f"{username}@example.fi"),
        )
        if created:
            user.set_password(password)
            if role_key == "administrator":
                user.is_staff = user.is_superuser = True
            user.save()
            Membership.objects.create(
                user=user,
                organisation=orgs[org],
                role=Role.objects.get(key=role_key),
                unit=units.get(unit) if unit else None,
                team=teams.get(team) if team else None,
                title=title,
            )
        users[username] = user
    return users


def ensure_people(county, count, actor):
    if Person.objects.filter(organisation=county).exists():
        return 0
    rng = random.Random(2026)
    for i in range(count):
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 52))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        create_person(
            actor,
            organisation=county,
            first_name=first,
            last_name=last,
            hetu=make_hetu(born, 900 + (i % 100)),
            phone=f"040 000 {1000 + i}",
            email="",
            address=f"Demokatu {i + 1}",
            municipality=rng.choice(MUNICIPALITIES),
            language="fi",
        )
    return count


class Command(BaseCommand):
    help = "Create the fictional demo county, one user per role and synthetic people."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off")
        parser.add_argument("--once", action="store_true", help="Do nothing if demo data exists")
        parser.add_argument("--people", type=int, default=40)

    def handle(self, *args, force=False, once=False, people=40, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off; use --force for a test server."
            )
        if once and Organisation.objects.filter(slug=COUNTY_SLUG).exists():
            self.stdout.write("demo data already loaded")
            return
        with transaction.atomic():
            county, units, teams, partners = ensure_structure()
            ensure_users(county, units, teams, partners, DEMO_PASSWORD)
            made = ensure_people(county, people, Actor.system("seed_demo"))
        self.stdout.write(
            f"county, {len(units)} units, {len(teams)} teams, {len(partners)} partners, "
            f"{len(USERS)} users, {made} people"
        )
        # Domain apps add their demo data through seed_demo_<app> commands.
        from django.core.management import get_commands

        for name in sorted(get_commands()):
            if name.startswith("seed_demo_"):
                self.stdout.write(f"running {name}")
                call_command(name, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"demo ready; every demo user's password is {DEMO_PASSWORD}")
        )
