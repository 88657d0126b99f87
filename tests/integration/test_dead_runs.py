"""Killed and waiting runs, through `dagster asset materialize` as users run it (issue 24):

- a run killed with ``kill -9`` while it publishes blocks nothing: the sensor and the next run
  mark it failed and go on;
- a run waiting for the warehouse says whom it waits for, stops on SIGTERM, and gives up
  after ``WAREHOUSE_TURN_WAIT_SECONDS``;
- two Dagster instances on one warehouse never remove each other's live staged files;
- killing the CLI alone takes its fork server and workers with it.

The test holds the warehouse's turn itself (as another run would) to stop a run at its publish.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.automation import seed_folder_sensor, warehouse_run_in_progress
from pipelines.resources import SeedFolder
from pipelines.warehouse.turn import warehouse_turn
from tests.conftest import SEEDS
from tests.readme import readme_command, sandbox, user_env

pytestmark = pytest.mark.integration


class CliRun:
    """The README's build command started in the background in ``checkout``, its output in a file."""

    def __init__(self, checkout: Path, **env: str) -> None:
        self.checkout, self.log = checkout, checkout / f"run-{time.monotonic_ns()}.log"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(["bash", "-c", readme_command("build-seeds")], cwd=checkout,
                                            env=user_env(**env), stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def text(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def wait_for(self, words: str, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while words not in self.text():
            assert self.process.poll() is None, f"the run ended before {words!r}:\n{self.text()[-3000:]}"
            assert time.monotonic() < deadline, f"no {words!r} in {seconds} s:\n{self.text()[-3000:]}"
            time.sleep(0.2)

    def finish(self, seconds: float = 600) -> int:
        return self.process.wait(timeout=seconds)


@contextlib.contextmanager
def turn_held(warehouse: Path) -> Iterator[None]:
    with warehouse_turn(warehouse, holder="run held-by-the-test (publish_tables)", wait_seconds=0):
        yield


def signal_while_waiting(checkout: Path, signum: int) -> CliRun:
    """A build in ``checkout`` stopped by ``signum`` (to its whole process group) while it waits
    at its publish for the turn the test holds; returned once it has ended."""
    with turn_held(checkout / "data" / "warehouse.duckdb"):
        run = CliRun(checkout)
        run.wait_for("waiting for the turn to write")
        os.killpg(run.process.pid, signum)
        run.finish(seconds=60)
    return run


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text()
                if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        children = _children(todo.pop())
        found += children
        todo += children
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _state(pid: int) -> str:
    """A process's state letter ('' once it is gone; 'Z' while a zombie nobody reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat[stat.rindex(")") + 2:].split()[0]


def _alive(pids: list[int]) -> list[int]:
    return [pid for pid in pids if _state(pid) not in ("", "Z")]


def test_a_run_killed_while_publishing_blocks_nothing(tmp_path):
    checkout = sandbox(tmp_path / "checkout")
    warehouse = checkout / "data" / "warehouse.duckdb"
    signal_while_waiting(checkout, signal.SIGKILL)  # the whole run, mid-publish
    with dg.DagsterInstance.from_config(str(checkout / ".dagster_home")) as instance:
        [stuck] = instance.get_runs()
        assert stuck.status == dg.DagsterRunStatus.STARTED  # as Dagster left it
        with dg.build_sensor_context(instance=instance, resources={"seed_folder": SeedFolder(path=str(SEEDS))}) as ctx:
            evaluation = seed_folder_sensor(ctx)
        assert isinstance(evaluation, dg.SensorResult) and evaluation.run_requests, evaluation  # not a skip
        assert instance.get_run_by_id(stuck.run_id).status == dg.DagsterRunStatus.FAILURE
        assert warehouse_run_in_progress(instance) is None
        [failure] = instance.all_logs(stuck.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        assert "process" in failure.message and "is gone" in failure.message
    following = CliRun(checkout)
    assert following.finish() == 0, following.text()[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (5,)


def test_a_run_killed_before_the_sensor_looks_is_failed_by_the_next_run(tmp_path):
    checkout = sandbox(tmp_path / "checkout")
    signal_while_waiting(checkout, signal.SIGKILL)
    following = CliRun(checkout)
    assert following.finish() == 0, following.text()[-3000:]
    assert "was still STARTED but its process" in following.text()
    with dg.DagsterInstance.from_config(str(checkout / ".dagster_home")) as instance:
        assert sorted(run.status.value for run in instance.get_runs()) == ["FAILURE", "SUCCESS"]


def test_a_waiting_run_says_whom_it_waits_for_and_gives_up(tmp_path):
    checkout = sandbox(tmp_path / "checkout")
    with turn_held(checkout / "data" / "warehouse.duckdb"):
        waiting = CliRun(checkout, WAREHOUSE_TURN_WAIT_SECONDS="5")
        code = waiting.finish()
    assert code != 0
    text = waiting.text()
    assert "waiting for the turn to write" in text and "run held-by-the-test (publish_tables)" in text
    assert "gave up after waiting 5 s" in text and "WAREHOUSE_TURN_WAIT_SECONDS" in text


def test_a_waiting_run_stops_on_sigterm(tmp_path):
    checkout = sandbox(tmp_path / "checkout")
    stopped = signal_while_waiting(checkout, signal.SIGTERM)  # its wait is bounded to 60 s
    assert stopped.process.returncode != 0
    with dg.DagsterInstance.from_config(str(checkout / ".dagster_home")) as instance:
        [run] = instance.get_runs()
        assert run.is_finished, run.status


def test_two_dagster_instances_on_one_warehouse_keep_each_others_staging(tmp_path):
    warehouse = tmp_path / "shared" / "warehouse.duckdb"
    first, second = sandbox(tmp_path / "first"), sandbox(tmp_path / "second")
    with turn_held(warehouse):
        runs = [CliRun(checkout, DUCKDB_PATH=str(warehouse)) for checkout in (first, second)]
        for run in runs:
            run.wait_for("waiting for the turn to write")
        assert len(list((warehouse.parent / ".staging").iterdir())) == 2  # each run's staged files
    codes = [run.finish() for run in runs]
    assert codes == [0, 0], "\n".join(run.text()[-3000:] for run in runs)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (5,)


def test_killing_the_cli_takes_its_fork_server_and_workers_with_it(tmp_path):
    seeds = tmp_path / "many"
    seeds.mkdir()
    for n in range(4000):
        (seeds / f"{n:05}.txt").write_text(f"Article {n}\n\nNvidia lost ${n} million, {n % 90}% of its sales in "
                                           f"{2000 + n % 25}. " * 20, "utf-8")
    checkout = sandbox(tmp_path / "checkout")
    run = CliRun(checkout, SEEDS_DIR=str(seeds), PIPELINE_WORKERS="2")
    deadline, pool, cli = time.monotonic() + 300, [], None
    while len(pool) < 2:  # the fork server and at least one worker it forked
        assert run.process.poll() is None and time.monotonic() < deadline, run.text()[-3000:]
        family = _descendants(run.process.pid)
        cli = next((pid for pid in [run.process.pid, *family] if "asset materialize" in _cmdline(pid)), None)
        pool = [] if cli is None else [pid for pid in _descendants(cli) if "forkserver" in _cmdline(pid)]
        time.sleep(0.05)
    os.kill(cli, signal.SIGKILL)  # the CLI alone
    deadline = time.monotonic() + 15
    while _alive(pool) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(pool), [(_cmdline(pid)) for pid in _alive(pool)]
    os.killpg(run.process.pid, signal.SIGKILL)
    run.finish()
