"""A horizontal bar chart as plain data for an inline SVG template (no script, no style
attributes): the same rows as the table beside it."""

from __future__ import annotations

BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 230
PLOT_WIDTH = 320


def bar_chart(rows: list[dict]) -> dict:
    """Arrival rate (and bounce rate) per row; small groups are left out like in the table."""
    shown = [r for r in rows if not r.get("small") and r.get("sent")]
    bars = []
    for i, row in enumerate(shown):
        y = i * (2 * BAR_HEIGHT + GAP)
        arrival = row.get("arrival_rate") or 0
        bounce = row.get("bounce_rate") or 0
        bars.append(
            {
                "label": row["name"][:34],
                "y": y,
                "y_text": y + BAR_HEIGHT - 6,
                "y2": y + BAR_HEIGHT,
                "y2_text": y + 2 * BAR_HEIGHT - 6,
                "arrival_width": round(arrival * PLOT_WIDTH, 1),
                "bounce_width": round(bounce * PLOT_WIDTH, 1),
                "arrival_pct": round(arrival * 100),
                "bounce_pct": round(bounce * 100),
            }
        )
    return {
        "bars": bars,
        "label_width": LABEL_WIDTH,
        "plot_x": LABEL_WIDTH + 10,
        "width": LABEL_WIDTH + PLOT_WIDTH + 60,
        "height": max(1, len(bars)) * (2 * BAR_HEIGHT + GAP),
    }
