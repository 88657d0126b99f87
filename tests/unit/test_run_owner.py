"""Runs whose process is gone (pipelines/dead_runs.py): how a process is judged gone, and when
a run's staged files may be removed."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import dagster as dg

from pipelines.dead_runs import OWNER_FILE, RunOwner, beside_coordinator, process_alive, process_start_time, staged_run_over, this_host


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_process_is_alive_until_it_exits():
    assert process_alive(os.getpid())
    assert not process_alive(_dead_pid())


def test_a_reused_pid_is_not_the_runs_process():
    started = process_start_time(os.getpid())
    assert started is not None and started <= time.time()
    assert process_alive(os.getpid(), started_by=time.time())
    assert not process_alive(os.getpid(), started_by=started - 3600)  # a run older than this process


def test_staged_files_go_only_when_their_run_is_known_to_be_over(tmp_path):
    staging = tmp_path / "staging"
    with dg.instance_for_test() as instance:
        RunOwner("gone", this_host(), _dead_pid(), time.time()).write(staging / "gone")
        RunOwner("running", this_host(), os.getpid(), time.time()).write(staging / "running")
        RunOwner("elsewhere", "another-machine/boot", _dead_pid(), time.time()).write(staging / "elsewhere")
        (staging / "unmarked").mkdir()
        assert staged_run_over(instance, staging, "gone")
        assert not staged_run_over(instance, staging, "running")  # another instance's live run
        assert not staged_run_over(instance, staging, "elsewhere")  # this machine cannot tell
        assert not staged_run_over(instance, staging, "unmarked")
        assert (staging / "gone" / OWNER_FILE).is_file()


def test_a_step_knows_whether_it_runs_beside_its_runs_coordinator():
    seen = {}

    @dg.asset
    def probe(context) -> None:
        seen["here"] = beside_coordinator(context.instance, context.run.run_id)
        seen["owner"] = RunOwner.of(context.instance, context.run.run_id)

    with dg.instance_for_test() as instance:
        assert dg.materialize([probe], instance=instance).success
    assert seen["here"] and seen["owner"].host == this_host() and seen["owner"].pid == os.getpid()
    assert seen["owner"].alive()
