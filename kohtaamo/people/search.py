"""Extra results for the registry search, from apps above people (registered in their ready()).

The desk registers one: for a contact code that no person has yet, it shows the pseudonymous
contacts recorded with that code. A builder gets (request, query) and returns a context dict for
its template, or None; it logs its own access if it reads client data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SearchExtra:
    key: str
    template: str
    build: Callable


_EXTRAS: dict[str, SearchExtra] = {}


def search_extra(key: str, *, template: str):
    def decorator(function):
        _EXTRAS[key] = SearchExtra(key, template, function)
        return function

    return decorator


def search_extras_for(request, query: str, hits) -> list[dict]:
    result = []
    for extra in _EXTRAS.values():
        context = extra.build(request, query, hits)
        if context is not None:
            result.append({"key": extra.key, "template": extra.template, **context})
    return result
