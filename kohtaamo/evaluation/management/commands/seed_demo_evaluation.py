"""Demo data for evaluation (run by `seed_demo` after the base demo data): the low-threshold and
outreach models adopted in the demo county with a justified local adaptation, a year of synthetic
activity behind the dashboards, a field experiment at the Kela office with its start form done and
the mid-point form half-done, and a social report comment. Idempotent."""

import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from kohtaamo.accounts.models import Organisation, Unit, User
from kohtaamo.audit.actions import Actor
from kohtaamo.evaluation import actions, aggregates, scale
from kohtaamo.evaluation.models import Adoption, Experiment, LogicModelVersion, SocialReportComment

COUNTY = "jarvi-suomi"
DEMO_ENCOUNTERS = 3000


class Command(BaseCommand):
    help = "Adoptions, adaptations, an experiment, a year of synthetic activity and a social report comment."

    def handle(self, *args, **options):
        county = Organisation.objects.filter(slug=COUNTY).first()
        if county is None:
            self.stdout.write("no demo county; run seed_demo first")
            return
        actor = Actor.system("seed_demo_evaluation")
        manager = User.objects.filter(username="esihenkilo").first()
        worker = User.objects.filter(username="sosiaalityontekija").first()
        if manager is None or worker is None:
            self.stdout.write("demo users missing; run seed_demo first")
            return
        with transaction.atomic():
            self.adoptions(county, manager, actor)
            self.experiment(county, worker, actor)
            self.comment(county, worker, actor)
        self.activity(county)

    def adoptions(self, county, manager, actor):
        units = {u.slug: u for u in Unit.objects.filter(organisation=county)}
        for model_key, unit_slug, variant in [
            ("low_threshold", "matala", "general_counselling"),
            ("outreach", "etsiva", ""),
        ]:
            unit = units.get(unit_slug)
            version = LogicModelVersion.objects.filter(
                model__key=model_key, is_current=True
            ).first()
            if (
                version is None
                or Adoption.objects.filter(
                    organisation=county, unit=unit, version__model=version.model
                ).exists()
            ):
                continue
            variants = {v["key"] for v in version.content.get("variants", [])}
            adoption = actions.adopt_model(
                actor, version, by=manager, organisation=county, unit=unit,
                started_on=timezone.localdate().replace(day=1) - datetime.timedelta(days=365),
                variant=variant if variant in variants else "",
                notes="Demo: otettu käyttöön pilotin jälkeen.",
            )  # fmt: skip
            section = "resources"
            key = version.elements(section)[0]["key"]
            actions.record_adaptation(
                actor, adoption, by=manager, section=section, target_key=key,
                description="Päivystys myös Koivulan kirjastossa torstaisin; kannettava tietokone asiakastietojärjestelmällä mukana.",
                justification="Koivulassa ei ole sosiaalitoimistoa, ja asukkaat asioivat kirjastossa. Sama aika ja paikka joka viikko helpottaa tiedottamista.",
            )  # fmt: skip
            self.stdout.write(f"adopted {model_key} in {unit or county}")

    def experiment(self, county, worker, actor):
        from kohtaamo.encounters.models import Place

        if Experiment.objects.filter(organisation=county).exists():
            return
        place, _ = Place.objects.get_or_create(
            organisation=county, name_fi="Kela, Järvelän palvelupiste",
            defaults={"name_sv": "FPA, Järvelä servicepunkt", "name_en": "Kela, Järvelä service point",
                      "kind": Place.Kind.KELA_OFFICE, "municipality": "Järvelä", "default_channel": "desk",
                      "unit": Unit.objects.filter(organisation=county, slug="matala").first()},
        )  # fmt: skip
        today = timezone.localdate()
        experiment = actions.create_experiment(
            actor, by=worker, organisation=county, unit=place.unit,
            name="Sosiaalityöntekijä Kelan palvelupisteessä tiistaisin 10–12", place=place,
            weekdays=[1], time_from=datetime.time(10), time_to=datetime.time(12),
            starts_on=today - datetime.timedelta(days=42), ends_on=today + datetime.timedelta(days=42),
            sessions=6, workers_per_session=1, hours_per_session=Decimal("2"),
        )  # fmt: skip
        actions.save_stage(
            actor, experiment, "start", by=worker, finish=True,
            data={
                "target_group": "Kelassa asioivat, joilla voi olla myös sosiaalityön tarve. Tuki myös Kelan työntekijöille.",
                "problem": "Kelasta tulee vähän yhteydenottoja sosiaalityön tarpeesta; osa asiakkaista ei ole vielä sosiaalityön asiakkaita.",
                "description": "Sosiaalityöntekijä on Kelan palvelupisteessä tiistaisin kaksi tuntia; Kelan työntekijä voi pyytää hänet mukaan keskusteluun.",
                "resources": "Kaksi tuntia sosiaalityöntekijän työaikaa viikossa, kannettava tietokone.",
                "expectations_positive": "Löydetään sosiaalityötä tarvitsevia, yhteys Kelaan tiivistyy.",
                "expectations_negative": "Aika kuluu hakemusten täyttämiseen.",
                "evaluation_plan": "Haluavatko asiakkaat keskustella, Kelan työntekijöiden kokemus, johtavatko yhteydenotot asiakkuuksiin.",
            },
        )  # fmt: skip
        actions.save_stage(
            actor, experiment, "mid", by=worker,
            data={"target_reached": "partly", "reached_instead": "Keskusteluyhteys Kelan työntekijöihin tiivistyi."},
        )  # fmt: skip
        self.stdout.write("experiment at the Kela office")

    def comment(self, county, worker, actor):
        if SocialReportComment.objects.filter(organisation=county).exists():
            return
        today = timezone.localdate()
        actions.add_report_comment(
            actor, by=worker, organisation=county, section="unmet_needs",
            period_start=today.replace(day=1) - datetime.timedelta(days=180), period_end=today,
            area="Järvelä",
            text="Asunnottomuusuhan alla olevat nuoret aikuiset palaavat, koska tuettua asumista ei ole tarjolla. Esitämme asiaa johtoryhmän käsiteltäväksi.",
        )  # fmt: skip

    def activity(self, county):
        from kohtaamo.encounters.models import Encounter

        have = Encounter.objects.filter(organisation=county).count()
        if have >= DEMO_ENCOUNTERS:
            self.stdout.write(f"{have} encounters already; aggregating")
            aggregates.refresh()
            return
        try:
            summary = scale.generate(
                encounters=DEMO_ENCOUNTERS - have, referrals=(DEMO_ENCOUNTERS - have) // 10, persons=0,
                months=12, organisation=COUNTY, existing=True, batch=1000,
                progress=lambda line: self.stdout.write(line),
            )  # fmt: skip
        except ValueError as exc:
            self.stdout.write(f"no synthetic activity: {exc}")
            return
        self.stdout.write(
            f"{summary.encounters} synthetic encounters, {summary.referrals} referrals"
        )
