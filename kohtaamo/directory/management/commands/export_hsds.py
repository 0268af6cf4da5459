"""manage.py export_hsds FILE [--lang fi]: the whole directory as HSDS 3.0 JSON (a list of
organisations with nested services), validated against the official schema before writing."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kohtaamo.directory import hsds


class Command(BaseCommand):
    help = "Export the directory as Open Referral HSDS 3.0 JSON."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--lang", default="fi", choices=["fi", "sv", "en"])
        parser.add_argument("--no-validate", action="store_true", help="Skip the schema check")

    def handle(self, *args, file, lang="fi", no_validate=False, **options):
        records = hsds.export_all(lang)
        if not no_validate:
            for index, record in enumerate(records):
                errors = hsds.schema_errors(record)
                if errors:
                    raise CommandError(
                        f"record {index} (id {record['id']}) fails the schema: {errors[0]}"
                    )
        Path(file).write_text(
            json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        services = sum(len(r.get("services", [])) for r in records)
        self.stdout.write(
            self.style.SUCCESS(f"{len(records)} organisations, {services} services → {file}")
        )
