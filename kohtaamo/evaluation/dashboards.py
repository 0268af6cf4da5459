"""The dashboards' tables, built from a `Filters`. Each function returns panels: a protected
table first, then a chart drawn from that same table. Exports rebuild the same panels, so a
figure hidden on screen is hidden in CSV and XLSX too."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kohtaamo.evaluation import aggregates, charts, indicators
from kohtaamo.evaluation.filters import Filters
from kohtaamo.evaluation.tables import Table, count_table, indicator_table

OVERVIEW_INDICATORS = (
    "contacts_count",
    "professional_counselling_share",
    "no_appointment_share",
    "needs_recorded_share",
    "initial_assessment_share",
    "listening_support_share",
    "guided_onward_share",
    "referrals_per_contact",
    "confirmed_arrival_rate",
    "felt_heard_share",
    "failure_demand_share",
    "repeat_contact_share",
    "unmet_need_share",
    "partner_response_time",
    "agreed_paths_in_force",
    "contacts_per_staff_hour",
)


@dataclass
class Panel:
    table: Table
    chart: object = None
    help: str = ""


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{int(month)}/{year}"


def unit_rows(filters: Filters, present) -> list[tuple[object, str]]:
    """Units in scope that have data, in order, then "no unit" if some rows have none."""
    many = len({u.organisation_id for u in filters.units}) > 1
    rows = [
        (u.pk, f"{u.organisation.name}: {u.name}" if many else u.name)
        for u in filters.units
        if u.pk in present
    ]
    if None in present:
        rows.append((None, _("No unit")))
    return rows


def _matrix(rows, columns, lookup) -> list[list[int]]:
    return [[int(lookup(r, c) or 0) for c, _ in columns] for r, _ in rows]


def contacts_by_unit_month(filters: Filters) -> Panel:
    scope = filters.scope()
    data = aggregates.encounter_measures(scope, "unit,month")
    rows = unit_rows(filters, {u for u, _ in data})
    columns = [(m, month_label(m)) for m in filters.months]
    table = count_table(
        "contacts_by_unit_month",
        _("Contacts by unit and month"),
        _("Unit"),
        rows,
        columns,
        _matrix(rows, columns, lambda r, c: data.get((r, c), {}).get("n")),
    )
    return Panel(table, charts.table_line(table, title=_("Contacts per month, all units")))


def indicator_panel(filters: Filters, keys=OVERVIEW_INDICATORS) -> Panel:
    scope = filters.scope()
    present = set(aggregates.encounter_measures(scope, "unit"))
    columns = unit_rows(filters, present)
    columns.append(("__all__", _("All")))
    cell_values = {}
    rows = []
    for key in keys:
        ind = indicators.get(key)
        if ind is None:
            continue
        rows.append((key, ind.label))
        by_unit = indicators.values(ind, scope, "unit")
        total = indicators.value(ind, scope, "total")
        for col, _label in columns:
            if col == "__all__":
                cell_values[(key, col)] = total
            elif not ind.measurable:
                cell_values[(key, col)] = indicators.Value(ind, indicators.NOT_MEASURABLE)
            else:
                cell_values[(key, col)] = by_unit.get(col)
    table = indicator_table(
        "indicators_by_unit",
        _("Indicators by unit"),
        _("Indicator"),
        rows,
        columns,
        cell_values,
        row_notes={k: indicators.get(k).formula_text for k, _ in rows},
    )
    return Panel(table)


def failure_demand_trend(filters: Filters) -> Panel:
    scope = filters.scope()
    keys = ("failure_demand_share", "repeat_contact_share", "unmet_need_share")
    columns = [(m, month_label(m)) for m in filters.months]
    cell_values, rows = {}, []
    for key in keys:
        ind = indicators.get(key)
        rows.append((key, ind.label))
        by_month = indicators.values(ind, scope, "month")
        for month, _label in columns:
            cell_values[(key, month)] = (
                by_month.get(month)
                if ind.measurable
                else indicators.Value(ind, indicators.NOT_MEASURABLE)
            )
    table = indicator_table(
        "failure_demand_trend",
        _("Failure demand by month"),
        _("Indicator"),
        rows,
        columns,
        cell_values,
    )
    chart = charts.table_line(
        table, table.rows[0], title=_("Failure demand, share of repeat contacts"), percent=True
    )
    return Panel(table, chart)


def overview(filters: Filters) -> list[Panel]:
    return [
        indicator_panel(filters),
        contacts_by_unit_month(filters),
        failure_demand_trend(filters),
    ]


def _channel_labels() -> dict:
    from kohtaamo.encounters.taxonomy import terms

    return {t.key: t.label for t in terms().get("channels", [])}


def _term_labels(section: str) -> list[tuple[str, str]]:
    from kohtaamo.encounters.taxonomy import terms

    return [(t.key, t.label) for t in terms().get(section, [])]


def contacts_by_channel_month(filters: Filters) -> Panel:
    data = aggregates.encounter_measures(filters.scope(), "channel,month")
    labels = _channel_labels()
    present = {c for c, _ in data}
    rows = [(k, v) for k, v in labels.items() if k in present]
    rows += [(k, k) for k in sorted(present - set(labels))]
    columns = [(m, month_label(m)) for m in filters.months]
    table = count_table(
        "contacts_by_channel_month",
        _("Contacts by channel and month"),
        _("Channel"),
        rows,
        columns,
        _matrix(rows, columns, lambda r, c: data.get((r, c), {}).get("n")),
    )
    return Panel(table, charts.table_bars(table, title=_("Contacts by channel")))


def themes_by_unit(filters: Filters) -> Panel:
    scope = filters.scope()
    counts = aggregates.term_counts(scope, "themes", "unit")
    present_units = {u for u, _ in counts}
    columns = unit_rows(filters, present_units)
    rows = [(k, label) for k, label in _term_labels("themes") if any(t == k for _, t in counts)]
    table = count_table(
        "themes_by_unit",
        _("Themes by unit"),
        _("Theme"),
        rows,
        columns,
        _matrix(rows, columns, lambda r, c: counts.get((c, r))),
    )
    return Panel(table, charts.table_bars(table, title=_("Contacts by theme")))


def identity_by_unit(filters: Filters) -> Panel:
    data = aggregates.encounter_measures(filters.scope(), "unit")
    columns = unit_rows(filters, set(data))
    from kohtaamo.encounters.models import Encounter

    rows = [(k, str(label)) for k, label in Encounter.IdentityLevel.choices]
    table = count_table(
        "identity_by_unit",
        _("Anonymous, pseudonymous and identified contacts by unit"),
        _("Identity"),
        rows,
        columns,
        _matrix(rows, columns, lambda r, c: data.get(c, {}).get(r)),
    )
    return Panel(table, charts.table_bars(table, title=_("Contacts by identity")))


def activity(filters: Filters) -> list[Panel]:
    return [contacts_by_channel_month(filters), themes_by_unit(filters), identity_by_unit(filters)]


DASHBOARDS = {
    "overview": overview,
    "activity": activity,
}


def find_table(panels: list[Panel], key: str) -> Table | None:
    return next((p.table for p in panels if p.table.key == key), None)
