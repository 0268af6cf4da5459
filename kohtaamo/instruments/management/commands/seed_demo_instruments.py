"""Demo instrument results: AUDIT-C three times for a few demo clients, so trends show."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from kohtaamo.accounts.models import Organisation, User
from kohtaamo.audit.actions import Actor
from kohtaamo.instruments.actions import record_result
from kohtaamo.instruments.models import Instrument, InstrumentResult
from kohtaamo.people.models import Person

SERIES = [(4, 3, 3), (3, 2, 2), (2, 1, 1)]  # item 1-3 answers at three visits, improving


class Command(BaseCommand):
    help = "Demo AUDIT-C results with a trend (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        county = Organisation.objects.filter(slug="jarvi-suomi").first()
        instrument = Instrument.objects.current().filter(key="audit_c").first()
        worker = User.objects.filter(username="sosiaaliohjaaja").first()
        if not (county and instrument and worker):
            self.stdout.write("seed_demo_instruments: nothing to do (no demo county)")
            return
        if InstrumentResult.objects.filter(organisation=county).exists():
            self.stdout.write("seed_demo_instruments: results already exist")
            return
        people = list(Person.objects.filter(organisation=county).order_by("id")[:3])
        now, made = timezone.now(), 0
        for person in people:
            for step, (q1, q2, q3) in enumerate(SERIES):
                record_result(
                    Actor.system("seed_demo"),
                    instrument,
                    {"q1": q1, "q2": q2, "q3": q3},
                    by=worker,
                    person=person,
                    at=now - datetime.timedelta(days=60 - 30 * step),
                )
                made += 1
        self.stdout.write(f"seed_demo_instruments: {made} AUDIT-C results")
