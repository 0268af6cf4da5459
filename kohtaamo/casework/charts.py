"""A small server-rendered SVG of paired start and end scores ("dumbbell" rows), drawn from the same
rows as the table beside it. The desk's bar chart (encounters/charts.py) stacks counts per period,
which does not fit pairs, hence this one."""

from __future__ import annotations

WIDTH, ROW, PAD_LEFT, PAD_RIGHT, PAD_TOP = 640, 22, 160, 24, 28


def change_chart(rows: list[tuple[str, float | None, float | None]], *, low: float, high: float):
    """rows: [(label, start, end)]; rows missing either score are left out."""
    pairs = [(label, s, e) for label, s, e in rows if s is not None and e is not None]
    if not pairs:
        return None
    span = (high - low) or 1
    plot = WIDTH - PAD_LEFT - PAD_RIGHT

    def x(value: float) -> float:
        return round(PAD_LEFT + plot * (value - low) / span, 1)

    lines = []
    for i, (label, start, end) in enumerate(pairs):
        y = PAD_TOP + i * ROW + ROW / 2
        lines.append(
            {
                "label": label,
                "y": round(y, 1),
                "label_y": round(y + 4, 1),
                "x_start": x(start),
                "x_end": x(end),
                "rect_x": round(x(end) - 5, 1),
                "rect_y": round(y - 5, 1),
                "start": start,
                "end": end,
                "better": end > start,
                "worse": end < start,
            }
        )
    ticks = []
    steps = 4
    for i in range(steps + 1):
        value = low + span * i / steps
        ticks.append({"x": x(value), "label": f"{value:g}"})
    height = PAD_TOP + len(pairs) * ROW + 24
    return {
        "width": WIDTH,
        "height": height,
        "lines": lines,
        "ticks": ticks,
        "axis_y": height - 20,
        "tick_label_y": height - 6,
        "pad_left": PAD_LEFT,
        "label_x": PAD_LEFT - 8,
        "right": WIDTH - PAD_RIGHT,
        "top": PAD_TOP - 8,
    }
