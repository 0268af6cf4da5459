"""A small server-rendered SVG line of a person's scores over time."""

from __future__ import annotations

WIDTH, HEIGHT, PAD = 480, 160, 28


def trend_chart(points: list[tuple], *, low: float, high: float) -> dict | None:
    """points: [(date, score)] oldest first; low/high: the possible range of the score."""
    points = [(d, v) for d, v in points if v is not None]
    if len(points) < 2:
        return None
    span = (high - low) or 1
    step = (WIDTH - 2 * PAD) / (len(points) - 1)
    dots = []
    for i, (day, value) in enumerate(points):
        x = PAD + i * step
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value - low) / span
        dots.append({"x": round(x, 1), "y": round(y, 1), "value": value, "day": day})
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "dots": dots,
        "path": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "low": low,
        "high": high,
        "base_y": HEIGHT - PAD,
        "top_y": PAD,
        "pad": PAD,
        "label_y": HEIGHT - 8,
    }


def score_range(definition: dict, score_key: str) -> tuple[float, float]:
    items = {i["key"]: i for i in definition["items"]}
    spec = next((s for s in definition["scoring"]["scores"] if s["key"] == score_key), None)
    if spec is None:
        return 0, 1
    lows = [min(o["value"] for o in items[k]["options"]) for k in spec["items"]]
    highs = [max(o["value"] for o in items[k]["options"]) for k in spec["items"]]
    if spec.get("method", "sum") == "mean":
        return min(lows), max(highs)
    return sum(lows), sum(highs)
