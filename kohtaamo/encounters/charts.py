"""A small server-rendered SVG bar chart, drawn from the same rows as the table beside it."""

from __future__ import annotations

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 720, 220, 36, 24, 8


def bar_chart(points: list[tuple], *, title: str) -> dict:
    """points: [(label, value_count, failure_count)]; bars stack failure on top of value."""
    top = max((v + f for _, v, f in points), default=0) or 1
    plot_w, plot_h = WIDTH - PAD_LEFT, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(len(points), 1)
    bar_w = max(step * 0.7, 1)
    bars = []
    for i, (label, value, failure) in enumerate(points):
        h_value = plot_h * value / top
        h_fail = plot_h * failure / top
        x = PAD_LEFT + i * step + (step - bar_w) / 2
        base = PAD_TOP + plot_h
        bars.append(
            {
                "x": round(x, 1),
                "w": round(bar_w, 1),
                "y_value": round(base - h_value, 1),
                "h_value": round(h_value, 1),
                "y_fail": round(base - h_value - h_fail, 1),
                "h_fail": round(h_fail, 1),
                "label": label,
                "value": value,
                "failure": failure,
                "show_label": len(points) <= 12 or i % max(len(points) // 8, 1) == 0,
                "label_x": round(x + bar_w / 2, 1),
            }
        )
    return {
        "title": title,
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "top": top,
        "axis_y": PAD_TOP + plot_h,
        "label_y": HEIGHT - 6,
        "pad_left": PAD_LEFT,
        "top_y": PAD_TOP + 4,
    }
