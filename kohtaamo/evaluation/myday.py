"""The "my day" section for experiment owners: evaluation forms that are due."""

from __future__ import annotations

import datetime

from django.utils import timezone

from kohtaamo.evaluation.models import ExperimentStage

SOON = datetime.timedelta(days=7)


def due_stages(user, today: datetime.date | None = None) -> list[dict]:
    """Unfinished stages of the user's experiments that are due within a week or overdue."""
    today = today or timezone.localdate()
    rows = (
        ExperimentStage.objects.filter(experiment__owner=user, completed_at__isnull=True)
        .select_related("experiment")
        .order_by("experiment__starts_on", "id")
    )
    result = []
    for row in rows:
        due = row.experiment.due_on(row.stage)
        if due - today <= SOON:
            result.append(
                {"stage": row, "experiment": row.experiment, "due": due, "overdue": due < today}
            )
    return sorted(result, key=lambda r: r["due"])


def register_sections() -> None:
    from kohtaamo.core.myday import register

    @register("evaluation_experiments", order=70, template="evaluation/includes/my_day.html")
    def experiments_due(request):
        due = due_stages(request.user)
        return {"due": due} if due else None
