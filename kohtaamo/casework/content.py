"""Content data of case management, read from `data/*.json` (each text in fi, sv and en):

- `variants.json`: the four PAKU variants and their default plan steps;
- `life_areas.json`: life areas of a need (assessment) and of a goal (plan);
- `appeal_instructions.json`: the appeal instructions frozen into a signed decision;
- `quality_criteria.json`: the PAKU quality criteria questionnaires (4 themes, 13 criteria).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from kohtaamo.core.i18n import pick

DATA = Path(__file__).resolve().parent / "data"


@cache
def _read(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def variants() -> list[dict]:
    return _read("variants.json")["variants"]


def variant(key: str) -> dict | None:
    return next((v for v in variants() if v["key"] == key), None)


def life_areas() -> list[dict]:
    return _read("life_areas.json")["areas"]


def life_area_choices() -> list[tuple[str, str]]:
    return [(a["key"], pick(a["label"])) for a in life_areas()]


def life_area_label(key: str) -> str:
    area = next((a for a in life_areas() if a["key"] == key), None)
    return pick(area["label"]) if area else key


def appeal_instructions(lang: str) -> str:
    data = _read("appeal_instructions.json")
    return (
        pick(data["text"], lang)
        .replace("{body}", pick(data["body"], lang))
        .replace("{contact}", pick(data["contact"], lang))
    )


def quality() -> dict:
    return _read("quality_criteria.json")


def quality_statements(rater: str) -> list[dict]:
    """[{key, text, criterion, theme}] in questionnaire order for one rater."""
    rows = []
    for theme in quality()["themes"]:
        for criterion in theme["criteria"]:
            for statement in criterion["statements"][rater]:
                rows.append(
                    {
                        "key": statement["key"],
                        "text": statement["text"],
                        "criterion": criterion["number"],
                        "theme": theme["key"],
                    }
                )
    return rows


def criteria() -> list[dict]:
    """[{number, text, plain, theme}] for the 13 criteria."""
    return [
        {"number": c["number"], "text": c["text"], "plain": c["plain"], "theme": t["key"]}
        for t in quality()["themes"]
        for c in t["criteria"]
    ]


def themes() -> list[dict]:
    return quality()["themes"]
