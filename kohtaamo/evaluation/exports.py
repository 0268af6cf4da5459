"""Exports: CSV and XLSX of every dashboard table (exactly the protected cells shown on screen),
and the pseudonymised research extract for evaluators.

The research extract is microdata, so it is pseudonymised rather than suppressed:

- people and contact codes become keyed pseudonyms, HMAC-SHA256 with a random key made for this
  extract and never stored, so two extracts cannot be linked to each other or back to anyone;
- no direct identifiers: no names, identity codes, contact codes, notes, free text, worker
  identities or home municipalities; dates are coarsened to the month;
- a data description (codebook.md) and extract.json (period, scope, row counts) are in the zip;
- the extract itself is recorded (`ResearchExtract`): who, when, what period, for what purpose.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import hmac
import io
import json
import secrets
import tempfile
import zipfile

from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from kohtaamo.evaluation.models import ResearchExtract
from kohtaamo.evaluation.tables import Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(table: Table, ext: str) -> str:
    return f"{slugify(table.key) or 'table'}-{timezone.localdate():%Y%m%d}.{ext}"


def table_rows(table: Table) -> list[list]:
    """Header, rows, then the legend: what the marks mean."""
    rows = [table.header]
    for row in table.rows:
        rows.append([row.label] + [c.text for c in row.cells])
    for line in table.legend:
        rows.append([line])
    return rows


def csv_response(table: Table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, "csv")}"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(response, delimiter=";")
    writer.writerow([table.title])
    writer.writerows(table_rows(table))
    return response


def xlsx_bytes(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = (table.key or "table")[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(table.header)
    for row in table.rows:
        values = [row.label]
        for cell in row.cells:
            # Shown counts are numbers; hidden cells keep their mark as text ("<5", "×").
            if cell.value is not None and table.kind == "counts":
                values.append(int(cell.value))
            else:
                values.append(cell.text)
        sheet.append(values)
    for line in table.legend:
        sheet.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(table: Table) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(table), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, "xlsx")}"'
    return response


# The research extract ------------------------------------------------------------------------

ENCOUNTER_COLUMNS = [
    ("row", "Row number within this extract."),
    (
        "person",
        "Keyed pseudonym of the identified person or of the contact code (same within this "
        "extract only); empty for anonymous contacts.",
    ),
    ("month", "Month of the contact, YYYY-MM (dates are coarsened to the month)."),
    ("organisation", "The county (organisation slug)."),
    ("unit", "The unit (slug within the county); empty if none."),
    ("place_kind", "Kind of place (desk, meeting_place, kela_office, ...)."),
    ("channel", "Channel key (encounters taxonomy 'channels')."),
    ("duration_minutes", "Length of the contact in minutes."),
    ("identity_level", "anonymous / pseudonymous / identified."),
    ("arrival", "How the person came (taxonomy 'arrival')."),
    ("age_band", "Age group (taxonomy 'age_bands'); empty if not asked."),
    ("gender", "Gender (taxonomy 'genders'); empty if not asked."),
    ("themes", "Theme keys separated by '|' (taxonomy 'themes')."),
    ("support", "Support keys separated by '|' (taxonomy 'support')."),
    ("result", "Result key (taxonomy 'results')."),
    ("is_repeat", "1 if the person had been in contact before about the matter."),
    (
        "about_handled_matter",
        "1 if the repeat contact was about a matter already handled "
        "(failure demand), 0 if not, empty if not recorded.",
    ),
    ("failure_reason", "Why the person is back (taxonomy 'failure_reasons'); empty if none."),
    ("workers", "Number of workers in the contact."),
    ("professional", "1 if at least one worker is a social welfare professional."),
    ("experiment", "1 if the contact belongs to a field experiment."),
]


def pseudonymiser(key: bytes):
    def pseudonym(kind: str, value) -> str:
        if not value:
            return ""
        digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return digest[:16]

    return pseudonym


def _flag(value) -> str:
    if value is None:
        return ""
    return "1" if value else "0"


def codebook(extract: ResearchExtract, counts: dict) -> str:
    from kohtaamo.encounters.taxonomy import read_taxonomy

    taxonomy = read_taxonomy()
    lines = [
        "# Kohtaamo research extract: data description",
        "",
        f"- Period: {extract.period_start:%Y-%m} – {extract.period_end:%Y-%m}",
        f"- Created: {timezone.localtime(extract.created_at):%Y-%m-%d %H:%M}",
        f"- Purpose: {extract.purpose}",
        f"- Rows: {counts}",
        "",
        "## Pseudonymisation",
        "",
        "`person` is HMAC-SHA256 (first 16 hex digits) of the person's registry code or of the "
        "contact code's keyed hash, with a random key made for this extract and not stored. The same "
        "person has the same pseudonym within this extract only. No names, identity codes, "
        "contact codes, notes, free text, workers or home municipalities are included; dates are "
        "months. Small-number protection is not applied to microdata: do not publish any figure "
        "based on fewer than 5 people or contacts.",
        "",
        "## encounters.csv",
        "",
        "| column | meaning |",
        "| --- | --- |",
    ]
    lines += [f"| `{name}` | {meaning} |" for name, meaning in ENCOUNTER_COLUMNS]
    lines += ["", "## Value lists (key: Finnish / English)", ""]
    for section in (
        "channels",
        "arrival",
        "age_bands",
        "genders",
        "themes",
        "support",
        "results",
        "failure_reasons",
    ):
        lines.append(f"### {section}")
        lines.append("")
        for entry in taxonomy.get(section, []):
            label = entry.get("label", {})
            lines.append(f"- `{entry['key']}`: {label.get('fi', '')} / {label.get('en', '')}")
        lines.append("")
    return "\n".join(lines)


def _encounter_rows(organisation_ids, start: datetime.date, end: datetime.date, pseudonym):
    from kohtaamo.encounters.models import Encounter

    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tz)
    hi = datetime.datetime.combine(end, datetime.time.min, tz)
    qs = (
        Encounter.objects.filter(
            organisation_id__in=organisation_ids, started_at__gte=lo, started_at__lt=hi
        )
        .select_related("organisation", "unit", "place", "person")
        .prefetch_related("themes", "support")
        .order_by("started_at", "id")
    )
    for n, e in enumerate(qs.iterator(chunk_size=2000), start=1):
        if e.person_id:
            person = pseudonym("person", e.person.code)
        else:
            person = pseudonym("code", e.contact_code_hash)
        yield (
            [
                n,
                person,
                f"{timezone.localtime(e.started_at, tz):%Y-%m}",
                e.organisation.slug,
                e.unit.slug if e.unit_id else "",
                e.place.kind if e.place_id else "",
                e.channel,
                e.duration_minutes,
                e.identity_level,
                e.arrival,
                e.age_band,
                e.gender,
                "|".join(sorted(t.key for t in e.themes.all())),
                "|".join(sorted(t.key for t in e.support.all())),
                e.result,
                _flag(e.is_repeat),
                _flag(e.about_handled_matter),
                e.failure_reason,
                0,  # workers and professional are filled in per batch
                "",
                _flag(e.experiment_ref is not None),
            ],
            e.pk,
        )


@transaction.atomic
def research_extract(
    *, by, organisation_ids, start: datetime.date, end: datetime.date, purpose: str
) -> tuple[ResearchExtract, tempfile.SpooledTemporaryFile]:
    """Build the zip; `end` is exclusive. Returns the record and the open file."""
    from kohtaamo.evaluation.aggregates import professional_user_ids

    key = secrets.token_bytes(32)
    pseudonym = pseudonymiser(key)
    extract = ResearchExtract.objects.create(
        requested_by=by,
        organisation_ids=sorted(organisation_ids),
        period_start=start,
        period_end=end - datetime.timedelta(days=1),
        purpose=purpose,
    )
    professionals = professional_user_ids(organisation_ids)
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    rows = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("encounters.csv", "w") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(text)
            writer.writerow([name for name, _ in ENCOUNTER_COLUMNS])
            batch = []
            for row, pk in _encounter_rows(organisation_ids, start, end, pseudonym):
                batch.append((row, pk))
                if len(batch) >= 2000:
                    rows += _write_batch(writer, batch, professionals)
                    batch = []
            rows += _write_batch(writer, batch, professionals)
            text.flush()
            text.detach()
        extract.encounter_rows = rows
        extract.save(update_fields=["encounter_rows"])
        counts = {"encounters.csv": rows}
        archive.writestr("codebook.md", codebook(extract, counts))
        archive.writestr(
            "extract.json",
            json.dumps(
                {
                    "extract": str(extract.code),
                    "period": [f"{start:%Y-%m}", f"{extract.period_end:%Y-%m}"],
                    "organisations": extract.organisation_ids,
                    "rows": counts,
                    "pseudonym_key": "random per extract, not stored",
                },
                indent=2,
            ),
        )
    del key
    out.seek(0)
    return extract, out


def _write_batch(writer, batch, professionals: set[int]) -> int:
    from kohtaamo.encounters.models import EncounterWorker

    if not batch:
        return 0
    workers: dict[int, list[int]] = {}
    for enc_id, user_id in EncounterWorker.objects.filter(
        encounter_id__in=[pk for _row, pk in batch]
    ).values_list("encounter_id", "user_id"):
        workers.setdefault(enc_id, []).append(user_id)
    for row, pk in batch:
        ids = workers.get(pk, [])
        row[18] = len(ids)
        row[19] = _flag(any(u in professionals for u in ids))
        writer.writerow(row)
    return len(batch)


def research_response(extract: ResearchExtract, file) -> FileResponse:
    name = f"kohtaamo-research-{extract.period_start:%Y%m}-{extract.period_end:%Y%m}.zip"
    return FileResponse(file, as_attachment=True, filename=name, content_type="application/zip")
