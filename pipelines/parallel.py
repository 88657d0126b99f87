"""Per-document work over worker processes (standard library), results in input order.

Parsing and extraction are pure functions of one document, so a hop maps them over its
documents; with more than one worker and enough documents, the map runs in a
``ProcessPoolExecutor`` whose workers come from a fork server that has already imported the
pipeline (a worker starts in milliseconds, not the second a fresh import costs). Below
``min_items`` a pool costs more than it saves, so the map runs here. Scaling beyond one
machine is Dagster's job (partitions and executors), not this module's.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_MIN_ITEMS = 500
_PRELOAD = ["pipelines.hops", "pipelines.warm"]  # imported once by the fork server, lexicons loaded


def machine_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def ordered_map(work: Callable[[T], R], items: Sequence[T], workers: int,
                min_items: int = DEFAULT_MIN_ITEMS) -> Iterator[R]:
    """``map(work, items)``, over ``workers`` processes when there are at least ``min_items``."""
    if workers <= 1 or len(items) < max(min_items, 2):
        yield from map(work, items)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    chunk = max(1, min(64, len(items) // (workers * 8)))  # small enough to balance, large enough to amortise
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(work, items, chunksize=chunk)
