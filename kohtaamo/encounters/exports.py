"""CSV and XLSX exports of contacts. No identifiers for anonymous or pseudonymous contacts (never
the contact-code hash); for identified ones only the person's registry code, never the identity
code; never the free-text note. Each identified person in an export gets an `export` entry in the
access log before the file is written."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kohtaamo.audit.actions import Actor, log_access_many
from kohtaamo.audit.models import AccessLogEntry

XLSX_MAX_ROWS = 1_048_575  # the sheet's limit, less the header


def header() -> list[str]:
    return [
        _("Contact"),
        _("Started at"),
        _("Place"),
        _("Channel"),
        _("Duration (minutes)"),
        _("Workers"),
        _("How the person came"),
        _("Guiding partner"),
        _("Identity"),
        _("Person (registry code)"),
        _("Age group"),
        _("Gender"),
        _("Home municipality"),
        _("Themes"),
        _("Support given"),
        _("Result"),
        _("Guided to"),
        _("Repeat contact"),
        _("About a matter already handled"),
        _("Why the person is back"),
    ]


def _yes_no(value) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def row(e, labels: dict) -> list:
    identified = e.identity_level == "identified" and e.person_id
    return [
        str(e.code),
        timezone.localtime(e.started_at).strftime("%Y-%m-%d %H:%M"),
        e.place.name if e.place_id else "",
        labels["channels"].get(e.channel, e.channel),
        e.duration_minutes,
        len(e.workers.all()),
        labels["arrival"].get(e.arrival, e.arrival),
        e.partner.name if e.partner_id else "",
        e.get_identity_level_display(),
        str(e.person.code) if identified else "",
        labels["age_bands"].get(e.age_band, e.age_band),
        labels["genders"].get(e.gender, e.gender),
        e.municipality,
        "; ".join(t.label for t in e.themes.all()),
        "; ".join(t.label for t in e.support.all()),
        labels["results"].get(e.result, e.result),
        e.guided_to,
        _yes_no(e.is_repeat),
        _yes_no(e.about_handled_matter),
        labels["failure_reasons"].get(e.failure_reason, e.failure_reason),
    ]


def log_export(actor: Actor, queryset) -> int:
    people = list(
        queryset.filter(person__isnull=False)
        .order_by()
        .values_list("person__code", "person_id")
        .distinct()
    )
    log_access_many(
        actor,
        [(code, "encounters.export", pk) for code, pk in people],
        action=AccessLogEntry.Action.EXPORT,
        purpose=AccessLogEntry.Purpose.CLIENT_WORK,
    )
    return len(people)


class _Echo:
    def write(self, value):
        return value


def csv_lines(queryset, labels: dict):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheet programs read UTF-8
    yield writer.writerow(header())
    for e in queryset.iterator(chunk_size=2000):
        yield writer.writerow(row(e, labels))


def xlsx_bytes(queryset, labels: dict) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Contacts"))
    sheet.append(header())
    for i, e in enumerate(queryset.iterator(chunk_size=2000)):
        if i >= XLSX_MAX_ROWS:
            break
        sheet.append(row(e, labels))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
