import datetime

import pytest
import time_machine
from django.utils import timezone

from kohtaamo.directory import text
from kohtaamo.directory.search import Filters, analyse, search_services


def slugs(hits):
    return [h.service.slug for h in hits]


def test_everyday_finnish_finds_the_official_services(demo_directory):
    assert "vuokratalot-asumisneuvonta" in slugs(
        search_services("vuokrat rästissä", lang="fi", limit=5)
    )
    assert (
        slugs(search_services("ulosotto vie palkan", lang="fi", limit=5))[0]
        == "ulosotto-velallisen-neuvonta"
    )
    food = slugs(search_services("ei ole ruokaa", lang="fi", limit=5))
    assert {"diakonia-ruoka-apu-jarvela", "ruoka-apu-koivula"} <= set(food)
    assert "talous-ja-velkaneuvonta" in slugs(
        search_services("velkaneuvontaa koivulassa", lang="fi", limit=5)
    )


def test_misspellings_swedish_and_english_queries(demo_directory):
    assert "kela-perustoimeentulotuki" in slugs(
        search_services("toimeentulotki", lang="fi", limit=5)
    )
    assert "talous-ja-velkaneuvonta" in slugs(
        search_services("skulder och inkassobrev", lang="sv", limit=5)
    )
    assert "ensisuoja" in slugs(search_services("homeless nowhere to sleep", lang="en", limit=5))


def test_results_are_ranked_with_scores_best_first_and_deterministic(demo_directory):
    first = search_services("velat", lang="fi", limit=10)
    second = search_services("velat", lang="fi", limit=10)

    assert [h.score for h in first] == sorted((h.score for h in first), reverse=True)
    assert first[0].score == 1.0
    assert slugs(first) == slugs(second)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        '""*',
        "NEAR(a b)",
        "a OR b AND NOT c",
        "*",
        "ä" * 5000,
        "\x00\x00ruokaa\x00",
        "🙂🙃",
        "'; DROP TABLE x; --",
        "-",
        "velka:*",
        "(((",
        "a" * 201,
    ],
)
def test_odd_queries_never_raise(demo_directory, query):
    hits = search_services(query, lang="fi", limit=5)

    assert isinstance(hits, list)


def test_queries_are_cut_at_200_characters(db):
    long = "velka " * 100

    analysis = analyse(long, lang="fi")

    assert sum(len(w) + 1 for w in analysis.words) <= text.MAX_QUERY_CHARS + 1


def test_compound_words_split_into_known_parts():
    vocab = text.Vocabulary("fi", ["velka", "velat", "neuvonta", "asumisen", "tuki"])

    assert vocab.split("velkaneuvontaa") == ["velka", "neuvontaa"]
    assert vocab.split("neuvonta") == []


def test_trigram_similarity_is_pg_trgm_similarity():
    # PostgreSQL 15 pg_trgm: similarity('ulosoto', 'ulosotto') = 0.7, similarity('kela', 'kelan') = 0.5714286
    assert round(text.similarity("ulosoto", "ulosotto"), 4) == 0.7
    assert round(text.similarity("kela", "kelan"), 4) == 0.5714


def test_filters_municipality_language_free_anonymous_and_no_appointment(demo_directory):
    def run(**f):
        return search_services("sosiaalineuvonta apua", lang="fi", limit=50, filters=Filters(**f))

    koivula = run(municipality="Koivula")
    assert koivula and all(
        h.service.municipality == "Koivula" or h.service.coverage in ("county", "nationwide")
        for h in koivula
    )
    assert (
        "sosiaalineuvonta-rantala" not in slugs(koivula)
        or demo_directory["sosiaalineuvonta-rantala"].coverage != "local"
    )
    assert all(h.service.free_of_charge for h in run(free_of_charge=True))
    assert all(h.service.anonymous_allowed for h in run(anonymous_allowed=True))
    assert all(h.service.no_appointment for h in run(no_appointment=True))
    assert all(
        "en" in {lang.code for lang in h.service.languages.all()} for h in run(language="en")
    )


def test_open_now_uses_helsinki_time(demo_directory):
    tz = timezone.get_default_timezone()
    monday_10 = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=tz)
    sunday_3 = datetime.datetime(2026, 11, 29, 3, 0, tzinfo=tz)

    with time_machine.travel(monday_10, tick=False):
        open_monday = slugs(
            search_services("sosiaalineuvonta", lang="fi", limit=50, filters=Filters(open_now=True))
        )
    with time_machine.travel(sunday_3, tick=False):
        open_night = slugs(
            search_services("kriisi apua", lang="fi", limit=50, filters=Filters(open_now=True))
        )

    assert "sosiaalineuvonta-jarvela" in open_monday  # walk-in 9–11 on weekdays
    assert "kriisipuhelin" in open_night and "sosiaalineuvonta-jarvela" not in open_night


def test_search_api_is_public_and_shaped(client, demo_directory):
    response = client.get(
        "/api/v1/services/search", {"q": "vuokrat rästissä", "lang": "fi", "limit": 3}
    )

    data = response.json()
    assert response.status_code == 200
    assert len(data["results"]) == 3
    assert set(data["results"][0]) == {"id", "name", "organization", "score"}
    assert data["results"][0]["score"] == 1.0
    assert str(demo_directory["vuokratalot-asumisneuvonta"].hsds_id) in {
        r["id"] for r in data["results"]
    }


def test_search_api_bad_input_gets_the_error_shape(client, db):
    assert client.get("/api/v1/services/search", {"q": ""}).json() == {"results": []}
    bad = client.get("/api/v1/services/search", {"q": "x", "limit": 0})
    lang = client.get("/api/v1/services/search", {"q": "x", "lang": "de"})

    assert bad.status_code == 422 and bad.json()["error"] == "validation_error"
    assert lang.status_code == 422 and lang.json()["detail"][0]["field"] == "query.lang"


def test_service_api_returns_an_hsds_service(client, tiny_service):
    response = client.get(f"/api/v1/services/{tiny_service.hsds_id}", {"lang": "sv"})
    missing = client.get("/api/v1/services/00000000-0000-4000-8000-000000000000")
    malformed = client.get("/api/v1/services/not-a-uuid")

    assert response.status_code == 200
    assert response.json()["name"] == "Ekonomi- och skuldrådgivning"
    assert response.json()["phones"][0]["number"] == "029 555 0700"
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert malformed.status_code == 422


def test_search_api_is_rate_limited(client, db, settings, monkeypatch):
    from kohtaamo.api import directory as api_directory

    monkeypatch.setattr(api_directory, "RATE_PER_MINUTE", 2)
    codes = [
        client.get("/api/v1/services/search", {"q": "a"}, REMOTE_ADDR="10.9.9.9").status_code
        for _ in range(3)
    ]

    assert codes == [200, 200, 429]


def test_query_count_does_not_grow_with_the_number_of_results(demo_directory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    search_services("velat", lang="fi", limit=2)  # the vocabulary cached, as in a server
    counts = []
    for limit in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            hits = search_services("velat", lang="fi", limit=limit)
        counts.append(len(queries.captured_queries))
        for hit in hits:  # what the result pages and the API read from a hit
            assert hit.service.organisation.name_fi is not None
        assert len(queries.captured_queries) == counts[-1]

    assert counts[0] == counts[1]


def test_synonym_index_finds_what_reading_every_entry_finds(monkeypatch):
    from bench.search import load_queries
    from kohtaamo.directory import search, searchdata

    queries = [(q["q"], q["lang"]) for q in load_queries()]
    indexed = [search._synonym_hits(lang, text.stems(q, lang)) for q, lang in queries]
    # every entry under one key: each query reads the whole file
    everything = {
        lang: {"all": tuple(range(len(entries)))} for lang, entries in searchdata.synonyms().items()
    }
    monkeypatch.setattr(searchdata, "synonym_keys", lambda: everything)
    monkeypatch.setattr(searchdata, "stem_key", lambda stem: "all")

    assert [search._synonym_hits(lang, text.stems(q, lang)) for q, lang in queries] == indexed
    assert sum(1 for hits in indexed if hits) > len(queries) / 2


def test_postgres_vectors_hold_the_stems_sqlite_indexes():
    from kohtaamo.directory.search_index import tsvector_text

    parts = {
        "name": "Talous- ja velkaneuvonta",
        "keywords": "maksusuunnitelma ; velat",
        "body": "Apua velkoihin ja maksuvaikeuksiin.",
        "extra": "Järvelä velka neuvonta",
    }
    vector = tsvector_text(parts, "fi")
    lexemes = {item.split(":")[0].strip("'"): item.split(":")[1] for item in vector.split()}

    expected = {s for value in parts.values() for s in text.stems(value, "fi")}
    assert set(lexemes) == expected
    for stem in text.stems(parts["name"], "fi"):
        assert "A" in lexemes[stem]
    for stem in text.stems(parts["extra"], "fi"):
        assert "D" in lexemes[stem]


def test_a_search_leaves_the_planner_settings_of_the_callers_transaction_as_they_were(
    demo_directory,
):
    """PostgreSQL: the search reads its matches through the full-text index for its own
    queries only; the rest of the caller's transaction (a test runs in one) plans as usual."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")

    def seqscan():
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            return cursor.fetchone()[0]

    before = seqscan()
    assert search_services("ulosotto vie palkan", lang="fi", limit=5)
    assert seqscan() == before == "on"
