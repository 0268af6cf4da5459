"""Directory search that understands everyday Finnish (and Swedish and English).

`search_services(query, lang=..., filters=..., limit=...)` is the one entry point (staff pages,
the public service finder, the API, the benchmark). Steps, the same on both databases:

1. Analyse the query (`analyse`): cap at 200 characters, drop control characters, split into
   words, drop stop words ("ei oo", "mitä voin tehdä"), stem (Snowball), split compounds into
   known parts ("velkaneuvontaa" → velka + neuvontaa), correct misspellings against the
   vocabulary (pg_trgm's trigram similarity, computed in Python on both databases), and
   expand with the synonym file ("vuokrat rästissä" → asumisneuvonta, vuokravelka, ...).
2. Ask the database: full-text search over the same Snowball stems (PostgreSQL weighted tsvector
   columns with GIN indexes, ranked as a sum of idf × ts_rank per term; SQLite FTS5 with bm25)
   for the person's own words and for each synonym entry, in the asked language and, with less
   weight, the two others.
3. Combine deterministically: each query's scores are divided by its best score, weighted and
   added; services linked to the need's theme (`theme_links.json`) get a boost; ties go by name
   and id. Filters (open now, municipality, language, free, anonymous, no appointment) are then
   applied to the candidates.

No query raises: operators, quotes, emojis and NUL bytes are only ever words or nothing.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from kohtaamo.directory import search_index, searchdata, text
from kohtaamo.directory.models import LANGS, Schedule, Service

CANDIDATES = 200  # rows asked from each full-text query
MAX_MATCHES = 1500  # services a full-text query may have to rank (see prune)
ENOUGH_CANDIDATES = 60  # the other languages are searched only below this many candidates
OWN_WEIGHT = 1.0  # the person's own words (and their compound parts and corrections)
SYNONYM_WEIGHT = 0.8  # each matched synonym entry
OTHER_LANGUAGE_WEIGHT = 0.35  # the same words in the two other languages' texts
MAX_SYNONYM_ENTRIES = 6
MAX_CORRECTIONS = 3  # misspelt words looked up per query
THEME_BOOST = 0.35  # the services linked to the query's need theme
FEEDBACK_DOCS = 8  # the need theme is read from this many best text matches
FEEDBACK_SHARE = 0.25


@dataclass(frozen=True)
class Filters:
    open_now: bool = False
    municipality: str = ""
    language: str = ""
    free_of_charge: bool = False
    anonymous_allowed: bool = False
    no_appointment: bool = False
    at: datetime.datetime | None = None  # "open now" at this moment (tests); default: now

    @property
    def active(self) -> bool:
        return any(
            (
                self.open_now,
                self.municipality,
                self.language,
                self.free_of_charge,
                self.anonymous_allowed,
                self.no_appointment,
            )
        )


@dataclass(frozen=True)
class QueryTerm:
    stem: str
    weight: float
    prefix: bool
    source: str  # word, part, fuzzy, synonym


@dataclass
class Analysis:
    lang: str
    words: list[str]
    own: list[QueryTerm] = field(default_factory=list)
    # one (language, terms) per matched synonym entry
    synonyms: list[tuple[str, list[QueryTerm]]] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.own and not any(terms for _lang, terms in self.synonyms)


@dataclass
class Hit:
    service: Service
    score: float


def _term(stem: str, weight: float, source: str) -> QueryTerm:
    # Snowball stems of one word vary with the ending ('neuvonta' → neuvon, 'neuvontaa' →
    # neuvont): a stem of five letters or more is matched as a prefix one letter shorter.
    if len(stem) >= 5:
        return QueryTerm(stem[:-1], weight, True, source)
    return QueryTerm(stem, weight, False, source)


def _stem_matches(a: str, b: str) -> bool:
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < 4:
        return False
    need = max(4, shorter - 1)
    return a[:need] == b[:need]


def _synonym_hits(lang: str, query_stems: list[str]) -> list[searchdata.SynonymEntry]:
    """Entries with a term whose every word is in the query. Where one entry matched only a part
    of the words another matched ("seuraa" vs "seuraa mua"), the longer match wins."""
    matched: list[tuple[searchdata.SynonymEntry, frozenset[int]]] = []
    entries = searchdata.synonyms().get(lang, [])
    # only the entries sharing a word key with the query can match (see _stem_matches)
    by_key = searchdata.synonym_keys().get(lang, {})
    candidates = sorted({i for q in query_stems for i in by_key.get(searchdata.stem_key(q), ())})
    for entry in (entries[i] for i in candidates):
        best: frozenset[int] = frozenset()
        for term in entry.terms:
            positions = []
            for t in term:
                found = [i for i, q in enumerate(query_stems) if _stem_matches(t, q)]
                if not found:
                    break
                positions.append(found[0])
            else:
                if term and len(set(positions)) > len(best):
                    best = frozenset(positions)
        if best:
            matched.append((entry, best))
    return [entry for entry, words in matched if not any(words < other for _e, other in matched)]


def analyse(query: str, *, lang: str) -> Analysis:
    lang = lang if lang in LANGS else "fi"
    raw_words = [
        w for w in text.words(text.normalise(query, limit=text.MAX_QUERY_CHARS)) if len(w) <= 40
    ][:40]
    analysis = Analysis(lang=lang, words=raw_words)
    if not raw_words:
        return analysis
    vocab = search_index.vocabulary(lang)
    own: dict[str, QueryTerm] = {}

    def add(bucket: dict, term: QueryTerm) -> None:
        if len(term.stem) >= 3 and (
            term.stem not in bucket or bucket[term.stem].weight < term.weight
        ):
            bucket[term.stem] = term

    all_stems = []
    fuzzy_left = MAX_CORRECTIONS
    for word in raw_words:
        stem = text.stem(word, lang)
        all_stems.append(stem)
        if text.is_stopword(word, lang) or len(word) < 2:
            continue
        add(own, _term(stem, 1.0, "word"))
        parts = vocab.split(word)
        for part in parts:
            add(own, _term(text.stem(part, lang), 0.6, "part"))
        if not parts and not vocab.knows(word) and len(word) >= 4 and fuzzy_left > 0:
            fuzzy_left -= 1  # at most MAX_CORRECTIONS look-ups a query
            for fixed, similarity in _nearest(vocab, word, lang):
                stem_fixed = text.stem(fixed, lang)
                all_stems.append(stem_fixed)
                add(own, _term(stem_fixed, 0.8 * similarity, "fuzzy"))
    themes: list[str] = []
    groups: list[tuple[str, list[QueryTerm]]] = []
    # Synonyms of the asked language, then of the others: a Finnish query typed while the page
    # is in English (or an English one in Finnish) is still understood, in its own index.
    for entry_lang in (lang, *(other for other in LANGS if other != lang)):
        entry_stems = (
            all_stems if entry_lang == lang else [text.stem(w, entry_lang) for w in raw_words]
        )
        entry_vocab = vocab if entry_lang == lang else search_index.vocabulary(entry_lang)
        for entry in _synonym_hits(entry_lang, entry_stems)[:MAX_SYNONYM_ENTRIES]:
            themes += [t for t in entry.themes if t not in themes]
            expanded: dict[str, QueryTerm] = {}
            for phrase in entry.expand:
                for word in text.words(phrase):
                    stem = text.stem(word, entry_lang)
                    if (
                        len(word) < 3
                        or text.is_stopword(word, entry_lang)
                        or entry_vocab.is_common(stem)
                    ):
                        continue
                    add(expanded, _term(stem, 1.0, "synonym"))
            if expanded:
                groups.append((entry_lang, sorted(expanded.values(), key=lambda t: t.stem)))
        if groups:
            break  # the first language whose synonyms match is the query's language
    analysis.own = sorted(own.values(), key=lambda t: t.stem)
    analysis.synonyms = groups
    analysis.themes = themes
    return analysis


def _nearest(vocab: text.Vocabulary, word: str, lang: str) -> list[tuple[str, float]]:
    """Known words like a misspelt one: pg_trgm's similarity, computed in Python over the
    cached vocabulary on both databases (the same answers, and no round trip)."""
    return vocab.nearest(word)


# The database's part -------------------------------------------------------------------------


def _fts_sqlite(lang: str, terms: list[QueryTerm], limit: int) -> dict[int, float]:
    expression = " OR ".join(f'"{t.stem}"*' if t.prefix else f'"{t.stem}"' for t in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, bm25(directory_fts_{lang}, 10.0, 6.0, 2.0, 1.0) AS r "  # noqa: S608
            f"FROM directory_fts_{lang} WHERE directory_fts_{lang} MATCH %s ORDER BY r LIMIT %s",
            [expression, limit],
        )
        return {row: -score for row, score in cursor.fetchall()}


def _fts_postgres(lang: str, terms: list[QueryTerm], limit: int) -> dict[int, float]:
    return _fts_postgres_groups(lang, [(1.0, terms)], limit=limit)


def prune(lang: str, terms: list[QueryTerm], *, max_matches: int = 0) -> list[QueryTerm]:
    """Keep the rarest terms while together they match at most MAX_MATCHES services: a word in
    thousands of services ranks little and costs much (ranking reads every match). Never prunes
    on small directories such as the demo."""
    vocab = search_index.vocabulary(lang)
    with_df = sorted(
        ((vocab.df(t.stem, prefix=t.prefix), t.stem, t) for t in terms), key=lambda x: x[:2]
    )
    kept, matches = [], 0
    for df, _stem, term in with_df:
        if kept and matches + df > (max_matches or MAX_MATCHES):
            break
        kept.append(term)
        matches += df
    return kept


def full_text(
    lang: str, terms: list[QueryTerm], limit: int = CANDIDATES, *, max_matches: int = 0
) -> dict[int, float]:
    terms = [t for t in terms if t.stem.isalnum()]  # only word characters reach the database
    if not terms:
        return {}
    terms = prune(lang, terms, max_matches=max_matches)
    if search_index.is_postgres():
        return _fts_postgres(lang, terms, limit)
    try:
        return _fts_sqlite(lang, terms, limit)
    except OperationalError:  # no index yet (a database made without migrations)
        search_index.ensure_sqlite_tables()
        return _fts_sqlite(lang, terms, limit)


# Ranking -------------------------------------------------------------------------------------


def _own_terms_in(analysis: Analysis, lang: str) -> list[QueryTerm]:
    """The query's own terms for the index of `lang`: in another language's index, without the
    words that are stop words there ("and", "about" of an English query typed while the page is
    in Finnish match thousands of English texts and say nothing)."""
    if lang == analysis.lang:
        return analysis.own
    stop = {
        _term(text.stem(word, analysis.lang), 1.0, "").stem
        for word in analysis.words
        if text.is_stopword(word, lang)
    }
    return [t for t in analysis.own if t.stem not in stop]


@contextmanager
def _matches_through_index():
    """PostgreSQL: the full-text queries inside read their matches through the GIN index. The
    planner underrates what `@@` costs per row on these long vectors, and when a common word
    matches a fifth of a large directory it reads the whole table instead, at twice the time
    (bench/directory.py). Set once for a whole search, and put back afterwards, so that the rest
    of a caller's transaction plans as usual."""
    if not search_index.is_postgres():
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        (before,) = cursor.fetchone()
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])


def score_candidates(analysis: Analysis) -> dict[int, float]:
    """Raw BM25 (SQLite) or idf-weighted ts_rank (PostgreSQL) values of one index are on one
    scale, so a service that matches rare words of several groups rises above one that matches
    a common word of one."""
    with _matches_through_index():
        return _score_candidates(analysis)


def _score_candidates(analysis: Analysis) -> dict[int, float]:
    scores: dict[int, float] = defaultdict(float)
    for lang in (analysis.lang, *(other for other in LANGS if other != analysis.lang)):
        if lang != analysis.lang and len(scores) >= ENOUGH_CANDIDATES:
            break  # the asked language found plenty; the others would only add cost
        factor = 1.0 if lang == analysis.lang else OTHER_LANGUAGE_WEIGHT
        groups = [(OWN_WEIGHT * factor, _own_terms_in(analysis, lang))]
        groups += [
            (SYNONYM_WEIGHT, terms) for entry_lang, terms in analysis.synonyms if entry_lang == lang
        ]
        groups = [(w, [t for t in terms if t.stem.isalnum()]) for w, terms in groups]
        groups = [(w, terms) for w, terms in groups if terms]
        if not groups:
            continue
        budget = MAX_MATCHES if lang == analysis.lang else MAX_MATCHES // 3
        if search_index.is_postgres():
            # one query per language: the heap is read once for all groups
            for service_id, value in _fts_postgres_groups(lang, groups, budget).items():
                scores[service_id] += value
            continue
        for weight, terms in groups:
            for service_id, value in full_text(lang, terms, max_matches=budget).items():
                scores[service_id] += weight * value
    return scores


# ts_rank's weights of {D, C, B, A} = extra, body, keywords, name: what SQLite's bm25 column
# weights (1, 2, 6, 10) come to for one occurrence once BM25 has saturated the count
# (w·2.2 / (w + 1.2): 1.0, 1.4, 1.8, 2.0), so both databases weigh name against text alike.
PG_RANK_WEIGHTS = "{0.5, 0.7, 0.9, 1.0}"
RANK_ALL_COST = 8000  # matches × terms ranked term by term at most; above, PRE_RANK first
PRE_RANK = 500
PG_RANK_NORM = 1  # divided by 1 + log(length): a long text ranks lower, as with BM25's b


def _fts_postgres_groups(
    lang: str,
    groups: list[tuple[float, list[QueryTerm]]],
    budget: int = MAX_MATCHES,
    *,
    limit: int = CANDIDATES,
) -> dict[int, float]:
    """All groups of one language in one statement, ranked the way SQLite's BM25 ranks: a sum
    over the query terms of group weight × idf × the term's (saturating) ts_rank. Each group's
    terms are pruned on their own (rarest first, as `full_text` does on SQLite), so each group
    brings at most about `budget` rows to rank."""
    vocab = search_index.vocabulary(lang)
    weights: dict[QueryTerm, float] = defaultdict(float)
    for weight, terms in groups:
        for t in prune(lang, terms, max_matches=budget):
            key = QueryTerm(t.stem, 0.0, t.prefix, "")
            weights[key] += weight * vocab.idf(t.stem, prefix=t.prefix)
    if not weights:
        return {}
    terms = sorted(weights, key=lambda t: (t.stem, t.prefix))

    def expression(items):
        return " | ".join(f"{t.stem}:*" if t.prefix else t.stem for t in items)

    ranks = " + ".join(
        f"%s * ts_rank('{PG_RANK_WEIGHTS}', search_{lang}, to_tsquery('simple', %s), {PG_RANK_NORM})"
        for _ in terms
    )
    params: list = []
    for t in terms:
        params += [round(weights[t], 4), expression([t])]
    everything = expression(terms)
    matches = sum(vocab.df(t.stem, prefix=t.prefix) for t in terms)
    if matches * len(terms) <= RANK_ALL_COST:
        source = f"directory_service WHERE search_{lang} @@ to_tsquery('simple', %s)"
        source_params = [everything]
    else:
        # many matches × many terms: one ts_rank over all the terms picks the rows worth the
        # term-by-term rank (the best PRE_RANK), so the work stays bounded
        source = (
            f"(SELECT id, search_{lang} FROM directory_service "  # noqa: S608 (ours; terms are parameters)
            f"WHERE search_{lang} @@ to_tsquery('simple', %s) "
            f"ORDER BY ts_rank('{PG_RANK_WEIGHTS}', search_{lang}, to_tsquery('simple', %s), "
            f"{PG_RANK_NORM}) DESC, id LIMIT %s) AS m"
        )
        source_params = [everything, everything, PRE_RANK]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {ranks} AS r FROM {source} ORDER BY r DESC, id LIMIT %s",  # noqa: S608 (lang is ours; terms are parameters)
            [*params, *source_params, limit],
        )
        return {row: float(score) for row, score in cursor.fetchall()}


def need_themes(scores: dict[int, float], analysis: Analysis) -> list[str]:
    """The query's need themes: from the synonym file, and read from the themes of the best text
    matches (each match votes with its score, split over its themes)."""
    themes = list(analysis.themes)
    top = sorted(scores, key=lambda sid: (-scores[sid], sid))[:FEEDBACK_DOCS]
    votes: dict[str, float] = defaultdict(float)
    for sid, service_themes in Service.objects.filter(pk__in=top).values_list("id", "themes"):
        for theme in service_themes or []:
            votes[theme] += scores[sid] / len(service_themes)
    total = sum(votes.values())
    for theme, vote in sorted(votes.items(), key=lambda tv: (-tv[1], tv[0]))[:2]:
        if total and vote / total >= FEEDBACK_SHARE and theme not in themes:
            themes.append(theme)
    return themes


def apply_theme_links(scores: dict[int, float], themes: list[str]) -> None:
    """Services linked to a need theme (`theme_links.json`, best first; slugs or HSDS ids) get a
    boost that falls with their place in the list, and join the candidates."""
    links = searchdata.theme_links()
    wanted = {ref for theme in themes for ref in links.get(theme, [])}
    if not wanted:
        return
    ids: dict[str, int] = {}
    # the set slugs have their own index (most imported services have none)
    found = Q(slug__in=wanted) & ~Q(slug="")
    uuids = [w for w in wanted if _is_uuid(w)]
    if uuids:
        found |= Q(hsds_id__in=uuids)
    for pk, slug, hsds_id in (
        Service.objects.filter(found).order_by().values_list("id", "slug", "hsds_id")
    ):
        ids[slug] = ids[str(hsds_id)] = pk
    scale = max(scores.values(), default=0.0) or 1.0
    for theme in themes:
        linked = links.get(theme, [])
        for rank, ref in enumerate(linked):
            if ref in ids:
                boost = scale * THEME_BOOST * (1 - rank / (2 * len(linked)))
                scores[ids[ref]] = scores.get(ids[ref], 0.0) + boost


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def search_services(
    query: str, *, lang: str = "fi", filters: Filters | None = None, limit: int = 10
) -> list[Hit]:
    """Ranked services for an everyday description of a need; [] for an empty query."""
    limit = max(1, min(int(limit or 10), 100))
    analysis = analyse(query or "", lang=lang)
    if analysis.empty:
        return []
    scores = score_candidates(analysis)
    apply_theme_links(scores, need_themes(scores, analysis))
    if not scores:
        return []
    ranked = sorted(scores, key=lambda sid: (-round(scores[sid], 9), sid))
    # the index's own columns are never shown: not read
    rows = (
        Service.objects.select_related("organisation")
        .defer("import_hashes", *(f"search_extra_{lang}" for lang in LANGS))
        .order_by()
    )
    services: dict[int, Service] = {}
    if filters is None or not filters.active:
        # the common path: the best candidates read once, active ones kept (one query)
        head = ranked[: limit + 5]
        services = {s.pk: s for s in rows.active().filter(pk__in=head)}
        top = [sid for sid in head if sid in services][:limit]
        if len(top) < limit and len(head) < len(ranked):
            services = {}  # many inactive among the best: read the whole list below
    if not services:
        allowed = set(
            filter_services(Service.objects.active().filter(pk__in=ranked), filters).values_list(
                "pk", flat=True
            )
        )
        top = [sid for sid in ranked if sid in allowed][:limit]
        services = rows.in_bulk(top)
    top.sort(
        key=lambda sid: (-round(scores[sid], 9), services[sid].name_fi, str(services[sid].hsds_id))
    )
    best = scores[top[0]] if top else 1.0
    return [Hit(services[sid], round(scores[sid] / best, 4)) for sid in top]


# Filters -------------------------------------------------------------------------------------


def filter_services(qs, filters: Filters | None):
    if filters is None or not filters.active:
        return qs
    if filters.municipality:
        qs = qs.filter(
            Q(municipality__iexact=filters.municipality)
            | Q(coverage__in=[Service.Coverage.COUNTY, Service.Coverage.NATIONWIDE])
        )
    if filters.language:
        qs = qs.filter(languages__code=filters.language)
    if filters.free_of_charge:
        qs = qs.filter(free_of_charge=True)
    if filters.anonymous_allowed:
        qs = qs.filter(anonymous_allowed=True)
    if filters.no_appointment:
        qs = qs.filter(no_appointment=True)
    if filters.open_now:
        qs = qs.filter(pk__in=open_service_ids(filters.at or timezone.now()))
    return qs.distinct()


def open_service_ids(moment: datetime.datetime) -> set[int]:
    """Services with opening hours (their own or a channel's) covering `moment`, Helsinki time."""
    local = timezone.localtime(moment)
    day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[local.weekday()]
    now = local.time().replace(microsecond=0)
    rows = Schedule.objects.filter(
        byday__contains=day, opens_at__lte=now, closes_at__gt=now
    ).values_list("service_id", "channel__service_id", "valid_from", "valid_to")
    found = set()
    for service_id, channel_service_id, valid_from, valid_to in rows:
        if valid_from and local.date() < valid_from or valid_to and local.date() > valid_to:
            continue
        found.add(service_id or channel_service_id)
    found.discard(None)
    return found
