"""Per-document work over worker processes (standard library), results in input order.

Parsing and extraction are pure functions of one document, so a hop maps them over its
documents; with more than one worker and enough documents, the map runs in a
``ProcessPoolExecutor`` whose workers come from a fork server that has already imported the
pipeline (a worker starts in milliseconds, not the second a fresh import costs). Below
``min_items`` a pool costs more than it saves, so the map runs here. Scaling beyond one
machine is Dagster's job (partitions and executors), not this module's.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_MIN_ITEMS = 500
# Imported once by the fork server, lexicons loaded; every worker is forked from it.
_PRELOAD = ["pipelines.warm", "pipelines.hops", "pipelines.review.site"]  # warm first: it sets die_with_parent


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent() -> None:
    """Have the kernel kill this process when the one that started it dies (Linux's
    ``PR_SET_PDEATHSIG``), so a run killed with ``kill -9`` leaves no fork server or worker
    behind holding memory for minutes. The fork server calls it as it starts (``warm.py``), the
    workers as theirs (the pool's initializer). Elsewhere than Linux it does nothing."""
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent was gone before the request was made
        os._exit(1)


def machine_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def workers_used(workers: int, items: int, min_items: int = DEFAULT_MIN_ITEMS) -> int:
    """The processes a map of ``items`` runs on: ``workers``, or 1 (this process) when there
    is one worker or too few items to pay for a pool."""
    return 1 if workers <= 1 or items < max(min_items, 2) else workers


class _InProcess:
    def map(self, work: Callable[[T], R], items: Sequence[T], chunksize: int | None = None) -> Iterator[R]:
        return map(work, items)


class _Pool:
    def __init__(self, pool: ProcessPoolExecutor, workers: int) -> None:
        self.pool, self.workers = pool, workers

    def map(self, work: Callable[[T], R], items: Sequence[T], chunksize: int | None = None) -> Iterator[R]:
        """``chunksize`` items per task sent to a worker; by default small enough to balance the
        workers and large enough to amortise a task's cost (items that are batches already: 1)."""
        chunk = chunksize or max(1, min(64, len(items) // (self.workers * 8)))
        return self.pool.map(work, items, chunksize=chunk)


@contextlib.contextmanager
def worker_pool(workers: int, items: int, min_items: int = DEFAULT_MIN_ITEMS) -> Iterator[_InProcess | _Pool]:
    """Something with ``.map(work, items)`` (results in input order): worker processes when there
    are ``workers`` > 1 and at least ``min_items`` items to share, else this process. One pool
    serves several maps, so work handed over in batches (to bound memory) starts it once."""
    if workers_used(workers, items, min_items) == 1:
        yield _InProcess()
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=die_with_parent) as pool:
        yield _Pool(pool, workers)


def ordered_map(work: Callable[[T], R], items: Sequence[T], workers: int,
                min_items: int = DEFAULT_MIN_ITEMS) -> Iterator[R]:
    """``map(work, items)``, over ``workers`` processes when there are at least ``min_items``."""
    with worker_pool(workers, len(items), min_items) as pool:
        yield from pool.map(work, items)


def stop_fork_server() -> None:
    """Stop the fork server the pools' workers come from, if it runs. Idle, it still holds the
    preloaded pipeline (about 0.2 GB resident) while a step that needs no workers, the publish,
    reaches the run's peak; the next pool starts it again in about a second. CPython has no
    public call for this; ``ForkServer._stop`` is what its own tests use, hence the lookup."""
    from multiprocessing import forkserver
    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        stop()
