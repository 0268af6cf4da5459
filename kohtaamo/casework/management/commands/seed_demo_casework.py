"""Demo data for case management: client matters with their responsible workers and teams, a
signed assessment, agreed plans, a signed social rehabilitation decision, a service period with
EuroHIS-8 start and end measurements, a partner's plan step, an ended matter with a continuation
referral, quality-criteria answers for two units, and the reminders. All people are the synthetic
demo people (identity codes 900–999). Idempotent: nothing is made if the county already has plans."""

from __future__ import annotations

import datetime
import random

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from kohtaamo.accounts.models import Organisation, Team, User
from kohtaamo.audit.actions import Actor
from kohtaamo.casework import actions
from kohtaamo.casework.actions import quality as quality_actions
from kohtaamo.casework.actions.followup import create_reminders
from kohtaamo.casework.content import quality_statements
from kohtaamo.casework.models import ClientMatter, ClientPlan, Decision, MatterMember
from kohtaamo.instruments.models import Instrument
from kohtaamo.people.models import Person

COUNTY = "jarvi-suomi"


class Command(BaseCommand):
    help = "Demo data for case management (idempotent)."

    def handle(self, *args, **options):
        county = Organisation.objects.filter(slug=COUNTY).first()
        if county is None:
            self.stdout.write("seed_demo_casework: no demo county, run seed_demo first")
            return
        if ClientPlan.objects.filter(matter__organisation=county).exists():
            self.stdout.write("seed_demo_casework: case management demo data already exists")
            return
        users = {u.username: u for u in User.objects.filter(username__in=[
            "sosiaalityontekija", "sosiaaliohjaaja", "ammattilainen", "kumppani", "esihenkilo"])}  # fmt: skip
        if len(users) < 5:
            self.stdout.write("seed_demo_casework: demo users missing, run seed_demo first")
            return
        people = list(
            Person.objects.filter(organisation=county)
            .exclude(client_matters__isnull=False)
            .order_by("id")[:8]
        )
        if len(people) < 6:
            self.stdout.write("seed_demo_casework: not enough demo people")
            return
        self.make(county, users, people)

    @transaction.atomic
    def make(self, county, users, people):
        actor = Actor.system("seed_demo")
        official, counsellor = users["sosiaalityontekija"], users["sosiaaliohjaaja"]
        nurse, partner = users["ammattilainen"], users["kumppani"]
        team = Team.objects.filter(unit__organisation=county, slug="palveluohjaus").first()
        team = team or Team.objects.filter(unit__organisation=county).first()
        today = timezone.localdate()
        now = timezone.now()
        eurohis = Instrument.objects.current().filter(key="eurohis8").first()
        rng = random.Random(7)

        def matter_for(person, worker, *, days_ago, special_group=False):
            matter = actions.open_client_matter(
                actor, person, by=worker, source="encounter", team=team, responsible_worker=worker,
                special_group=special_group, pending_at=now - datetime.timedelta(days=days_ago),
            )  # fmt: skip
            return matter

        # 1. The whole path: assessment, agreed plan, decision, period with measurements.
        first = matter_for(people[0], counsellor, days_ago=120)
        actions.add_member(
            actor, first, nurse, role=MatterMember.Role.TEAM, title="sairaanhoitaja", by=counsellor
        )
        actions.add_member(
            actor,
            first,
            partner,
            role=MatterMember.Role.PARTNER,
            title="Kela, etuudet",
            by=counsellor,
        )
        actions.add_network_member(
            actor, first, by=counsellor, kind="close_person", name="Sisko (demo)",
            relation="sisko, tukee arjessa", contact="040 000 9999", may_contact=True,
            consent_given=True,
        )  # fmt: skip
        assessment = actions.create_assessment(
            actor, first, by=official, started_on=today - datetime.timedelta(days=115),
            reason="Toimeentulo ja asuminen epävarmoja, yksinäisyys.",
            need_areas=["housing", "finances", "relationships"],
            client_view="Haluan pysyä asunnossani ja saada päiviin rytmiä. En jaksa enää yksin.",
            close_ones_view="Sisko on huolissaan jaksamisesta (suostumuksella).",
            worker_assessment="Tarvitsee tukea talouden hoitoon ja sosiaalista kuntoutusta.",
            conclusion="Sosiaalinen kuntoutus ryhmä- ja yksilötukena; asumisen tuki.",
        )  # fmt: skip
        actions.sign_assessment(actor, assessment, by=official)
        plan = actions.create_plan(
            actor, first, by=counsellor, variant="intensive", assessment=assessment,
            situation="Asuminen on turvattava ja arkeen tarvitaan rytmiä.",
            client_view="Haluan pysyä asunnossani ja löytää tekemistä.",
            review_on=today + datetime.timedelta(days=5),
        )  # fmt: skip
        actions.add_goal(actor, plan, text="Haluan pysyä omassa asunnossani.", life_area="housing")
        actions.add_goal(
            actor, plan, text="Haluan käydä ryhmässä kerran viikossa.", life_area="society"
        )
        actions.add_step(
            actor, plan, what="Kelan asumistukihakemuksen käsittely", responsibility="other",
            assignee=partner, due_on=today + datetime.timedelta(days=10),
        )  # fmt: skip
        actions.agree_plan(
            actor, plan, agreed_on=today - datetime.timedelta(days=100), agreed_how="meeting"
        )
        decision = actions.create_decision(
            actor, first, by=counsellor, plan=plan, service=Decision.Service.SOCIAL_REHABILITATION,
            subject="Sosiaalinen kuntoutus", outcome=Decision.Outcome.GRANTED,
            decision_text="Myönnetään sosiaalinen kuntoutus ryhmä- ja yksilötukena.",
            reasoning="Palvelutarpeen arvion ja asiakassuunnitelman mukaan.",
            legal_basis="Sosiaalihuoltolaki 1301/2014 17 §",
            valid_from=today - datetime.timedelta(days=95), valid_until=today + datetime.timedelta(days=85),
        )  # fmt: skip
        actions.sign_decision(actor, decision, by=official)
        decision.refresh_from_db()
        period = actions.start_period(
            actor, first, by=counsellor, starts_on=decision.valid_from,
            ends_on=decision.valid_until, decision=decision,
        )  # fmt: skip
        if eurohis:
            actions.record_measurement(
                actor, period, by=counsellor, instrument=eurohis, phase="start",
                answers={f"q{i}": rng.choice((2, 2, 3)) for i in range(1, 9)},
                at=now - datetime.timedelta(days=94),
            )  # fmt: skip
            actions.record_measurement(
                actor, period, by=counsellor, instrument=eurohis, phase="end",
                answers={f"q{i}": rng.choice((3, 4, 4)) for i in range(1, 9)},
            )  # fmt: skip
        for days in (90, 60, 30, 7):
            actions.record_meeting(
                actor, first, by=counsellor, kind="individual", status="held", period=period,
                at=now - datetime.timedelta(days=days), notes="Tavoitteiden läpikäynti.",
            )  # fmt: skip
        actions.record_meeting(
            actor, first, by=counsellor, kind="home_visit", period=period,
            at=now + datetime.timedelta(days=3), place="Kotikäynti",
        )  # fmt: skip
        self.stdout.write("  a client matter with assessment, plan, decision and measurements")

        # 2. A special-group matter with an assessment draft near its deadline and a decision draft.
        second = matter_for(people[1], official, days_ago=5, special_group=True)
        draft = actions.create_assessment(
            actor, second, by=official, client_view="Tarvitsen apua laskujen kanssa.",
            complete_by=today + datetime.timedelta(days=4),
        )  # fmt: skip
        plan2 = actions.create_plan(
            actor, second, by=official, variant="preventive", assessment=None
        )
        actions.add_goal(actor, plan2, text="Haluan saada laskut hoidettua.", life_area="finances")
        actions.create_decision(
            actor, second, by=counsellor, plan=plan2, service=Decision.Service.SOCIAL_GUIDANCE,
            subject="Sosiaaliohjaus", outcome=Decision.Outcome.GRANTED,
            decision_text="Myönnetään sosiaaliohjaus.", reasoning="Arvion mukaan.",
        )  # fmt: skip
        del draft

        # 3. An ended matter with a continuation referral (if the directory has services).
        third = matter_for(people[2], counsellor, days_ago=200)
        service = self.next_service()
        actions.create_plan(actor, third, by=counsellor, variant="ngo")
        actions.end_matter(
            actor, third, by=counsellor, reason="next_service",
            summary="Arki on tasaantunut; jatkaa järjestön vertaisryhmässä.",
            continuation_kind="ngo" if service else "low_threshold",
            continuation="Vertaisryhmä ja tarvittaessa matalan kynnyksen palvelut.",
            service=service, referral_consent=service is not None,
            shared_information="Nimi ja puhelinnumero",
        )  # fmt: skip

        # 4.–6. Open matters, one without activity for a long time.
        for i, person in enumerate(people[3:6]):
            m = matter_for(person, counsellor if i % 2 == 0 else nurse, days_ago=30 + 20 * i)
            actions.create_plan(
                actor, m, by=counsellor, variant=("digital", "preventive", "ngo")[i]
            )
            if i == 2:
                ClientMatter.objects.filter(pk=m.pk).update(
                    last_activity_at=now - datetime.timedelta(days=90)
                )
        self.stdout.write("  six client matters in all, one ended with a continuation referral")

        # Quality-criteria answers for two units.
        units = list(county.units.order_by("slug")[:2])
        made = 0
        for unit in units:
            for rater, n in (("client", 8), ("professional", 5), ("management", 2)):
                keys = [s["key"] for s in quality_statements(rater)]
                for _ in range(n):
                    quality_actions.submit_answers(
                        rater=rater, organisation=county, unit=unit,
                        ratings={k: rng.choice((3, 4, 4, 5)) for k in rng.sample(keys, min(12, len(keys)))},
                        by=counsellor if rater == "professional" else users["esihenkilo"],
                    )  # fmt: skip
                    made += 1
        self.stdout.write(f"  {made} quality-criteria questionnaire answers")
        self.stdout.write(f"  {create_reminders()} reminders")

    def next_service(self):
        from kohtaamo.directory.models import Service

        if not Service.objects.exists():
            try:
                call_command("seed_demo_directory", stdout=self.stdout)
            except Exception:  # noqa: BLE001  the demo works without a directory
                return None
        return Service.objects.active().select_related("organisation").order_by("name_fi").first()
