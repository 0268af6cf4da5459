"""factory_boy factories: deterministic (sequences, no random choices)."""

from __future__ import annotations

import datetime

import factory

from kohtaamo.accounts.models import Membership, Organisation, Role, Team, Unit, User
from kohtaamo.people.hetu import make_hetu
from kohtaamo.people.models import Person


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = "county"
    name_fi = factory.Sequence(lambda n: f"Testialue {n}")
    name_sv = factory.Sequence(lambda n: f"Testområde {n}")
    name_en = factory.Sequence(lambda n: f"Test county {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"unit-{n}")
    name_fi = factory.Sequence(lambda n: f"Yksikkö {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    unit = factory.SubFactory(UnitFactory)
    slug = factory.Sequence(lambda n: f"team-{n}")
    name_fi = factory.Sequence(lambda n: f"Tiimi {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Testi"
    last_name = factory.Sequence(lambda n: f"Käyttäjä{n}")
    password = factory.PostGenerationMethodCall("set_password", "Testi-salasana-2026")

    @factory.post_generation
    def save_after(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = factory.LazyFunction(lambda: Role.objects.get(key="social_counsellor"))


def member(organisation, role_key: str, *, team=None, username=None, **user_fields) -> User:
    """A user with one active membership in `organisation` with the role `role_key`."""
    user = UserFactory(**({"username": username} if username else {}), **user_fields)
    Membership.objects.create(
        user=user,
        organisation=organisation,
        unit=team.unit if team else None,
        team=team,
        role=Role.objects.get(key=role_key),
    )
    return user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Sequence(lambda n: f"Etu{n}")
    last_name = factory.Sequence(lambda n: f"Suku{n}")
    phone = "040 000 0000"

    @factory.post_generation
    def hetu(obj, create, extracted, **kwargs):
        code = extracted or make_hetu(
            datetime.date(1980, 1, 1) + datetime.timedelta(days=obj.pk or 0),
            900 + (obj.pk or 0) % 100,
        )
        obj.set_hetu(code)
        if create:
            obj.save()
