"""Syncing the phone's queue: a batch of check-ins and field contacts made with or without a
connection, each with a client-generated id.

Each item is answered on its own: `created`, `duplicate` (its `client_id` was seen before: a
retry, an interrupted sync or the same batch twice) or `invalid` (with errors; nothing saved). So
repeated, interrupted or out-of-order syncs neither lose nor duplicate anything. Items are applied
in the order they were made on the phone.

The batch is one transaction. The `client_id`s seen before are found in one query; field contacts
are checked one by one (look-ups shared by the batch) and the valid ones saved together, in a
constant number of queries (`record_field_contacts`); check-ins are saved one by one, each in a
savepoint, after the contacts made before them. Should a `client_id` be taken meanwhile by a
concurrent sync, that batch of contacts is saved item by item instead, each answered on its own.

The phone's clock may be wrong. The batch carries `sent_at` (the phone's time when it sent); if it
differs from the server's time of receipt by more than `SKEW_LIMIT`, every time in the batch is
moved by the measured offset and the item is flagged. A time still in the future is clamped to the
time of receipt.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor
from kohtaamo.encounters.models import Encounter, Place, Term
from kohtaamo.encounters.taxonomy import terms
from kohtaamo.outreach import actions
from kohtaamo.outreach.access import write_org_ids
from kohtaamo.outreach.models import CheckIn, PlaceVisit, Shift, ShiftEvent

SKEW_LIMIT = datetime.timedelta(minutes=2)
KINDS = ("checkin", "contact")
OFFLINE_LEVELS = (Encounter.IdentityLevel.ANONYMOUS, Encounter.IdentityLevel.PSEUDONYMOUS)


@dataclass
class ItemResult:
    client_id: str
    status: str
    errors: list[dict] = field(default_factory=list)
    code: str | None = None
    clock_corrected: bool = False
    new_contact_code: str = ""  # shown once to the worker who made it


@dataclass
class BatchResult:
    received_at: datetime.datetime
    offset_s: int | None
    clock_corrected: bool
    items: list[ItemResult]

    def counts(self) -> dict[str, int]:
        out = {"created": 0, "duplicate": 0, "invalid": 0}
        for item in self.items:
            out[item.status] += 1
        return out


class Invalid(Exception):
    def __init__(self, field_name: str, message):
        super().__init__(str(message))
        self.errors = [{"field": field_name, "message": str(message)}]


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is None:
        return None
    if timezone.is_naive(value):
        return timezone.make_aware(value, datetime.UTC)
    return value


def measure_offset(
    sent_at: datetime.datetime | None, received_at: datetime.datetime
) -> datetime.timedelta | None:
    """Server time minus phone time, when it is large enough to be a wrong clock."""
    if sent_at is None:
        return None
    offset = received_at - _aware(sent_at)
    return offset if abs(offset) > SKEW_LIMIT else None


def timing_for(
    device_time: datetime.datetime | None,
    received_at: datetime.datetime,
    offset: datetime.timedelta | None,
) -> actions.Timing:
    device_time = _aware(device_time)
    seen = device_time or received_at
    corrected = False
    if offset is not None and device_time is not None:
        seen, corrected = device_time + offset, True
    if seen > received_at + SKEW_LIMIT or (seen > received_at and corrected):
        seen, corrected = received_at, True
    seen = min(seen, received_at)
    return actions.Timing(
        received_at=received_at,
        device_time=device_time,
        seen_at=seen,
        offset_s=int(offset.total_seconds()) if offset is not None else None,
        corrected=corrected,
    )


class _Context:
    """Look-ups shared by the items of one batch (shifts, places, visits, taxonomy)."""

    def __init__(self, user):
        self.user = user
        self.write_orgs = write_org_ids(user)
        self.shifts: dict[str, Shift | None] = {}
        self._terms = None
        self._places: dict[str, Place | None] = {}
        self._visits: dict[str, PlaceVisit | None] = {}
        self.refusals: list[ShiftEvent] = []

    def shift(self, code) -> Shift:
        key = str(code or "")
        if key not in self.shifts:
            shift = None
            try:
                shift = (
                    Shift.objects.filter(code=uuid.UUID(key), crew__user=self.user)
                    .select_related("team")
                    .prefetch_related("crew__user")
                    .first()
                )
            except ValueError:
                shift = None
            if shift is not None and shift.organisation_id not in self.write_orgs:
                shift = None
            if shift is not None:
                actions.lock_shift(shift)  # once for the batch, which is one transaction
            self.shifts[key] = shift
        shift = self.shifts[key]
        if shift is None:
            raise Invalid("shift", _("No such shift, or you are not one of its workers."))
        return shift

    def place(self, shift: Shift, code) -> Place | None:
        if not code:
            return None
        key = str(code)
        if key not in self._places:
            try:
                self._places[key] = Place.objects.filter(
                    code=uuid.UUID(key), organisation_id=shift.organisation_id
                ).first()
            except ValueError:
                self._places[key] = None
        if self._places[key] is None:
            raise Invalid("place", _("No such place."))
        return self._places[key]

    def visit(self, shift: Shift, code) -> PlaceVisit | None:
        if not code:
            return None
        key = str(code)
        if key not in self._visits:
            try:
                self._visits[key] = (
                    PlaceVisit.objects.filter(code=uuid.UUID(key), shift=shift)
                    .select_related("place")
                    .first()
                )
            except ValueError:
                self._visits[key] = None
        if self._visits[key] is None:
            raise Invalid("visit", _("That stop is not on this shift."))
        return self._visits[key]

    def terms(self, section: str, keys) -> list[Term]:
        if self._terms is None:
            self._terms = terms()
        if not isinstance(keys, list):
            raise Invalid(section, _("A list of choices was expected."))
        by_key = {t.key: t for t in self._terms.get(section, [])}
        unknown = [k for k in keys if k not in by_key]
        if unknown:
            raise Invalid(
                section, _("Unknown choice: %(keys)s") % {"keys": ", ".join(map(str, unknown))}
            )
        return [by_key[k] for k in keys]

    def term_key(self, section: str, key, *, default: str = "") -> str:
        if key in (None, ""):
            return default
        self.terms(section, [key])
        return key


def _int(payload: dict, name: str, default: int, low: int, high: int) -> int:
    value = payload.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(name, _("A whole number was expected.")) from None
    if not low <= number <= high:
        raise Invalid(
            name, _("Give a number from %(low)s to %(high)s.") % {"low": low, "high": high}
        )
    return number


def _location(payload: dict):
    loc = payload.get("location")
    if not loc:
        return None
    try:
        lat = Decimal(str(loc["lat"])).quantize(Decimal("0.000001"))
        lon = Decimal(str(loc["lon"])).quantize(Decimal("0.000001"))
        accuracy = loc.get("accuracy")
        accuracy = int(accuracy) if accuracy is not None else None
    except (KeyError, TypeError, ValueError, InvalidOperation):
        raise Invalid("location", _("The location could not be read.")) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid("location", _("The location could not be read."))
    return lat, lon, accuracy


def _apply_checkin(ctx: _Context, client_id, payload: dict, timing: actions.Timing):
    shift = ctx.shift(payload.get("shift"))
    visit = ctx.visit(shift, payload.get("visit"))
    place = ctx.place(shift, payload.get("place"))
    next_minutes = _int(payload, "next_minutes", 60, 1, 12 * 60)
    consent = payload.get("location_consent") is True
    row, created = actions.check_in(
        shift,
        by=ctx.user,
        next_minutes=next_minutes,
        place=place,
        visit=visit,
        location=_location(payload) if consent else None,
        location_consent=consent,
        client_id=client_id,
        timing=timing,
        via=CheckIn.Via.SYNC,
    )
    return created, str(row.code), ""


def _check_contact(ctx: _Context, client_id, payload: dict, timing) -> actions.FieldEntry:
    """Check a field contact (nothing saved yet, except that a planned shift starts)."""
    shift = ctx.shift(payload.get("shift"))
    level = payload.get("identity_level") or Encounter.IdentityLevel.ANONYMOUS
    if level not in OFFLINE_LEVELS:
        raise Invalid(
            "identity_level",
            _("Only anonymous contacts and contacts with a code can be queued on the phone."),
        )
    code = str(payload.get("contact_code") or "").strip()
    new_code = payload.get("new_contact_code") is True
    if level == Encounter.IdentityLevel.PSEUDONYMOUS and not (code or new_code):
        raise Invalid("contact_code", _("Give the person's contact code, or make a new one."))
    if payload.get("result") == "client_matter":
        raise Invalid("result", _("Opening a client matter needs the person identified first."))
    guided_to = str(payload.get("guided_to") or "")[:200]
    data = actions.ContactInput(
        themes=ctx.terms("themes", payload.get("themes") or []),
        support=ctx.terms("support", payload.get("support") or []),
        result=ctx.term_key("results", payload.get("result"), default="settled"),
        identity_level=level,
        contact_code=code,
        new_contact_code=new_code and not code,
        duration_minutes=_int(payload, "duration_minutes", 5, 1, 600),
        guided_to=guided_to,
        age_band=ctx.term_key("age_bands", payload.get("age_band")),
        gender=ctx.term_key("genders", payload.get("gender")),
        visit=ctx.visit(shift, payload.get("visit")),
        place=ctx.place(shift, payload.get("place")),
        client_id=client_id,
    )
    if not data.themes:
        raise Invalid("themes", _("Choose at least one theme."))
    return actions.check_field_contact(
        shift, data, by=ctx.user, timing=timing, offline=timing.device_time is not None
    )


def sync_batch(actor: Actor, user, *, items: list[dict], sent_at=None) -> BatchResult:
    """Apply a batch of queued items; see the module docstring. Items seen before are answered
    from one look-up; the new ones are saved in one transaction (contacts together, check-ins
    each in a savepoint of its own)."""
    received_at = timezone.now()
    offset = measure_offset(sent_at, received_at)
    ctx = _Context(user)
    order = sorted(
        range(len(items)),
        key=lambda i: (_aware(items[i].get("device_time")) or received_at, i),
    )
    results: dict[int, ItemResult] = {}
    known = _known(items, user)
    seen_ids: set[str] = set()
    pending: list[tuple[int, actions.FieldEntry]] = []  # checked contacts, saved together
    with transaction.atomic():
        for index in order:
            item = items[index]
            key = str(item.get("client_id"))
            if key in seen_ids:
                results[index] = ItemResult(key, "duplicate")
                continue
            seen_ids.add(key)
            if (item.get("kind"), key) in known:
                results[index] = known[(item.get("kind"), key)]
                continue
            timing = timing_for(item.get("device_time"), received_at, offset)
            payload = item.get("payload") or {}
            if item.get("kind") == "contact" and isinstance(payload, dict):
                checked = _guarded(
                    ctx, item, _check_contact, ctx, item.get("client_id"), payload, timing
                )
                if isinstance(checked, ItemResult):
                    results[index] = checked
                else:
                    pending.append((index, checked))
                continue
            _save_contacts(ctx, actor, items, pending, results)  # those made before this item
            results[index] = _apply(ctx, actor, item, timing)
        _save_contacts(ctx, actor, items, pending, results)
        ShiftEvent.objects.bulk_create(ctx.refusals)
    return BatchResult(
        received_at=received_at,
        offset_s=int(offset.total_seconds()) if offset is not None else None,
        clock_corrected=offset is not None,
        items=[results[i] for i in range(len(items))],
    )


def _known(items: list[dict], user) -> dict[tuple[str, str], ItemResult]:
    """Items whose `client_id` is already saved: a duplicate (the user's own) or refused."""
    ids = {"checkin": set(), "contact": set()}
    for item in items:
        if item.get("kind") in ids and item.get("client_id"):
            ids[item["kind"]].add(item["client_id"])
    rows = [
        ("contact", *row)
        for row in Encounter.objects.filter(client_id__in=ids["contact"]).values_list(
            "client_id", "created_by_id", "code"
        )
    ] + [
        ("checkin", *row)
        for row in CheckIn.objects.filter(client_id__in=ids["checkin"]).values_list(
            "client_id", "worker_id", "code"
        )
    ]
    found = {}
    for kind, client_id, owner, code in rows:
        key = str(client_id)
        if owner == user.pk:
            found[(kind, key)] = ItemResult(key, "duplicate", code=str(code))
        else:
            message = _("This id belongs to someone else's item.")
            found[(kind, key)] = ItemResult(
                key, "invalid", [{"field": "client_id", "message": str(message)}]
            )
    return found


def _guarded(ctx: _Context, item: dict, step, *args, **kwargs):
    """Run one item's step; a refusal becomes the item's `invalid` answer (and, on a shift the
    user is on, a line in that shift's log)."""
    key = str(item.get("client_id"))
    try:
        return step(*args, **kwargs)
    except Invalid as exc:
        _log_refusal(ctx, item, exc.errors)
        return ItemResult(key, "invalid", exc.errors)
    except actions.Refused as exc:
        errors = [{"field": exc.field or "payload", "message": str(exc.message)}]
        _log_refusal(ctx, item, errors)
        return ItemResult(key, "invalid", errors)
    except PermissionDenied:
        errors = [{"field": "client_id", "message": _("This id belongs to someone else's item.")}]
        return ItemResult(key, "invalid", errors)
    except ValidationError as exc:
        errors = [{"field": "payload", "message": str(m)} for m in exc.messages]
        return ItemResult(key, "invalid", errors)


def _apply(ctx: _Context, actor: Actor, item: dict, timing: actions.Timing) -> ItemResult:
    """Save one check-in (or answer an unreadable item) in a savepoint of its own."""
    client_id = item.get("client_id")
    kind = item.get("kind")
    payload = item.get("payload") or {}

    def step():
        with transaction.atomic():
            if not isinstance(payload, dict):
                raise Invalid("payload", _("The item's content could not be read."))
            if kind == "checkin":
                created, code, new_code = _apply_checkin(ctx, client_id, payload, timing)
            else:  # contacts are checked and saved together (`_check_contact`)
                raise Invalid("kind", _("Unknown kind of item."))
        return ItemResult(
            str(client_id),
            "created" if created else "duplicate",
            code=code,
            clock_corrected=timing.corrected,
            new_contact_code=new_code,
        )

    return _guarded(ctx, item, step)


def _save_contacts(ctx: _Context, actor: Actor, items, pending, results) -> None:
    """Save the checked contacts together; if a `client_id` was taken meanwhile (a concurrent
    sync of the same queue), save them one by one so that each is answered on its own."""
    if not pending:
        return
    try:
        saved = actions.record_field_contacts(actor, [c for _, c in pending], by=ctx.user)
    except IntegrityError:
        saved = [
            _guarded(ctx, items[index], _save_one, actor, checked, by=ctx.user)
            for index, checked in pending
        ]
    for (index, checked), row in zip(pending, saved, strict=True):
        key = str(items[index].get("client_id"))
        if isinstance(row, ItemResult):
            results[index] = row
            continue
        results[index] = ItemResult(
            key,
            "created" if row.created else "duplicate",
            code=str(row.encounter.code),
            clock_corrected=checked.timing.corrected,
            new_contact_code=row.recorded.new_contact_code,
        )
    pending.clear()


def _save_one(actor: Actor, checked: actions.FieldEntry, *, by):
    with transaction.atomic():
        return actions.save_field_contact(actor, checked, by=by)


def _log_refusal(ctx: _Context, item: dict, errors: list[dict]) -> None:
    """A refused item on a shift the user is on goes into that shift's log."""
    payload = item.get("payload") if isinstance(item.get("payload"), dict) else {}
    shift = ctx.shifts.get(str(payload.get("shift") or ""))
    if shift is not None:  # written with the batch's other refusals, in one insert
        ctx.refusals.append(
            ShiftEvent(
                shift=shift,
                kind=ShiftEvent.Kind.SYNC_REFUSED,
                user=ctx.user,
                at=timezone.now(),
                data={
                    "item_kind": str(item.get("kind"))[:20],
                    "fields": [e["field"] for e in errors],
                },
            )
        )
