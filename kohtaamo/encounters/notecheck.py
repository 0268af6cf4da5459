"""Checks on free-text notes of anonymous and pseudonymous contacts.

A note must not identify the person. An identity code is refused outright (on every contact: it
belongs in the registry, encrypted, never in free text); things that look like names, phone numbers
or e-mail addresses are warned about, and the worker confirms or removes them. Heuristics, not
proof: they catch the common slips, not every one.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

HETU_LIKE = re.compile(r"\b\d{6}\s?[-+A-FU-Y]\s?\d{3}[0-9A-Z]?\b", re.IGNORECASE)
_CAP = r"[A-ZÅÄÖÜÉ][a-zåäöüéèšž]+(?:-[A-ZÅÄÖÜÉ][a-zåäöüéèšž]+)?"
NAME_LIKE = re.compile(rf"\b{_CAP}\s+{_CAP}\b")
PHONE_LIKE = re.compile(r"(?:\+358|\b0)\s?\d{1,3}[\s-]?\d{3}[\s-]?\d{2,5}\b")
EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def has_hetu(text: str) -> bool:
    return bool(HETU_LIKE.search(text or ""))


def warnings(text: str) -> list[str]:
    """Reasons the note may identify someone (empty when nothing was found)."""
    text = text or ""
    found = []
    if NAME_LIKE.search(text):
        found.append(str(_("it seems to contain a name")))
    if PHONE_LIKE.search(text):
        found.append(str(_("it seems to contain a phone number")))
    if EMAIL_LIKE.search(text):
        found.append(str(_("it seems to contain an e-mail address")))
    return found
