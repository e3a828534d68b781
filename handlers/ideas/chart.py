"""The chart of ideas by status, as PNG bytes for a `FileAttachment`.

matplotlib is imported on first use, with the Agg backend and no pyplot, so that starting the
bot stays fast and drawing is safe from any worker thread.
"""

from __future__ import annotations

import io

_BAR = "#000091"  # the French State's blue


def status_chart(bars: list[tuple[str, int]], *, title: str) -> bytes:
    """A horizontal bar per status, in lifecycle order, with its count written at its end."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 0.45 * max(len(bars), 1) + 1.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [name for name, _ in bars][::-1]
    values = [count for _, count in bars][::-1]
    drawn = axes.barh(labels, values, color=_BAR)
    axes.bar_label(drawn, padding=3)
    axes.set_title(title)
    axes.set_xlim(0, max([*values, 1]) * 1.15)
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
