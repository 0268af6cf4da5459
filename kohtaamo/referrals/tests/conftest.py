from __future__ import annotations

import pytest

from kohtaamo.audit.actions import Actor
from kohtaamo.directory.actions import import_directory
from kohtaamo.directory.models import Service
from kohtaamo.directory.tests.conftest import tiny_spec
from kohtaamo.referrals import actions
from kohtaamo.referrals.models import PathStep, ServicePath


@pytest.fixture
def service(db):
    import_directory(tiny_spec(), actor=Actor.system("test"), source="test")
    return Service.objects.select_related("organisation").get(slug="velkaneuvonta-testi")


@pytest.fixture
def path(county, service):
    return actions.save_path(
        Actor.system("test"),
        ServicePath(organisation=county),
        name_fi="Velat ja ulosotto",
        themes=["debt"],
        status="in_force",
        steps=[
            {
                "service": service,
                "method": "phone",
                "response_time": 2,
                "response_unit": PathStep.ResponseUnit.WORKING_DAYS,
                "contact_people": "Veli Velaton, 029 555 0700",
                "shared_information": "Nimi ja puhelinnumero",
                "agreement_status": "in_force",
            }
        ],
    )


@pytest.fixture
def referral(alice, county, service, person):
    made, _token = actions.create_referral(
        Actor.for_user(alice),
        user=alice,
        organisation=county,
        service=service,
        person=person,
        consent_given=True,
        shared_information="Nimi ja puhelin",
    )
    return made


def send(alice, county, service, person=None, **kwargs):
    kwargs.setdefault("consent_given", person is not None)
    return actions.create_referral(
        Actor.for_user(alice),
        user=alice,
        organisation=county,
        service=service,
        person=person,
        **kwargs,
    )
