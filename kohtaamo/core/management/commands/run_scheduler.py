import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import timezone

from kohtaamo.core.models import ScheduledRun
from kohtaamo.core.schedule import jobs


def load_task_modules() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("kohtaamo."):
            try:
                importlib.import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise


def enqueue_due(now=None) -> list[str]:
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        run = ScheduledRun.objects.filter(name=job.name).first()
        if run is None or now - run.last_enqueued_at >= job.every:
            job.task.enqueue()
            ScheduledRun.objects.update_or_create(name=job.name, defaults={"last_enqueued_at": now})
            enqueued.append(job.name)
    return enqueued


class Command(BaseCommand):
    help = "Enqueue periodic jobs (reminders, overdue alerts, purges) when they are due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Check once and exit")
        parser.add_argument("--interval", type=int, default=30, help="Seconds between checks")

    def handle(self, *args, once=False, interval=30, **options):
        load_task_modules()
        self.stdout.write(f"scheduler: {len(jobs())} periodic jobs")
        while True:
            for name in enqueue_due():
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)
