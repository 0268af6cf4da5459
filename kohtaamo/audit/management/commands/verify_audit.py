from django.core.management.base import BaseCommand, CommandError

from kohtaamo.audit.actions import verify_all


class Command(BaseCommand):
    help = "Verify the hash chains of the access log and the change history."

    def handle(self, *args, **options):
        count, problems = verify_all()
        for p in problems:
            self.stderr.write(f"{p.chain} chain, entry {p.seq}: {p.problem}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {count} audit entries")
        self.stdout.write(self.style.SUCCESS(f"{count} audit entries verified, chains intact"))
