"""Tiny server-rendered SVG charts, drawn from the same (protected) table the page shows first.

No JavaScript and no inline style (strict CSP): colours come from classes in evaluation.css.
Hidden cells draw no bar or point and keep their mark ("<5", "×"), so a chart never shows more
than the table. Each chart is an image with a title and a description that points to the table.
"""

from __future__ import annotations

import itertools

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_ids = itertools.count(1)


def _svg(width: int, height: int, title: str, body: list[str], css: str) -> SafeString:
    n = next(_ids)
    desc = _("The same figures are in the table above.")
    return mark_safe(  # noqa: S308 - every text below is escaped
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{n}-t chart-{n}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-{n}-t">{escape(title)}</title><desc id="chart-{n}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(items: list[tuple[str, float | None, str]], *, title: str) -> SafeString:
    """Horizontal bars. `items` are (label, value or None when hidden, text shown)."""
    width, row = 360, 44
    height = max(row * len(items), row) + 8
    top = max((v for _, v, _ in items if v is not None), default=0) or 1
    body = []
    for i, (label, value, text) in enumerate(items):
        y = i * row + 4
        body.append(f'<text class="chart-label" x="0" y="{y + 14}">{escape(label[:48])}</text>')
        if value is None:
            body.append(f'<text class="chart-hidden" x="0" y="{y + 34}">{escape(text)}</text>')
            continue
        bar = max(1.0, (width - 70) * value / top) if value else 0
        body.append(
            f'<rect class="chart-bar" x="0" y="{y + 20}" width="{bar:.1f}" height="16" rx="2"/>'
        )
        body.append(
            f'<text class="chart-value" x="{bar + 4:.1f}" y="{y + 33}">{escape(text)}</text>'
        )
    return _svg(width, height, title, body, "chart--bar")


def line_chart(
    points: list[tuple[str, float | None, str]], *, title: str, percent: bool = False
) -> SafeString:
    """A line over time; a hidden or missing value breaks the line."""
    width, height, left, bottom, top_pad = 600, 260, 48, 40, 16
    plot_w, plot_h = width - left - 12, height - bottom - top_pad
    values = [v for _, v, _ in points if v is not None]
    top = max(values, default=0) or 1
    if percent:
        top = max(top, 0.0001)
    n = max(len(points) - 1, 1)

    def xy(i, v):
        return left + plot_w * i / n, top_pad + plot_h * (1 - v / top)

    body = [
        f'<line class="chart-axis" x1="{left}" y1="{top_pad + plot_h}" x2="{width - 12}" '
        f'y2="{top_pad + plot_h}"/>',
        f'<line class="chart-axis" x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}"/>',
    ]
    top_text = f"{top * 100:.0f} %" if percent else f"{top:g}"
    body.append(
        f'<text class="chart-tick" x="{left - 6}" y="{top_pad + 5}" text-anchor="end">{escape(top_text)}</text>'
    )
    body.append(
        f'<text class="chart-tick" x="{left - 6}" y="{top_pad + plot_h + 5}" text-anchor="end">0</text>'
    )
    segment: list[str] = []
    segments = []
    for i, (_label, value, _text) in enumerate(points):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x, y = xy(i, value)
        segment.append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle class="chart-point" cx="{x:.1f}" cy="{y:.1f}" r="4"/>')
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            body.append(f'<polyline class="chart-line" points="{" ".join(seg)}"/>')
    step = max(1, len(points) // 6)
    for i, (label, value, text) in enumerate(points):
        x = left + plot_w * i / n
        if i % step == 0 or i == len(points) - 1:
            body.append(
                f'<text class="chart-tick" x="{x:.1f}" y="{height - 14}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
        if value is None and text:
            body.append(
                f'<text class="chart-hidden" x="{x:.1f}" y="{top_pad + plot_h - 6}" '
                f'text-anchor="middle">{escape(text)}</text>'
            )
    return _svg(width, height, title, body, "chart--line")


def table_bars(table, column: int = -1, *, title: str | None = None) -> SafeString | None:
    """Bars of one column (default: the total column) of a table's body rows."""
    rows = table.body_rows
    if not rows or table.empty:
        return None
    items = [(r.label, r.cells[column].value, r.cells[column].text) for r in rows]
    return bar_chart(items, title=title or table.title)


def table_line(table, row=None, *, title: str | None = None, percent: bool = False):
    """A line through one row (default: the totals row) across the columns (months)."""
    if table.empty:
        return None
    target = row or table.total_row or (table.body_rows[0] if table.body_rows else None)
    if target is None:
        return None
    columns = table.columns[:-1] if table.has_total_column else table.columns
    points = [
        (str(label), cell.value, cell.text)
        for (_, label), cell in zip(columns, target.cells, strict=False)
    ]
    return line_chart(points, title=title or table.title, percent=percent)
