"""Load the demo directory (data/demo_directory.json) and link its providers to the demo partner
organisations. Idempotent: a second run reports every service unchanged."""

from django.core.management.base import BaseCommand

from kohtaamo.accounts.models import Organisation as AccountOrganisation
from kohtaamo.audit.actions import Actor
from kohtaamo.directory.actions import import_directory
from kohtaamo.directory.demo import DEMO_FILE, load_demo_file
from kohtaamo.directory.models import Organisation

# directory organisation slug → accounts organisation slug (core seed_demo)
LINKS = {
    "jarvi-suomen-hyvinvointialue": "jarvi-suomi",
    "kela": "kela-jarvela",
    "jarvi-suomen-tyollisyysalue": "tyollisyys",
    "jarvelan-seurakuntayhtyma": "seurakunta",
}


class Command(BaseCommand):
    help = "Load the demo service directory (synthetic data)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEMO_FILE))

    def handle(self, *args, file=None, **options):
        from pathlib import Path

        specs = load_demo_file(Path(file))
        result = import_directory(
            specs,
            actor=Actor.system("seed_demo_directory"),
            source="demo",
            progress=lambda stage, n: self.stdout.write(f"  {stage} {n}"),
        )
        linked = 0
        for directory_slug, account_slug in LINKS.items():
            account = AccountOrganisation.objects.filter(slug=account_slug).first()
            if account:
                linked += Organisation.objects.filter(
                    slug=directory_slug, linked_organisation__isnull=True
                ).update(linked_organisation=account)
        self.stdout.write(
            f"directory: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged; {linked} providers linked to partner organisations"
        )
