from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.directory.models import Service
from kohtaamo.people.models import Consent
from kohtaamo.referrals.models import AgreementStatus, PathStep, Referral, ServicePath


class ReferralForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How"),
        choices=Referral.Mode.choices,
        initial=Referral.Mode.STANDARD,
        widget=forms.RadioSelect,
    )
    path_step = forms.ModelChoiceField(
        label=_("Agreed path"),
        queryset=PathStep.objects.none(),
        required=False,
        help_text=_(
            "The agreed practice with this partner, if there is one: its response time applies."
        ),
    )
    consent_given = forms.BooleanField(
        label=_("The person consents to sharing the information below with the service"),
        required=False,
    )
    consent_method = forms.ChoiceField(
        label=_("Consent given"), choices=Consent.Method.choices, initial=Consent.Method.ORAL
    )
    shared_information = forms.CharField(
        label=_("What is shared"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only what the person agreed to. Never the identity code."),
    )
    message = forms.CharField(
        label=_("Message to the partner"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, service, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["path_step"].queryset = PathStep.objects.filter(
            service=service, path__status=AgreementStatus.IN_FORCE
        ).select_related("path")
        self.fields["path_step"].label_from_instance = lambda step: step.path.name
        if person is None:
            for name in ("consent_given", "consent_method", "shared_information", "message"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if self.person is not None and not data.get("consent_given"):
            self.add_error(
                "consent_given",
                forms.ValidationError(
                    _(
                        "Without consent only anonymous guidance is possible: record the consent, or refer without the person."
                    ),
                    code="consent_required",
                ),
            )
        return data


class StatusForm(forms.Form):
    VIA = [
        (Referral.ConfirmedVia.WORKER, _("I called the service or the person")),
        (Referral.ConfirmedVia.CLIENT, _("The person told me at the next contact")),
    ]
    to = forms.ChoiceField(label=_("New status"))
    via = forms.ChoiceField(
        label=_("How do you know"), choices=VIA, initial=Referral.ConfirmedVia.WORKER
    )
    reason = forms.CharField(label=_("Reason or note"), required=False, max_length=300)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Referral.Status.choices)
        self.fields["to"].choices = [(s, labels[s]) for s in referral.allowed_statuses()]

    def clean(self):
        data = super().clean()
        if data.get("to") == Referral.Status.DECLINED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason the referral was declined."))
        return data


class HandoffForm(forms.Form):
    at = forms.DateTimeField(
        label=_("When was the meeting"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H.%M", "%d.%m.%Y %H:%M"],
    )
    notes = forms.CharField(
        label=_("What was agreed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who the new responsible worker is and what happens next."),
    )
    started = forms.BooleanField(label=_("The service started at the meeting"), required=False)

    def clean_at(self):
        value = self.cleaned_data["at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("The meeting cannot be in the future."))
        return value


class ConfirmForm(forms.Form):
    OUTCOMES = [
        (Referral.Status.ARRIVED, _("The person arrived")),
        (Referral.Status.STARTED, _("The service has started")),
        (Referral.Status.NOT_REACHED, _("The person did not arrive / we could not reach them")),
        (Referral.Status.DECLINED, _("We cannot take the referral")),
    ]
    outcome = forms.ChoiceField(
        label=_("What happened?"), choices=OUTCOMES, widget=forms.RadioSelect
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        help_text=_("Recorded so the worker knows who confirmed."),
    )
    reason = forms.CharField(
        label=_("Reason (if you cannot take it)"), required=False, max_length=300
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("outcome") == Referral.Status.DECLINED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Give the reason the referral was declined."))
        return data


class ServicePathForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label=_("Needs (themes)"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ServicePath
        fields = [
            "name_fi",
            "name_sv",
            "name_en",
            "situation_fi",
            "situation_sv",
            "situation_en",
            "themes",
            "status",
            "review_date",
        ]
        widgets = {
            "review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "situation_fi": forms.Textarea(attrs={"rows": 2}),
            "situation_sv": forms.Textarea(attrs={"rows": 2}),
            "situation_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, theme_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = theme_choices


class PathStepForm(forms.ModelForm):
    class Meta:
        model = PathStep
        fields = [
            "service", "contact_people", "method", "response_time", "response_unit",
            "shared_information", "agreement_status", "review_date",
        ]  # fmt: skip
        widgets = {
            "review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "contact_people": forms.Textarea(attrs={"rows": 2}),
            "shared_information": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = (
            Service.objects.active().select_related("organisation").order_by("name_fi")
        )
        self.fields["service"].label_from_instance = lambda s: f"{s.name} – {s.organisation.name}"


PathStepFormSet = forms.formset_factory(PathStepForm, extra=1, can_delete=True)
