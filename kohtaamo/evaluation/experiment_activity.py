"""The activity linked to an experiment: encounters recorded against it (`experiment_ref`) or
at its place on its weekdays within its time window between its first and last day.

Reach (contacts, and contacts per staff hour) is shown exactly: it is the experiment's own
result and says nothing about anyone. Breakdowns (themes, results) are count tables and go
through the small-number rule like every other table.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.evaluation import referral_aggregates
from kohtaamo.evaluation.dashboards import Panel
from kohtaamo.evaluation.models import Experiment
from kohtaamo.evaluation.tables import count_table


def django_week_day(weekday: int) -> int:
    """Python's Monday=0 … Sunday=6 to Django's `__week_day` Sunday=1 … Saturday=7."""
    return (weekday + 1) % 7 + 1


def linked_encounters(experiment: Experiment):
    from kohtaamo.encounters.models import Encounter

    linked = Q(experiment_ref=experiment.code)
    if experiment.place_id:
        tz = timezone.get_current_timezone()
        window = Q(
            place_id=experiment.place_id,
            started_at__gte=datetime.datetime.combine(experiment.starts_on, datetime.time.min, tz),
            started_at__lt=datetime.datetime.combine(
                experiment.ends_on + datetime.timedelta(days=1), datetime.time.min, tz
            ),
        )
        if experiment.weekdays:
            window &= Q(started_at__week_day__in=[django_week_day(d) for d in experiment.weekdays])
        if experiment.time_from and experiment.time_to:
            window &= Q(
                started_at__time__gte=experiment.time_from, started_at__time__lt=experiment.time_to
            )
        linked |= window
    return Encounter.objects.filter(organisation_id=experiment.organisation_id).filter(linked)


@dataclass
class Activity:
    contacts: int
    staff_hours: Decimal
    referrals: int | None
    themes: Panel | None
    results: Panel | None

    @property
    def per_staff_hour(self) -> float | None:
        if not self.staff_hours:
            return None
        return self.contacts / float(self.staff_hours)


def activity(experiment: Experiment) -> Activity:
    from kohtaamo.encounters.models import Encounter
    from kohtaamo.encounters.taxonomy import terms

    encounters = linked_encounters(experiment).order_by()
    ids = encounters.values("id")
    contacts = encounters.count()
    taxonomy = terms()
    themes = dict(
        Encounter.themes.through.objects.filter(encounter_id__in=ids)
        .values_list("term__key")
        .annotate(n=Count("encounter_id"))
        .order_by()
    )
    theme_rows = [(t.key, t.label) for t in taxonomy.get("themes", []) if t.key in themes]
    theme_panel = None
    if theme_rows:
        theme_panel = Panel(
            count_table(
                "experiment_themes",
                _("Themes of the contacts"),
                _("Theme"),
                theme_rows,
                [("n", _("Contacts"))],
                [[themes[k]] for k, _ in theme_rows],
                row_totals=False,
            )
        )
    results = dict(encounters.values_list("result").annotate(n=Count("id")).order_by())
    result_rows = [(t.key, t.label) for t in taxonomy.get("results", []) if t.key in results]
    result_panel = None
    if result_rows:
        result_panel = Panel(
            count_table(
                "experiment_results",
                _("How the contacts ended"),
                _("Result"),
                result_rows,
                [("n", _("Contacts"))],
                [[results[k]] for k, _ in result_rows],
                row_totals=False,
            )
        )
    return Activity(
        contacts=contacts,
        staff_hours=experiment.staff_hours,
        referrals=referral_aggregates.referrals_for_encounters(ids),
        themes=theme_panel,
        results=result_panel,
    )
