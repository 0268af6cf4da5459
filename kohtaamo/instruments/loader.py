"""Load the instrument definitions in `data/*.json` into the database after migrate.

A file with a new key is a new instrument, a new `version` of a key is a new row (the older rows
stay for the results scored with them, marked not latest). Existing rows are never overwritten.
"""

from __future__ import annotations

from kohtaamo.instruments.scoring import load_all


def load_instruments(**kwargs) -> int:
    from kohtaamo.instruments.models import Instrument

    made = 0
    for key, definition in load_all().items():
        _instrument, created = Instrument.objects.get_or_create(
            key=key, version=definition["version"], defaults={"definition": definition}
        )
        if created:
            made += 1
            Instrument.objects.filter(key=key).exclude(version=definition["version"]).update(
                is_latest=False
            )
    return made
