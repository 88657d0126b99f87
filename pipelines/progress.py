"""Progress of a long loop, reported every N items or every few seconds, with the rate.

Pure (no Dagster): the hops call ``advance()`` per item and the assets hand in
``context.log.info`` as ``report``, so a run over thousands of files says how far it is
instead of staying silent for minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Progress:
    """Counts the items of one loop and reports how far it is."""

    def __init__(self, label: str, total: int, report: Callable[[str], None] | None = None, *,
                 every_items: int = 1000, every_seconds: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.label, self.total, self.report = label, total, report
        self.every_items, self.every_seconds, self.clock = every_items, every_seconds, clock
        self.done = 0
        self.started = self.last_report = clock()
        self.last_reported_items = 0

    @property
    def seconds(self) -> float:
        return self.clock() - self.started

    @property
    def rate(self) -> float:
        """Items per second so far."""
        return self.done / self.seconds if self.seconds > 0 else 0.0

    def message(self) -> str:
        share = f" ({self.done / self.total:.0%})" if self.total else ""
        left = self.total - self.done
        eta = f", about {left / self.rate:,.0f} s to go" if left > 0 and self.rate > 0 else ""
        return f"{self.label}: {self.done:,} of {self.total:,}{share} in {self.seconds:.1f} s, {self.rate:,.0f}/s{eta}"

    def advance(self, items: int = 1) -> None:
        self.done += items
        if self.report is None:
            return
        now = self.clock()
        if (self.done - self.last_reported_items >= self.every_items
                or now - self.last_report >= self.every_seconds):
            self.report(self.message())
            self.last_report, self.last_reported_items = now, self.done

    def finish(self) -> dict[str, float]:
        """Report the final count once; the figures for the step's metadata."""
        if self.report is not None:
            self.report(self.message())
        return {f"{self.label}_items": self.done, f"{self.label}_seconds": round(self.seconds, 3),
                f"{self.label}_per_second": round(self.rate, 1)}
