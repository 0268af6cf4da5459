"""Demo data for group work: a social rehabilitation group led by a counsellor and a peer
instructor without an account, its members from open service periods, past meetings with
attendance and upcoming ones. Idempotent: the group is found by its name."""

from __future__ import annotations

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from kohtaamo.accounts.models import Organisation, Team, User
from kohtaamo.audit.actions import Actor
from kohtaamo.casework import actions as casework
from kohtaamo.casework.models import ClientMatter, ServicePeriod
from kohtaamo.groupwork import actions
from kohtaamo.groupwork.models import Group

COUNTY = "jarvi-suomi"
NAME = "Arjen taidot -ryhmä"


class Command(BaseCommand):
    help = "Demo data for group work (idempotent)."

    def handle(self, *args, **options):
        county = Organisation.objects.filter(slug=COUNTY).first()
        counsellor = User.objects.filter(username="sosiaaliohjaaja").first()
        if county is None or counsellor is None:
            self.stdout.write("seed_demo_groupwork: no demo county, run seed_demo first")
            return
        if Group.objects.filter(organisation=county, name=NAME).exists():
            self.stdout.write("seed_demo_groupwork: the demo group already exists")
            return
        self.make(county, counsellor)

    @transaction.atomic
    def make(self, county, counsellor):
        actor = Actor.system("seed_demo")
        today, now = timezone.localdate(), timezone.now()
        team = Team.objects.filter(unit__organisation=county, slug="palveluohjaus").first()
        group = actions.create_group(
            actor, by=counsellor, organisation=county, unit=team.unit if team else None, team=team,
            name=NAME, kind="social_rehabilitation", starts_on=today - datetime.timedelta(days=60),
            ends_on=today + datetime.timedelta(days=60), capacity=10, status="running",
            description="Viikoittainen ryhmä: arjen rytmi, raha-asiat, yhdessä tekeminen.",
        )  # fmt: skip
        actions.add_leader(actor, group, role="professional", user=counsellor)
        actions.add_leader(actor, group, role="peer_instructor", name="Pirkko Vertainen")
        # Members: clients with an open period, and two more open matters given a period now.
        for matter in ClientMatter.objects.open().filter(organisation=county, periods__isnull=True)[
            :3
        ]:
            casework.start_period(
                actor, matter, by=counsellor, starts_on=today - datetime.timedelta(days=55),
                ends_on=today + datetime.timedelta(days=65),
            )  # fmt: skip
        periods = ServicePeriod.objects.filter(
            matter__organisation=county, matter__status="open", ended_on__isnull=True
        ).select_related("matter__person")
        members = [
            actions.add_member(actor, group, person=p.matter.person, by=counsellor,
                               joined_on=today - datetime.timedelta(days=55))
            for p in periods
        ]  # fmt: skip
        rng = random.Random(3)
        for week in range(8, 0, -1):
            meeting = actions.plan_meeting(
                actor, group, by=counsellor, at=now - datetime.timedelta(days=7 * week),
                topic=rng.choice(["Arjen rytmi", "Raha-asiat", "Liikunta", "Ruoanlaitto"]),
                place="Kohtaamispaikka Olohuone",
            )  # fmt: skip
            present = [m.code for m in members if rng.random() < 0.8]
            actions.record_attendance(actor, meeting, by=counsellor, present=present)
        for week in (1, 2):
            actions.plan_meeting(
                actor, group, by=counsellor, at=now + datetime.timedelta(days=7 * week),
                topic="Yhteinen retki", place="Kohtaamispaikka Olohuone",
            )  # fmt: skip
        self.stdout.write(f"  a group with {len(members)} members and 10 meetings")
