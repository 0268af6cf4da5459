"""Lists (keyset pages), today's contacts, counts, exports and the code timeline."""

import csv
import datetime
import html
import io

import openpyxl
from django.utils import timezone

from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.encounters import paging
from kohtaamo.encounters.models import Encounter
from kohtaamo.testing.helpers import assert_constant_queries

HX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_list_full_page_and_fragment(as_user, alice, make_encounter):
    make_encounter()
    client = as_user(alice)

    page = client.get("/desk/")
    fragment = client.get("/desk/", **HX)

    assert b"<html" in page.content and b'data-testid="contacts"' in page.content
    assert b"<html" not in fragment.content and b'data-testid="contacts"' in fragment.content
    assert "Income and livelihood" in text(fragment)


def test_list_pages_with_a_keyset_cursor(as_user, alice, make_encounter):
    now = timezone.now()
    for i in range(55):
        make_encounter(started_at=now - datetime.timedelta(minutes=i + 1))
    client = as_user(alice)

    first = client.get("/desk/")
    cursor = first.context["next_cursor"]
    second = client.get(f"/desk/?cursor={cursor}")

    assert len(first.context["rows"]) == 50 and cursor
    assert len(second.context["rows"]) == 5 and not second.context["next_cursor"]
    seen = {e.pk for e in first.context["rows"]} | {e.pk for e in second.context["rows"]}
    assert len(seen) == 55


def test_a_malformed_cursor_gives_the_first_page(as_user, alice, make_encounter):
    make_encounter()

    response = as_user(alice).get("/desk/?cursor=not-a-cursor")

    assert response.status_code == 200 and len(response.context["rows"]) == 1
    assert paging.decode("bm90fGE") is None


def test_list_filters_by_place(as_user, alice, make_encounter, place, other_place):
    make_encounter(place=place)
    make_encounter(place=other_place)

    response = as_user(alice).get(f"/desk/?place={other_place.pk}")

    assert [e.place for e in response.context["rows"]] == [other_place]


def test_list_has_constant_queries(as_user, alice, make_encounter, official):
    client = as_user(alice)

    def rows(n):
        for _ in range(n):
            make_encounter(pair_worker=official)

    assert_constant_queries(rows, lambda: client.get("/desk/"))


def test_today_shows_the_teams_contacts_of_today_only(as_user, bob, make_encounter):
    make_encounter()
    make_encounter(started_at=timezone.now() - datetime.timedelta(days=2))

    response = as_user(bob).get("/desk/today/")

    assert len(response.context["rows"]) == 1 and response.context["total"] == 1
    assert "1 contact today in your team." in text(response)


def test_today_has_constant_queries(as_user, alice, make_encounter):
    client = as_user(alice)

    assert_constant_queries(
        lambda n: [make_encounter() for _ in range(n)], lambda: client.get("/desk/today/")
    )


def test_outsiders_see_none_of_the_contacts(as_user, charlie, make_encounter):
    make_encounter()
    client = as_user(charlie)

    assert client.get("/desk/").context["rows"] == []
    assert client.get("/desk/today/").context["rows"] == []


def test_counts_page_shows_tables_and_a_chart(as_user, manager, make_encounter, place):
    make_encounter(is_repeat=True, about_handled_matter=True, failure_reason="waiting_too_long")
    make_encounter()

    response = as_user(manager).get("/desk/counts/")

    body = text(response)
    assert response.status_code == 200 and "<svg" in body
    assert 'data-testid="by-place"' in body and "Keskustan sosiaalipiste" in body
    row = body.split('data-testid="by-place"')[1].split("</tr>")[1]
    assert '<td class="num">2</td><td class="num">1</td><td class="num">1</td>' in row
    assert "Waiting too long" in body


def test_counts_are_refused_without_any_organisation(as_user, partner_worker):
    assert as_user(partner_worker).get("/desk/counts/").status_code == 403


def test_export_csv_has_no_identifiers_and_logs_each_person(as_user, alice, person, make_encounter):
    make_encounter()
    make_encounter(identity_level="pseudonymous", new_contact_code=True)
    make_encounter(identity_level="identified", person=person)
    make_encounter(identity_level="identified", person=person)

    response = as_user(alice).get("/desk/export/?format=csv")

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert response["Content-Type"].startswith("text/csv") and len(rows) == 5
    assert person.hetu not in content and "Meikäläinen" not in content
    code_column = rows[0].index("Person (registry code)")
    assert sorted(r[code_column] for r in rows[1:]) == ["", "", str(person.code), str(person.code)]
    encounter_hashes = Encounter.objects.exclude(contact_code_hash="").values_list(
        "contact_code_hash", flat=True
    )
    assert all(h not in content for h in encounter_hashes)
    entries = AccessLogEntry.objects.filter(action="export")
    assert [(e.person_code, e.object_type) for e in entries] == [(person.code, "encounters.export")]


def test_export_xlsx_opens_with_the_same_rows(as_user, alice, make_encounter):
    make_encounter()
    make_encounter()

    response = as_user(alice).get("/desk/export/?format=xlsx")

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.max_row == 3 and sheet.cell(1, 1).value == "Contact"


def test_export_form_without_a_format_and_bad_dates(as_user, alice):
    client = as_user(alice)

    form = client.get("/desk/export/")
    bad = client.get("/desk/export/?format=csv&start=2026-05-01&end=2026-04-01")

    assert b'name="format"' in form.content
    assert "The end date is before the start date." in text(bad)


def test_code_timeline_lists_contacts_of_a_code_without_putting_it_in_the_url(
    as_user, alice, make_encounter
):
    first = make_encounter(identity_level="pseudonymous", new_contact_code=True)
    make_encounter(identity_level="pseudonymous", contact_code=first.new_contact_code)
    make_encounter()
    client = as_user(alice)

    form = client.get("/desk/code/")
    response = client.post("/desk/code/", {"contact_code": first.new_contact_code.lower()})
    bad = client.post("/desk/code/", {"contact_code": "1234"})

    assert b'name="contact_code"' in form.content
    assert len(response.context["rows"]) == 2
    assert "a word and four digits" in text(bad)


def test_feedback_card_stores_only_a_hash(as_user, alice, make_encounter):
    encounter = make_encounter().encounter

    response = as_user(alice).post(f"/desk/{encounter.code}/feedback-card/")

    body = text(response)
    code = body.split('class="code-card__code">')[1].split("<")[0]
    encounter.refresh_from_db()
    assert (
        len(code) == 6 and encounter.feedback_code_hash and code not in encounter.feedback_code_hash
    )
    assert "<svg" in body


def test_my_day_shows_my_contacts_today(as_user, alice, official, make_encounter):
    make_encounter()
    make_encounter(by=official, pair_worker=alice)
    make_encounter(by=official)

    response = as_user(alice).get("/my-day/")

    section = next(s for s in response.context["sections"] if s["name"] == "desk-today")
    assert section["count"] == 2 and 'data-testid="myday-desk"' in text(response)
