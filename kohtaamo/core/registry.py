"""Extension points that let domain apps add to shared pages without core importing them.

- `nav_item(...)`: an entry in the main navigation, shown when `visible(user)` is true. Which
  entries a user sees is cached for NAV_CACHE_SECONDS (per process), because some `visible`
  checks query the database on every page; a new membership or shift shows in the navigation
  within that time. The navigation only points the way: every page checks access itself.
- `person_section(...)`: a section on the person page (timeline, consents, plans...); its builder
  gets (request, person) and returns a context dict or None. The person page has already been
  access-logged by the time sections are built; a section that reads other client documents logs
  its own access.

Apps register in their AppConfig.ready(). "My day" sections use `kohtaamo.core.myday.register`.

- `sections_scope(factory)`: a context manager that every build of page sections (person page,
  my day) runs inside; the audit app sets one that writes the sections' access-log entries in one
  batch (`kohtaamo.audit.actions.batched_access_log`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

NAV_CACHE_SECONDS = 60


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
_SCOPE: list[Callable] = [contextlib.nullcontext]


def sections_scope(factory: Callable) -> None:
    _SCOPE[0] = factory


def section_scope():
    """The context the sections of a page are built in (see `sections_scope`)."""
    return _SCOPE[0]()


def nav_item(key: str, *, label, url_name: str, order: int, visible: Callable) -> None:
    _NAV[key] = NavItem(key, label, url_name, order, visible)


def nav_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items = sorted(_NAV.values(), key=lambda i: i.order)
    key = f"kohtaamo:nav:{user.pk}"
    visible = cache.get(key)
    if visible is None:
        visible = [item.key for item in items if item.visible(user)]
        cache.set(key, visible, NAV_CACHE_SECONDS)
    return [item for item in items if item.key in visible]


def forget_nav(user_id: int) -> None:
    """Drop a user's cached navigation (their memberships changed)."""
    cache.delete(f"kohtaamo:nav:{user_id}")


def person_section(key: str, *, order: int, template: str):
    def decorator(function):
        _PERSON[key] = PersonSection(key, order, template, function)
        return function

    return decorator


def person_sections_for(request, person) -> list[dict]:
    result = []
    with section_scope():
        for section in sorted(_PERSON.values(), key=lambda s: s.order):
            context = section.build(request, person)
            if context is not None:
                result.append({"key": section.key, "template": section.template, **context})
    return result
