"""The dashboards' filter form (a GET form that works without JavaScript) and the scope it
gives: period by month, organisation, unit, channel and logic model."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation, Unit
from kohtaamo.evaluation.models import Adoption
from kohtaamo.evaluation.registry import Scope

MAX_MONTHS = 36


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def months_between(start: datetime.date, end: datetime.date) -> list[str]:
    """'YYYY-MM' of every month in [start, end)."""
    result, cursor = [], month_start(start)
    while cursor < end:
        result.append(f"{cursor:%Y-%m}")
        cursor = next_month(cursor)
    return result


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-01", "size": 8})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("help_text", _("Year and month, for example 2026-03."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value.strip(), "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(
                _("Write the month as year-month, for example 2026-03."), code="month"
            ) from None


class FilterForm(forms.Form):
    start = MonthField(label=_("From month"), required=False)
    end = MonthField(label=_("To month"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("County"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All my counties"),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    model = forms.ChoiceField(label=_("Logic model"), required=False)

    def __init__(self, data=None, *, organisation_ids, **kwargs):
        super().__init__(data, **kwargs)
        self.organisation_ids = set(organisation_ids)
        orgs = Organisation.objects.filter(id__in=self.organisation_ids)
        self.fields["organisation"].queryset = orgs
        if len(self.organisation_ids) < 2:
            self.fields["organisation"].widget = forms.HiddenInput()
        self.fields["unit"].queryset = Unit.objects.filter(
            organisation_id__in=self.organisation_ids
        ).select_related("organisation")
        from kohtaamo.encounters.taxonomy import terms

        self.fields["channel"].choices = [("", _("All channels"))] + [
            (t.key, t.label) for t in terms().get("channels", [])
        ]
        adopted = {}
        for adoption in Adoption.objects.in_organisations(self.organisation_ids).select_related(
            "version__model"
        ):
            adopted[adoption.version.model.key] = adoption.version.name
        self.fields["model"].choices = [("", _("All models"))] + sorted(
            adopted.items(), key=lambda kv: kv[1]
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The last month is before the first month."))
            elif len(months_between(start, next_month(end))) > MAX_MONTHS:
                self.add_error(
                    "end", _("Choose at most %(n)s months at a time.") % {"n": MAX_MONTHS}
                )
        return data


@dataclass
class Filters:
    organisation_ids: tuple[int, ...]
    start: datetime.date
    end: datetime.date  # exclusive
    unit_ids: tuple[int, ...] | None
    channel: str | None
    model_key: str | None
    units: list  # Unit rows in scope, for column and row labels

    @property
    def months(self) -> list[str]:
        return months_between(self.start, self.end)

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    def scope(self, **changes) -> Scope:
        """The filters' scope; the same object (and query cache) for every panel of a page."""
        if changes:
            return self.scope().narrowed(**changes)
        if getattr(self, "_scope", None) is None:
            self._scope = Scope(
                organisation_ids=self.organisation_ids,
                start=self.start,
                end=self.end,
                unit_ids=self.unit_ids,
                channel=self.channel,
            )
        return self._scope

    def query(self) -> str:
        """The filter as a query string, for export links."""
        from urllib.parse import urlencode

        params = {"start": f"{self.start:%Y-%m}", "end": f"{self.last_day:%Y-%m}"}
        if self.unit_ids and len(self.unit_ids) == 1:
            params["unit"] = self.unit_ids[0]
        if self.channel:
            params["channel"] = self.channel
        if self.model_key:
            params["model"] = self.model_key
        if len(self.organisation_ids) == 1:
            params["organisation"] = self.organisation_ids[0]
        return urlencode(params)


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last twelve months, this month included."""
    today = today or timezone.localdate()
    end = next_month(today)
    start = month_start(today)
    for _month in range(11):
        start = month_start(start - datetime.timedelta(days=1))
    return start, end


def adopted_unit_ids(model_key: str, organisation_ids, start, end) -> tuple[int, ...] | None:
    """Units working to the model in the period (None when a whole county adopted it)."""
    adoptions = Adoption.objects.filter(
        organisation_id__in=organisation_ids, version__model__key=model_key, started_on__lt=end
    ).exclude(ended_on__lt=start)
    unit_ids: set[int] = set()
    for adoption in adoptions:
        if adoption.unit_id is None:
            unit_ids |= set(
                Unit.objects.filter(organisation_id=adoption.organisation_id).values_list(
                    "id", flat=True
                )
            )
        else:
            unit_ids.add(adoption.unit_id)
    return tuple(sorted(unit_ids))


def build(form: FilterForm) -> Filters:
    """Filters from the form; a field with an error falls back to its default, the others
    still apply (the page shows the error next to the field)."""
    data = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
    start, end = default_period()
    if data.get("start"):
        start = data["start"]
        if not data.get("end"):
            end = max(end, next_month(start))
    if data.get("end"):
        end = next_month(data["end"])
        if not data.get("start"):
            start = month_start(end - datetime.timedelta(days=365))
    org_ids = tuple(sorted(form.organisation_ids))
    if data.get("organisation"):
        org_ids = (data["organisation"].pk,)
    unit_ids = None
    if data.get("unit") and data["unit"].organisation_id in org_ids:
        unit_ids = (data["unit"].pk,)
    model_key = data.get("model") or None
    if model_key:
        adopted = adopted_unit_ids(model_key, org_ids, start, end)
        unit_ids = tuple(u for u in adopted if unit_ids is None or u in unit_ids)
    units = list(
        Unit.objects.filter(organisation_id__in=org_ids)
        .select_related("organisation")
        .order_by("organisation__name_fi", "name_fi")
    )
    if unit_ids is not None:
        units = [u for u in units if u.pk in unit_ids]
    return Filters(org_ids, start, end, unit_ids, data.get("channel") or None, model_key, units)
