"""`manage.py generate_scale_data --encounters N [--referrals M] [--persons P]`: synthetic activity
at scale (see kohtaamo/evaluation/scale.py). Adds to what is there; run it on a test database."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kohtaamo.evaluation import scale


class Command(BaseCommand):
    help = "Fill the database with realistic synthetic encounters and referrals for dashboards and benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--encounters", type=int, required=True)
        parser.add_argument("--referrals", type=int, help="Default: a tenth of the encounters")
        parser.add_argument(
            "--persons", type=int, help="Identified people; default N/40 (at least 50)"
        )
        parser.add_argument(
            "--months", type=int, default=24, help="How many months back (default 24)"
        )
        parser.add_argument(
            "--organisation", default="skaala", help="County slug (created if missing)"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=100_000, help="Encounters per COPY batch")
        parser.add_argument("--no-aggregate", action="store_true", help="Skip the daily aggregates")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off")

    def handle(self, *args, **o):
        if o["encounters"] < 1:
            raise CommandError("--encounters must be at least 1")
        if not settings.DEBUG and not o["force"]:
            raise CommandError(
                "generate_scale_data refuses to run with DEBUG off; use --force on a test server."
            )
        referrals = o["referrals"] if o["referrals"] is not None else o["encounters"] // 10
        persons = o["persons"] if o["persons"] is not None else max(50, o["encounters"] // 40)
        self.stdout.write(
            f"generating {o['encounters']:,} encounters, up to {referrals:,} referrals, "
            f"{persons:,} people over {o['months']} months"
        )
        summary = scale.generate(
            encounters=o["encounters"],
            referrals=referrals,
            persons=persons,
            months=o["months"],
            organisation=o["organisation"],
            seed=o["seed"],
            batch=o["batch"],
            aggregate=not o["no_aggregate"],
            progress=lambda line: self.stdout.write(line),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"done in {summary.seconds:,.0f} s: {summary.encounters:,} encounters "
                f"({summary.repeat:,} repeat, {summary.failure_demand:,} failure demand), "
                f"{summary.referrals:,} referrals with {summary.events:,} events, "
                f"{summary.persons:,} people, {summary.aggregate_rows:,} daily aggregate rows"
            )
        )
