"""The pseudonymised research extract: keyed pseudonyms per extract, no direct identifiers, months
instead of dates, a codebook, and a record of who took it."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from kohtaamo.evaluation.models import ResearchExtract

pytestmark = pytest.mark.django_db


def extract(client, sample_day, county, purpose="Matalan kynnyksen arviointi"):
    month = f"{sample_day:%Y-%m}"
    response = client.post(
        "/evaluation/research-extract/",
        {"start": month, "end": month, "organisation": county.pk, "purpose": purpose},
    )
    assert response.status_code == 200, response.content[:500]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(csv.DictReader(io.TextIOWrapper(archive.open("encounters.csv"), encoding="utf-8")))
    return archive, rows


def test_extract_has_pseudonyms_months_and_a_codebook(
    as_user, evaluator, sample, sample_day, county, person
):
    archive, rows = extract(as_user(evaluator), sample_day, county)

    assert set(archive.namelist()) == {"encounters.csv", "codebook.md", "extract.json"}
    assert len(rows) == 10
    assert {r["month"] for r in rows} == {f"{sample_day:%Y-%m}"}
    identified = [r for r in rows if r["identity_level"] == "identified"]
    assert len({r["person"] for r in identified}) == 1  # the same person, one pseudonym
    assert all(not r["person"] for r in rows if r["identity_level"] == "anonymous")
    assert sum(r["professional"] == "1" for r in rows) == 6
    body = archive.read("encounters.csv").decode()
    for secret in (person.first_name, person.last_name, person.hetu, str(person.code), "hash1"):
        assert secret not in body
    codebook = archive.read("codebook.md").decode()
    assert "HMAC-SHA256" in codebook and "`failure_reason`" in codebook
    record = ResearchExtract.objects.get()
    assert record.requested_by == evaluator and record.encounter_rows == 10
    assert record.purpose == "Matalan kynnyksen arviointi"


def test_two_extracts_cannot_be_linked(as_user, evaluator, sample, sample_day, county):
    client = as_user(evaluator)

    _, first = extract(client, sample_day, county)
    _, second = extract(client, sample_day, county)

    ids = lambda rows: {r["person"] for r in rows if r["person"]}  # noqa: E731
    assert ids(first) and not ids(first) & ids(second)


def test_only_evaluators_take_extracts(as_user, manager, alice, charlie, sample_day):
    for user in (manager, alice, charlie):
        assert as_user(user).get("/evaluation/research-extract/").status_code == 403


def test_bad_input_names_the_field(as_user, evaluator, county):
    response = as_user(evaluator).post(
        "/evaluation/research-extract/",
        {"start": "2026-05", "end": "2026-01", "organisation": county.pk, "purpose": ""},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The last month is before the first month." in html
    assert 'id="id_purpose_error"' in html
    assert not ResearchExtract.objects.exists()
