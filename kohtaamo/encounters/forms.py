"""Forms of the desk. The quick-entry form is one screen: everything has a default except what
only the worker knows (themes and support), so an anonymous contact takes a few taps."""

from __future__ import annotations

import datetime

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation, User
from kohtaamo.core.i18n import pick
from kohtaamo.encounters import notecheck
from kohtaamo.encounters.actions import EncounterInput, earlier_contacts
from kohtaamo.encounters.models import Encounter, Place
from kohtaamo.encounters.taxonomy import section_texts, terms
from kohtaamo.people import contact_code

FUTURE_SKEW = datetime.timedelta(minutes=5)
MAX_MINUTES = 24 * 60


class ChipSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes drawn as large chips (CSS only); each keeps its own label."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attrs.setdefault("class", "chip-input")


class ChipSelect(forms.RadioSelect):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attrs.setdefault("class", "chip-input")


class TermMultipleChoiceField(forms.MultipleChoiceField):
    """Choices by key from the taxonomy; cleans to the Term objects."""

    def __init__(self, *, section_terms, **kwargs):
        self.by_key = {t.key: t for t in section_terms}
        kwargs.setdefault("widget", ChipSelectMultiple)
        super().__init__(choices=[(t.key, t.label) for t in section_terms], **kwargs)

    def clean(self, value):
        return [self.by_key[k] for k in super().clean(value)]


def _legend(section: str):
    return pick(section_texts(section).get("label")) or section


def _help(section: str):
    return pick(section_texts(section).get("help"))


def _choices(section_terms, *, blank: str | None = None):
    choices = [(t.key, t.label) for t in section_terms]
    return ([("", blank)] if blank is not None else []) + choices


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class QuickEntryForm(forms.Form):
    identity_level = forms.ChoiceField(
        label=_("Who"),
        choices=Encounter.IdentityLevel.choices,
        initial=Encounter.IdentityLevel.ANONYMOUS,
        widget=ChipSelect,
    )
    contact_code = forms.CharField(
        label=_("Contact code"),
        required=False,
        max_length=20,
        help_text=_("The code the person keeps, for example KALA-4821."),
    )
    new_contact_code = forms.BooleanField(
        label=_("Give the person a new contact code"), required=False
    )
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)
    themes = forms.MultipleChoiceField(required=True)  # replaced in __init__
    support = forms.MultipleChoiceField(required=True)
    result = forms.ChoiceField()
    guided_to = forms.CharField(
        label=_("Guided to which service"),
        required=False,
        max_length=200,
        help_text=_("For guidance to a service: its name, e.g. Kela or debt advice."),
    )
    is_repeat = forms.BooleanField(
        label=_("The person has been in contact before about this"), required=False
    )
    about_handled_matter = forms.ChoiceField(
        label=_("Is this about a matter already handled?"),
        choices=YES_NO,
        required=False,
        widget=ChipSelect,
    )
    failure_reason = forms.ChoiceField(required=False, widget=ChipSelect)
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.none(), required=False)
    channel = forms.ChoiceField(widget=ChipSelect)
    started_at = forms.DateTimeField(
        label=_("Started at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        initial=10,
        min_value=1,
        max_value=MAX_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    pair_worker = forms.ModelChoiceField(
        label=_("Pair worker"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("The other worker, if you worked in a pair."),
    )
    arrival = forms.ChoiceField(widget=ChipSelect)
    partner = forms.ModelChoiceField(
        label=_("Guiding partner"),
        queryset=Organisation.objects.exclude(kind=Organisation.Kind.COUNTY),
        required=False,
    )
    age_band = forms.ChoiceField(required=False)
    gender = forms.ChoiceField(required=False)
    municipality = forms.CharField(label=_("Home municipality"), required=False, max_length=100)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only what is needed. For anonymous contacts: no names, identity codes or contact details."
        ),
    )
    note_confirmed = forms.BooleanField(
        label=_("I checked: the note does not identify the person"), required=False
    )
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, organisation_ids, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.organisation_ids = organisation_ids
        self.person_obj = person
        self.earlier = 0
        self.note_warnings: list[str] = []
        all_terms = terms()
        self.fields["themes"] = TermMultipleChoiceField(
            section_terms=all_terms["themes"],
            label=_legend("themes"),
            help_text=_help("themes"),
        )
        self.fields["support"] = TermMultipleChoiceField(
            section_terms=all_terms["support"],
            label=_legend("support"),
            help_text=_help("support"),
        )
        for name, section, blank in [
            ("result", "results", None),
            ("failure_reason", "failure_reasons", None),
            ("channel", "channels", None),
            ("arrival", "arrival", None),
            ("age_band", "age_bands", _("Not recorded")),
            ("gender", "genders", _("Not recorded")),
        ]:
            field = self.fields[name]
            field.choices = _choices(all_terms[section], blank=blank)
            field.label = _legend(section)
            if name not in ("result", "channel", "arrival"):
                field.help_text = _help(section)
        self.fields["result"].widget = ChipSelect(choices=self.fields["result"].choices)
        self.fields["result"].initial = "settled"
        self.fields["channel"].initial = "desk"
        self.fields["arrival"].initial = "self"
        self.fields["place"].queryset = Place.objects.filter(
            organisation_id__in=organisation_ids, active=True
        )
        self.fields["pair_worker"].queryset = (
            User.objects.filter(
                memberships__organisation_id__in=organisation_ids,
                memberships__is_active=True,
                memberships__role__client_access="write",
            )
            .exclude(pk=user.pk)
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["contact_code"].widget.attrs.update(
            {
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "hx-post": reverse("encounters:repeat-check"),
                "hx-trigger": "input changed delay:500ms, change",
                "hx-target": "#repeat-info",
                "hx-swap": "outerHTML",
            }
        )
        self.labels = {s: {t.key: t.label for t in rows} for s, rows in all_terms.items()}
        if person is not None:
            self.earlier = earlier_contacts(person.organisation_id, person=person).count()

    def summary(self) -> str:
        """'Keskustan sosiaalipiste · Walk-in desk · now · 10 min' for the collapsed details."""
        value = self["place"].value()
        place = next((p for p in self.fields["place"].queryset if str(p.pk) == str(value)), None)
        channel = self.labels["channels"].get(self["channel"].value() or "", "")
        started = self["started_at"].value()
        minutes = self["duration_minutes"].value()
        parts = [
            place.name if place else str(_("no place")),
            channel,
            str(started) if started else str(_("now")),
            str(_("%(n)s min") % {"n": minutes}) if minutes else "",
        ]
        return " · ".join(p for p in parts if p)

    # -- cleaning --------------------------------------------------------------------------

    def clean_started_at(self):
        value = self.cleaned_data.get("started_at")
        if value and value > timezone.now() + FUTURE_SKEW:
            raise forms.ValidationError(_("The start time is in the future."), code="future")
        return value

    def clean_contact_code(self):
        value = self.cleaned_data.get("contact_code", "")
        if value and not contact_code.looks_like_code(value):
            raise forms.ValidationError(
                _("A contact code is a word and four digits, for example KALA-4821."),
                code="format",
            )
        return contact_code.normalise(value)

    def clean_note(self):
        value = self.cleaned_data.get("note", "").strip()
        if notecheck.has_hetu(value):
            raise forms.ValidationError(
                _(
                    "Remove the identity code from the note. Identity codes are kept only in the client registry."
                ),
                code="hetu",
            )
        return value

    def clean(self):
        data = super().clean()
        level = data.get("identity_level")
        org_id = self.organisation_id
        if level == Encounter.IdentityLevel.PSEUDONYMOUS:
            code = data.get("contact_code")
            if not code and not data.get("new_contact_code"):
                self.add_error(
                    "contact_code",
                    forms.ValidationError(
                        _("Type the person's contact code, or give them a new one."),
                        code="required",
                    ),
                )
            elif code and not data.get("new_contact_code"):
                self.earlier = earlier_contacts(
                    org_id, code_hash=contact_code.hash_code(code)
                ).count()
                if not self.earlier:
                    self.add_error(
                        "contact_code",
                        forms.ValidationError(
                            _(
                                "No contacts with this code were found. Check the code, or give a new one."
                            ),
                            code="unknown",
                        ),
                    )
        if level == Encounter.IdentityLevel.IDENTIFIED and self.person_obj is not None:
            self.earlier = earlier_contacts(org_id, person=self.person_obj).count()
        if data.get("arrival") == "partner_guided" and not data.get("partner"):
            self.add_error(
                "partner",
                forms.ValidationError(_("Choose the partner who guided the person."), "required"),
            )
        repeat = self.earlier > 0 or data.get("is_repeat")
        answer = data.get("about_handled_matter")
        if repeat and not answer:
            self.add_error(
                "about_handled_matter",
                forms.ValidationError(
                    _(
                        "The person has been in contact before: is this about a matter already handled?"
                    ),
                    code="required",
                ),
            )
        if answer == "yes" and not data.get("failure_reason"):
            self.add_error(
                "failure_reason",
                forms.ValidationError(_("Choose why the person is back."), code="required"),
            )
        note = data.get("note", "")
        if note and level != Encounter.IdentityLevel.IDENTIFIED:
            self.note_warnings = notecheck.warnings(note)
            if self.note_warnings and not data.get("note_confirmed"):
                self.add_error(
                    "note",
                    forms.ValidationError(
                        _(
                            "The note may identify the person (%(reasons)s). Remove it, or tick the box below to confirm that it does not."
                        ),
                        params={"reasons": ", ".join(self.note_warnings)},
                        code="identifying",
                    ),
                )
        return data

    @property
    def organisation_id(self) -> int:
        place = self.cleaned_data.get("place") if hasattr(self, "cleaned_data") else None
        if place is not None:
            return place.organisation_id
        if self.person_obj is not None:
            return self.person_obj.organisation_id
        membership = next(
            (
                m
                for m in self.user.active_memberships()
                if m.organisation_id in self.organisation_ids
            ),
            None,
        )
        return membership.organisation_id

    @property
    def show_repeat(self) -> bool:
        return bool(
            self.earlier
            or self.has_error("about_handled_matter")
            or self.has_error("failure_reason")
            or (self.is_bound and self.data.get("is_repeat"))
        )

    @property
    def show_details(self) -> bool:
        names = ("place", "channel", "started_at", "duration_minutes", "pair_worker", "arrival")
        return any(self.has_error(n) for n in (*names, "partner"))

    def to_input(self) -> EncounterInput:
        data = self.cleaned_data
        place = data.get("place")
        membership = next(
            (
                m
                for m in self.user.active_memberships()
                if m.organisation_id == self.organisation_id
            ),
            None,
        )
        team_id = (place.team_id if place else None) or (membership.team_id if membership else None)
        unit_id = (place.unit_id if place else None) or (membership.unit_id if membership else None)
        answer = data.get("about_handled_matter")
        return EncounterInput(
            organisation_id=self.organisation_id,
            unit_id=unit_id,
            team_id=team_id,
            place=place,
            channel=data["channel"],
            started_at=data.get("started_at") or timezone.now(),
            duration_minutes=data["duration_minutes"],
            result=data["result"],
            identity_level=data["identity_level"],
            themes=data["themes"],
            support=data["support"],
            pair_worker=data.get("pair_worker"),
            arrival=data["arrival"],
            partner_id=data["partner"].pk if data.get("partner") else None,
            age_band=data.get("age_band", ""),
            gender=data.get("gender", ""),
            municipality=data.get("municipality", ""),
            contact_code=data.get("contact_code", ""),
            new_contact_code=bool(data.get("new_contact_code")),
            person=self.person_obj,
            guided_to=data.get("guided_to", ""),
            is_repeat=bool(data.get("is_repeat")),
            about_handled_matter=None if not answer else answer == "yes",
            failure_reason=data.get("failure_reason", ""),
            note=data.get("note", ""),
            client_id=data.get("client_id"),
        )

    def favourite_data(self) -> dict:
        """The current selection, as saved in a favourite (never identity or free text)."""
        data = self.data
        return {
            "place": data.get("place", ""),
            "channel": data.get("channel", ""),
            "duration_minutes": data.get("duration_minutes", ""),
            "arrival": data.get("arrival", ""),
            "result": data.get("result", ""),
            "themes": data.getlist("themes") if hasattr(data, "getlist") else [],
            "support": data.getlist("support") if hasattr(data, "getlist") else [],
        }


def initial_from_encounter(encounter: Encounter) -> dict:
    """'Same as last': the selection of an earlier contact (not who, not the note)."""
    return {
        "place": encounter.place_id,
        "channel": encounter.channel,
        "duration_minutes": encounter.duration_minutes,
        "arrival": encounter.arrival,
        "partner": encounter.partner_id,
        "result": encounter.result,
        "themes": [t.key for t in encounter.themes.all()],
        "support": [t.key for t in encounter.support.all()],
    }


def initial_from_favourite(favourite) -> dict:
    data = dict(favourite.data)
    initial = {k: v for k, v in data.items() if v not in ("", None, [])}
    if "place" in initial:
        place = Place.objects.filter(pk=initial["place"]).first()
        initial["place"] = place.pk if place else None
    return initial


class FavouriteForm(forms.Form):
    favourite_name = forms.CharField(label=_("Name of the favourite"), max_length=60)


class CodeLookupForm(forms.Form):
    contact_code = forms.CharField(label=_("Contact code"), max_length=20)

    def clean_contact_code(self):
        value = contact_code.normalise(self.cleaned_data["contact_code"])
        if not value:
            raise forms.ValidationError(
                _("A contact code is a word and four digits, for example KALA-4821."),
                code="format",
            )
        return value


class ListFilterForm(forms.Form):
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.none(), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, organisation_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(organisation_id__in=organisation_ids)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return data
