"""Program theory as data: logic models (versioned), their adoption by a county or unit, and the
local adaptations recorded with their justification."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation, Unit
from kohtaamo.core.i18n import pick

SECTIONS = ("context", "resources", "core_elements", "mechanisms", "outcomes")


class LogicModel(models.Model):
    """One operating model (THL low-threshold, outreach, ...). Its content is in its versions."""

    key = models.SlugField(max_length=60, unique=True)
    family = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("logic model")
        verbose_name_plural = _("logic models")

    def __str__(self):
        current = self.current_version
        return current.name if current else self.key

    @property
    def current_version(self) -> LogicModelVersion | None:
        versions = getattr(self, "_prefetched_objects_cache", {}).get("versions")
        if versions is not None:
            current = [v for v in versions if v.is_current]
            return current[0] if current else None
        return self.versions.filter(is_current=True).first()


class LogicModelVersion(models.Model):
    """The content of a logic model file as loaded. A changed file is a new version; old
    versions stay, so an adoption keeps the version it adopted."""

    model = models.ForeignKey(LogicModel, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=40)
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    is_current = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["model__key", "-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "version"], name="evaluation_modelversion_unique"
            ),
            models.UniqueConstraint(
                fields=["model"],
                condition=models.Q(is_current=True),
                name="evaluation_modelversion_one_current",
            ),
        ]
        verbose_name = _("logic model version")
        verbose_name_plural = _("logic model versions")

    def __str__(self):
        return f"{self.name} ({self.version})"

    def get_absolute_url(self):
        return reverse("evaluation:model-detail", args=[self.model.key, self.version])

    @property
    def name(self) -> str:
        return pick(self.content.get("name")) or self.model.key

    @property
    def description(self) -> str:
        return pick(self.content.get("description"))

    @property
    def adaptable_sections(self) -> list[str]:
        return [s for s in self.content.get("adaptable", []) if s in SECTIONS]

    @property
    def fixed_sections(self) -> list[str]:
        return [s for s in SECTIONS if s not in self.adaptable_sections]

    def elements(self, section: str) -> list[dict]:
        return list(self.content.get(section, []))

    def element_keys(self, section: str) -> set[str]:
        return {e["key"] for e in self.elements(section)}

    def element(self, section: str, key: str) -> dict | None:
        return next((e for e in self.elements(section) if e["key"] == key), None)

    def indicator_keys(self, group: str, element_key: str) -> list[str]:
        """Indicators the model links to a core element or outcome."""
        return list(self.content.get("indicators", {}).get(group, {}).get(element_key, []))


class AdoptionQuerySet(models.QuerySet):
    def in_organisations(self, organisation_ids):
        return self.filter(organisation_id__in=organisation_ids)

    def active(self):
        return self.filter(ended_on__isnull=True)


class Adoption(models.Model):
    """A county (or one of its units) works to a logic model version from a date."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(
        LogicModelVersion,
        on_delete=models.PROTECT,
        related_name="adoptions",
        verbose_name=_("model version"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("Leave empty when the whole county adopts the model."),
    )
    variant = models.CharField(_("variant"), max_length=60, blank=True)
    started_on = models.DateField(_("in use from"))
    ended_on = models.DateField(_("in use until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name_fi", "unit__name_fi", "-started_on"]
        verbose_name = _("adoption of a model")
        verbose_name_plural = _("adoptions of models")

    def __str__(self):
        return f"{self.version} – {self.unit or self.organisation}"

    def get_absolute_url(self):
        return reverse("evaluation:adoption-detail", args=[self.code])

    @property
    def where(self) -> str:
        return str(self.unit or self.organisation)


class Adaptation(models.Model):
    """A local adaptation of an adopted model: what changes, and why. Only sections the model
    lists as adaptable (context, resources) may be adapted; see `actions.record_adaptation`."""

    adoption = models.ForeignKey(Adoption, on_delete=models.PROTECT, related_name="adaptations")
    section = models.CharField(_("part of the model"), max_length=20)
    target_key = models.CharField(
        _("element"),
        max_length=80,
        help_text=_("The element changed, or “new” for an addition."),
    )
    description = models.TextField(_("what is done differently"))
    justification = models.TextField(_("why"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("adaptation")
        verbose_name_plural = _("adaptations")

    def __str__(self):
        return f"{self.section}/{self.target_key}"

    @property
    def target_label(self) -> str:
        if self.target_key == "new":
            return str(_("New element"))
        element = self.adoption.version.element(self.section, self.target_key)
        return pick(element.get("label")) if element else self.target_key
