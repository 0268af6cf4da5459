"""manage.py import_hsds FILE [--partial] [--lang fi]: organisations with nested services
(HSDS 3.0 JSON). Every broken record is reported with its index, id and reason; with any error
nothing is written unless --partial."""

from django.core.management.base import BaseCommand

from kohtaamo.audit.actions import Actor
from kohtaamo.directory import hsds
from kohtaamo.directory.actions import import_directory
from kohtaamo.directory.management.commands._importing import read_json, report, summary


class Command(BaseCommand):
    help = "Import an Open Referral HSDS 3.0 file (organisations with nested services)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--lang", default="fi", choices=["fi", "sv", "en"], help="Language of the file's texts"
        )
        parser.add_argument(
            "--partial", action="store_true", help="Import the valid records even if some fail"
        )

    def handle(self, *args, file, lang="fi", partial=False, **options):
        data = read_json(file)
        self.stdout.write(f"checking {file} against the HSDS 3.0 schema ({hsds.schema_dir()})")
        parsed = hsds.parse_file(data, lang=lang)
        problems = [(p.index, p.record_id, p.reason) for p in parsed.problems]
        failed = report(self, problems, records=parsed.records, partial=partial)
        total = sum(len(s["services"]) for s in parsed.specs)
        self.stdout.write(f"{len(parsed.specs)} organisations, {total} services to write")
        result = import_directory(
            parsed.specs,
            actor=Actor.system("import_hsds"),
            langs=(lang,),
            source="hsds",
            progress=lambda stage, n: self.stdout.write(f"  {stage} {n}/{total}"),
        )
        summary(self, result, failed)
