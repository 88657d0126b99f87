"""The review site's charts, drawn by matplotlib as SVG strings to put inside a page.

Text stays text (``svg.fonttype: none``) so the browser draws Chinese labels with its own
fonts; no date or random ids are written, so the same rows give the same bytes and an
unchanged page is not rewritten.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import matplotlib

matplotlib.use("Agg")  # no display: files only

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from pipelines.review.numbers import scale_of  # noqa: E402

_STYLE = {"svg.fonttype": "none", "svg.hashsalt": "chipfacts-review", "font.size": 10,
          "font.family": ["sans-serif"], "axes.spines.top": False, "axes.spines.right": False,
          "axes.edgecolor": "#888", "axes.titlesize": 10, "axes.titleweight": "bold"}
_BAR = "#3b6ea8"
_STATUS_COLOUR = {"conflict": "#c0392b", "corroborated": "#2e8b57", "single": "#777777"}


@dataclass(frozen=True)
class ClaimSeries:
    """One claim's facts over time: (publication date, lowest, highest value) per fact."""

    label: str
    unit: str
    status: str
    points: Sequence[tuple[datetime, float, float]]


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # the XML prolog and doctype cannot sit inside HTML


def facts_by_category(counts: Sequence[tuple[str, int]]) -> str:
    """A horizontal bar per category, largest first."""
    rows = sorted(counts, key=lambda row: (-row[1], row[0]))
    with plt.rc_context(_STYLE):
        figure, axes = plt.subplots(figsize=(5.5, 0.35 * max(len(rows), 1) + 0.9))
        labels = [name for name, _ in rows][::-1]
        values = [n for _, n in rows][::-1]
        bars = axes.barh(labels, values, color=_BAR)
        axes.bar_label(bars, padding=3)
        axes.set_xlabel("facts")
        axes.set_title("Facts per category")
        axes.xaxis.get_major_locator().set_params(integer=True)
        return _svg(figure)


def claims_over_time(series: Sequence[ClaimSeries]) -> str:
    """One small panel per claim: each fact's value (a bar for a range) at its publication date."""
    with plt.rc_context(_STYLE):
        columns = min(len(series), 2) or 1
        rows = -(-len(series) // columns) or 1
        figure, grid = plt.subplots(rows, columns, figsize=(5.2 * columns, 2.4 * rows), squeeze=False)
        for axes, claim in zip(grid.flat, series):
            colour = _STATUS_COLOUR.get(claim.status, _BAR)
            scale, word = scale_of(max(abs(p[2]) for p in claim.points))
            points = [(p[0], p[1] / scale, p[2] / scale) for p in sorted(claim.points)]
            dates = [p[0] for p in points]
            middles = [(p[1] + p[2]) / 2 for p in points]
            axes.vlines(dates, [p[1] for p in points], [p[2] for p in points], colors=colour, linewidth=3)
            axes.plot(dates, middles, marker="o", linestyle="none", color=colour)  # facts, not a series
            axes.set_title(f"{claim.label} ({claim.status})", color=colour, loc="left")
            axes.set_ylabel(f"{claim.unit} {word}".strip())
            locator = mdates.AutoDateLocator(minticks=2, maxticks=5)
            axes.xaxis.set_major_locator(locator)
            axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
            axes.margins(x=0.15, y=0.25)
        for axes in list(grid.flat)[len(series):]:
            axes.axis("off")
        figure.tight_layout()
        return _svg(figure)
