"""Forms of case management. They validate and the views hand the cleaned data to the actions."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.casework import content
from kohtaamo.casework.models import (
    ClientMatter,
    ClientPlan,
    Decision,
    MatterEnding,
    MatterMember,
    NetworkMember,
    PlanGoal,
    PlanStep,
    ServiceNeedAssessment,
    SupportMeeting,
    Task,
)
from kohtaamo.people.consent import Consent

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H.%M", "%d.%m.%Y %H:%M"]


def date_field(label, *, required=True, help_text="", initial=None):
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        initial=initial,
    )


def text(label, *, required=True, rows=4, help_text="", max_length=None):
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        max_length=max_length,
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class MatterOpenForm(forms.Form):
    source = forms.ChoiceField(
        label=_("The matter came from"),
        choices=ClientMatter.Source.choices,
        initial=ClientMatter.Source.ENCOUNTER,
        widget=forms.RadioSelect,
    )
    special_group = forms.BooleanField(
        label=ClientMatter._meta.get_field("special_group").verbose_name,
        help_text=ClientMatter._meta.get_field("special_group").help_text,
        required=False,
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    become_responsible = forms.BooleanField(
        label=_("I am the responsible worker"), required=False, initial=True
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class MatterEditForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    segment = forms.ChoiceField(
        label=_("Client segment"),
        choices=[("", _("Not recorded"))] + list(ClientMatter.Segment.choices),
        required=False,
        help_text=_("Made together with the client, e.g. with Suuntima."),
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class ResponsibleForm(forms.Form):
    user = UserChoiceField(label=_("Responsible worker"), queryset=None)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = workers


class MemberForm(forms.Form):
    user = UserChoiceField(
        label=_("Worker"),
        queryset=None,
        help_text=_("Workers of your organisation and of partners with an account."),
    )
    role = forms.ChoiceField(
        label=_("Role in the matter"),
        choices=[
            (MatterMember.Role.TEAM, MatterMember.Role.TEAM.label),
            (MatterMember.Role.PARTNER, MatterMember.Role.PARTNER.label),
        ],
        widget=forms.RadioSelect,
        initial=MatterMember.Role.TEAM,
    )
    title = forms.CharField(
        label=_("Title or task"),
        max_length=100,
        required=False,
        help_text=_("For example: nurse, expert by experience, Kela benefits."),
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class NetworkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NetworkMember.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    relation = forms.CharField(
        label=_("Role for the client"),
        max_length=200,
        required=False,
        help_text=_("For example: sister, debt adviser, A-Guild peer group."),
    )
    contact = forms.CharField(label=_("How to reach"), max_length=200, required=False)
    may_contact = forms.BooleanField(
        label=_("The client agrees that we may contact them"), required=False
    )
    consent_given = forms.BooleanField(
        label=_("The client agrees that this person or service is recorded in their network"),
        required=False,
    )
    consent_method = forms.ChoiceField(
        label=_("Consent given"), choices=Consent.Method.choices, initial=Consent.Method.ORAL
    )

    def clean(self):
        data = super().clean()
        if not data.get("consent_given"):
            self.add_error(
                "consent_given",
                _("Ask the client first: people and services are added only with consent."),
            )
        return data


class AssessmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    started_on = date_field(_("Assessment started on"))
    complete_by = date_field(
        _("To be completed by"),
        required=False,
        help_text=ServiceNeedAssessment._meta.get_field("complete_by").help_text,
    )
    reason = text(_("Reason for the assessment"), required=False, rows=3)
    need_areas = forms.MultipleChoiceField(
        label=_("Life areas of the need"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    client_view = text(
        _("The client's own view"),
        required=False,
        help_text=_("In the client's own words: what the situation is and what they wish for."),
    )
    close_ones_view = text(
        _("Views of close ones and other professionals"),
        required=False,
        rows=3,
        help_text=_("Only with the client's consent."),
    )
    worker_assessment = text(_("The worker's assessment"), required=False)
    conclusion = text(
        _("Conclusion"),
        required=False,
        help_text=_("The need for services and support, and what is proposed."),
    )
    special_support = forms.BooleanField(
        label=_("The client needs special support (§ 46)"),
        required=False,
        help_text=_("The responsible worker must then be a social worker (§ 42)."),
    )
    special_support_reason = text(_("Why special support is needed"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need_areas"].choices = content.life_area_choices()

    def clean(self):
        data = super().clean()
        if (
            data.get("started_on")
            and data.get("complete_by")
            and data["complete_by"] < data["started_on"]
        ):
            self.add_error("complete_by", _("The completion date cannot be before the start."))
        return data

    def fields_for_action(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ReuseForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Earlier assessment"), queryset=None, widget=forms.RadioSelect
    )
    sections = forms.MultipleChoiceField(
        label=_("Copy these sections"),
        choices=[
            ("reason", _("Reason for the assessment")),
            ("need_areas", _("Life areas of the need")),
            ("client_view", _("The client's own view")),
            ("close_ones_view", _("Views of close ones and other professionals")),
            ("worker_assessment", _("The worker's assessment")),
            ("conclusion", _("Conclusion")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    consent_given = forms.BooleanField(
        label=_("The client agrees that the earlier assessment is used"), required=False
    )
    consent_method = forms.ChoiceField(
        label=_("Consent given"), choices=Consent.Method.choices, initial=Consent.Method.ORAL
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda a: (
            _("%(day)s, signed by %(who)s")
            % {
                "day": a.started_on.strftime("%d.%m.%Y"),
                "who": a.signed_by.get_full_name() if a.signed_by_id else "–",
            }
        )

    def clean(self):
        data = super().clean()
        if not data.get("consent_given"):
            self.add_error(
                "consent_given",
                _("An earlier assessment is reused only with the client's consent."),
            )
        return data


class PlanNewForm(forms.Form):
    variant = forms.ChoiceField(
        label=_("Case-management variant"),
        choices=ClientPlan.Variant.choices,
        widget=forms.RadioSelect,
        help_text=_("The variant puts its usual steps in the plan; edit them with the client."),
    )
    assessment = forms.ModelChoiceField(
        label=_("Based on the assessment"), queryset=None, required=False
    )
    situation = text(
        _("The situation in brief"),
        required=False,
        rows=3,
        help_text=_("In plain language: the client reads this in their own copy."),
    )
    client_view = text(
        _("What the client wants"),
        required=False,
        rows=3,
        help_text=_("In the client's own words."),
    )
    review_on = date_field(_("Next review"), required=False)

    def __init__(self, *args, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = assessments
        self.fields["assessment"].label_from_instance = lambda a: a.started_on.strftime("%d.%m.%Y")


class PlanEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    situation = PlanNewForm.base_fields["situation"]
    client_view = PlanNewForm.base_fields["client_view"]
    review_on = date_field(_("Next review"), required=False)

    def fields_for_action(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class GoalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = text(
        _("Goal in the client's own words"),
        rows=2,
        help_text=_("Write it as the client says it: 'I want to…'."),
    )
    life_area = forms.ChoiceField(label=_("Life area"), choices=[], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["life_area"].choices = [("", "–")] + content.life_area_choices()


class GoalReviewForm(forms.Form):
    status = forms.ChoiceField(label=_("How did the goal go?"), choices=PlanGoal.Status.choices)


class StepForm(forms.Form):
    what = text(_("What is done"), rows=2)
    goal = forms.ModelChoiceField(label=_("For the goal"), queryset=None, required=False)
    responsibility = forms.ChoiceField(
        label=_("Who is responsible"),
        choices=PlanStep.Responsibility.choices,
        initial=PlanStep.Responsibility.TOGETHER,
    )
    assignee = UserChoiceField(label=_("Worker"), queryset=None, required=False)
    who_text = forms.CharField(
        label=_("Who (if not a worker here)"),
        max_length=200,
        required=False,
        help_text=_("For example: the client, the client's sister, the debt adviser."),
    )
    due_on = date_field(_("By when"), required=False)

    def __init__(self, *args, plan, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = plan.goals.all()
        self.fields["goal"].label_from_instance = lambda g: g.text[:80]
        self.fields["assignee"].queryset = users


class NoteForm(forms.Form):
    text = text(_("Progress note"), rows=3)
    goal = forms.ModelChoiceField(label=_("About the goal"), queryset=None, required=False)
    is_review = forms.BooleanField(label=_("This was a plan review"), required=False)
    next_review_on = date_field(
        _("Next review"), required=False, help_text=_("Only when this was a review.")
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = plan.goals.all()
        self.fields["goal"].label_from_instance = lambda g: g.text[:80]


class AgreeForm(forms.Form):
    agreed_on = date_field(_("Agreed with the client on"), initial=timezone.localdate)
    agreed_how = forms.ChoiceField(
        label=_("How the client agreed"),
        choices=ClientPlan.AgreedHow.choices,
        widget=forms.RadioSelect,
    )
    client_comment = text(_("The client's comment on the plan"), required=False, rows=2)


class DecisionForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Client plan"),
        queryset=None,
        required=False,
        help_text=_("The plan in which the service was agreed."),
    )
    service = forms.ChoiceField(label=_("Service"), choices=Decision.Service.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    decision_text = text(_("Decision"))
    reasoning = text(_("Grounds"))
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=200,
        required=False,
        help_text=_("For example: Social Welfare Act 1301/2014 § 17."),
    )
    valid_from = date_field(_("Valid from"), required=False)
    valid_until = date_field(
        _("Valid until"),
        required=False,
        help_text=_("Social rehabilitation is time-limited: give the end date."),
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda p: (
            f"{p.get_variant_display()} {p.created_at:%d.%m.%Y}"
        )

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_until"):
            if data["valid_until"] < data["valid_from"]:
                self.add_error("valid_until", _("The end date cannot be before the start date."))
        return data


class PeriodForm(forms.Form):
    starts_on = date_field(_("Starts on"), initial=timezone.localdate)
    ends_on = date_field(
        _("Planned end"), help_text=_("The service is time-limited: agree the end date.")
    )
    decision = forms.ModelChoiceField(label=_("Decision"), queryset=None, required=False)

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions
        self.fields["decision"].label_from_instance = lambda d: d.subject

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("The planned end must be after the start."))
        return data


class PeriodEndForm(forms.Form):
    ended_on = date_field(_("Ended on"), initial=timezone.localdate)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportMeeting.Kind.choices)
    at = forms.DateTimeField(label=_("When"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=600, initial=60
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=SupportMeeting.Status.choices,
        initial=SupportMeeting.Status.PLANNED,
    )
    place = forms.CharField(label=_("Where"), max_length=200, required=False)
    period = forms.ModelChoiceField(label=_("Service period"), queryset=None, required=False)
    with_expert_by_experience = forms.BooleanField(
        label=_("An expert by experience or peer took part"), required=False
    )
    notes = text(_("Notes"), required=False, rows=3)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods

    def clean(self):
        data = super().clean()
        at = data.get("at")
        if (
            at
            and data.get("status") == SupportMeeting.Status.HELD
            and at > timezone.now() + datetime.timedelta(minutes=5)
        ):
            self.add_error("status", _("A meeting in the future cannot have been held yet."))
        return data


class MeasurementChoiceForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Instrument"), choices=[])
    phase = forms.ChoiceField(
        label=_("Phase"),
        choices=[("start", _("At the start")), ("end", _("At the end"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(i.key, i.name) for i in instruments]


class EndingForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for ending"), choices=MatterEnding.Reason.choices)
    summary = text(
        _("Final summary"), help_text=_("What was done and reached, written with the client.")
    )
    continuation_kind = forms.ChoiceField(
        label=_("Continuation path"), choices=MatterEnding.Continuation.choices
    )
    continuation = text(
        _("Continuation plan"),
        required=False,
        rows=3,
        help_text=_("How the client copes from here, and what to do if the need comes back."),
    )
    service = forms.ChoiceField(
        label=_("Next service (a referral is sent)"),
        choices=[],
        required=False,
        widget=forms.RadioSelect,
    )
    referral_consent = forms.BooleanField(
        label=_("The client consents to sharing the information below with the next service"),
        required=False,
    )
    consent_method = forms.ChoiceField(
        label=_("Consent given"), choices=Consent.Method.choices, initial=Consent.Method.ORAL
    )
    shared_information = text(
        _("What is shared with the next service"),
        required=False,
        rows=2,
        help_text=_("Only what the client agreed to. Never the identity code."),
    )
    request_feedback = forms.BooleanField(
        label=_("Ask the client for feedback (a feedback card with a code)"), required=False
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {str(s.hsds_id): s for s in services}
        self.fields["service"].choices = [("", _("No referral"))] + [
            (str(s.hsds_id), f"{s.name} – {s.organisation.name}") for s in services
        ]

    def clean(self):
        data = super().clean()
        service = self.services.get(data.get("service") or "")
        data["service_obj"] = service
        if service is not None and not data.get("referral_consent"):
            self.add_error(
                "referral_consent",
                _("A referral shares the client's information: record the client's consent."),
            )
        return data


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("Task"),
        max_length=200,
        help_text=_("No names or identity codes: the task is shown in lists."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Task.Kind.choices, initial=Task.Kind.FOLLOW_UP
    )
    due_on = date_field(_("Due"))
    for_team = forms.BooleanField(label=_("For the whole team"), required=False)


class ServiceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the next service"),
        required=False,
        max_length=200,
        help_text=_("Describe the need in everyday words, e.g. 'debt advice' or 'work trial'."),
    )
