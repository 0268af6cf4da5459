"""The desk's value lists (themes, support, results, failure reasons, channels, arrival, age
groups, genders) come from `data/taxonomy.json` and live in the `Term` table.

`load_taxonomy` runs after migrate (and after a test flush): it creates missing entries and never
overwrites an administrator's edits. `terms()` reads every active entry in one query.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TAXONOMY_FILE = Path(__file__).resolve().parent / "data" / "taxonomy.json"
SECTIONS = (
    "themes",
    "support",
    "results",
    "failure_reasons",
    "channels",
    "arrival",
    "age_bands",
    "genders",
)


@cache
def read_taxonomy() -> dict:
    return json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))


def load_taxonomy(**kwargs) -> int:
    from kohtaamo.encounters.models import Term

    data = read_taxonomy()
    existing = set(Term.objects.values_list("section", "key"))
    new = []
    for section in SECTIONS:
        for entry in data.get(section, []):
            if (section, entry["key"]) in existing:
                continue
            label, help_ = entry.get("label", {}), entry.get("help", {})
            new.append(
                Term(
                    section=section,
                    key=entry["key"],
                    label_fi=label.get("fi", entry["key"]),
                    label_sv=label.get("sv", ""),
                    label_en=label.get("en", ""),
                    help_fi=help_.get("fi", ""),
                    help_sv=help_.get("sv", ""),
                    help_en=help_.get("en", ""),
                    order=entry.get("order", 1000),
                    min_age=entry.get("min_age"),
                    max_age=entry.get("max_age"),
                )
            )
    Term.objects.bulk_create(new)
    return len(new)


def section_texts(section: str) -> dict:
    """The {label, help} of a section in fi/sv/en, for legends and help texts."""
    return read_taxonomy()["sections"].get(section, {})


def terms() -> dict[str, list]:
    """Active entries by section, ordered (one query)."""
    from kohtaamo.encounters.models import Term

    result: dict[str, list] = {s: [] for s in SECTIONS}
    for term in Term.objects.filter(active=True).order_by("section", "order", "key"):
        result.setdefault(term.section, []).append(term)
    return result
