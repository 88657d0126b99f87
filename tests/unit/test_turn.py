"""The warehouse's turn (pipelines/warehouse/turn.py): one writer at a time, a waiting writer
says whom it waits for, costs no CPU and gives up after its bound; a killed holder frees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from pipelines.warehouse.turn import TurnTimeout, current_holder, lock_file, warehouse_turn

HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from pipelines.warehouse.turn import warehouse_turn
    with warehouse_turn(Path(sys.argv[1]), holder="run other (publish_tables)"):
        print("holding", flush=True)
        time.sleep(600)
""")


@pytest.fixture
def holder(tmp_path):
    """Another process holding the turn of ``tmp_path / 'w.duckdb'``."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "w.duckdb")], stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline().strip() == "holding"
    yield process
    process.kill()
    process.wait()


def test_a_waiting_writer_names_the_holder_and_gives_up(tmp_path, holder):
    said = []
    cpu = time.process_time()
    with pytest.raises(TurnTimeout) as raised:
        with warehouse_turn(tmp_path / "w.duckdb", wait_seconds=2, report=said.append):
            pytest.fail("took a turn another process holds")
    assert time.process_time() - cpu < 0.5  # it slept: no spinning while it waits
    assert "run other (publish_tables)" in said[0] and "gives up after 2 s" in said[0]
    assert "gave up after waiting 2 s" in str(raised.value) and "run other (publish_tables)" in str(raised.value)
    assert "WAREHOUSE_TURN_WAIT_SECONDS" in str(raised.value)


def test_a_killed_holder_frees_the_turn_at_once(tmp_path, holder):
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    said = []
    with warehouse_turn(tmp_path / "w.duckdb", holder="run next (publish_tables)", wait_seconds=5, report=said.append):
        assert "run next (publish_tables)" in current_holder(tmp_path / "w.duckdb")
    assert said[0].startswith("gave back the turn") and len(said) == 1  # it did not wait
    assert current_holder(tmp_path / "w.duckdb") == ""  # no one is named once the turn is given back


def test_the_holding_process_takes_the_turn_again_without_waiting(tmp_path):
    with warehouse_turn(tmp_path / "w.duckdb", holder="step", wait_seconds=0):
        with warehouse_turn(tmp_path / "w.duckdb", wait_seconds=0):  # the publish inside the step
            assert "step" in current_holder(tmp_path / "w.duckdb")
        assert "step" in current_holder(tmp_path / "w.duckdb")


def test_a_link_to_the_warehouse_shares_its_turn(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link.duckdb").symlink_to(tmp_path / "real" / "w.duckdb")
    assert lock_file(tmp_path / "link.duckdb") == tmp_path / "real" / ".w.duckdb.lock"
