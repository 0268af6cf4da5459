"""Indicators as data (`data/indicators.json`) and their values.

An indicator names a registered source (and parameters) for its numerator and, for shares,
rates and means, its denominator. Its value for a group is numerator / denominator × scale; a
count indicator is the numerator alone. The honest states:

- NOT_MEASURABLE: a source it needs is not registered yet (e.g. client feedback before the
  channel app records it) — shown as "not measurable yet";
- NO_DATA: the sources exist but the group has nothing (no denominator) — shown as "no data",
  never 0;
- SUPPRESSED: a count behind it is a small number (see `suppression`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kohtaamo.core.i18n import pick
from kohtaamo.evaluation import suppression
from kohtaamo.evaluation.registry import Scope, get_source

logger = logging.getLogger(__name__)
DATA_FILE = Path(__file__).resolve().parent / "data" / "indicators.json"

OK = "ok"
NO_DATA = "no_data"
NOT_MEASURABLE = "not_measurable"
SUPPRESSED = "suppressed"

UNITS = {
    "share": _("share"),
    "rate": _("per contact"),
    "count": _("count"),
    "days": _("days"),
    "hours": _("hours"),
    "months": _("months"),
    "score": _("score"),
}
DIRECTIONS = {
    "higher_is_better": _("higher is better"),
    "lower_is_better": _("lower is better"),
    "context": _("read in context"),
}
# Units whose numerator is a count of contacts, people or referrals (checked for small numbers).
COUNT_NUMERATOR = ("share", "rate", "count")


@dataclass(frozen=True)
class Ref:
    source: str
    params: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def available(self) -> bool:
        return get_source(self.source) is not None

    def fetch(self, scope: Scope, group_by: str) -> dict:
        """The source's figures, fetched once per scope and grouping: many indicators share a
        numerator or denominator (e.g. all contacts), and a page asks for several groupings.
        Callers must not change the dict returned."""
        try:
            key = ("ref", self.source, tuple(sorted(self.params.items())), group_by)
            hash(key)
        except TypeError:
            key = None
        if key is not None and key in scope.cache:
            return scope.cache[key]
        result = self._fetch(scope, group_by)
        if key is not None:
            scope.cache[key] = result
        return result

    def _fetch(self, scope: Scope, group_by: str) -> dict:
        src = get_source(self.source)
        if src is None:
            return {}
        if src.app == "evaluation":
            return src.function(scope, group_by, **self.params) or {}
        try:
            with transaction.atomic():  # a failing plug-in rolls back to here, not the page
                return src.function(scope, group_by, **self.params) or {}
        except Exception:
            logger.exception("indicator source %s failed", self.source)
            return {}


@dataclass(frozen=True)
class Indicator:
    key: str
    name: dict
    formula: dict
    numerator: Ref
    denominator: Ref | None
    unit: str
    scale: float
    direction: str
    core_elements: tuple[str, ...]
    outcomes: tuple[str, ...]
    fidelity_dimension: str | None
    fidelity_target: float | None
    base: bool = False

    @property
    def label(self) -> str:
        return pick(self.name)

    @property
    def formula_text(self) -> str:
        return pick(self.formula)

    @property
    def unit_label(self) -> str:
        return str(UNITS.get(self.unit, self.unit))

    @property
    def direction_label(self) -> str:
        return str(DIRECTIONS.get(self.direction, self.direction))

    @property
    def measurable(self) -> bool:
        return self.numerator.available and (self.denominator is None or self.denominator.available)

    @property
    def sources(self) -> list[str]:
        return [r.source for r in (self.numerator, self.denominator) if r]


@dataclass(frozen=True)
class Value:
    indicator: Indicator
    status: str
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None

    @property
    def shown(self) -> bool:
        return self.status == OK

    @property
    def display(self) -> str:
        k = suppression.small_number_k()
        if self.status == NOT_MEASURABLE:
            return str(_("not measurable yet"))
        if self.status == NO_DATA:
            return str(_("no data"))
        if self.status == SUPPRESSED:
            return f"<{k}"
        return format_value(self.value, self.indicator.unit)

    @property
    def attainment(self) -> float | None:
        """How far the value reaches the fidelity target (0..1), or None."""
        target = self.indicator.fidelity_target
        if not self.shown or target in (None, 0) or self.value is None:
            return None
        if self.indicator.direction == "lower_is_better":
            return 1.0 if self.value <= target else max(0.0, target / self.value)
        return max(0.0, min(1.0, self.value / target))


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return str(_("no data"))
    if unit == "share":
        return f"{number_format(value * 100, decimal_pos=0)} %"
    if unit == "count":
        return number_format(round(value), decimal_pos=0, force_grouping=True)
    if unit in ("rate", "score"):
        return number_format(value, decimal_pos=2)
    return number_format(value, decimal_pos=1)


def _ref(spec: dict | None) -> Ref | None:
    if not spec:
        return None
    return Ref(spec["source"], dict(spec.get("params") or {}))


@cache
def definitions() -> dict[str, Indicator]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    result = {}
    for spec in data["indicators"]:
        fidelity = spec.get("fidelity") or {}
        result[spec["key"]] = Indicator(
            key=spec["key"],
            name=spec["name"],
            formula=spec["formula"],
            numerator=_ref(spec["numerator"]),
            denominator=_ref(spec.get("denominator")),
            unit=spec["unit"],
            scale=float(spec.get("scale", 1)),
            direction=spec.get("direction", "context"),
            core_elements=tuple(spec.get("core_elements", [])),
            outcomes=tuple(spec.get("outcomes", [])),
            fidelity_dimension=fidelity.get("dimension"),
            fidelity_target=fidelity.get("target"),
            base=bool(spec.get("base")),
        )
    return result


def get(key: str) -> Indicator | None:
    return definitions().get(key)


def values(indicator: Indicator, scope: Scope, group_by: str = "total") -> dict:
    """{group: Value}. Groups are those where a source reported anything."""
    k = suppression.small_number_k()
    if not indicator.measurable:
        return {}
    nums = indicator.numerator.fetch(scope, group_by)
    dens = indicator.denominator.fetch(scope, group_by) if indicator.denominator else None
    groups = set(nums) | set(dens or ())
    result = {}
    for group in groups:
        result[group] = _value(
            indicator, nums.get(group), dens.get(group) if dens is not None else None, k
        )
    return result


def value(indicator: Indicator, scope: Scope, group_by: str = "total", group=None) -> Value:
    """The value for one group, with NOT_MEASURABLE / NO_DATA when there is none."""
    if not indicator.measurable:
        return Value(indicator, NOT_MEASURABLE)
    return values(indicator, scope, group_by).get(group) or Value(indicator, NO_DATA)


def _value(indicator: Indicator, num, den, k: int) -> Value:
    if indicator.denominator is None:
        if num is None:
            return Value(indicator, NO_DATA)
        if indicator.unit in COUNT_NUMERATOR and suppression.is_small(round(num), k):
            return Value(indicator, SUPPRESSED, numerator=num)
        return Value(indicator, OK, value=num * indicator.scale, numerator=num)
    if not den:
        return Value(indicator, NO_DATA, numerator=num, denominator=den)
    num = num or 0
    small_num = indicator.unit in COUNT_NUMERATOR and suppression.is_small(round(num), k)
    if small_num or suppression.is_small(round(den), k):
        return Value(indicator, SUPPRESSED, numerator=num, denominator=den)
    return Value(indicator, OK, value=num / den * indicator.scale, numerator=num, denominator=den)
