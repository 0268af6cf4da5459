"""Social reporting (structural social work): needs and themes, unmet needs ("no suitable
service") and failure-demand reasons by area and period, with workers' commentary, as a printable
report for leaders. Sections are pluggable (see `registry`): outreach adds its observations the
same way. Every table goes through the small-number rule."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kohtaamo.evaluation import aggregates
from kohtaamo.evaluation.dashboards import Panel, month_label
from kohtaamo.evaluation.filters import Filters
from kohtaamo.evaluation.models import SocialReportComment
from kohtaamo.evaluation.registry import Scope, register_section, report_sections
from kohtaamo.evaluation.tables import count_table

logger = logging.getLogger(__name__)


def _labels(section: str) -> list[tuple[str, str]]:
    from kohtaamo.encounters.taxonomy import terms

    return [(t.key, t.label) for t in terms().get(section, [])]


def _area_label(area) -> str:
    return area or _("Area not recorded")


def _by_area(scope: Scope, section: str, label_section: str) -> dict | None:
    counts = aggregates.term_counts(scope, section, "area")
    if not counts:
        return None
    areas = sorted({a for a, _ in counts}, key=lambda a: (a is None or a == "", a or ""))
    columns = [(a, _area_label(a)) for a in areas]
    present = {k for _, k in counts}
    rows = [(k, label) for k, label in _labels(label_section) if k in present]
    rows += [(k, k) for k in sorted(present - {k for k, _ in rows})]
    return {
        "row_label": _("Theme") if label_section == "themes" else _("Reason"),
        "rows": rows,
        "columns": columns,
        "values": [[counts.get((a, k), 0) for a, _ in columns] for k, _ in rows],
    }


def themes_by_area(scope: Scope):
    return _by_area(scope, "themes", "themes")


def unmet_needs_by_area(scope: Scope):
    return _by_area(scope, "unmet_themes", "themes")


def failure_reasons_by_area(scope: Scope):
    return _by_area(scope, "failure_reasons", "failure_reasons")


def themes_by_month(scope: Scope):
    from kohtaamo.evaluation.filters import months_between

    counts = aggregates.term_counts(scope, "themes", "month")
    if not counts:
        return None
    present = {k for _, k in counts}
    rows = [(k, label) for k, label in _labels("themes") if k in present]
    columns = [(m, month_label(m)) for m in months_between(scope.start, scope.end)]
    return {
        "row_label": _("Theme"),
        "rows": rows,
        "columns": columns,
        "values": [[counts.get((m, k), 0) for m, _ in columns] for k, _ in rows],
    }


def register_builtin_sections() -> None:
    register_section(
        "themes_by_area",
        order=10,
        title=gettext_lazy("Needs and themes by area"),
        build=themes_by_area,
        app="evaluation",
        help=gettext_lazy("What people came with, by the municipality of the place they came to."),
    )
    register_section(
        "themes_by_month",
        order=20,
        title=gettext_lazy("Needs and themes by month"),
        build=themes_by_month,
        app="evaluation",
    )
    register_section(
        "unmet_needs",
        order=30,
        title=gettext_lazy("Unmet needs: no suitable service"),
        build=unmet_needs_by_area,
        app="evaluation",
        help=gettext_lazy(
            "Themes of contacts where the person came back because no suitable service exists."
        ),
    )
    register_section(
        "failure_reasons",
        order=40,
        title=gettext_lazy("Why people come back: failure-demand reasons"),
        build=failure_reasons_by_area,
        app="evaluation",
    )


def report(filters: Filters) -> list[dict]:
    scope = filters.scope()
    comments = list(
        SocialReportComment.objects.filter(
            organisation_id__in=filters.organisation_ids,
            period_start__lt=filters.end,
            period_end__gte=filters.start,
        )
        .select_related("unit")
        .order_by("created_at")
    )
    # The built-in sections show three term sections: one query for all of them.
    aggregates.read_terms(scope, ("themes", "unmet_themes", "failure_reasons"))
    sections = []
    for section in report_sections():
        failed = False
        try:
            with transaction.atomic():  # a failing plug-in rolls back to here, not the page
                data = section.build(scope)
        except Exception:
            logger.exception("social report section %s failed", section.key)
            data, failed = None, True
        panel = None
        if data and data.get("rows") and data.get("columns"):
            table = count_table(
                section.key,
                str(section.title),
                str(data.get("row_label") or ""),
                data["rows"],
                data["columns"],
                data["values"],
            )
            panel = Panel(table)
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "help": section.help,
                "panel": panel,
                "failed": failed,
                "comments": [c for c in comments if c.section == section.key],
            }
        )
    return sections
