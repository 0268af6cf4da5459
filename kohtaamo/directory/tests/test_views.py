import datetime

import pytest
from django.utils import timezone

from kohtaamo.audit.models import ChangeEntry
from kohtaamo.directory.models import Service
from kohtaamo.testing.helpers import assert_constant_queries


@pytest.mark.finnish
def test_search_page_full_and_htmx_fragment(as_user, alice, demo_directory):
    client = as_user(alice)

    page = client.get("/directory/", {"q": "ei ole ruokaa"})
    fragment = client.get("/directory/", {"q": "ei ole ruokaa"}, HTTP_HX_REQUEST="true")

    assert page.status_code == 200 and "<html" in page.content.decode()
    assert "Seurakunnan ruoka-apu" in page.content.decode()
    assert "<html" not in fragment.content.decode() and 'id="results"' in fragment.content.decode()


@pytest.mark.finnish
def test_browsing_with_filters_only(as_user, alice, demo_directory):
    response = as_user(alice).get(
        "/directory/", {"anonymous_allowed": "on", "municipality": "Rantala"}
    )

    body = response.content.decode()
    assert "Diakoniatyön vastaanotto, Rantala" in body
    assert "Kelan palvelupiste, Järvelä" not in body


def test_directory_needs_a_staff_login(client, db):
    assert client.get("/directory/").status_code == 302


def test_service_page_shows_texts_channels_hours_and_stale_warning(as_user, alice, demo_directory):
    stale = demo_directory["ystavapalvelu"]

    body = as_user(alice).get(stale.get_absolute_url()).content.decode()
    fresh = as_user(alice).get(demo_directory["kriisipuhelin"].get_absolute_url()).content.decode()

    assert 'data-testid="stale-warning"' in body
    assert 'data-testid="stale-warning"' not in fresh
    assert "0800 555 090" in fresh and "Mon–Sun" in fresh


def test_only_administrators_edit_and_verify_with_history(
    as_user, alice, administrator, tiny_service
):
    url = f"/directory/services/{tiny_service.hsds_id}/"

    assert as_user(alice).get(url + "edit/").status_code == 403
    assert as_user(alice).post(url + "verify/").status_code == 403
    admin = as_user(administrator)
    form = admin.get(url + "edit/").context["form"]
    data = {
        k: ("on" if v is True else "" if v in (False, None) else v) for k, v in form.initial.items()
    }
    data.update({"name_fi": "Velkaneuvonta (uusi nimi)", "themes": "debt, income"})
    data = {k: v for k, v in data.items() if v != ""}
    saved = admin.post(url + "edit/", data)
    admin.post(url + "verify/")

    service = Service.objects.get(pk=tiny_service.pk)
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else ""
    assert service.name_fi == "Velkaneuvonta (uusi nimi)" and service.themes == ["debt", "income"]
    assert service.last_verified_at > timezone.now() - datetime.timedelta(minutes=1)
    changes = ChangeEntry.objects.filter(
        object_type="directory.service", object_ref=str(tiny_service.hsds_id)
    )
    assert changes.count() == 2
    assert changes.first().changes["name_fi"] == [
        "Talous- ja velkaneuvonta",
        "Velkaneuvonta (uusi nimi)",
    ]


def test_edit_form_errors_keep_what_was_typed(as_user, administrator, tiny_service):
    response = as_user(administrator).post(
        f"/directory/services/{tiny_service.hsds_id}/edit/",
        {
            "name_fi": "",
            "description_fi": "Kirjoitettu kuvaus",
            "status": "active",
            "coverage": "local",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Kirjoitettu kuvaus" in body and "error-summary" in body


@pytest.mark.finnish
def test_stale_list_is_for_administrators(as_user, alice, administrator, demo_directory):
    assert as_user(alice).get("/directory/stale/").status_code == 403
    body = as_user(administrator).get("/directory/stale/").content.decode()

    assert "Ystävätoiminta" in body and "Kriisipuhelin" not in body


def test_search_results_do_not_grow_queries_with_rows(as_user, alice, tiny_service):
    from kohtaamo.audit.actions import Actor
    from kohtaamo.directory.actions import import_directory
    from kohtaamo.directory.tests.conftest import tiny_spec

    client = as_user(alice)
    made = []

    def make(n):
        for _ in range(n):
            i = len(made) + 1
            import_directory(
                tiny_spec(
                    org_id=f"11111111-1111-4111-8111-{i:012d}",
                    service_id=f"22222222-2222-4222-8222-{i:012d}",
                    slug=f"s{i}",
                    channels=[],
                    schedules=[],
                ),
                actor=Actor.system("t"),
            )
            made.append(i)

    assert_constant_queries(make, lambda: client.get("/directory/", {"q": "velkaneuvonta"}))


def test_seed_demo_directory_is_idempotent(db):
    from io import StringIO

    from django.core.management import call_command

    first, second = StringIO(), StringIO()
    call_command("seed_demo_directory", stdout=first)
    call_command("seed_demo_directory", stdout=second)

    assert "78 created" in first.getvalue()
    assert "0 created, 0 updated, 78 unchanged" in second.getvalue()
