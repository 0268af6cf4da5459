"""The client registry: identified people. Anonymous and pseudonymous contacts never get a row here."""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation
from kohtaamo.core import crypto
from kohtaamo.people import contact_code
from kohtaamo.people import hetu as hetu_rules


class Bytewise(models.Func):
    """A text column in byte order: COLLATE "C" on PostgreSQL, BINARY on SQLite. One B-tree index
    on it serves a prefix match (LIKE 'VIRT%') and the ORDER BY of the registry search whatever
    the database's locale, so a prefix that matches thousands reads only the first page of them."""

    template = '%(expressions)s COLLATE "C"'

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="%(expressions)s COLLATE BINARY", **extra_context
        )


class PersonQuerySet(models.QuerySet):
    def in_organisations(self, organisation_ids):
        return self.filter(organisation_id__in=organisation_ids)

    def search(self, query: str):
        """Name prefix ('virt', 'virtanen mai'), an exact identity code (by its keyed hash), or a
        contact code carried over to the person (by its keyed hash)."""
        query = (query or "").strip()
        if not query:
            return self.none()
        normalised = hetu_rules.normalise(query)
        code_hash = contact_code.hash_code(query)
        if code_hash:  # a pseudonymous contact code carried over to the person ("KALA-4821")
            return self.filter(contact_codes__code_hash=code_hash)
        if hetu_rules.RX.fullmatch(normalised):
            return self.filter(hetu_hash=Person.hash_hetu(normalised))
        parts = query.split()
        qs = self.annotate(_last=Bytewise("last_name_upper"))
        if len(parts) > 1:
            qs = qs.filter(
                models.Q(_last__startswith=parts[0].upper(), first_name__istartswith=parts[1])
                | models.Q(_last__startswith=parts[1].upper(), first_name__istartswith=parts[0])
            )
        else:
            qs = qs.filter(_last__startswith=parts[0].upper())
        # the order of the index `people_name_search`: the first page without sorting every match
        return qs.order_by(Bytewise("last_name_upper"), Bytewise("first_name"), "pk")

    def probable_duplicate_ids(self, people) -> set[int]:
        """Ids among `people` that share last name, first name and birth date with another person
        in the same registry (one query); shown as a warning in the search results."""
        people = [p for p in people if p.birth_date]
        if not people:
            return set()
        groups: dict[tuple, int] = {}
        for row in (
            self.filter(
                organisation_id__in={p.organisation_id for p in people},
                last_name_upper__in={p.last_name_upper for p in people},
                birth_date__in={p.birth_date for p in people},
            )
            .order_by()
            .values_list("organisation_id", "last_name_upper", "first_name", "birth_date")
        ):
            key = (row[0], row[1], row[2].upper(), row[3])
            groups[key] = groups.get(key, 0) + 1

        def key(p):
            return (p.organisation_id, p.last_name_upper, p.first_name.upper(), p.birth_date)

        return {p.pk for p in people if groups.get(key(p), 0) > 1}


class Person(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="people", verbose_name=_("registry")
    )
    first_name = models.CharField(_("first names"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    last_name_upper = models.CharField(max_length=100, editable=False)
    hetu_encrypted = models.TextField(blank=True, editable=False)
    hetu_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    language = models.CharField(
        _("language of service"),
        max_length=5,
        default="fi",
        choices=[
            ("fi", _("Finnish")),
            ("sv", _("Swedish")),
            ("en", _("English")),
            ("other", _("Other")),
        ],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deceased_at = models.DateField(null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            # prefix search on PostgreSQL needs the pattern operator class
            models.Index(
                fields=["last_name_upper"],
                name="people_lastname_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            # the registry search by name prefix, in its order (PersonQuerySet.search)
            models.Index(
                Bytewise("last_name_upper"), Bytewise("first_name"), "id", name="people_name_search"
            ),
        ]

    def __str__(self):
        return f"{self.last_name} {self.first_name}"

    def save(self, *args, **kwargs):
        self.last_name_upper = self.last_name.upper()  # a normalised copy for prefix search
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("people:detail", args=[self.code])

    @staticmethod
    def hash_hetu(value: str) -> str:
        return crypto.keyed_hash(hetu_rules.normalise(value), purpose="hetu")

    @property
    def hetu(self) -> str:
        return crypto.decrypt(self.hetu_encrypted)

    @property
    def hetu_masked(self) -> str:
        return hetu_rules.mask(self.hetu) if self.hetu_encrypted else ""

    def set_hetu(self, value: str) -> None:
        value = hetu_rules.normalise(value)
        self.hetu_encrypted = crypto.encrypt(value)
        self.hetu_hash = self.hash_hetu(value) if value else ""
        if value:
            self.birth_date = hetu_rules.birth_date(value)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def audit_snapshot(self) -> dict:
        """Field values for the change history; the identity code only masked."""
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "hetu": self.hetu_masked,
            "phone": self.phone,
            "email": self.email,
            "address": self.address,
            "municipality": self.municipality,
            "language": self.language,
        }


from kohtaamo.people.consent import Consent, ContactCode  # noqa: E402,F401  (registered here)
