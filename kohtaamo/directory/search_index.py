"""Keeping the search index in step with the directory. Called by every action that writes
services (imports, edits), never by signals.

Both databases index the same four weighted parts per language: name (A), keywords (B),
description and eligibility (C), and `search_extra_<lang>` (D: compound parts, organisation,
municipality and channel names).

- PostgreSQL: `directory_service.search_<lang>` tsvector columns (added by migration 0002, with
  GIN indexes, kept in the row by 0004), written in one UPDATE per 1,000 services from the
  Snowball stems of PyStemmer (the algorithms of the `finnish`/`swedish`/`english`
  configurations), weighted A-D.
- SQLite: FTS5 tables `directory_fts_<lang>` holding the same stems.

The vocabulary (`Term`) collects every word with its stem and document count; search uses it to
split compounds and correct misspellings.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from kohtaamo.directory import searchdata, text
from kohtaamo.directory.models import LANGS, Service, Term

CHUNK = 1000


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


SQLITE_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_fts_{lang} USING fts5("
    "name, keywords, body, extra, tokenize = 'unicode61 remove_diacritics 0')"
)


def analyse_tables() -> None:
    """Planner statistics for the search tables (PostgreSQL ANALYZE, SQLite ANALYZE)."""
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("ANALYZE directory_service, directory_term")
        else:
            cursor.execute("ANALYZE directory_service")


def ensure_sqlite_tables() -> None:
    """The FTS5 tables come with migration 0002; a database built without migrations (or an
    older file) gets them here, so search never fails for a missing table."""
    if is_postgres():
        return
    with connection.cursor() as cursor:
        for lang in LANGS:
            cursor.execute(SQLITE_FTS.format(lang=lang))


TEXT_FIELDS = [
    f"{name}_{lang}"
    for name in ("name", "keywords", "description", "eligibility")
    for lang in LANGS
]


def service_texts(service: Service, lang: str) -> dict[str, str]:
    """The four weighted parts of one service in one language (extra without compound parts)."""
    row = {f: getattr(service, f) for f in TEXT_FIELDS}
    org = service.organisation
    row.update({f"org_{lang}": getattr(org, f"name_{lang}") for lang in LANGS})
    row["municipality"] = service.municipality
    channels = [
        {f"name_{lang}": getattr(c, f"name_{lang}") for lang in LANGS}
        for c in service.channels.all()
    ]
    return _texts(row, channels, lang)


def _texts(row: dict, channels: list[dict], lang: str) -> dict[str, str]:
    channel_names = " ".join(c[f"name_{lang}"] for c in channels)
    org_name = row[f"org_{lang}"] or row["org_fi"]
    return {
        "name": row[f"name_{lang}"],
        "keywords": row[f"keywords_{lang}"].replace("\n", " ; "),
        "body": f"{row[f'description_{lang}']} {row[f'eligibility_{lang}']}",
        "extra": f"{org_name} {row['municipality']} {channel_names}",
    }


def _compound_parts(words: Iterable[str], vocab: text.Vocabulary, cache: dict) -> list[str]:
    parts: list[str] = []
    for word in set(words):
        if word not in cache:
            cache[word] = vocab.split(word)
        parts.extend(cache[word])
    return parts


def _load(ids: list[int] | None) -> dict[int, dict[str, dict[str, str]]]:
    """{service id: {lang: texts}} in two queries (services, channel names)."""
    from kohtaamo.directory.models import Channel

    fields = [*TEXT_FIELDS, "municipality", *(f"organisation__name_{lang}" for lang in LANGS)]
    services = Service.objects.order_by("id")
    channels = Channel.objects.order_by("service_id", "order", "id")
    if ids is not None:
        services = services.filter(id__in=ids)
        channels = channels.filter(service_id__in=ids)
    names: dict[int, list[dict]] = {}
    for sid, *values in channels.values_list("service_id", *(f"name_{lang}" for lang in LANGS)):
        names.setdefault(sid, []).append(
            dict(zip((f"name_{lang}" for lang in LANGS), values, strict=True))
        )
    result = {}
    for sid, *values in services.values_list("id", *fields).iterator(chunk_size=2000):
        row = dict(zip(fields, values, strict=True))
        for lang in LANGS:
            row[f"org_{lang}"] = row.pop(f"organisation__name_{lang}")
        result[sid] = {lang: _texts(row, names.get(sid, []), lang) for lang in LANGS}
    return result


@transaction.atomic
def reindex(
    service_ids: Iterable[int] | None = None, *, progress: Callable[[int], None] | None = None
) -> int:
    """Rebuild the index of the given services (all when None); returns how many."""
    ids = None if service_ids is None else sorted(set(service_ids))
    if ids is not None and not ids:
        return 0
    ensure_sqlite_tables()
    loaded: dict[int, dict[str, dict[str, str]]] = {}
    for start in range(0, len(ids), 20_000) if ids is not None else [None]:
        loaded.update(_load(None if start is None else ids[start : start + 20_000]))
    # The vocabulary first: compound parts are split against all words known.
    counts: dict[str, Counter] = {lang: Counter() for lang in LANGS}
    words: dict[tuple[int, str], list[str]] = {}
    for sid, by_lang in loaded.items():
        for lang, parts in by_lang.items():
            found = [w for value in parts.values() for w in text.words(value)]
            words[(sid, lang)] = found
            counts[lang].update(set(found))
    _store_terms(counts, full=ids is None)
    vocabs = {lang: vocabulary(lang, refresh=True) for lang in LANGS}
    split_cache: dict[str, dict[str, list[str]]] = {lang: {} for lang in LANGS}
    done = 0
    order = sorted(loaded)
    for start in range(0, len(order), CHUNK):
        chunk = order[start : start + CHUNK]
        rows = []
        for sid in chunk:
            by_lang = loaded[sid]
            for lang in LANGS:
                parts = _compound_parts(words[(sid, lang)], vocabs[lang], split_cache[lang])
                by_lang[lang]["extra"] = (
                    f"{by_lang[lang]['extra']} {' '.join(sorted(parts))}".strip()
                )
            rows.append((sid, by_lang))
        extras = [(sid, t["fi"]["extra"], t["sv"]["extra"], t["en"]["extra"]) for sid, t in rows]
        if is_postgres():
            _write_postgres(rows)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE directory_service SET search_extra_fi = %s, search_extra_sv = %s, "
                    "search_extra_en = %s WHERE id = %s",
                    [(fi, sv, en, sid) for sid, fi, sv, en in extras],
                )
            _write_sqlite(rows)
        done += len(rows)
        if progress:
            progress(done)
    return done


def _store_terms(counts: dict[str, Counter], *, full: bool) -> None:
    """New words into the vocabulary (all anew when `full`): one array INSERT per language on
    PostgreSQL, one prepared statement on SQLite; known words are read with one query."""
    if full:
        Term.objects.all().delete()
    for lang, counter in counts.items():
        if full or not counter:
            known: set[str] = set()
        elif len(counter) > 1000:  # a big import: the language's whole list is one cheap read
            known = set(Term.objects.filter(lang=lang).values_list("word", flat=True))
        else:
            known = set(
                Term.objects.filter(lang=lang, word__in=list(counter)).values_list(
                    "word", flat=True
                )
            )
        fresh = [(w[:80], text.stem(w, lang)[:80], n) for w, n in counter.items() if w not in known]
        if not fresh:
            continue
        with connection.cursor() as cursor:
            if is_postgres():
                cursor.execute(
                    "INSERT INTO directory_term (lang, word, stem, documents) "
                    "SELECT %s, * FROM unnest(%s::text[], %s::text[], %s::int[]) "
                    "ON CONFLICT DO NOTHING",
                    [lang, *(list(column) for column in zip(*fresh, strict=True))],
                )
            else:
                cursor.executemany(
                    "INSERT OR IGNORE INTO directory_term (lang, word, stem, documents) "
                    "VALUES (%s, %s, %s, %s)",
                    [(lang, *row) for row in fresh],
                )


def remove(service_ids: Iterable[int]) -> None:
    """Drop deleted services from the SQLite index (PostgreSQL's columns go with the row)."""
    ids = list(service_ids)
    if ids and not is_postgres():
        with connection.cursor() as cursor:
            for lang in LANGS:
                cursor.execute(
                    f"DELETE FROM directory_fts_{lang} WHERE rowid IN ({','.join(['%s'] * len(ids))})",  # noqa: S608 (lang is ours)
                    ids,
                )


def _write_sqlite(rows) -> None:
    ids = [sid for sid, _ in rows]
    remove(ids)
    with connection.cursor() as cursor:
        for lang in LANGS:
            cursor.executemany(
                f"INSERT INTO directory_fts_{lang} (rowid, name, keywords, body, extra) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s)",
                [
                    (
                        sid,
                        *(
                            " ".join(text.stems(t[lang][f], lang))
                            for f in ("name", "keywords", "body", "extra")
                        ),
                    )
                    for sid, t in rows
                ],
            )


WEIGHTS = (("name", "A"), ("keywords", "B"), ("body", "C"), ("extra", "D"))


def tsvector_text(parts: dict[str, str], lang: str) -> str:
    """The weighted tsvector of one service's texts, written out: the same Snowball stems the
    SQLite index holds (PyStemmer), name A, keywords B, body C, extra D. Built here rather than
    by `to_tsvector` so both databases index the same words, and the server only parses it."""
    positions: dict[str, list[str]] = {}
    position = 0
    for part, weight in WEIGHTS:
        for stem in text.stems(parts[part], lang):
            position = min(position + 1, 16383)  # PostgreSQL's largest position
            found = positions.setdefault(stem, [])
            if len(found) < 256:  # and the most positions a lexeme keeps
                found.append(f"{position}{weight}")
    # stems are word characters only (text.words), so they need no escaping inside quotes
    return " ".join(f"'{stem}':{','.join(p)}" for stem, p in positions.items() if len(stem) < 1000)


def _write_postgres(rows) -> None:
    """One UPDATE per chunk, with seven array parameters: the extra words and the three
    tsvectors of each service."""
    columns: list[list] = [[] for _ in range(7)]
    for sid, by_lang in rows:
        columns[0].append(sid)
        for i, lang in enumerate(LANGS):
            columns[1 + i].append(by_lang[lang]["extra"])
            columns[4 + i].append(tsvector_text(by_lang[lang], lang))
    sets = ", ".join(
        f"search_extra_{lang} = v.extra_{lang}, search_{lang} = v.vector_{lang}::tsvector"
        for lang in LANGS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE directory_service AS s SET {sets} "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], "
            "%s::text[], %s::text[]) AS v(id, extra_fi, extra_sv, extra_en, vector_fi, "
            "vector_sv, vector_en) WHERE s.id = v.id",
            columns,
        )


# The vocabulary, cached per process and rebuilt when the Term table changes ------------------

_VOCAB_CACHE: dict[str, tuple[tuple, text.Vocabulary]] = {}
_CHECKED: dict[str, float] = {}
VOCAB_CHECK_SECONDS = 10  # how often a process looks whether another one changed the index


def _vocab_version(lang: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM directory_term WHERE lang = %s", [lang]
        )
        return tuple(cursor.fetchone())


def vocabulary(lang: str, *, refresh: bool = False) -> text.Vocabulary:
    cached = _VOCAB_CACHE.get(lang)
    now = time.monotonic()
    if cached and not refresh and now - _CHECKED.get(lang, 0) < VOCAB_CHECK_SECONDS:
        return cached[1]
    version = _vocab_version(lang)
    _CHECKED[lang] = now
    if cached and cached[0] == version and not refresh:
        return cached[1]
    indexed = list(Term.objects.filter(lang=lang).values_list("word", "stem", "documents"))
    documents: dict[str, int] = {}
    for _word, stem, count in indexed:
        documents[stem] = max(documents.get(stem, 0), count)
    vocab = text.Vocabulary(
        lang,
        [*(w for w, _s, _n in indexed), *searchdata.synonym_words().get(lang, ())],
        documents=documents,
        total=Service.objects.count(),
    )
    _VOCAB_CACHE[lang] = (version, vocab)
    return vocab
