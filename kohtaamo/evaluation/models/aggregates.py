"""Pre-aggregates that the dashboards read, so that ten million encounters answer in
milliseconds. Rows per day (and the same summed per month) × organisation × unit × place ×
channel hold counts only; nothing in these tables points to a person. Whole months come from the
monthly rows, other days before today from the daily rows, and today is always read live from
the source tables; `kohtaamo.evaluation.aggregates` refreshes changed days every minute (see
docs/evaluation.md, "Pre-aggregation")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

ENCOUNTER_MEASURES = (
    "n",
    "professional",
    "unreferred",
    "anonymous",
    "pseudonymous",
    "identified",
    "with_themes",
    "initial_assessment",
    "listening",
    "counselling",
    "service_guidance",
    "accompanied",
    "guided_onward",
    "settled",
    "client_matter",
    "repeat",
    "failure_demand",
    "digital",
    "field",
    "minutes",
)

REFERRAL_MEASURES = (
    "sent",
    "accepted",
    "declined",
    "arrived",
    "not_arrived",
    "responded",
    "response_hours",
    "warm_handoff",
)


def _measure():
    return models.PositiveBigIntegerField(default=0)


def _dimension(to, name):
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        db_column=f"{name}_id",
    )


class EncounterFigures(models.Model):
    organisation = _dimension("accounts.Organisation", "organisation")
    unit = _dimension("accounts.Unit", "unit")
    place = _dimension("encounters.Place", "place")
    channel = models.CharField(max_length=40)
    n = _measure()
    professional = _measure()
    unreferred = _measure()
    anonymous = _measure()
    pseudonymous = _measure()
    identified = _measure()
    with_themes = _measure()
    initial_assessment = _measure()
    listening = _measure()
    counselling = _measure()
    service_guidance = _measure()
    accompanied = _measure()
    guided_onward = _measure()
    settled = _measure()
    client_matter = _measure()
    repeat = _measure()
    failure_demand = _measure()
    digital = _measure()
    field = _measure()
    minutes = _measure()

    class Meta:
        abstract = True


class EncounterDay(EncounterFigures):
    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "day"], name="evaluation_encday_org_day")]
        verbose_name = _("daily encounter figures")
        verbose_name_plural = _("daily encounter figures")

    def __str__(self):
        return f"{self.day} {self.organisation_id}/{self.unit_id}/{self.channel}: {self.n}"


class EncounterMonth(EncounterFigures):
    """The daily rows summed by month, so a year is a few hundred rows to read."""

    month = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "month"], name="evaluation_encmonth_org_month")
        ]
        verbose_name = _("monthly encounter figures")
        verbose_name_plural = _("monthly encounter figures")

    def __str__(self):
        return f"{self.month:%Y-%m} {self.organisation_id}/{self.unit_id}/{self.channel}: {self.n}"


class TermFigures(models.Model):
    """Counts per taxonomy entry: themes, failure-demand reasons, and the themes of contacts
    where no suitable service existed (unmet needs)."""

    organisation = _dimension("accounts.Organisation", "organisation")
    unit = _dimension("accounts.Unit", "unit")
    place = _dimension("encounters.Place", "place")
    channel = models.CharField(max_length=40)
    section = models.CharField(max_length=20)
    key = models.CharField(max_length=40)
    n = _measure()

    class Meta:
        abstract = True


class EncounterTermDay(TermFigures):
    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "day"], name="evaluation_termday_org_day")]
        verbose_name = _("daily figures per theme")
        verbose_name_plural = _("daily figures per theme")

    def __str__(self):
        return f"{self.day} {self.section}:{self.key} = {self.n}"


class EncounterTermMonth(TermFigures):
    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "month"], name="evaluation_termmonth_org")]
        verbose_name = _("monthly figures per theme")
        verbose_name_plural = _("monthly figures per theme")

    def __str__(self):
        return f"{self.month:%Y-%m} {self.section}:{self.key} = {self.n}"


class ReferralFigures(models.Model):
    """Referrals by the day they were sent, the sending county, unit and channel (of the
    encounter they came from) and the receiving directory organisation (`partner_ref`)."""

    organisation = _dimension("accounts.Organisation", "organisation")
    unit = _dimension("accounts.Unit", "unit")
    partner_ref = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=40, blank=True)
    sent = _measure()
    accepted = _measure()
    declined = _measure()
    arrived = _measure()
    not_arrived = _measure()
    responded = _measure()
    response_hours = _measure()
    warm_handoff = _measure()

    class Meta:
        abstract = True


class ReferralDay(ReferralFigures):
    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "day"], name="evaluation_refday_org_day")]
        verbose_name = _("daily referral figures")
        verbose_name_plural = _("daily referral figures")

    def __str__(self):
        return f"{self.day} {self.organisation_id}: {self.sent}"


class ReferralMonth(ReferralFigures):
    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "month"], name="evaluation_refmonth_org")]
        verbose_name = _("monthly referral figures")
        verbose_name_plural = _("monthly referral figures")

    def __str__(self):
        return f"{self.month:%Y-%m} {self.organisation_id}: {self.sent}"


class DirtyDay(models.Model):
    """A day whose figures changed after it was aggregated (an edit, a deletion, a late entry)."""

    organisation_id = models.BigIntegerField()
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_id", "day"], name="evaluation_dirty_unique"
            )
        ]
        verbose_name = _("day to re-aggregate")
        verbose_name_plural = _("days to re-aggregate")

    def __str__(self):
        return f"{self.organisation_id} {self.day}"


class AggregateState(models.Model):
    """How far the aggregates are: the highest source id seen and when they were refreshed."""

    name = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    complete_until = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("aggregate state")
        verbose_name_plural = _("aggregate states")

    def __str__(self):
        return f"{self.name}: {self.refreshed_at}"
