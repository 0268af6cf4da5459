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


def stem_key(stem: str) -> str:
    """Two stems can match (search._stem_matches: equal, or sharing a prefix of at least four
    letters) only if their keys are equal: the first four letters, or the whole of a shorter one."""
    return stem[:4]


@lru_cache(maxsize=1)
def synonym_keys() -> dict[str, dict[str, tuple[int, ...]]]:
    """{lang: {stem key: indexes of the entries with a term word of that key}}, so matching a
    query reads only the few entries that can match instead of the whole file."""
    result: dict[str, dict[str, tuple[int, ...]]] = {}
    for lang, entries in synonyms().items():
        keys: dict[str, set[int]] = {}
        for index, entry in enumerate(entries):
            for term in entry.terms:
                for word in term:
                    keys.setdefault(stem_key(word), set()).add(index)
        result[lang] = {key: tuple(sorted(found)) for key, found in keys.items()}
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
