"""Runs whose process is gone: found and marked failed, so they block nothing.

A run killed with ``kill -9`` (or by the machine going down) never reports its end: Dagster
keeps it STARTED, the sensor waits for it to finish, the run queue counts it against
``max_concurrent_runs`` and its staged files look in use. Dagster's own run monitoring cannot
tell (its default run launcher has no worker health check, and a CLI run has no launcher at
all), so every run's first step and the sensor sweep: a run in progress whose coordinating process
(the one that wrote its RUN_START event) is no longer alive on this machine is marked failed,
saying why, and any concurrency slots it holds are freed. A run that ran on another machine
(its ``chipfacts/host`` tag) is never judged here, and a step that runs on another machine
than its run's coordinator (a Kubernetes pod) judges nothing. A run killed before its first
step has no tag, and is judged by the machine that looks.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import dagster as dg

HOST_TAG = "chipfacts/host"
OWNER_FILE = ".owner.json"  # in a run's staging folder: which process on which machine staged it
JUDGED = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
START_SLACK_SECONDS = 2.0  # /proc's start times are whole clock ticks from a boot time in seconds


def this_host() -> str:
    """This machine and this boot of it: a pid means nothing on another machine or after a reboot."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot = "?"
    return f"{socket.gethostname()}/{boot}"


def _stat_field(pid: int, field: int) -> int | None:
    """Field ``field`` (numbered as in proc(5)) of /proc/<pid>/stat, or None where it cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat[stat.rindex(")") + 2:].split()[field - 3])  # the fields after "pid (command)"
    except (OSError, ValueError, IndexError):
        return None


def process_start_time(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), or None where /proc cannot say."""
    ticks = _stat_field(pid, 22)
    try:
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return None if ticks is None else boot + ticks / os.sysconf("SC_CLK_TCK")


def process_alive(pid: int, started_by: float | None = None) -> bool:
    """Whether process ``pid`` runs and, when ``started_by`` is given, is one that had started by
    then (a pid reused by a later process is not the run's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: alive
    if started_by is None:
        return True
    started = process_start_time(pid)
    return started is None or started <= started_by + START_SLACK_SECONDS


def coordinator_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The process that started run ``run_id`` and drives its steps (the CLI, or the UI's run
    worker): the pid of its RUN_START event."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_START, limit=1).records
    event = records[0].event_log_entry.dagster_event if records else None
    return event.pid if event is not None else None


@dataclass(frozen=True)
class RunOwner:
    """Which process on which machine runs a run; written into its staging folder, so a run of
    another Dagster instance on this machine can tell whether the run is over."""

    run_id: str
    host: str
    pid: int | None
    started: float | None  # the run's start (its RUN_START), for the pid reuse check

    @staticmethod
    def from_record(instance: dg.DagsterInstance, record: dg.RunRecord | None, run_id: str,
                    host: str | None = None) -> RunOwner:
        """The owner of run ``run_id`` (its ``record``, if the instance has it), on ``host``
        (default: this machine)."""
        started = None if record is None else (record.start_time or record.create_timestamp.timestamp())
        return RunOwner(run_id, host or this_host(), coordinator_pid(instance, run_id), started)

    @staticmethod
    def of(instance: dg.DagsterInstance, run_id: str) -> RunOwner:
        """The owner of a run, as one of its steps sees it: "unknown" host from a step that
        does not run beside the coordinator (a pod cannot see its pid)."""
        owner = RunOwner.from_record(instance, instance.get_run_record_by_id(run_id), run_id)
        return owner if _descends_from(owner.pid) else replace(owner, host="unknown")

    def alive(self) -> bool | None:
        """Whether the run's process still runs; None where this machine cannot tell."""
        if self.host != this_host() or self.pid is None:
            return None
        return process_alive(self.pid, self.started)

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / OWNER_FILE).write_text(json.dumps(asdict(self)), "utf-8")

    @staticmethod
    def read(folder: Path) -> RunOwner | None:
        try:
            return RunOwner(**json.loads((folder / OWNER_FILE).read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            return None


def _descends_from(coordinator: int | None) -> bool:
    """Whether this process is ``coordinator`` or descends from it."""
    pid: int | None = os.getpid()
    for _ in range(64):  # a process tree is never this deep; a loop in /proc is never followed
        if coordinator is None or pid is None or pid <= 1:
            return False
        if pid == coordinator:
            return True
        pid = _stat_field(pid, 4)  # the parent
    return False


def beside_coordinator(instance: dg.DagsterInstance, run_id: str) -> bool:
    """Whether this process runs on the machine of its run's coordinating process: it is that
    process (the in-process executor) or descends from it (a multiprocess step). A step in a
    Kubernetes pod is not, and must neither tag nor judge runs by pids it cannot see."""
    return _descends_from(coordinator_pid(instance, run_id))


def begin_run_here(context: dg.AssetExecutionContext) -> None:
    """At a run's first step: tag the run with its machine, so that no other machine judges it,
    and mark failed the runs of this machine whose process is gone. Nothing where the step
    runs on another machine than the run's coordinator."""
    if not beside_coordinator(context.instance, context.run.run_id):
        return
    if context.run.tags.get(HOST_TAG) != this_host():
        context.instance.add_run_tags(context.run.run_id, {HOST_TAG: this_host()})
    sweep_dead_runs(context.instance, exclude=context.run.run_id, log=context.log.warning)


def dead_runs(instance: dg.DagsterInstance, exclude: str | None = None) -> list[tuple[dg.DagsterRun, str]]:
    """The runs in progress, other than ``exclude``, whose coordinating process is gone, each
    with why it is judged dead."""
    dead = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=JUDGED)):
        run = record.dagster_run
        if run.run_id == exclude or run.tags.get(HOST_TAG, this_host()) != this_host():
            continue
        owner = RunOwner.from_record(instance, record, run.run_id)
        if owner.pid is not None and owner.alive() is False:
            dead.append((run, f"its process {owner.pid} on this machine is gone (killed, or the machine restarted)"))
    return dead


def sweep_dead_runs(instance: dg.DagsterInstance, exclude: str | None = None,
                    log: Callable[[str], None] = lambda message: None) -> list[str]:
    """Mark the runs of ``dead_runs`` failed and free what they hold; their ids."""
    swept = []
    for run, why in dead_runs(instance, exclude):
        instance.report_run_failed(run, message=f"marked failed by {'run ' + exclude if exclude else 'the sensor'}: "
                                   f"{why}")
        if instance.event_log_storage.supports_global_concurrency_limits:
            with contextlib.suppress(Exception):  # an instance without concurrency tables holds no slots
                instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        log(f"run {run.run_id} ({run.job_name}) was still STARTED but {why}: marked failed, so it blocks nothing")
        swept.append(run.run_id)
    return swept


def staged_run_over(instance: dg.DagsterInstance, staging: Path, run_id: str) -> bool:
    """Whether the staged files of run ``run_id`` may go: the run is over. This instance knows
    its own runs; a run it does not know (another Dagster instance's, on the same warehouse) is
    over when its owner file says it ran on this machine and its process is gone. Staging with
    no owner file (an earlier release's) or of another machine stays."""
    run = instance.get_run_by_id(run_id)
    if run is not None:
        return run.is_finished
    owner = RunOwner.read(staging / run_id)
    return owner is not None and owner.alive() is False
