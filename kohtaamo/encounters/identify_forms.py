"""The form that turns a contact into an identified client (graduated identity)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Team, User
from kohtaamo.casework.models import ContactNotification
from kohtaamo.people.consent import Consent
from kohtaamo.people.forms import HetuField
from kohtaamo.people.models import Person

NEW = "new"


class IdentifyForm(forms.Form):
    person_choice = forms.ChoiceField(label=_("Person"), widget=forms.RadioSelect)
    first_name = forms.CharField(label=_("First names"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    hetu = HetuField(required=False)
    municipality = forms.CharField(label=_("Municipality"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    consent_recording = forms.BooleanField(
        label=_("The person consents to recording their contacts and the initial assessment"),
        required=True,
        error_messages={
            "required": _(
                "Recording the person as a client needs their consent. If they do not consent, keep the contact anonymous."
            )
        },
    )
    consent_purpose = forms.CharField(
        label=_("Purpose of the consent"),
        max_length=200,
        initial=_("Counselling, guidance and the assessment of the need for services"),
    )
    consent_given_by = forms.ChoiceField(
        label=_("Consent given by"),
        choices=Consent.GivenBy.choices,
        initial=Consent.GivenBy.CLIENT,
        widget=forms.RadioSelect,
    )
    consent_method = forms.ChoiceField(
        label=_("Consent given"),
        choices=Consent.Method.choices,
        initial=Consent.Method.ORAL,
        widget=forms.RadioSelect,
    )
    consent_valid_until = forms.DateField(
        label=_("Consent valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if it is valid until withdrawn."),
    )
    consent_sharing = forms.BooleanField(
        label=_("The person also consents to sharing data with another organisation"),
        required=False,
    )
    sharing_recipient = forms.CharField(label=_("Shared with"), max_length=200, required=False)
    carry_over = forms.MultipleChoiceField(
        label=_("Earlier contacts with the same contact code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The ticked contacts are moved to the person's record."),
    )
    open_matter = forms.BooleanField(
        label=_("Take the matter up: the person becomes a client"),
        required=False,
        initial=True,
    )
    special_group = forms.BooleanField(
        label=_(
            "Over 75, receives the highest disability allowance, or a child in need of special support"
        ),
        required=False,
        help_text=_(
            "The service need assessment must then start at the latest on the 7th working day (Social Welfare Act § 36)."
        ),
    )
    team = forms.ModelChoiceField(
        label=_("Team queue"), queryset=Team.objects.none(), required=False
    )
    responsible_worker = forms.ModelChoiceField(
        label=_("Responsible worker"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty: whoever takes the notification from the queue."),
    )
    reason = forms.CharField(
        label=_("What help the person needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notification_consent = forms.ChoiceField(
        label=_("The contact notification is made"),
        choices=ContactNotification.Consent.choices,
        initial=ContactNotification.Consent.GIVEN,
        widget=forms.RadioSelect,
    )
    start_assessment = forms.BooleanField(
        label=_("Start the service need assessment now"),
        required=False,
        help_text=_("Only an official may start the assessment."),
    )

    def __init__(self, *args, encounter, candidates, earlier, user, official: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.encounter = encounter
        self.candidates = {str(p.code): p for p in candidates}
        self.earlier = {str(e.code): e for e in earlier}
        self.fields["person_choice"].choices = [
            (
                code,
                f"{p.last_name} {p.first_name} ({p.birth_date:%d.%m.%Y})"
                if p.birth_date
                else f"{p.last_name} {p.first_name}",
            )
            for code, p in self.candidates.items()
        ] + [(NEW, _("A new person in the registry"))]
        self.fields["person_choice"].initial = NEW if not candidates else None
        self.fields["carry_over"].choices = [
            (code, e.started_at.strftime("%d.%m.%Y %H:%M")) for code, e in self.earlier.items()
        ]
        self.fields["carry_over"].initial = list(self.earlier)
        if not self.earlier:
            del self.fields["carry_over"]
        org = encounter.organisation_id
        self.fields["team"].queryset = Team.objects.filter(unit__organisation_id=org)
        membership = next((m for m in user.active_memberships() if m.organisation_id == org), None)
        self.fields["team"].initial = membership.team_id if membership else None
        self.fields["responsible_worker"].queryset = (
            User.objects.filter(
                memberships__organisation_id=org,
                memberships__is_active=True,
                memberships__role__client_access="write",
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        if not official:
            del self.fields["start_assessment"]
        for name in ("first_name", "last_name"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def clean(self):
        data = super().clean()
        if data.get("person_choice") == NEW:
            for name in ("first_name", "last_name"):
                if not data.get(name):
                    self.add_error(
                        name,
                        forms.ValidationError(
                            _("Needed for a new person in the registry."), code="required"
                        ),
                    )
            hetu = data.get("hetu")
            if (
                hetu
                and Person.objects.filter(
                    organisation_id=self.encounter.organisation_id, hetu_hash=Person.hash_hetu(hetu)
                ).exists()
            ):
                self.add_error(
                    "hetu",
                    forms.ValidationError(
                        _(
                            "A person with this identity code is already in the registry. Search for them above and choose them."
                        ),
                        code="duplicate",
                    ),
                )
        if data.get("consent_sharing") and not data.get("sharing_recipient"):
            self.add_error(
                "sharing_recipient",
                forms.ValidationError(_("Name who may receive the data."), code="required"),
            )
        if data.get("open_matter") and not data.get("reason"):
            self.add_error(
                "reason",
                forms.ValidationError(
                    _("Describe briefly what help the person needs."), code="required"
                ),
            )
        return data

    @property
    def chosen_person(self):
        return self.candidates.get(self.cleaned_data.get("person_choice"))

    def new_person_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "hetu": data.get("hetu", ""),
            "municipality": data.get("municipality", ""),
            "phone": data.get("phone", ""),
        }

    def carry_over_encounters(self) -> list:
        return [
            self.earlier[c] for c in self.cleaned_data.get("carry_over", []) if c in self.earlier
        ]

    @property
    def given_at(self):
        return timezone.now()
