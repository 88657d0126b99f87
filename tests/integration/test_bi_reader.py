"""BI-safe publishing: dashboards read the warehouse read-only in other processes while
re-ingests run, and never get an error or a half-loaded state."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.integration.reingest_helpers import Pipeline, make_folder

pytestmark = pytest.mark.integration


def test_readers_during_reingests_see_whole_snapshots(tmp_path):
    folder = tmp_path / "seeds"
    files = make_folder(folder, 40)
    db = tmp_path / "warehouse.duckdb"
    pipeline = Pipeline(folder, db)
    pipeline.run()
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen([sys.executable, "-m", "tests.integration.bi_reader", str(db), str(stop), *mode],
                         cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for mode in ([], [], ["--hold"])
    ]
    try:
        for i in range(6):  # re-ingests: add, change, delete, add many
            if i % 3 == 0:
                make_folder(folder, 5 + i, start=100 + 20 * i)
            elif i % 3 == 1:
                files[i].write_text(files[i].read_text("utf-8") + f"\n出口增长{i + 10}%。\n", "utf-8")
            else:
                files[i].unlink()
            pipeline.run()
    finally:
        stop.touch()
        outputs = [reader.communicate(timeout=120) for reader in readers]
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    for report, (_, err) in zip(reports, outputs, strict=True):
        assert report["errors"] == 0, (report["messages"], err[-2000:])
        assert report["inconsistent"] == 0, report["messages"]
        assert report["passes"] > 10
    print(json.dumps([{k: r[k] for k in ("passes", "errors", "inconsistent", "snapshots")} for r in reports]))
    assert len(reports[0]["snapshots"]) > 1  # the reconnecting readers saw the warehouse change
