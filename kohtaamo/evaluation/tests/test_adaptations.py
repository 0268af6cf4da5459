"""Adoptions and local adaptations: only context and resources may change, with a justification;
touching core elements, mechanisms or outcomes is refused with the reason, in the action and in
the form."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from kohtaamo.audit.actions import Actor
from kohtaamo.audit.models import ChangeEntry
from kohtaamo.evaluation import actions
from kohtaamo.evaluation.forms import AdaptationForm
from kohtaamo.evaluation.models import Adaptation, Adoption, LogicModelVersion

pytestmark = pytest.mark.django_db
REFUSED = "Core elements, mechanisms and outcomes are fixed"


@pytest.fixture
def version():
    return LogicModelVersion.objects.get(model__key="low_threshold", is_current=True)


@pytest.fixture
def adoption(version, county, team_a, manager):
    return actions.adopt_model(
        Actor.system("test"),
        version,
        by=manager,
        organisation=county,
        unit=team_a.unit,
        started_on=datetime.date(2026, 1, 1),
        variant="open_meeting_place"
        if "open_meeting_place" in {v["key"] for v in version.content.get("variants", [])}
        else "",
    )


@pytest.mark.parametrize("section", ["core_elements", "mechanisms", "outcomes"])
def test_action_refuses_adapting_a_fixed_part_with_the_reason(adoption, manager, version, section):
    key = version.elements(section)[0]["key"]

    with pytest.raises(actions.AdaptationRefused) as info:
        actions.record_adaptation(
            Actor.system("test"), adoption, by=manager, section=section, target_key=key,
            description="Tehdään toisin", justification="Paikallinen syy",
        )  # fmt: skip

    assert REFUSED in info.value.messages[0]
    assert not Adaptation.objects.exists()


@pytest.mark.parametrize("section", ["core_elements", "mechanisms", "outcomes"])
def test_form_refuses_adapting_a_fixed_part_and_names_the_field(version, section):
    key = version.elements(section)[0]["key"]
    form = AdaptationForm(
        {"target": f"{section}:{key}", "description": "Tehdään toisin", "justification": "Syy"},
        version=version,
    )

    assert not form.is_valid()
    assert REFUSED in form.errors["target"][0]


def test_context_adaptation_is_recorded_with_its_justification_and_history(
    adoption, manager, version
):
    key = version.elements("context")[0]["key"]

    adaptation = actions.record_adaptation(
        Actor.system("test"), adoption, by=manager, section="context", target_key=key,
        description="Toimitaan kirjaston tiloissa", justification="Alueella ei ole sosiaalitoimistoa",
    )  # fmt: skip

    assert adaptation.section == "context" and adaptation.target_key == key
    assert adaptation.justification == "Alueella ei ole sosiaalitoimistoa"
    entry = ChangeEntry.objects.filter(object_type="evaluation.adaptation").get()
    assert entry.person_code is None and entry.changes["section"] == [None, "context"]


def test_a_new_resource_may_be_added(adoption, manager):
    adaptation = actions.record_adaptation(
        Actor.system("test"), adoption, by=manager, section="resources", target_key="new",
        description="Kokemusasiantuntija mukana tiistaisin", justification="Tavoittaa nuoret aikuiset",
    )  # fmt: skip

    assert adaptation.target_label == "New element"


def test_justification_is_required(adoption, manager, version):
    key = version.elements("resources")[0]["key"]

    with pytest.raises(ValidationError):
        actions.record_adaptation(
            Actor.system("test"), adoption, by=manager, section="resources", target_key=key,
            description="Vähemmän henkilöstöä", justification="  ",
        )  # fmt: skip

    form = AdaptationForm(
        {"target": f"resources:{key}", "description": "x", "justification": ""}, version=version
    )
    assert not form.is_valid() and "justification" in form.errors


def test_unknown_element_is_refused(adoption, manager):
    with pytest.raises(actions.AdaptationRefused):
        actions.record_adaptation(
            Actor.system("test"), adoption, by=manager, section="context", target_key="nope",
            description="x", justification="y",
        )  # fmt: skip


def test_manager_adopts_a_model_and_records_an_adaptation_through_the_pages(
    as_user, manager, county, team_a, version
):
    client = as_user(manager)

    response = client.post(
        "/evaluation/adoptions/add/",
        {
            "version": version.pk,
            "organisation": county.pk,
            "unit": team_a.unit.pk,
            "started_on": "2026-02-01",
            "variant": "",
            "notes": "",
        },
    )

    adoption = Adoption.objects.get()
    assert response.status_code == 302 and response["Location"] == adoption.get_absolute_url()
    key = version.elements("context")[1]["key"]
    response = client.post(
        f"/evaluation/adoptions/{adoption.code}/adaptations/",
        {
            "target": f"context:{key}",
            "description": "Jalkaudutaan Kelaan",
            "justification": "Asiakkaat asioivat siellä",
        },
    )
    assert response.status_code == 302
    page = client.get(adoption.get_absolute_url()).content.decode()
    assert "Jalkaudutaan Kelaan" in page and "Asiakkaat asioivat siellä" in page


def test_page_shows_the_refusal_next_to_the_field_and_keeps_the_text(
    as_user, manager, adoption, version
):
    key = version.elements("core_elements")[0]["key"]

    response = as_user(manager).post(
        f"/evaluation/adoptions/{adoption.code}/adaptations/",
        {
            "target": f"core_elements:{key}",
            "description": "Ei ammattilaista",
            "justification": "Säästöt",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert REFUSED in html and 'id="id_target_error"' in html
    assert "Ei ammattilaista" in html and "Säästöt" in html
    assert not Adaptation.objects.exists()


def test_same_model_cannot_be_adopted_twice_for_the_same_unit(
    adoption, version, county, team_a, manager
):
    with pytest.raises(ValidationError):
        actions.adopt_model(
            Actor.system("test"), version, by=manager, organisation=county, unit=team_a.unit,
            started_on=datetime.date(2026, 3, 1),
        )  # fmt: skip


def test_access_owner_reader_and_outsider(
    as_user, adoption, manager, bob, evaluator, charlie, version
):
    url = f"/evaluation/adoptions/{adoption.code}/"
    post = {
        "target": f"context:{version.elements('context')[0]['key']}",
        "description": "x",
        "justification": "y",
    }

    assert as_user(manager).get(url).status_code == 200
    assert as_user(bob).get(url).status_code == 200  # a teammate reads the model in use
    assert as_user(bob).post(f"{url}adaptations/", post).status_code == 403
    assert as_user(evaluator).post(f"{url}adaptations/", post).status_code == 403
    assert as_user(charlie).get(url).status_code == 404
    assert as_user(charlie).post(f"{url}adaptations/", post).status_code == 404
    assert not Adaptation.objects.exists()


def test_adoption_list_has_constant_queries(as_user, manager, county, version):
    from kohtaamo.testing.factories import UnitFactory
    from kohtaamo.testing.helpers import assert_constant_queries

    client = as_user(manager)

    def make(n):
        for _ in range(n):
            unit = UnitFactory(organisation=county)
            a = actions.adopt_model(
                Actor.system("t"),
                version,
                by=manager,
                organisation=county,
                unit=unit,
                started_on=datetime.date(2026, 1, 1),
            )
            actions.record_adaptation(
                Actor.system("t"),
                a,
                by=manager,
                section="resources",
                target_key="new",
                description="x",
                justification="y",
            )

    assert_constant_queries(make, lambda: client.get("/evaluation/adoptions/"))


def test_ending_an_adoption(as_user, manager, adoption):
    response = as_user(manager).post(
        f"/evaluation/adoptions/{adoption.code}/end/", {"ended_on": "2026-06-30"}
    )

    adoption.refresh_from_db()
    assert response.status_code == 302 and adoption.ended_on == datetime.date(2026, 6, 30)
