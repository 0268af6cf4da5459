"""The taxonomy as configurable data, the note checks, the idempotency purge, favourites and the
demo command."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from kohtaamo.encounters import notecheck
from kohtaamo.encounters.models import Encounter, Favourite, IdempotencyKey, Term
from kohtaamo.encounters.tasks import purge_idempotency_keys
from kohtaamo.encounters.taxonomy import load_taxonomy, read_taxonomy, terms


def test_every_taxonomy_entry_is_loaded(db):
    data = read_taxonomy()

    for section, rows in terms().items():
        assert [t.key for t in rows] == [
            e["key"] for e in sorted(data[section], key=lambda e: e["order"])
        ]


def test_loading_again_keeps_an_administrators_edits(db):
    Term.objects.filter(section="themes", key="income").update(label_fi="Rahat", active=False)
    Term.objects.create(section="themes", key="pets", label_fi="Lemmikit", order=5)

    assert load_taxonomy() == 0
    income = Term.objects.get(section="themes", key="income")
    assert income.label_fi == "Rahat" and not income.active
    assert "pets" in [t.key for t in terms()["themes"]] and "income" not in [
        t.key for t in terms()["themes"]
    ]


def test_a_new_theme_from_the_admin_appears_as_a_chip(as_user, alice, place):
    Term.objects.create(section="themes", key="pets", label_fi="Lemmikit", label_en="Pets", order=5)

    body = as_user(alice).get("/desk/new/").content.decode()

    assert 'name="themes" value="pets"' in body and "Pets" in body


def test_note_checks():
    assert notecheck.has_hetu("tunnus 131052-308T") and notecheck.has_hetu("131052A308T")
    assert notecheck.has_hetu("131052-308")  # even without the check character
    assert not notecheck.has_hetu("puhelin 040 123 4567")
    assert notecheck.warnings("Kävi Matti Virtanen") == ["it seems to contain a name"]
    assert notecheck.warnings("soita 040 123 4567") == ["it seems to contain a phone number"]
    assert notecheck.warnings("maija@example.fi") == ["it seems to contain an e-mail address"]
    assert notecheck.warnings("Asiakas tarvitsee apua vuokran kanssa.") == []


def test_old_idempotency_keys_are_purged(alice):
    old = IdempotencyKey.objects.create(
        user=alice, key="a", request_hash="x", status_code=201, response={}
    )
    IdempotencyKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    IdempotencyKey.objects.create(
        user=alice, key="b", request_hash="x", status_code=201, response={}
    )

    assert purge_idempotency_keys.call() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["b"]


def test_a_favourite_can_be_removed_only_by_its_owner(as_user, alice, official):
    favourite = Favourite.objects.create(user=alice, name="Ruoka", data={"themes": ["food"]})

    other = as_user(official).post(f"/desk/favourites/{favourite.pk}/delete/")
    own = as_user(alice).post(f"/desk/favourites/{favourite.pk}/delete/")

    assert other.status_code == 404 and own.status_code == 302
    assert not Favourite.objects.exists()


def test_demo_command_is_idempotent(db):
    from kohtaamo.audit.actions import Actor
    from kohtaamo.core.management.commands.seed_demo import (
        DEMO_PASSWORD,
        ensure_people,
        ensure_structure,
        ensure_users,
    )  # fmt: skip

    county, units, teams, partners = ensure_structure()
    ensure_users(county, units, teams, partners, DEMO_PASSWORD)
    ensure_people(county, 12, Actor.system("test"))
    out = io.StringIO()

    call_command("seed_demo_encounters", contacts=60, stdout=out)
    call_command("seed_demo_encounters", contacts=60, stdout=out)

    assert Encounter.objects.filter(organisation=county).count() == 60
    assert "contacts already exist" in out.getvalue() and "60/60" not in out.getvalue()
    assert Encounter.objects.filter(is_repeat=True, about_handled_matter=True).exists()
    assert Encounter.objects.filter(identity_level="identified").count() >= 2
