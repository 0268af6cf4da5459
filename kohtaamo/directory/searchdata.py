"""The search's knowledge kept as data in `data/`: synonyms (how people type → official
vocabulary) and theme links (need theme → the services a social worker offers first)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kohtaamo.directory import text

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class SynonymEntry:
    terms: tuple[tuple[str, ...], ...]  # each term as its words' stems
    expand: tuple[str, ...]  # official phrases, as written
    themes: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def synonyms() -> dict[str, list[SynonymEntry]]:
    raw = json.loads((DATA_DIR / "synonyms.json").read_text(encoding="utf-8"))
    result: dict[str, list[SynonymEntry]] = {}
    for lang, entries in raw.items():
        result[lang] = [
            SynonymEntry(
                terms=tuple(
                    tuple(s for s in text.stems(term, lang)) for term in entry.get("terms", [])
                ),
                expand=tuple(entry.get("expand", [])),
                themes=tuple(entry.get("themes", [])),
            )
            for entry in entries
        ]
    return result


@lru_cache(maxsize=1)
def synonym_words() -> dict[str, set[str]]:
    """Every word of the synonym file, per language: part of the compound-splitting vocabulary."""
    raw = json.loads((DATA_DIR / "synonyms.json").read_text(encoding="utf-8"))
    return {
        lang: {
            w
            for entry in entries
            for phrase in [*entry.get("terms", []), *entry.get("expand", [])]
            for w in text.words(phrase)
        }
        for lang, entries in raw.items()
    }


@lru_cache(maxsize=1)
def theme_links() -> dict[str, list[str]]:
    """{theme key: [service slug, ...]} best first."""
    return json.loads((DATA_DIR / "theme_links.json").read_text(encoding="utf-8"))
