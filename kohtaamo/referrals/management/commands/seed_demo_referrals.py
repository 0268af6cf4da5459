"""Demo service paths (cooperation agreements) and a few referrals in different states.
Idempotent: paths are found by name, referrals are made only once."""

import datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from kohtaamo.accounts.models import Organisation, User
from kohtaamo.audit.actions import Actor
from kohtaamo.directory.models import Service
from kohtaamo.people.models import Person
from kohtaamo.referrals import actions
from kohtaamo.referrals.models import PathStep, Referral, ServicePath

PATHS = [
    {
        "name_fi": "Vuokrarästit ja häädön uhka",
        "name_sv": "Hyresskulder och hot om vräkning",
        "name_en": "Rent arrears and threat of eviction",
        "situation_fi": "Vuokraa on maksamatta tai vuokranantaja uhkaa häädöllä.",
        "themes": ["housing", "debt"],
        "steps": [
            (
                "vuokratalot-asumisneuvonta",
                "phone",
                2,
                "working_days",
                "Asumisneuvoja Aino Asukas, 029 555 0460 (ark. 9–15)",
            ),
            (
                "taydentava-toimeentulotuki",
                "form",
                7,
                "working_days",
                "Aikuissosiaalityön neuvontapuhelin",
            ),
            (
                "asumissosiaalityo",
                "secure_message",
                3,
                "working_days",
                "Asumissosiaalityön tiimi, turvaposti",
            ),
        ],
        "shared": "Nimi, puhelinnumero, vuokrarästin suuruus ja vuokranantaja. Ei henkilötunnusta.",
    },
    {
        "name_fi": "Velat ja ulosotto",
        "name_sv": "Skulder och utsökning",
        "name_en": "Debts and enforcement",
        "situation_fi": "Velat kasvavat, perintäkirjeitä tulee tai ulosotto vie palkan.",
        "themes": ["debt", "income"],
        "steps": [
            (
                "talous-ja-velkaneuvonta",
                "phone",
                5,
                "working_days",
                "Velkaneuvoja Veli Velaton, 029 555 0700",
            ),
            ("ulosotto-velallisen-neuvonta", "in_person", 3, "working_days", ""),
        ],
        "shared": "Nimi ja puhelinnumero; velkojen määrä, jos asiakas haluaa.",
    },
    {
        "name_fi": "Päihteet: katkaisu ja avohoito",
        "name_sv": "Rusmedel: avgiftning och öppenvård",
        "name_en": "Substance use: detox and outpatient care",
        "situation_fi": "Asiakas haluaa lopettaa juomisen tai käytön, tai tarvitsee katkaisun.",
        "themes": ["substance_use", "health"],
        "steps": [
            ("paihdekatkaisuhoito", "accompanied", 4, "hours", "Katkaisuhoidon päivystävä hoitaja"),
            ("a-klinikka", "phone", 3, "working_days", "A-klinikan ajanvaraus"),
        ],
        "shared": "Nimi, syntymäaika ja yhteystiedot; tieto katkaisun tarpeesta.",
    },
]


class Command(BaseCommand):
    help = "Demo service paths and referrals."

    def handle(self, *args, **options):
        county = Organisation.objects.filter(slug="jarvi-suomi").first()
        if county is None:
            self.stdout.write("referrals: the demo county is missing; run seed_demo first")
            return
        if not Service.objects.exists():
            call_command("seed_demo_directory", stdout=self.stdout)
        by_slug = {s.slug: s for s in Service.objects.all()}
        actor = Actor.system("seed_demo_referrals")
        review = timezone.localdate() + datetime.timedelta(days=180)
        made_paths = 0
        for spec in PATHS:
            path = ServicePath.objects.filter(organisation=county, name_fi=spec["name_fi"]).first()
            if path:
                continue
            steps = [
                {
                    "service": by_slug[slug],
                    "method": method,
                    "response_time": n,
                    "response_unit": unit,
                    "contact_people": contact,
                    "shared_information": spec["shared"],
                    "agreement_status": "in_force",
                    "review_date": review,
                }
                for slug, method, n, unit, contact in spec["steps"]
                if slug in by_slug
            ]
            fields = {
                k: spec[k] for k in ("name_fi", "name_sv", "name_en", "situation_fi", "themes")
            }
            actions.save_path(
                actor,
                ServicePath(organisation=county),
                steps=steps,
                status="in_force",
                review_date=review,
                **fields,
            )
            made_paths += 1
        made = 0
        worker = User.objects.filter(username="sosiaaliohjaaja").first()
        people = list(Person.objects.filter(organisation=county).order_by("id")[:4])
        if worker and people and not Referral.objects.filter(organisation=county).exists():
            step = (
                PathStep.objects.filter(path__organisation=county).select_related("service").first()
            )
            plans = [
                ("arrived", people[0]),
                ("sent", people[1]),
                ("declined", people[2]),
                ("sent", None),
            ]
            for outcome, person in plans:
                referral, _token = actions.create_referral(
                    actor,
                    user=worker,
                    organisation=county,
                    service=step.service,
                    path_step=step,
                    person=person,
                    consent_given=person is not None,
                    shared_information="Nimi ja puhelinnumero." if person else "",
                )
                if outcome == "arrived":
                    actions.change_status(actor, referral, to="arrived", user=worker, via="worker")
                elif outcome == "declined":
                    actions.change_status(
                        actor, referral, to="declined", user=worker, reason="Ei asiakkaan kunnassa"
                    )
                made += 1
        self.stdout.write(f"referrals: {made_paths} service paths, {made} referrals")
