"""The staff home page "my day" is made of sections that domain apps register.

An app adds a section with `register(name, order, function)`; the function takes the request and
returns a dict for its template (or None to hide the section). Core does not import domain apps,
so the dependency stays one-way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    name: str
    order: int
    template: str
    build: Callable


_SECTIONS: dict[str, Section] = {}


def register(name: str, *, order: int, template: str):
    def decorator(function):
        _SECTIONS[name] = Section(name, order, template, function)
        return function

    return decorator


def sections_for(request) -> list[dict]:
    from kohtaamo.core.registry import section_scope

    result = []
    with section_scope():  # e.g. the sections' access-log entries written in one batch
        for section in sorted(_SECTIONS.values(), key=lambda s: s.order):
            context = section.build(request)
            if context is not None:
                result.append({"name": section.name, "template": section.template, **context})
    return result
