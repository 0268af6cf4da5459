"""A form for any instrument, built from its definition: one radio group per item, in a
fieldset with the question as its legend."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kohtaamo.core.i18n import pick
from kohtaamo.instruments.models import InstrumentResult

ANSWER_MESSAGES = {
    "missing": _("Answer this question."),
    "invalid_value": _("Choose one of the options."),
    "not_integer": _("Choose one of the options."),
    "unknown_item": _("This question is not part of the instrument."),
}


class InstrumentForm(forms.Form):
    sex = forms.ChoiceField(
        label=_("Sex for the cut-offs"),
        choices=InstrumentResult.Sex.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Some cut-offs differ by sex. If it is not known, both thresholds are shown."),
    )

    def __init__(self, *args, definition: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        require_all = definition.get("scoring", {}).get("require_all", True)
        for item in definition["items"]:
            self.fields[item["key"]] = forms.TypedChoiceField(
                label=pick(item["text"]),
                help_text=pick(item.get("help")),
                choices=[(str(o["value"]), pick(o["label"])) for o in item["options"]],
                coerce=int,
                required=require_all,
                widget=forms.RadioSelect,
                error_messages={"required": ANSWER_MESSAGES["missing"]},
            )
        self.item_keys = [item["key"] for item in definition["items"]]

    def answers(self) -> dict:
        return {
            key: self.cleaned_data.get(key) if self.cleaned_data.get(key) != "" else None
            for key in self.item_keys
        }

    def add_answer_errors(self, error) -> None:
        """Put a scoring.AnswerError next to each item it names."""
        for key, code in error.codes.items():
            message = ANSWER_MESSAGES.get(code, ANSWER_MESSAGES["invalid_value"])
            self.add_error(key if key in self.fields else None, message)
