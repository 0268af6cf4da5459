from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.casework.forms import DATETIME, DATETIME_FORMATS, date_field
from kohtaamo.groupwork.models import Group, GroupLeader


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Group.Kind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = date_field(_("Starts on"), initial=timezone.localdate)
    ends_on = date_field(_("Ends on"), help_text=_("Groups are time-limited."))
    capacity = forms.IntegerField(
        label=_("At most members"), min_value=1, max_value=200, required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The group cannot end before it starts."))
        return data


class LeaderForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=GroupLeader.Role.choices)
    user = forms.ModelChoiceField(label=_("Worker with an account"), queryset=None, required=False)
    name = forms.CharField(
        label=_("Or the leader's name"),
        max_length=200,
        required=False,
        help_text=_("For a peer instructor or expert by experience without an account."),
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("name", _("Choose a worker or write the leader's name."))
        return data


class MemberForm(forms.Form):
    person = forms.ChoiceField(label=_("Client"), widget=forms.RadioSelect)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(p.code): p for p in people}
        self.fields["person"].choices = [
            (str(p.code), f"{p.last_name} {p.first_name}") for p in people
        ]

    def clean_person(self):
        return self.people[self.cleaned_data["person"]]


class MeetingForm(forms.Form):
    at = forms.DateTimeField(label=_("When"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=600, initial=90
    )
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    place = forms.CharField(label=_("Where"), max_length=200, required=False)


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Took part"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(m.code), f"{m.person.last_name} {m.person.first_name}") for m in members
        ]
