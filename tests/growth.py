"""Linear time told from quadratic: the smallest and the largest of inputs a range apart.

Over inputs r times apart, linear work takes r times as long and quadratic r squared; a bar
of twice r tells them apart and leaves room for a busy spell of the shared machine, which a
bar per doubling did not (10 ms steps measured x2.6 and x2.7 in CI).
"""

from __future__ import annotations

from collections.abc import Sequence


def max_growth(sizes: Sequence[int]) -> float:
    """The most a linear time may grow from the smallest of ``sizes`` to the largest."""
    return 2 * sizes[-1] / sizes[0]


def growth(times: Sequence[float], floor: float) -> float:
    """How much the time grew from the first size to the last (times under ``floor`` count as it:
    there the timer's noise dominates)."""
    return max(times[-1], floor) / max(times[0], floor)
