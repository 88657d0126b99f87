"""The warehouse's turn: one writer at a time per warehouse file (a publish, or the review
site being written), across runs, jobs, the UI, the CLI and separate Dagster instances.

The turn is an ``flock`` on ``.<name>.lock`` beside the file. The kernel releases it when
its holder dies, by ``kill -9`` too, so a dead run can never keep it; a Dagster pool slot, by
contrast, outlives a killed run, and a run waiting for one spins without end. While it holds
the turn, a writer keeps a line in the lock file saying who it is, so a waiting writer can say
whom it waits for; it gives up after ``wait_seconds`` (``WAREHOUSE_TURN_WAIT_SECONDS``).
Taking the turn again in the process that holds it does not wait (a step takes it, and the
publish it calls takes it again).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pipelines.warehouse.published import WarehouseUnavailable, published_target

DEFAULT_TURN_WAIT_SECONDS = 1800.0
RETRY_SECONDS = 0.5  # how often a waiting writer tries again (a sleep: the wait costs no CPU)
REPORT_EVERY_SECONDS = 30.0
_held: dict[Path, int] = {}  # lock files this process holds the turn of, and how many times


class TurnTimeout(WarehouseUnavailable):
    """Another writer held the warehouse's turn for longer than this run would wait."""


def lock_file(path: Path) -> Path:
    """The file whose lock is the warehouse's turn (its holder's line inside), beside the file
    the publish writes (a link's target)."""
    path = published_target(Path(path).absolute())
    return path.with_name(f".{path.name}.lock")


def current_holder(path: Path) -> str:
    """Who holds the turn of the warehouse at ``path``, as its holder wrote it ('' if no one says)."""
    try:
        return lock_file(path).read_text("utf-8", errors="replace").strip()
    except OSError:
        return ""


def _try_lock(handle) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _wait(handle, path: Path, wait_seconds: float, report: Callable[[str], None]) -> None:
    """Take the lock of ``handle``, saying whom it waits for; ``TurnTimeout`` after ``wait_seconds``."""
    if _try_lock(handle):
        return
    start = time.monotonic()
    holder = current_holder(path) or "another process"
    report(f"waiting for the turn to write {path}: {holder} holds it; this step gives up after "
           f"{wait_seconds:g} s (WAREHOUSE_TURN_WAIT_SECONDS)")
    reported = start
    while not _try_lock(handle):
        now = time.monotonic()
        if now - start >= wait_seconds:
            raise TurnTimeout(
                f"gave up after waiting {now - start:.0f} s for the turn to write {path}: "
                f"{current_holder(path) or 'another process'} still holds it. Run again once it has finished, "
                "or raise WAREHOUSE_TURN_WAIT_SECONDS") from None
        if now - reported >= REPORT_EVERY_SECONDS:
            reported = now
            report(f"still waiting ({now - start:.0f} s) for the turn to write {path}: "
                   f"{current_holder(path) or 'another process'} holds it")
        time.sleep(min(RETRY_SECONDS, max(0.0, wait_seconds - (now - start))))
    report(f"took the turn to write {path} after waiting {time.monotonic() - start:.0f} s")


@contextlib.contextmanager
def warehouse_turn(path: Path, *, holder: str = "", wait_seconds: float = DEFAULT_TURN_WAIT_SECONDS,
                   report: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """Hold the turn to write the warehouse at ``path`` (its lock file made beside it).
    ``holder`` says who holds it (a run and its step); the process, host and time are added."""
    key = lock_file(path)
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    key.parent.mkdir(parents=True, exist_ok=True)
    with key.open("a+", encoding="utf-8") as handle:
        _wait(handle, Path(path), wait_seconds, report)
        _held[key] = 1
        taken = time.monotonic()
        try:
            since = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
            handle.truncate(0)
            handle.write(f"{holder or 'a writer'} (process {os.getpid()} on {socket.gethostname()}, since {since})\n")
            handle.flush()
            yield
        finally:
            del _held[key]
            handle.truncate(0)  # the next holder writes its own line; no one is named while no one holds it
            fcntl.flock(handle, fcntl.LOCK_UN)
            report(f"gave back the turn to write {path} after {time.monotonic() - taken:.1f} s")
