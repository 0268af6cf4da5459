"""Reusable client-facing texts, translated once. The English source strings are written so that
they translate into plain Finnish (selkokieli): short sentences, common words, "you" form."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Situation:
    key: str
    label: object
    themes: tuple[str, ...]


# Translators: selkokieli. Life-situation buttons of the public service finder.
SITUATIONS = [
    Situation("money", pgettext_lazy("life situation", "Money and debt"), ("debt", "income")),
    Situation("housing", pgettext_lazy("life situation", "Housing"), ("housing",)),
    Situation("food", pgettext_lazy("life situation", "Food"), ("food",)),
    Situation("work", pgettext_lazy("life situation", "Work"), ("work",)),
    Situation(
        "substances", pgettext_lazy("life situation", "Alcohol and drugs"), ("substance_use",)
    ),
    Situation("mind", pgettext_lazy("life situation", "Feeling bad"), ("mental_health",)),
    Situation("lonely", pgettext_lazy("life situation", "Loneliness"), ("loneliness",)),
    Situation("violence", pgettext_lazy("life situation", "Violence at home"), ("violence",)),
    Situation("forms", pgettext_lazy("life situation", "Forms and benefits"), ("benefits_forms",)),
    Situation(
        "digital",
        pgettext_lazy("life situation", "Help with computers and phones"),
        ("digital_skills",),
    ),
    Situation("prison", pgettext_lazy("life situation", "After prison"), ("criminal_sanctions",)),
    Situation("moving", pgettext_lazy("life situation", "Moving to Finland"), ("immigration",)),
]
SITUATION_BY_KEY = {s.key: s for s in SITUATIONS}
OTHER_TOPIC = ("other", pgettext_lazy("life situation", "Something else"))

# Translators: selkokieli. System messages shown in the chat, to the person and the worker.
SYSTEM_MESSAGES = {
    "joined": _("A worker joined the chat."),
    "transferred": _("Another worker continues the chat."),
    "ended_client": _("You ended the chat."),
    "ended_worker": _("The worker ended the chat."),
    "ended_system": _("The chat ended because nobody wrote for a long time."),
    "blocked": _("The chat was closed."),
    "contact_wanted": _("The person asks social services to contact them."),
    "identified": _("The person identified themselves with strong identification."),
    "notification_made": _("The worker made a contact notification to social services."),
    "kept": _("The chat was saved in the client record."),
}

# What the client's access log calls each kind of data (object_type → label).
# Translators: selkokieli. Shown to the client in "who has viewed my data".
OBJECT_LABELS = {
    "people.person": _("Your basic information"),
    "people.access_report": _("The list of who viewed your information"),
    "people.consent": _("Your consent"),
    "encounters.encounter": _("A visit or contact"),
    "casework.matter": _("Your client matter"),
    "casework.plan": _("Your client plan"),
    "casework.contact_notification": _("A contact to social services"),
    "channel.chat": _("A chat"),
    "channel.contact_request": _("Your request for help"),
    "channel.own_data": _("Your own information page"),
}
OTHER_OBJECT = _("Other information")

CONTACT_TIMES = [
    # Translators: selkokieli. When the person can be contacted.
    ("morning", _("In the morning (8–12)")),
    ("afternoon", _("In the afternoon (12–16)")),
    ("evening", _("In the evening (16–18)")),
]

# Translators: selkokieli. The three feedback questions.
FEEDBACK_QUESTIONS = [
    ("heard", _("Did you feel heard?")),
    ("helped", _("Did you get the help you needed?")),
    ("again", _("Would you come again?")),
]

# Translators: selkokieli. "Who" in the client's access log.
YOU = _("You")
SYSTEM_ACTOR = _("Kohtaamo (automatic)")
