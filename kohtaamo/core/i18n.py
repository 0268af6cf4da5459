"""Translated content columns: `name_fi`, `name_sv`, `name_en` and a small accessor."""

from __future__ import annotations

from django.utils.translation import get_language

CONTENT_LANGUAGES = ("fi", "sv", "en")


def current_language() -> str:
    lang = (get_language() or "fi")[:2]
    return lang if lang in CONTENT_LANGUAGES else "fi"


def translated(obj, field: str, lang: str | None = None) -> str:
    """The field in the asked (or current) language, falling back to Finnish, then any."""
    lang = lang or current_language()
    for candidate in (lang, "fi", "sv", "en"):
        value = getattr(obj, f"{field}_{candidate}", "")
        if value:
            return value
    return ""


def pick(texts: dict | None, lang: str | None = None) -> str:
    """The same fallback for a {fi, sv, en} dict from a data file."""
    if not texts:
        return ""
    lang = lang or current_language()
    for candidate in (lang, "fi", "sv", "en"):
        if texts.get(candidate):
            return texts[candidate]
    return ""
