"""The bilan's chart: response rate per occurrence (bars) and mood average (line), as a PNG.

matplotlib is imported when a chart is drawn, not when the bot starts; a bare `Figure` renders
without pyplot or a display, and leaves the global backend alone.
"""

from __future__ import annotations

import io

from handlers.checkins.figures import OccurrenceFigures


def draw(
    figures: list[OccurrenceFigures], *, title: str, rate_label: str, mood_label: str
) -> bytes:
    from matplotlib.figure import Figure

    labels = [f.slot.strftime("%d/%m") for f in figures]
    rates = [round(100 * (f.rate or 0)) for f in figures]
    moods = [f.mood for f in figures]
    chart = Figure(figsize=(8, 4), dpi=100)
    left = chart.subplots()
    left.bar(labels, rates, width=0.6, color="#6a8caf", label=rate_label)
    left.set_ylim(0, 100)
    left.set_ylabel(rate_label)
    right = left.twinx()
    points = [(x, m) for x, m in zip(labels, moods, strict=True) if m is not None]
    if points:
        right.plot([p[0] for p in points], [p[1] for p in points], color="#d1495b", marker="o")
    right.set_ylim(1, 5)
    right.set_ylabel(mood_label)
    left.set_title(title)
    chart.tight_layout()
    buffer = io.BytesIO()
    chart.savefig(buffer, format="png")
    return buffer.getvalue()
