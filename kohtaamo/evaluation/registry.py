"""Pluggable data sources for indicators and sections of the social report.

An indicator (in `data/indicators.json`) names its numerator and denominator by *source key*.
A source is a plain function `source(scope, group_by) -> {group: number}`:

- `scope` is a `Scope` (organisations, optional units, channel, places, period [start, end));
- `group_by` is one of `GROUPS`: "total" (the key is None), "organisation" (id), "unit" (id or
  None), "month" ("YYYY-MM"), "channel" (key), "place" (id) or "area" (municipality);
- a group with no data is left out (the indicator shows "no data", never 0).

Apps add sources without importing evaluation (nothing imports from evaluation): a module
`kohtaamo/<app>/evaluation_sources.py` may define

    INDICATOR_SOURCES = {"feedback.heard_yes": heard_yes, ...}
    SOCIAL_REPORT_SECTIONS = [{"key": "observations", "order": 40, "title": _("..."),
                               "build": build_observations}]

and `autodiscover()` (run in `EvaluationConfig.ready`) registers them. A report section's `build(scope)`
returns `{"row_label", "rows": [(key, label)], "columns": [(key, label)], "values": [[int]]}` or
None; evaluation protects it with the small-number rule. See docs/evaluation.md.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps

logger = logging.getLogger(__name__)

GROUPS = ("total", "organisation", "unit", "month", "channel", "place", "area")


@dataclass(frozen=True)
class Scope:
    """What a figure is about. `end` is exclusive. `cache` lets sources share one query."""

    organisation_ids: tuple[int, ...]
    start: date
    end: date
    unit_ids: tuple[int, ...] | None = None
    channel: str | None = None
    place_ids: tuple[int, ...] | None = None
    cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def narrowed(self, **changes) -> Scope:
        values = {
            "organisation_ids": self.organisation_ids,
            "start": self.start,
            "end": self.end,
            "unit_ids": self.unit_ids,
            "channel": self.channel,
            "place_ids": self.place_ids,
            **changes,
        }
        return Scope(**values)


@dataclass(frozen=True)
class Source:
    key: str
    function: Callable
    app: str = ""


@dataclass(frozen=True)
class ReportSection:
    key: str
    order: int
    title: object
    build: Callable
    app: str = ""
    help: object = ""


_SOURCES: dict[str, Source] = {}
_SECTIONS: dict[str, ReportSection] = {}
_DISCOVERED = False


def register_source(key: str, function: Callable, *, app: str = "") -> None:
    _SOURCES[key] = Source(key, function, app)


def source(key: str, *, app: str = "evaluation"):
    """Decorator form for evaluation's own built-in sources."""

    def decorator(function):
        register_source(key, function, app=app)
        return function

    return decorator


def get_source(key: str | None) -> Source | None:
    return _SOURCES.get(key) if key else None


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


def register_section(
    key: str, *, order: int, title, build: Callable, app: str = "", help=""
) -> None:
    _SECTIONS[key] = ReportSection(key, order, title, build, app, help)


def report_sections() -> list[ReportSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def autodiscover() -> None:
    """Import `evaluation_sources` from every Kohtaamo app that has one."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    _DISCOVERED = True
    for config in apps.get_app_configs():
        if not config.name.startswith("kohtaamo.") or config.label == "evaluation":
            continue
        module_name = f"{config.name}.evaluation_sources"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        for key, function in getattr(module, "INDICATOR_SOURCES", {}).items():
            register_source(key, function, app=config.label)
        for spec in getattr(module, "SOCIAL_REPORT_SECTIONS", []):
            register_section(
                spec["key"],
                order=spec.get("order", 100),
                title=spec["title"],
                build=spec["build"],
                app=config.label,
                help=spec.get("help", ""),
            )
