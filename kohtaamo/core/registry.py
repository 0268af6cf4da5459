"""Extension points that let domain apps add to shared pages without core importing them.

- `nav_item(...)`: an entry in the main navigation, shown when `visible(user)` is true.
- `person_section(...)`: a section on the person page (timeline, consents, plans...); its builder
  gets (request, person) and returns a context dict or None. The person page has already been
  access-logged by the time sections are built; a section that reads other client documents logs
  its own access.

Apps register in their AppConfig.ready(). "My day" sections use `kohtaamo.core.myday.register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    key: str
    label: object  # a lazy translation
    url_name: str
    order: int
    visible: Callable


@dataclass(frozen=True)
class PersonSection:
    key: str
    order: int
    template: str
    build: Callable


_NAV: dict[str, NavItem] = {}
_PERSON: dict[str, PersonSection] = {}


def nav_item(key: str, *, label, url_name: str, order: int, visible: Callable) -> None:
    _NAV[key] = NavItem(key, label, url_name, order, visible)


def nav_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in sorted(_NAV.values(), key=lambda i: i.order) if item.visible(user)]


def person_section(key: str, *, order: int, template: str):
    def decorator(function):
        _PERSON[key] = PersonSection(key, order, template, function)
        return function

    return decorator


def person_sections_for(request, person) -> list[dict]:
    result = []
    for section in sorted(_PERSON.values(), key=lambda s: s.order):
        context = section.build(request, person)
        if context is not None:
            result.append({"key": section.key, "template": section.template, **context})
    return result
