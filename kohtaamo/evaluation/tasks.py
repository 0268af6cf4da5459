"""Evaluation's periodic jobs: fresh aggregates every minute, a nightly re-aggregation of recent
days, and reminders of experiment evaluation forms that are due."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from kohtaamo.core.schedule import every
from kohtaamo.evaluation.models import ExperimentStage

REMIND_AGAIN_AFTER = datetime.timedelta(days=7)


@every(datetime.timedelta(minutes=1))
@task()
def refresh_evaluation_aggregates() -> int:
    from kohtaamo.evaluation import aggregates

    return aggregates.refresh()


@every(datetime.timedelta(days=1))
@task()
def rebuild_recent_aggregates() -> int:
    """Deleted or moved encounters leave no trace to follow; recompute the last 35 days."""
    from kohtaamo.evaluation import aggregates

    return aggregates.rebuild(since=timezone.localdate() - datetime.timedelta(days=35))


def stages_to_remind(now: datetime.datetime | None = None) -> list[ExperimentStage]:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    rows = ExperimentStage.objects.filter(completed_at__isnull=True).select_related(
        "experiment__owner"
    )
    due = []
    for row in rows:
        if row.experiment.due_on(row.stage) > today:
            continue
        if row.reminded_at and now - row.reminded_at < REMIND_AGAIN_AFTER:
            continue
        due.append(row)
    return due


def remind(now: datetime.datetime | None = None) -> int:
    """E-mail each owner once a week while a due form is unfinished. The message names the
    experiment and the form, never a client."""
    now = now or timezone.now()
    sent = 0
    for row in stages_to_remind(now):
        owner = row.experiment.owner
        with transaction.atomic():
            ExperimentStage.objects.filter(pk=row.pk).update(reminded_at=now)
            if owner.email:
                with translation.override(owner.language or settings.LANGUAGE_CODE):
                    url = settings.SITE_URL + reverse(
                        "evaluation:experiment-stage", args=[row.experiment.code, row.stage]
                    )
                    subject = _("Kohtaamo: the %(stage)s evaluation of “%(name)s” is due") % {
                        "stage": row.get_stage_display().lower(),
                        "name": row.experiment.name,
                    }
                    body = _("Fill in the evaluation form: %(url)s") % {"url": url}
                transaction.on_commit(
                    lambda s=subject, b=body, to=owner.email: send_mail(
                        s, b, None, [to], fail_silently=True
                    )
                )
                sent += 1
    return sent


@every(datetime.timedelta(hours=1))
@task()
def remind_due_experiment_stages() -> int:
    return remind()
