import re

from django.db import connection

from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.people.models import Person
from kohtaamo.testing.factories import PersonFactory
from kohtaamo.testing.helpers import assert_constant_queries


def test_opening_a_person_writes_exactly_one_access_entry(as_user, alice, person):
    client = as_user(alice)

    response = client.get(f"/people/{person.code}/")

    assert response.status_code == 200
    assert "Maija Meikäläinen" in response.content.decode()
    entries = list(AccessLogEntry.objects.filter(person_code=person.code))
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.username, entry.action, entry.object_type, entry.purpose) == (
        "alice",
        "view",
        "people.person",
        "client_work",
    )
    assert entry.roles == "social_counsellor"
    assert entry.organisation_ref == person.organisation_id
    assert entry.source == "127.0.0.1"


def test_the_identity_code_is_masked_and_revealing_it_is_logged(as_user, alice, person):
    client = as_user(alice)
    hetu = person.hetu

    page = client.get(f"/people/{person.code}/").content.decode()
    reveal = client.post(f"/people/{person.code}/identity-code/", HTTP_HX_REQUEST="true")

    assert hetu not in page
    assert hetu[:7] + "****" in page
    assert hetu in reveal.content.decode()
    assert "<html" not in reveal.content.decode()  # the fragment only
    actions = list(
        AccessLogEntry.objects.filter(person_code=person.code).values_list("action", flat=True)
    )
    assert actions == ["view", "view", "reveal"]


def test_identity_code_is_encrypted_at_rest(person):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT hetu_encrypted, hetu_hash FROM people_person WHERE id = %s", [person.pk]
        )
        encrypted, digest = cursor.fetchone()

    assert person.hetu and person.hetu not in encrypted and person.hetu not in digest
    assert person.hetu[:6] not in encrypted


def test_search_by_name_prefix_and_hetu_logs_each_hit(as_user, alice, person):
    # A check character that is a letter, so that the lower-case query differs from the code:
    # the search field still shows what was typed, and the code itself is never shown.
    person.set_hetu("010190-999W")
    person.save()
    other = PersonFactory(organisation=person.organisation, last_name="Meikäläis-Kallio")
    client = as_user(alice)

    by_name = client.post("/people/", {"q": "meik"})
    by_hetu = client.post("/people/", {"q": person.hetu.lower()})

    assert (
        "Meikäläinen" in by_name.content.decode() and "Meikäläis-Kallio" in by_name.content.decode()
    )
    assert "Meikäläinen" in by_hetu.content.decode() and "Kallio" not in by_hetu.content.decode()
    hits = AccessLogEntry.objects.filter(action="search_hit")
    assert hits.filter(person_code=person.code).count() == 2
    assert hits.filter(person_code=other.code).count() == 1
    assert person.hetu not in by_hetu.content.decode()


def test_search_fragment_for_htmx(as_user, alice, person):
    response = as_user(alice).post("/people/", {"q": "Meik"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert 'id="results"' in body and "<html" not in body and "Meikäläinen" in body


def test_search_results_use_constant_queries(as_user, alice, county):
    client = as_user(alice)

    assert_constant_queries(
        lambda n: PersonFactory.create_batch(n, organisation=county, last_name="Sama"),
        lambda: client.post("/people/", {"q": "sama"}),
    )


def test_adding_a_person_writes_history(as_user, alice, county):
    client = as_user(alice)

    response = client.post(
        "/people/add/",
        {
            "first_name": "Testi",
            "last_name": "Henkilö",
            "hetu": "010190-999W",
            "phone": "",
            "email": "",
            "address": "",
            "municipality": "Järvelä",
            "language": "fi",
        },
    )

    person = Person.objects.get(last_name="Henkilö")
    assert response.status_code == 302 and response["Location"] == f"/people/{person.code}/"
    assert person.hetu == "010190-999W"
    change = ChangeEntry.objects.get(person_code=person.code)
    assert change.action == "create" and change.username == "alice"
    assert change.changes["hetu"] == [None, "010190-****"]
    assert "010190-999W" not in str(change.changes)


def test_a_wrong_hetu_names_the_problem_and_keeps_the_input(as_user, alice, county):
    client = as_user(alice)
    data = {
        "first_name": "Kirjoitettu",
        "last_name": "Nimi",
        "hetu": "131052-308U",
        "language": "fi",
    }

    response = client.post("/people/add/", data)

    body = response.content.decode()
    assert response.status_code == 200
    assert "check character" in body
    assert 'value="Kirjoitettu"' in body and 'value="131052-308U"' in body
    assert "error-summary" in body
    assert not Person.objects.filter(last_name="Nimi").exists()


def test_a_duplicate_hetu_is_refused(as_user, alice, person):
    response = as_user(alice).post(
        "/people/add/", {"first_name": "X", "last_name": "Y", "hetu": person.hetu, "language": "fi"}
    )

    assert "already in the registry" in response.content.decode()
    assert Person.objects.count() == 1


def test_same_name_and_birth_date_is_flagged_before_saving(as_user, alice, county):
    PersonFactory(organisation=county, first_name="Aino", last_name="Virtanen", hetu="010190-999W")
    client = as_user(alice)
    data = {"first_name": "Aino", "last_name": "Virtanen", "hetu": "010190A999", "language": "fi"}
    import datetime

    from kohtaamo.people.hetu import make_hetu

    data["hetu"] = make_hetu(datetime.date(1990, 1, 1), 998)

    first = client.post("/people/add/", data)
    confirmed = client.post("/people/add/", {**data, "confirm": "1"})

    assert "Possible duplicate" in first.content.decode()
    assert confirmed.status_code == 302
    assert Person.objects.filter(last_name="Virtanen").count() == 2


def test_editing_records_what_changed(as_user, alice, person):
    client = as_user(alice)

    client.post(
        f"/people/{person.code}/edit/",
        {
            "first_name": "Maija",
            "last_name": "Meikäläinen",
            "hetu": "",
            "phone": "050 123",
            "email": "",
            "address": "",
            "municipality": "",
            "language": "sv",
        },
    )

    change = ChangeEntry.objects.get(person_code=person.code, action="update")
    assert change.changes == {"phone": ["040 000 0000", "050 123"], "language": ["fi", "sv"]}


def test_read_only_teammate_cannot_post_an_edit(as_user, bob, person):
    response = as_user(bob).post(f"/people/{person.code}/edit/", {"first_name": "Muutettu"})

    person.refresh_from_db()
    assert response.status_code == 403
    assert person.first_name == "Maija"


def test_access_report_lists_who_viewed_and_exports_csv(as_user, alice, bob, person, client):
    as_user(bob).get(f"/people/{person.code}/")
    client = as_user(alice)

    html = client.get(f"/people/{person.code}/access-log/").content.decode()
    csv = client.get(
        f"/people/{person.code}/access-log/",
        {"start": "2000-01-01", "end": "2100-01-01", "format": "csv"},
    )

    assert "bob" in html and "readonly" in html
    body = csv.content.decode()
    assert csv["Content-Type"].startswith("text/csv")
    assert "bob" in body and "alice" in body
    assert person.hetu not in body


def test_access_report_rejects_an_inverted_period(as_user, alice, person):
    response = as_user(alice).get(
        f"/people/{person.code}/access-log/", {"start": "2026-05-01", "end": "2026-01-01"}
    )

    assert "before the start date" in response.content.decode()


def test_a_search_keeps_the_identity_code_out_of_every_url(as_user, alice, person):
    """The search is posted: the code is neither in the address nor in any link of the answer
    (the language switcher's return path included), and the search field keeps what was typed."""
    client = as_user(alice)

    response = client.post("/people/", {"q": person.hetu})
    body = response.content.decode()

    assert "Meikäläinen" in body
    assert 'method="post" action="/people/"' in body and 'hx-post="/people/"' in body
    links = re.findall(r'href="([^"]*)"', body)
    back = re.findall(r'name="next"[^>]*value="([^"]*)"', body)
    assert back == ["/people/"]  # the language switcher returns to the empty search
    assert links and not [link for link in links if person.hetu in link]
    assert f'value="{person.hetu}"' in body  # what was typed, in the field only


def test_a_search_in_the_address_is_not_run(as_user, alice, person):
    response = as_user(alice).get("/people/", {"q": person.last_name})

    assert response.status_code == 200 and response.context["hits"] is None
    assert "Meikäläinen" not in response.content.decode()
    assert not AccessLogEntry.objects.filter(action="search_hit").exists()


def test_hetu_never_appears_in_urls(as_user, alice, person):
    response = as_user(alice).get(f"/people/{person.code}/")

    assert person.hetu not in response.content.decode().split("href=")[0]
    for href in response.content.decode().split('href="')[1:]:
        assert person.hetu not in href.split('"')[0]


def test_search_by_name_prefix_reads_the_first_page_in_name_order(as_user, alice, county):
    """The prefix search is ordered as its index (upper-case last name, first name): the first
    25 of many matches, in order, each logged as a search hit."""
    for i in range(30):
        PersonFactory(organisation=county, last_name=f"Sama{i:02d}", first_name="Aino")
    PersonFactory(organisation=county, last_name="Samppa", first_name="Eero")

    response = as_user(alice).post("/people/", {"q": "sama"})

    names = [p.last_name for p in response.context["hits"]]
    assert names == [f"Sama{i:02d}" for i in range(25)]
    assert AccessLogEntry.objects.filter(action="search_hit").count() == 25
