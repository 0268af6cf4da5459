from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation, Unit
from kohtaamo.core.i18n import pick
from kohtaamo.evaluation import actions
from kohtaamo.evaluation.filters import MonthField
from kohtaamo.evaluation.models import Experiment, ExperimentStage, LogicModelVersion
from kohtaamo.evaluation.models.experiments import WEEKDAYS
from kohtaamo.evaluation.models.programme import SECTIONS

SECTION_LABELS = {
    "context": _("Context and actors"),
    "resources": _("Resources"),
    "core_elements": _("Core elements"),
    "mechanisms": _("Mechanisms"),
    "outcomes": _("Outcomes"),
}
NO_PERSONAL_DATA = _(
    "Do not write names, identity codes or anything else that identifies a person."
)


def _no_hetu(value: str) -> str:
    from kohtaamo.encounters.notecheck import has_hetu

    if has_hetu(value):
        raise forms.ValidationError(
            _("Remove the identity code: evaluation texts never identify a person."), code="hetu"
        )
    return value


class AdoptionForm(forms.Form):
    version = forms.ModelChoiceField(
        label=_("Logic model"), queryset=LogicModelVersion.objects.filter(is_current=True)
    )
    organisation = forms.ModelChoiceField(label=_("County"), queryset=Organisation.objects.none())
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("The whole county"),
    )
    variant = forms.CharField(
        label=_("Variant"),
        required=False,
        max_length=60,
        help_text=_("For the low-threshold model: which of the variants found in the pilots."),
    )
    started_on = forms.DateField(
        label=_("In use from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)

    def __init__(self, *args, organisation_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(id__in=organisation_ids)
        self.fields["unit"].queryset = Unit.objects.filter(
            organisation_id__in=organisation_ids
        ).select_related("organisation")
        self.fields["version"].queryset = LogicModelVersion.objects.filter(
            is_current=True
        ).select_related("model")
        self.fields["version"].label_from_instance = lambda v: v.name
        variants = []
        for version in self.fields["version"].queryset:
            for v in version.content.get("variants", []):
                variants.append((v["key"], f"{version.name}: {pick(v.get('label'))}"))
        self.fields["variant"] = forms.ChoiceField(
            label=_("Variant"),
            required=False,
            choices=[("", _("No variant"))] + variants,
            help_text=_("For the low-threshold model: which of the variants found in the pilots."),
        )

    def clean(self):
        data = super().clean()
        org, unit = data.get("organisation"), data.get("unit")
        if org and unit and unit.organisation_id != org.pk:
            self.add_error("unit", _("The unit belongs to another county."))
        version, variant = data.get("version"), data.get("variant")
        if version and variant:
            if variant not in {v["key"] for v in version.content.get("variants", [])}:
                self.add_error("variant", _("This model has no such variant."))
        return data


class EndAdoptionForm(forms.Form):
    ended_on = forms.DateField(
        label=_("In use until"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AdaptationForm(forms.Form):
    """What the adaptation concerns is one grouped choice. The fixed parts are listed too, marked
    fixed, so that the rule is visible; choosing one is refused with the reason."""

    target = forms.ChoiceField(label=_("What does the adaptation concern?"))
    description = forms.CharField(
        label=_("What is done differently"), widget=forms.Textarea, help_text=NO_PERSONAL_DATA
    )
    justification = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea,
        help_text=_(
            "Justify the change by the local context. A lack of resources or competence is not a "
            "reason to adapt the model."
        ),
    )

    def __init__(self, *args, version: LogicModelVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        choices = [("", _("Choose"))]
        for section in SECTIONS:
            fixed = section not in version.adaptable_sections
            label = SECTION_LABELS[section]
            if fixed:
                label = _("%(section)s (fixed – cannot be adapted)") % {"section": label}
            options = [
                (f"{section}:{e['key']}", pick(e.get("label"))) for e in version.elements(section)
            ]
            if not fixed:
                options.append((f"{section}:new", _("A new element")))
            choices.append((str(label), options))
        self.fields["target"].choices = choices

    def clean_description(self):
        return _no_hetu(self.cleaned_data["description"])

    def clean_justification(self):
        return _no_hetu(self.cleaned_data["justification"])

    def clean_target(self):
        value = self.cleaned_data["target"]
        section, _sep, key = value.partition(":")
        try:
            actions.check_adaptation(self.version, section, key)
        except actions.AdaptationRefused as exc:
            raise forms.ValidationError(exc.messages[0], code=exc.code) from None
        self.cleaned_data["section"], self.cleaned_data["target_key"] = section, key
        return value


class ExperimentForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Regular days, e.g. Tuesdays. Same time and place every week helps people find it."
        ),
    )

    class Meta:
        model = Experiment
        fields = [
            "name",
            "unit",
            "place",
            "weekdays",
            "time_from",
            "time_to",
            "starts_on",
            "mid_review_on",
            "ends_on",
            "sessions",
            "workers_per_session",
            "hours_per_session",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "mid_review_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "time_from": forms.TimeInput(attrs={"type": "time"}),
            "time_to": forms.TimeInput(attrs={"type": "time"}),
        }
        help_texts = {
            "name": _("For example: a social worker at the Kela office on Tuesdays 10–12."),
            "mid_review_on": _("Empty: halfway between the first and the last day."),
            "sessions": _("Staff hours = sessions × workers per session × hours per session."),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        from kohtaamo.encounters.models import Place

        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)
        self.fields["place"].queryset = Place.objects.filter(organisation=organisation, active=True)
        self.fields["hours_per_session"].localize = True
        self.fields["hours_per_session"].widget.is_localized = True

    def clean_name(self):
        return _no_hetu(self.cleaned_data["name"])

    def clean(self):
        data = super().clean()
        start, mid, end = data.get("starts_on"), data.get("mid_review_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The last day is before the first day."))
        if mid and start and end and not (start <= mid <= end):
            self.add_error(
                "mid_review_on", _("The mid-point review must fall within the experiment.")
            )
        t0, t1 = data.get("time_from"), data.get("time_to")
        if t0 and t1 and t1 <= t0:
            self.add_error("time_to", _("The end time must be after the start time."))
        if bool(t0) != bool(t1):
            self.add_error("time_to" if t0 else "time_from", _("Give both times, or neither."))
        return data


class StageFormBase(forms.ModelForm):
    """One evaluation form. Every answer is optional for a draft; finishing checks the required
    ones (see `actions.save_stage`)."""

    stage = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        required = ExperimentStage.REQUIRED[self.stage]
        for name, field in self.fields.items():
            field.required = False
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
            if name in required:
                field.help_text = _("Needed to finish the form.")
        if "target_reached" in self.fields:
            self.fields["target_reached"].widget = forms.RadioSelect(
                choices=[("", _("Not answered yet"))] + list(ExperimentStage.Reached.choices)
            )

    def clean(self):
        data = super().clean()
        for value in data.values():
            if isinstance(value, str):
                _no_hetu(value)
        return data


STAGE_FORMS = {
    stage: forms.modelform_factory(
        ExperimentStage,
        form=type(f"{stage.title()}StageForm", (StageFormBase,), {"stage": stage}),
        fields=ExperimentStage.fields_for(stage),
    )
    for stage in ExperimentStage.Stage.values
}


class CommentForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"))
    area = forms.CharField(
        label=_("Area"),
        required=False,
        max_length=100,
        help_text=_("A municipality or place; empty for all."),
    )
    text = forms.CharField(
        label=_("Commentary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=NO_PERSONAL_DATA,
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.key, s.title) for s in sections]

    def clean_text(self):
        return _no_hetu(self.cleaned_data["text"])


class ResearchExtractForm(forms.Form):
    start = MonthField(label=_("From month"))
    end = MonthField(label=_("To month"))
    organisation = forms.ModelChoiceField(label=_("County"), queryset=Organisation.objects.none())
    purpose = forms.CharField(
        label=_("Purpose of the extract"),
        max_length=300,
        help_text=_("The research or evaluation question; kept with the record of the extract."),
    )

    def __init__(self, *args, organisation_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(id__in=organisation_ids)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The last month is before the first month."))
        return data
