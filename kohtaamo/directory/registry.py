"""Sections other apps add to the service page (the directory imports none of them): referrals
shows the agreed service paths through a service and a "refer" link. Register with
`@service_section(key, order=..., template=...)`; the builder gets (request, service) and returns
a context dict or None."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSection:
    key: str
    order: int
    template: str
    build: Callable


_SECTIONS: dict[str, ServiceSection] = {}


def service_section(key: str, *, order: int, template: str):
    def decorator(function):
        _SECTIONS[key] = ServiceSection(key, order, template, function)
        return function

    return decorator


def service_sections_for(request, service) -> list[dict]:
    result = []
    for section in sorted(_SECTIONS.values(), key=lambda s: s.order):
        context = section.build(request, service)
        if context is not None:
            result.append({"key": section.key, "template": section.template, **context})
    return result
