"""Operations that change the directory. Each keeps the search index in step and writes the
change history (directory texts are public information, but who changed and verified what is
part of an entry's provenance)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from kohtaamo.audit.actions import Actor, diff, record_change
from kohtaamo.directory import search_index, store
from kohtaamo.directory.models import LANGS, Service

OBJECT = "directory.service"


@transaction.atomic
def import_directory(
    specs: list[dict],
    *,
    actor: Actor,
    langs: Iterable[str] = LANGS,
    source: str = "",
    progress: Callable[[str, int], None] | None = None,
) -> store.WriteResult:
    """Write organisation specs (from the demo file, HSDS or PTV) and reindex what changed."""
    result = store.write_organisations(
        specs,
        langs=tuple(langs),
        source=source,
        progress=(lambda n: progress("written", n)) if progress else None,
    )
    search_index.reindex(
        result.changed_service_ids,
        progress=(lambda n: progress("indexed", n)) if progress else None,
    )
    if len(result.changed_service_ids) >= 1000:
        search_index.analyse_tables()  # fresh planner statistics after a big import
    record_change(
        actor,
        person_code=None,
        object_type="directory.import",
        object_ref=source[:64],
        action="update",
        changes={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "languages": list(langs),
        },
    )
    return result


@transaction.atomic
def update_service(actor: Actor, service: Service, **fields) -> Service:
    before = Service.objects.get(pk=service.pk).audit_snapshot()
    for name, value in fields.items():
        setattr(service, name, value)
    service.import_hashes = {}  # edited by hand: the next import rewrites it
    service.save()
    changes = diff(before, service.audit_snapshot())
    if changes:
        record_change(
            actor,
            person_code=None,
            object_type=OBJECT,
            object_ref=str(service.hsds_id),
            action="update",
            changes=changes,
        )
    search_index.reindex([service.pk])
    return service


@transaction.atomic
def verify_service(actor: Actor, service: Service, *, by: str) -> Service:
    """Mark the entry checked and still true today."""
    before = {"last_verified_at": service.last_verified_at, "verified_by": service.verified_by}
    service.last_verified_at = timezone.now()
    service.verified_by = by[:150]
    service.save(update_fields=["last_verified_at", "verified_by", "updated_at"])
    record_change(
        actor,
        person_code=None,
        object_type=OBJECT,
        object_ref=str(service.hsds_id),
        action="update",
        changes=diff(
            before,
            {"last_verified_at": service.last_verified_at, "verified_by": service.verified_by},
        ),
    )
    return service
