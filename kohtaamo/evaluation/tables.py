"""Aggregate tables: one object renders as an accessible HTML table, an SVG chart, CSV and XLSX,
so that every view of a figure is protected the same way.

`count_table(...)` protects counts and their totals with `suppression.protect`;
`indicator_table(...)` shows indicator values (already marked suppressed / no data).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kohtaamo.evaluation import suppression
from kohtaamo.evaluation.indicators import NO_DATA, NOT_MEASURABLE, OK, SUPPRESSED, Value


@dataclass
class Cell:
    text: str
    value: float | None = None  # a number only when shown
    state: str = suppression.SHOWN
    title: str = ""

    @property
    def hidden(self) -> bool:
        return self.value is None


@dataclass
class Row:
    key: object
    label: str
    cells: list[Cell]
    is_total: bool = False
    note: str = ""


@dataclass
class Table:
    key: str
    title: str
    row_header: str
    columns: list[tuple[object, str]]
    rows: list[Row]
    kind: str = "counts"  # or "indicators"
    has_total_column: bool = False
    caption_note: str = ""
    legend: list[str] = field(default_factory=list)
    empty: bool = False

    @property
    def header(self) -> list[str]:
        return [self.row_header] + [label for _, label in self.columns]

    @property
    def body_rows(self) -> list[Row]:
        return [r for r in self.rows if not r.is_total]

    @property
    def total_row(self) -> Row | None:
        return next((r for r in self.rows if r.is_total), None)

    def column_values(self, index: int) -> list[tuple[str, Cell]]:
        return [(r.label, r.cells[index]) for r in self.body_rows]

    def as_lists(self) -> list[list[str]]:
        return [self.header] + [[r.label] + [c.text for c in r.cells] for r in self.rows]


def _count_text(value: int) -> str:
    return number_format(value, decimal_pos=0, force_grouping=True)


def legend_for_counts(k: int) -> list[str]:
    return [
        str(_("<%(k)s: fewer than %(k)s, hidden to protect privacy.") % {"k": k}),
        str(_("×: hidden so that a small number cannot be worked out from the totals.")),
        str(_("–: the whole table is withheld because its numbers are too small.")),
    ]


def count_table(
    key: str,
    title: str,
    row_header: str,
    rows: list[tuple[object, str]],
    columns: list[tuple[object, str]],
    values: list[list[int]],
    *,
    row_totals: bool = True,
    col_totals: bool = True,
    total_label: str | None = None,
    k: int | None = None,
) -> Table:
    k = suppression.small_number_k() if k is None else k
    if not rows or not columns:
        return Table(key, title, row_header, list(columns), [], empty=True)
    protected = suppression.protect(values, k=k, row_totals=row_totals, col_totals=col_totals)
    width = len(columns) + (1 if row_totals else 0)
    out_rows = []
    labels = list(rows) + ([(None, str(total_label or _("Total")))] if col_totals else [])
    for i, (row_key, label) in enumerate(labels):
        cells = []
        for j in range(width):
            v, state = protected.cell(i, j)
            if state == suppression.SHOWN:
                cells.append(Cell(_count_text(v), float(v), state))
            else:
                cells.append(Cell(protected.display(i, j), None, state))
        out_rows.append(Row(row_key, label, cells, is_total=col_totals and i == len(rows)))
    cols = list(columns) + ([(None, str(_("Total")))] if row_totals else [])
    return Table(
        key,
        title,
        row_header,
        cols,
        out_rows,
        kind="counts",
        has_total_column=row_totals,
        legend=legend_for_counts(k) if protected.suppressed_count else [],
    )


def value_cell(value: Value | None) -> Cell:
    if value is None:
        return Cell(str(_("no data")), None, NO_DATA)
    if value.status == OK:
        return Cell(value.display, value.value, OK)
    return Cell(value.display, None, value.status)


def indicator_table(
    key: str,
    title: str,
    row_header: str,
    rows: list[tuple[object, str]],
    columns: list[tuple[object, str]],
    cell_values: dict,
    *,
    row_notes: dict | None = None,
) -> Table:
    """`cell_values[(row_key, column_key)]` is a Value (or missing: no data)."""
    out_rows = []
    states = set()
    for row_key, label in rows:
        cells = [value_cell(cell_values.get((row_key, col_key))) for col_key, _ in columns]
        states |= {c.state for c in cells}
        out_rows.append(Row(row_key, label, cells, note=(row_notes or {}).get(row_key, "")))
    legend = []
    if SUPPRESSED in states:
        k = suppression.small_number_k()
        legend.append(str(_("<%(k)s: a count behind the figure is fewer than %(k)s.") % {"k": k}))
    if NOT_MEASURABLE in states:
        legend.append(str(_("Not measurable yet: Kohtaamo does not record the data it needs.")))
    if NO_DATA in states:
        legend.append(str(_("No data: nothing was recorded for it in the period.")))
    return Table(key, title, row_header, list(columns), out_rows, kind="indicators", legend=legend)
