from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ labels.channels|get_item:e.channel }}: a taxonomy label by key (the key if unknown)."""
    if not mapping:
        return key
    return mapping.get(key, key)
