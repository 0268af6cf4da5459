"""manage.py import_ptv FILE [--partial]: services and their service channels in the shape of
the Suomi.fi service catalogue (PTV) open API, texts in fi/sv/en."""

from django.core.management.base import BaseCommand

from kohtaamo.audit.actions import Actor
from kohtaamo.directory import ptv
from kohtaamo.directory.actions import import_directory
from kohtaamo.directory.management.commands._importing import read_json, report, summary


class Command(BaseCommand):
    help = "Import PTV-shaped services with their service channels (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--partial", action="store_true", help="Import the valid services even if some fail"
        )

    def handle(self, *args, file, partial=False, **options):
        data = read_json(file)
        specs, problems = ptv.parse(data)
        records = sum(len(o["services"]) for o in specs) + len({p[0] for p in problems})
        failed = report(self, problems, records=records, partial=partial)
        result = import_directory(
            specs,
            actor=Actor.system("import_ptv"),
            source="ptv",
            progress=lambda stage, n: self.stdout.write(f"  {stage} {n}"),
        )
        summary(self, result, failed)
