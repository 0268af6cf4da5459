from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kohtaamo.people import hetu as hetu_rules
from kohtaamo.people.models import Person


class HetuField(forms.CharField):
    """A personal identity code, checked with its reason-specific message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Personal identity code"))
        kwargs.setdefault("max_length", 11)
        kwargs.setdefault("help_text", _("11 characters, for example 131052-308T."))
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )

    def clean(self, value):
        value = hetu_rules.normalise(super().clean(value))
        if value:
            reason = hetu_rules.check_hetu(value, allow_temporary=settings.ALLOW_TEMPORARY_HETU)
            if reason != "ok":
                raise forms.ValidationError(hetu_rules.MESSAGES[reason], code=f"hetu_{reason}")
        return value


class PersonForm(forms.ModelForm):
    hetu = HetuField(required=False)

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "hetu",
            "phone",
            "email",
            "address",
            "municipality",
            "language",
        ]

    def __init__(self, *args, organisation_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_ids = organisation_ids
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"
        if self.instance.pk and self.instance.hetu_encrypted:
            self.fields["hetu"].help_text = _(
                "Leave empty to keep the current code ({masked})."
            ).format(masked=self.instance.hetu_masked)

    def clean_hetu(self):
        value = self.cleaned_data["hetu"]
        if value:
            clash = Person.objects.filter(
                organisation_id__in=self.organisation_ids, hetu_hash=Person.hash_hetu(value)
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(
                    _(
                        "A person with this identity code is already in the registry. Search for them instead."
                    ),
                    code="duplicate",
                )
        return value

    def probable_duplicates(self):
        """People with the same name and date of birth: shown as a warning, not an error."""
        data = self.cleaned_data
        born = hetu_rules.birth_date(data.get("hetu") or "")
        if not born:
            return Person.objects.none()
        return Person.objects.filter(
            organisation_id__in=self.organisation_ids,
            last_name__iexact=data.get("last_name", ""),
            first_name__iexact=data.get("first_name", ""),
            birth_date=born,
        ).exclude(pk=self.instance.pk)


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, identity code or contact code"),
        max_length=100,
        required=False,
        help_text=_(
            "The beginning of the last name, or last and first name, a whole identity code, or a contact code such as KALA-4821."
        ),
    )


class AccessReportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return data
