from django import template

from kohtaamo.core.i18n import pick

register = template.Library()

OPS = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<"}


@register.filter(name="pick")
def pick_filter(texts):
    """{{ band.label|pick }}: a {fi, sv, en} text in the current language."""
    return pick(texts) if isinstance(texts, dict) else (texts or "")


@register.filter
def op_symbol(op):
    return OPS.get(op, op)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if isinstance(mapping, dict) else None
