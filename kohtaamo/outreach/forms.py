"""Forms of outreach work. The field forms are phone-first: everything has a default except what
only the worker knows, so an anonymous contact is a few taps (docs/outreach.md counts them)."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Membership, Team, User
from kohtaamo.core.i18n import pick
from kohtaamo.encounters import notecheck
from kohtaamo.encounters.forms import ChipSelect, ChipSelectMultiple, TermMultipleChoiceField
from kohtaamo.encounters.models import Encounter, Place
from kohtaamo.encounters.taxonomy import section_texts, terms
from kohtaamo.outreach import actions
from kohtaamo.outreach.models import WEEKDAYS, Observation, OutreachPlace, PlaceVisit, Shift

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
NEXT_CHOICES = [
    (15, _("in 15 minutes")),
    (30, _("in 30 minutes")),
    (45, _("in 45 minutes")),
    (60, _("in an hour")),
    (90, _("in 1½ hours")),
    (120, _("in 2 hours")),
    (180, _("in 3 hours")),
]


def _legend(section: str) -> str:
    return pick(section_texts(section).get("label")) or section


def _local_minute(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value).replace(second=0, microsecond=0)


# Places --------------------------------------------------------------------------------------


class PlaceForm(forms.Form):
    name_fi = forms.CharField(label=_("Name (Finnish)"), max_length=200)
    name_sv = forms.CharField(label=_("Name (Swedish)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind of place"), choices=OutreachPlace.Kind.choices)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )
    municipality = forms.CharField(label=_("Municipality"), max_length=100, required=False)
    address = forms.CharField(label=_("Address or web address"), max_length=200, required=False)
    contact_people = forms.CharField(
        label=_("Contact people"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=OutreachPlace._meta.get_field("contact_people").help_text,
    )
    publicity_notes = forms.CharField(
        label=_("Publicity"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=OutreachPlace._meta.get_field("publicity_notes").help_text,
    )
    safety_notes = forms.CharField(
        label=_("Work safety"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=OutreachPlace._meta.get_field("safety_notes").help_text,
    )

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id
        self.fields["team"].queryset = Team.objects.filter(unit__organisation_id=organisation_id)

    def clean_contact_people(self):
        text = self.cleaned_data["contact_people"]
        if notecheck.has_hetu(text):
            raise forms.ValidationError(_("Remove the identity code."))
        return text


class SlotForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=[("", "–"), *WEEKDAYS], coerce=int, required=False
    )
    time_from = forms.TimeField(label=_("From"), required=False, widget=TIME_WIDGET)
    time_until = forms.TimeField(label=_("Until"), required=False, widget=TIME_WIDGET)

    def clean(self):
        data = super().clean()
        given = [data.get(k) not in (None, "") for k in ("weekday", "time_from", "time_until")]
        if any(given) and not all(given):
            raise forms.ValidationError(
                _("Give the weekday and both times, or leave the row empty.")
            )
        if all(given) and data["time_until"] <= data["time_from"]:
            self.add_error("time_until", _("The time must be after the start."))
        return data

    @property
    def slot(self):
        data = getattr(self, "cleaned_data", {})
        if data.get("weekday") in (None, "") or not data.get("time_from"):
            return None
        return data["weekday"], data["time_from"], data["time_until"]


SlotFormSet = forms.formset_factory(SlotForm, extra=2, max_num=14, absolute_max=14)


def place_input(form: PlaceForm, slots) -> actions.PlaceInput:
    data = form.cleaned_data
    team = data.get("team")
    return actions.PlaceInput(
        organisation_id=form.organisation_id,
        name_fi=data["name_fi"],
        name_sv=data["name_sv"],
        name_en=data["name_en"],
        kind=data["kind"],
        team_id=team.pk if team else None,
        unit_id=team.unit_id if team else None,
        municipality=data["municipality"],
        address=data["address"],
        contact_people=data["contact_people"],
        publicity_notes=data["publicity_notes"],
        safety_notes=data["safety_notes"],
        slots=[f.slot for f in slots if f.slot],
    )


def place_initial(outreach: OutreachPlace) -> tuple[dict, list[dict]]:
    place = outreach.place
    initial = {
        "name_fi": place.name_fi,
        "name_sv": place.name_sv,
        "name_en": place.name_en,
        "kind": outreach.kind,
        "team": place.team_id,
        "municipality": place.municipality,
        "address": place.address,
        "contact_people": outreach.contact_people,
        "publicity_notes": outreach.publicity_notes,
        "safety_notes": outreach.safety_notes,
    }
    slots = [
        {"weekday": s.weekday, "time_from": s.time_from, "time_until": s.time_until}
        for s in outreach.slots.all()
    ]
    return initial, slots


# Shifts --------------------------------------------------------------------------------------


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class UsersChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class ShiftForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        required=False,
        help_text=_("For example: Evening round, station and shopping centre."),
    )
    planned_start = forms.DateTimeField(label=_("Starts"), widget=DATETIME_WIDGET)
    planned_end = forms.DateTimeField(label=_("Ends"), widget=DATETIME_WIDGET)
    workers = UsersChoice(
        label=_("Workers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Outreach work is done in pairs: choose at least two."),
    )
    on_call = UserChoice(
        label=_("On-call person"),
        queryset=User.objects.none(),
        help_text=_("Receives the safety alerts of this shift until someone acknowledges them."),
    )
    on_call_phone = forms.CharField(
        label=_("On-call phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=_("For text-message alerts and for calling from the field."),
    )

    def __init__(self, *args, organisation_ids: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(
            unit__organisation_id__in=organisation_ids
        ).select_related("unit")
        members = Membership.objects.filter(organisation_id__in=organisation_ids, is_active=True)
        writers = members.filter(role__client_access="write").values("user_id")
        on_call = members.filter(
            Q(role__client_access="write") | Q(role__sees_aggregates=True)
        ).values("user_id")
        self.fields["workers"].queryset = User.objects.filter(pk__in=writers, is_active=True)
        self.fields["on_call"].queryset = User.objects.filter(pk__in=on_call, is_active=True)

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end <= start:
            self.add_error("planned_end", _("The shift must end after it starts."))
        if start and end and end - start > datetime.timedelta(hours=16):
            self.add_error("planned_end", _("A shift can be at most 16 hours long."))
        workers = list(data.get("workers") or [])
        if "workers" in data and len(workers) < 2:
            self.add_error("workers", _("An outreach shift needs at least two workers."))
        team = data.get("team")
        if team and workers:
            in_team = set(
                Membership.objects.filter(team=team, is_active=True, user__in=workers).values_list(
                    "user_id", flat=True
                )
            )
            if not in_team:
                self.add_error("workers", _("At least one worker must be in the chosen team."))
        if data.get("on_call") and data["on_call"] in workers:
            self.add_error("on_call", _("The on-call person cannot be on the shift."))
        return data


class VisitForm(forms.Form):
    place = forms.ModelChoiceField(
        label=_("Place"), queryset=Place.objects.none(), required=False, to_field_name="code"
    )
    planned_from = forms.DateTimeField(label=_("From"), required=False, widget=DATETIME_WIDGET)
    planned_until = forms.DateTimeField(label=_("Until"), required=False, widget=DATETIME_WIDGET)
    experiment = forms.ChoiceField(label=_("Field experiment"), required=False, choices=[])

    def __init__(self, *args, places=None, experiments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places if places is not None else Place.objects.none()
        self.fields["experiment"].choices = [("", _("None"))] + list(experiments)
        if not experiments:
            self.fields["experiment"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        given = [bool(data.get(k)) for k in ("place", "planned_from", "planned_until")]
        if any(given) and not all(given):
            raise forms.ValidationError(_("Give the place and both times, or leave the row empty."))
        if all(given) and data["planned_until"] <= data["planned_from"]:
            self.add_error("planned_until", _("The time must be after the start."))
        return data

    @property
    def visit(self) -> actions.VisitInput | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("place") or not data.get("planned_from"):
            return None
        experiment = data.get("experiment") or None
        return actions.VisitInput(
            place=data["place"],
            planned_from=data["planned_from"],
            planned_until=data["planned_until"],
            experiment_ref=uuid.UUID(experiment) if experiment else None,
        )


VisitFormSet = forms.formset_factory(VisitForm, extra=4, max_num=12, absolute_max=12)


def experiment_choices(organisation_ids) -> list[tuple[str, str]]:
    """Running field experiments of the evaluation app, if it is installed. Read through the
    app registry: outreach does not import evaluation."""
    from django.apps import apps

    try:
        model = apps.get_model("evaluation", "Experiment")
    except LookupError:
        return []
    today = timezone.localdate()
    rows = model.objects.filter(
        organisation_id__in=organisation_ids, starts_on__lte=today, ends_on__gte=today
    ).order_by("name")
    return [(str(e.code), e.name) for e in rows]


# In the field --------------------------------------------------------------------------------


class CheckInForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    place = forms.ModelChoiceField(
        label=_("Where are you?"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("Somewhere else / on the way"),
        to_field_name="code",
    )
    next_minutes = forms.TypedChoiceField(
        label=_("Next check-in"),
        choices=NEXT_CHOICES,
        coerce=int,
        initial=60,
        widget=ChipSelect,
    )
    share_location = forms.BooleanField(
        label=_("Share my location with this check-in"),
        required=False,
        help_text=_("Only for this check-in, only if you allow it on the phone."),
    )
    latitude = forms.DecimalField(
        required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6
    )
    longitude = forms.DecimalField(
        required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6
    )
    accuracy = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, shift: Shift, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_id", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.shift = shift
        self.fields["place"].queryset = Place.objects.filter(
            organisation_id=shift.organisation_id, active=True
        )

    @property
    def location(self):
        data = self.cleaned_data
        if data.get("latitude") is None or data.get("longitude") is None:
            return None
        return data["latitude"], data["longitude"], data.get("accuracy")


class FieldContactForm(forms.Form):
    """The phone capture form. Identified contacts are identified afterwards on the desk's page."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    themes = forms.MultipleChoiceField()  # replaced in __init__
    support = forms.MultipleChoiceField(required=False)
    result = forms.ChoiceField(widget=ChipSelect)
    identity_level = forms.ChoiceField(
        label=_("Who"),
        choices=[
            (Encounter.IdentityLevel.ANONYMOUS, _("Anonymous")),
            (Encounter.IdentityLevel.PSEUDONYMOUS, _("With a contact code")),
        ],
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
        label=_("Give the person a new contact code (needs a connection)"), required=False
    )
    guided_to = forms.CharField(
        label=_("Guided to which service"),
        required=False,
        max_length=200,
        help_text=_("For guidance or a hand-off: the service's name."),
    )
    visit = forms.ModelChoiceField(
        label=_("Where"),
        queryset=PlaceVisit.objects.none(),
        required=False,
        empty_label=_("Not at a planned stop"),
        to_field_name="code",
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        initial=5,
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    age_band = forms.ChoiceField(label=_("Age group"), required=False)
    gender = forms.ChoiceField(label=_("Gender"), required=False)

    def __init__(self, *args, shift: Shift, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_id", uuid.uuid4())
        kwargs["initial"].setdefault("result", "settled")
        super().__init__(*args, **kwargs)
        self.shift = shift
        t = terms()
        self.fields["themes"] = TermMultipleChoiceField(
            section_terms=t["themes"], label=_legend("themes"), widget=ChipSelectMultiple
        )
        self.fields["support"] = TermMultipleChoiceField(
            section_terms=t["support"],
            label=_legend("support"),
            required=False,
            widget=ChipSelectMultiple,
        )
        self.fields["result"].choices = [
            (r.key, r.label) for r in t["results"] if r.key != "client_matter"
        ]
        self.fields["result"].label = _legend("results")
        self.fields["age_band"].choices = [("", "–")] + [(r.key, r.label) for r in t["age_bands"]]
        self.fields["gender"].choices = [("", "–")] + [(r.key, r.label) for r in t["genders"]]
        self.fields["visit"].queryset = shift.visits.select_related("place")
        self.fields["visit"].label_from_instance = lambda v: (
            f"{v.place.name} {timezone.localtime(v.planned_from):%H:%M}–"
            f"{timezone.localtime(v.planned_until):%H:%M}"
        )

    def clean(self):
        data = super().clean()
        if data.get("identity_level") == Encounter.IdentityLevel.PSEUDONYMOUS:
            if not data.get("contact_code") and not data.get("new_contact_code"):
                self.add_error(
                    "contact_code", _("Give the person's contact code, or make a new one.")
                )
        return data

    def contact_input(self) -> actions.ContactInput:
        data = self.cleaned_data
        code = data.get("contact_code", "").strip()
        visit = data.get("visit")
        return actions.ContactInput(
            themes=data["themes"],
            support=data.get("support") or [],
            result=data["result"],
            identity_level=data["identity_level"],
            contact_code=code,
            new_contact_code=bool(data.get("new_contact_code")) and not code,
            duration_minutes=data["duration_minutes"],
            guided_to=data.get("guided_to", ""),
            age_band=data.get("age_band", ""),
            gender=data.get("gender", ""),
            visit=visit,
            place=visit.place if visit else None,
            client_id=data["client_id"],
        )


class ObservationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What was seen"), choices=Observation.Kind.choices, widget=ChipSelect
    )
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("Elsewhere"),
        to_field_name="code",
    )
    observed_at = forms.DateTimeField(label=_("When"), widget=DATETIME_WIDGET)
    count_estimate = forms.IntegerField(
        label=_("About how many people"),
        required=False,
        min_value=0,
        max_value=10_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=Observation._meta.get_field("description").help_text,
    )
    confirm_description = forms.BooleanField(
        label=_("The description does not identify anyone"), required=False
    )

    def __init__(self, *args, organisation_id: int, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("observed_at", _local_minute(timezone.now()))
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(
            organisation_id=organisation_id, active=True
        )
        self.warnings: list[str] = []

    def clean_description(self):
        text = self.cleaned_data["description"]
        if notecheck.has_hetu(text):
            raise forms.ValidationError(
                _("Remove the identity code: observations never name a person.")
            )
        return text

    def clean(self):
        data = super().clean()
        self.warnings = notecheck.warnings(data.get("description", ""))
        if self.warnings and not data.get("confirm_description"):
            self.add_error(
                "description",
                _(
                    "Check the description: %(why)s. Remove it, or confirm below that it identifies nobody."
                )
                % {"why": "; ".join(self.warnings)},
            )
        observed = data.get("observed_at")
        if observed and observed > timezone.now() + datetime.timedelta(minutes=5):
            self.add_error("observed_at", _("The time cannot be in the future."))
        return data


class FigureFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end must not be before the start."))
        return data
