from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kohtaamo.directory.models import Service
from kohtaamo.directory.search import Filters
from kohtaamo.directory.text import MAX_QUERY_CHARS

LANGUAGE_CHOICES = [
    ("", _("Any language")),
    ("fi", _("Finnish")),
    ("sv", _("Swedish")),
    ("en", _("English")),
]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("What does the person need?"),
        required=False,
        max_length=500,  # longer queries are cut to MAX_QUERY_CHARS by the search, not refused
        help_text=_("In everyday words, for example “rent is overdue” or “no food”."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    language = forms.ChoiceField(
        label=_("Language of service"), required=False, choices=LANGUAGE_CHOICES
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    free_of_charge = forms.BooleanField(label=_("Free of charge"), required=False)
    anonymous_allowed = forms.BooleanField(label=_("Anonymous use allowed"), required=False)
    no_appointment = forms.BooleanField(label=_("No appointment needed"), required=False)

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", _("Any municipality"))] + [
            (m, m) for m in municipalities
        ]

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            open_now=data.get("open_now", False),
            municipality=data.get("municipality", ""),
            language=data.get("language", ""),
            free_of_charge=data.get("free_of_charge", False),
            anonymous_allowed=data.get("anonymous_allowed", False),
            no_appointment=data.get("no_appointment", False),
        )

    @property
    def query(self) -> str:
        return (self.cleaned_data.get("q") or "")[:MAX_QUERY_CHARS]


class ServiceForm(forms.ModelForm):
    themes = forms.CharField(
        label=_("Themes"),
        required=False,
        help_text=_("Theme keys separated by commas, for example: housing, debt."),
    )

    class Meta:
        model = Service
        fields = [
            "status", "name_fi", "name_sv", "name_en", "description_fi", "description_sv",
            "description_en", "keywords_fi", "keywords_sv", "keywords_en", "eligibility_fi",
            "eligibility_sv", "eligibility_en", "fees_fi", "fees_sv", "fees_en", "free_of_charge",
            "anonymous_allowed", "no_appointment", "municipality", "coverage", "url", "email",
        ]  # fmt: skip
        help_texts = {"keywords_fi": _("One keyword or phrase a line.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["themes"] = ", ".join(self.instance.themes or [])
        for name in ("description_fi", "description_sv", "description_en"):
            self.fields[name].widget.attrs["rows"] = 4
        for name in (
            "keywords_fi",
            "keywords_sv",
            "keywords_en",
            "eligibility_fi",
            "eligibility_sv",
            "eligibility_en",
            "fees_fi",
            "fees_sv",
            "fees_en",
        ):
            self.fields[name].widget.attrs["rows"] = 2

    def clean_name_fi(self):
        value = self.cleaned_data["name_fi"].strip()
        if not value:
            raise forms.ValidationError(_("A service needs a Finnish name."), code="required")
        return value

    def clean_themes(self):
        return sorted({t.strip() for t in self.cleaned_data["themes"].split(",") if t.strip()})
