"""Forms of the public side (plain language) and of the staff console. Forms validate; the
action functions do the work."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kohtaamo.channel import phrases
from kohtaamo.channel.actions.chat import MAX_MESSAGE
from kohtaamo.channel.actions.feedback import MAX_COMMENT, normalise_code
from kohtaamo.channel.models import ContactRequest, FeedbackResponse

PHONE_RX = re.compile(r"^\+?[0-9 ()\-]{6,20}$")


class FinderForm(forms.Form):
    """The GET form of the service finder; odd input is an error message, never a crash."""

    # Translators: selkokieli
    q = forms.CharField(
        label=_("What do you need help with?"),
        help_text=_("Write in your own words. For example: I cannot pay my rent."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    situation = forms.ChoiceField(
        required=False,
        choices=[("", "")] + [(s.key, s.label) for s in phrases.SITUATIONS],
        widget=forms.HiddenInput,
    )
    # Translators: selkokieli
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    no_appointment = forms.BooleanField(label=_("No appointment needed"), required=False)
    municipality = forms.ChoiceField(label=_("Where do you live?"), required=False)
    language = forms.ChoiceField(label=_("Language of the service"), required=False)
    limit = forms.IntegerField(required=False, min_value=1, max_value=100, widget=forms.HiddenInput)

    def __init__(self, *args, municipalities=(), languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", _("Any municipality"))] + [
            (m, m) for m in municipalities
        ]
        self.fields["language"].choices = [("", _("Any language"))] + list(languages)


class ChatMessageForm(forms.Form):
    # Translators: selkokieli
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_MESSAGE}),
        error_messages={"required": _("Write a message first.")},
    )
    client_msg_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_msg_id", uuid.uuid4().hex)


class ChatContactForm(forms.Form):
    # Translators: selkokieli
    consent = forms.BooleanField(
        label=_("Yes. Social services may contact me, and this chat is saved with the contact."),
        error_messages={"required": _("Tick the box if you want to be contacted.")},
    )


class FeedbackCodeForm(forms.Form):
    # Translators: selkokieli
    code = forms.CharField(
        label=_("Feedback code"),
        help_text=_("The code is on your feedback card. It has 6 letters and numbers."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise ValidationError(_("Check the code. It has 6 letters and numbers."))
        return code


ANSWERS = [
    (FeedbackResponse.Answer.YES, pgettext_lazy("feedback answer", "Yes")),
    (FeedbackResponse.Answer.PARTLY, pgettext_lazy("feedback answer", "Partly")),
    (FeedbackResponse.Answer.NO, pgettext_lazy("feedback answer", "No")),
]


def _answer_field(label):
    return forms.TypedChoiceField(
        label=label,
        choices=ANSWERS,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class FeedbackForm(forms.Form):
    heard = _answer_field(phrases.FEEDBACK_QUESTIONS[0][1])
    helped = _answer_field(phrases.FEEDBACK_QUESTIONS[1][1])
    again = _answer_field(phrases.FEEDBACK_QUESTIONS[2][1])
    # Translators: selkokieli
    comment = forms.CharField(
        label=_("Do you want to say something else?"),
        help_text=_("Do not write your name or other details about yourself."),
        max_length=MAX_COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_COMMENT}),
    )

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in ("heard", "helped", "again")) and not data.get("comment"):
            raise ValidationError(_("Answer at least one question."))
        return data


TOPIC_CHOICES = [(s.key, s.label) for s in phrases.SITUATIONS] + [phrases.OTHER_TOPIC]


class HelpRequestForm(forms.Form):
    """Ask for help: what, how and when it is safe to contact, consent."""

    # Translators: selkokieli
    topics = forms.MultipleChoiceField(
        label=_("What do you need help with?"),
        help_text=_("You can choose many."),
        choices=TOPIC_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_("Tell briefly what you need"),
        help_text=_("You do not have to write much. A few words are enough."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
    )
    name = forms.CharField(
        label=_("What should we call you?"),
        help_text=_("Your first name is enough. You can also leave this empty."),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    contact_method = forms.ChoiceField(
        label=_("How can we contact you?"),
        choices=ContactRequest.Method.choices,
        initial=ContactRequest.Method.CALL,
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Write your phone number. We call or text this number.")},
    )
    contact_times = forms.MultipleChoiceField(
        label=_("When can we contact you?"),
        help_text=_("If you choose nothing, we can contact you at any time on weekdays."),
        choices=phrases.CONTACT_TIMES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    avoid_times = forms.CharField(
        label=_("When must we not contact you?"),
        help_text=_("For example: not on Mondays, or not when someone else is at home."),
        max_length=200,
        required=False,
    )
    may_say_social_services = forms.BooleanField(
        label=_("You may say that you are from social services."),
        help_text=_("If you leave this empty, we do not say it to anyone else who answers."),
        required=False,
    )
    special_group = forms.TypedChoiceField(
        label=_("Are you 75 or older, or do you get the highest disability allowance?"),
        help_text=_("Then we must start helping you within 7 working days."),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
    )
    municipality = forms.ChoiceField(label=_("Where do you live?"), required=False)
    consent = forms.BooleanField(
        label=_("I agree that social services save this request and contact me."),
        error_messages={"required": _("Tick the box. We cannot help you without it.")},
    )

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", _("I do not want to say"))] + [
            (m, m) for m in municipalities
        ]
        if not municipalities:
            del self.fields["municipality"]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = re.sub(r"\D", "", phone)
        if not PHONE_RX.match(phone) or not 6 <= len(digits) <= 15:
            raise ValidationError(
                _("Check the phone number. Write only numbers, for example 040 123 4567.")
            )
        return phone

    def clean(self):
        data = super().clean()
        if not data.get("topics") and not (data.get("message") or "").strip():
            self.add_error(
                "topics", _("Choose what you need help with, or write it in the box below.")
            )
        return data


# Staff console --------------------------------------------------------------------------------


class ConsoleMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_MESSAGE}),
    )
    phrase = forms.ChoiceField(label=_("Ready phrase"), required=False)
    client_msg_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, phrases_list=(), prefix_code="", **kwargs):
        super().__init__(*args, **kwargs)
        self.phrases_list = list(phrases_list)
        self.fields["phrase"].choices = [("", _("(none)"))] + [
            (str(i), text) for i, text in enumerate(self.phrases_list)
        ]
        if not self.is_bound:
            self.initial.setdefault("client_msg_id", uuid.uuid4().hex)

    def clean(self):
        data = super().clean()
        body = (data.get("body") or "").strip()
        if not body and data.get("phrase"):
            body = self.phrases_list[int(data["phrase"])]
        if not body:
            self.add_error("body", _("Write a message or choose a ready phrase."))
        data["text"] = body
        return data


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Colleague"), queryset=None)

    def __init__(self, *args, colleagues=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        if isinstance(colleagues, list):  # already read: render without a query per form
            field.choices = [("", "---------")] + [
                (u.pk, u.get_full_name() or u.username) for u in colleagues
            ]
        else:
            field.queryset = colleagues
            field.label_from_instance = lambda u: u.get_full_name() or u.username


class BlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for blocking"),
        help_text=_("For example: threats or spam. Do not write personal data."),
        max_length=200,
    )


class ChatDetailsForm(forms.Form):
    themes = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    result = forms.ChoiceField(label=_("Result"), required=False)

    def __init__(self, *args, themes=(), results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(t.key, t.label) for t in themes]
        self.fields["result"].choices = [("", _("(not chosen)"))] + [
            (t.key, t.label) for t in results
        ]


class NotificationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the contact"),
        help_text=_("What the person asks for, in a few sentences. This goes to the queue."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DevSignInForm(forms.Form):
    """The development provider: a synthetic persona or a typed temporary code (900–999)."""

    persona = forms.ChoiceField(label=_("Test persona"), required=False, widget=forms.RadioSelect)
    hetu = forms.CharField(
        label=_("Or a synthetic identity code"),
        help_text=_("Only temporary codes with an individual number 900–999."),
        max_length=11,
        required=False,
    )
    given_names = forms.CharField(label=_("First names"), max_length=100, required=False)
    surname = forms.CharField(label=_("Last name"), max_length=100, required=False)

    def __init__(self, *args, personas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.personas = list(personas)
        self.fields["persona"].choices = [
            (str(i), f"{p.given_names} {p.surname}") for i, p in enumerate(self.personas)
        ]

    def clean(self):
        from kohtaamo.channel.identity import DevelopmentProvider

        data = super().clean()
        if data.get("hetu"):
            try:
                data["identity"] = DevelopmentProvider.identity_for(
                    data["hetu"],
                    data.get("given_names") or "Testi",
                    data.get("surname") or "Henkilö",
                )
            except ValueError:
                self.add_error(
                    "hetu", _("Use a valid temporary identity code (individual number 900–999).")
                )
        elif data.get("persona"):
            data["identity"] = self.personas[int(data["persona"])]
        else:
            raise ValidationError(_("Choose a test persona or type a synthetic identity code."))
        return data
