"""The outreach demo data is synthetic and can be loaded twice."""

import io

from django.core.management import call_command

from kohtaamo.core.management.commands.seed_demo import ensure_structure, ensure_users
from kohtaamo.encounters.models import Encounter
from kohtaamo.outreach.models import OutreachPlace, Shift


def test_seed_demo_outreach_is_idempotent(db):
    county, units, teams, partners = ensure_structure()
    ensure_users(county, units, teams, partners, "Kohtaamo-demo-2026")

    call_command("seed_demo_outreach", weeks=2, stdout=io.StringIO())
    counts = (OutreachPlace.objects.count(), Shift.objects.count(), Encounter.objects.count())
    call_command("seed_demo_outreach", weeks=2, stdout=io.StringIO())

    assert counts == (
        OutreachPlace.objects.count(),
        Shift.objects.count(),
        Encounter.objects.count(),
    )
    assert counts[0] == 6 and counts[1] == 4 and counts[2] > 0
    assert Shift.objects.filter(status="active").count() == 1
    assert not Encounter.objects.filter(identity_level="identified").exists()
