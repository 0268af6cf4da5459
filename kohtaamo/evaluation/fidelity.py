"""Fidelity (menetelmäuskollisuus): how far each core element of an adopted model was realised,
per unit (or county) and period, in four dimensions defined as data (`data/fidelity.json`):
adherence, dose, quality and participant responsiveness.

A dimension's score is the mean attainment of its indicators that have a value and a target
(attainment = value / target, capped at 1; for lower-is-better indicators target / value). What
cannot be scored says why: "not measurable yet" (no indicator, or no data source for any of
them), "no data" (sources exist, nothing recorded), "<k" (small numbers), or "values only"
(values exist but no target is set)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kohtaamo.core.i18n import pick
from kohtaamo.evaluation import indicators
from kohtaamo.evaluation.dashboards import Panel, unit_rows
from kohtaamo.evaluation.filters import Filters, adopted_unit_ids
from kohtaamo.evaluation.indicators import NO_DATA, NOT_MEASURABLE, OK, SUPPRESSED, Value
from kohtaamo.evaluation.models import Adoption, LogicModelVersion
from kohtaamo.evaluation.suppression import small_number_k
from kohtaamo.evaluation.tables import Cell, Row, Table, indicator_table

DATA_FILE = Path(__file__).resolve().parent / "data" / "fidelity.json"
DIMENSIONS = ("adherence", "dose", "quality", "responsiveness")
VALUES_ONLY = "values_only"


@cache
def definitions() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def dimension_label(key: str) -> str:
    return pick(definitions()["dimensions"].get(key)) or key


def element_dimensions(model_key: str, element_key: str) -> dict[str, list[str]]:
    spec = definitions()["models"].get(model_key, {}).get(element_key, {})
    return {d: list(spec.get(d, [])) for d in DIMENSIONS}


@dataclass
class Score:
    status: str
    score: float | None = None

    @property
    def cell(self) -> Cell:
        texts = {
            NOT_MEASURABLE: _("not measurable yet"),
            NO_DATA: _("no data"),
            SUPPRESSED: f"<{small_number_k()}",
            VALUES_ONLY: _("values only"),
        }
        if self.status == OK:
            return Cell(f"{number_format(self.score * 100, decimal_pos=0)} %", self.score, OK)
        return Cell(str(texts[self.status]), None, self.status)


def score(values: list[Value | None], measurable: bool) -> Score:
    if not measurable:
        return Score(NOT_MEASURABLE)
    present = [v for v in values if v is not None]
    attained = [v.attainment for v in present if v.attainment is not None]
    if attained:
        return Score(OK, sum(attained) / len(attained))
    if any(v.status == SUPPRESSED for v in present):
        return Score(SUPPRESSED)
    if any(v.status == OK for v in present):
        return Score(VALUES_ONLY)
    return Score(NO_DATA)


def combine(scores: list[Score]) -> Score:
    ok = [s.score for s in scores if s.status == OK]
    if ok:
        return Score(OK, sum(ok) / len(ok))
    for status in (SUPPRESSED, VALUES_ONLY, NO_DATA):
        if any(s.status == status for s in scores):
            return Score(status)
    return Score(NOT_MEASURABLE)


def version_for(model_key: str, organisation_ids) -> LogicModelVersion | None:
    """The version adopted in scope (the latest adoption), else the current one."""
    adoption = (
        Adoption.objects.in_organisations(organisation_ids)
        .filter(version__model__key=model_key)
        .select_related("version__model")
        .order_by("-started_on", "-id")
        .first()
    )
    if adoption:
        return adoption.version
    return LogicModelVersion.objects.filter(model__key=model_key, is_current=True).first()


def _columns(filters: Filters, model_key: str, compare: str):
    unit_ids = adopted_unit_ids(model_key, filters.organisation_ids, filters.start, filters.end)
    if filters.unit_ids is not None:
        unit_ids = tuple(u for u in unit_ids if u in filters.unit_ids)
    scope = filters.scope(unit_ids=unit_ids)
    if compare == "county":
        orgs = {u.organisation_id: u.organisation for u in filters.units if u.pk in unit_ids}
        columns = [(pk, org.name) for pk, org in sorted(orgs.items(), key=lambda kv: kv[1].name)]
        return scope, "organisation", columns
    return scope, "unit", unit_rows(filters, set(unit_ids))


def report(filters: Filters, model_key: str, compare: str = "unit") -> dict | None:
    version = version_for(model_key, filters.organisation_ids)
    if version is None:
        return None
    scope, group_by, columns = _columns(filters, model_key, compare)
    needed: dict[str, dict] = {}

    def values_of(key: str) -> dict:
        if key not in needed:
            ind = indicators.get(key)
            needed[key] = indicators.values(ind, scope, group_by) if ind else {}
        return needed[key]

    summary_rows, elements = [], []
    for element in version.elements("core_elements"):
        dims = element_dimensions(version.model.key, element["key"])
        dim_rows, per_column = [], {c: [] for c, _ in columns}
        detail_rows, detail_values = [], {}
        for dim in DIMENSIONS:
            keys = [k for k in dims[dim] if indicators.get(k)]
            measurable = any(indicators.get(k).measurable for k in keys)
            cells = []
            for col, _label in columns:
                s = score([values_of(k).get(col) for k in keys], measurable)
                per_column[col].append(s)
                cells.append(s.cell)
            dim_rows.append(Row(dim, dimension_label(dim), cells))
            for k in keys:
                ind = indicators.get(k)
                detail_rows.append((f"{dim}:{k}", f"{ind.label} ({dimension_label(dim)})"))
                for col, _label in columns:
                    detail_values[(f"{dim}:{k}", col)] = (
                        values_of(k).get(col) if ind.measurable else Value(ind, NOT_MEASURABLE)
                    )
        label = pick(element.get("label"))
        summary_rows.append(
            Row(element["key"], label, [combine(per_column[c]).cell for c, _ in columns])
        )
        elements.append(
            {
                "key": element["key"],
                "label": label,
                "description": pick(element.get("description")),
                "dimensions": Panel(
                    Table(
                        f"fidelity_{element['key']}",
                        _("Fidelity of “%(element)s”") % {"element": label},
                        _("Dimension"),
                        list(columns),
                        dim_rows,
                        kind="indicators",
                    )
                ),
                "details": Panel(
                    indicator_table(
                        f"fidelity_{element['key']}_indicators",
                        _("Indicators of “%(element)s”") % {"element": label},
                        _("Indicator"),
                        detail_rows,
                        columns,
                        detail_values,
                    )
                ),
            }
        )
    summary = Table(
        "fidelity_summary",
        _("Fidelity by core element"),
        _("Core element"),
        list(columns),
        summary_rows,
        kind="indicators",
        legend=[
            _(
                "The share is the mean attainment of the element's indicators against their "
                "targets, over adherence, dose, quality and participant responsiveness."
            )
        ],
    )
    outcome_rows, outcome_values, notes = [], {}, {}
    for outcome in version.elements("outcomes"):
        for key in version.indicator_keys("outcomes", outcome["key"]):
            ind = indicators.get(key)
            if ind is None:
                continue
            row_key = f"{outcome['key']}:{key}"
            outcome_rows.append((row_key, f"{pick(outcome.get('label'))}: {ind.label}"))
            notes[row_key] = ind.formula_text
            for col, _label in columns:
                outcome_values[(row_key, col)] = (
                    values_of(key).get(col) if ind.measurable else Value(ind, NOT_MEASURABLE)
                )
    outcomes = indicator_table(
        "outcomes",
        _("Outcomes"),
        _("Outcome and indicator"),
        outcome_rows,
        columns,
        outcome_values,
        row_notes=notes,
    )
    return {
        "version": version,
        "columns": columns,
        "summary": Panel(summary),
        "outcomes": Panel(outcomes),
        "elements": elements,
        "tables": [summary, outcomes]
        + [e["dimensions"].table for e in elements]
        + [e["details"].table for e in elements],
    }
