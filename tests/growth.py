"""Linear time told from quadratic: the smallest and the largest of inputs a range apart.

Over inputs r times apart, linear work takes r times as long and quadratic r squared; a bar
of twice r tells them apart and leaves room for a busy spell of the shared machine, which a
bar per doubling did not (10 ms steps measured x2.6 and x2.7 in CI). Times are the CPU time
of the test's own process (``cpu_seconds``), never the wall clock: other processes of a busy
machine take wall time from it, not CPU time.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence


def cpu_seconds(action: Callable[[], object]) -> float:
    """The CPU time this process spends on ``action()`` (garbage of earlier work not collected
    meanwhile: it is no cost of this run)."""
    gc.collect()
    gc.disable()
    started = time.process_time()
    try:
        action()
    finally:
        elapsed = time.process_time() - started
        gc.enable()
    return elapsed


def max_growth(sizes: Sequence[int]) -> float:
    """The most a linear time may grow from the smallest of ``sizes`` to the largest."""
    return 2 * sizes[-1] / sizes[0]


def growth(times: Sequence[float], floor: float) -> float:
    """How much the time grew from the first size to the last (times under ``floor`` count as it:
    there the timer's noise dominates)."""
    return max(times[-1], floor) / max(times[0], floor)
