"""The UI for real: the README's `dagster dev` command (webserver and daemon) in a sandbox
checkout on a free port; runs launched through the webserver's GraphQL API as the UI's
"Materialize all" button launches them; the asset graph pages of the three groups loaded in
headless Chromium, which must list every asset; the README's commands that switch the
automations on, and a file dropped into the folder published by the run the sensor starts.

A screenshot is kept in tests/artifacts/ (not committed); Chromium as ``tests/browser.py`` finds it.
"""

from __future__ import annotations

import shutil
import subprocess
import time

import duckdb
import pytest

from pipelines.warehouse.turn import warehouse_turn
from tests.browser import ARTIFACTS, CHROMIUM_FLAGS, chromium
from tests.conftest import FIXTURES, SEEDS
from tests.dagster_ui import dagster_dev
from tests.readme import readme_command, run_in, sandbox

pytestmark = pytest.mark.integration

ASSETS = ["raw_seed_files", "parsed_documents", "extracted_facts", "known_entities", "annual_fx_rates", "documents",
          "numeric_facts", "quarantine", "entities", "fx_rates", "claims", "claim_facts", "review_site"]
SENSOR_STATUS = """{ sensorsOrError(repositorySelector: {repositoryName: "__repository__",
  repositoryLocationName: "pipelines.definitions"}) { ... on Sensors { results { name sensorState { status } } } } }"""


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ui")
    seeds = tmp / "articles"
    shutil.copytree(SEEDS, seeds)
    folder = sandbox(tmp / "checkout")
    with dagster_dev(folder, SEEDS_DIR=str(seeds), SENSOR_INTERVAL_SECONDS="3") as dev:
        yield dev, folder / "data" / "warehouse.duckdb", seeds


def wait_for_new_runs(dev, known: set[str], seconds: float = 120) -> list[dict]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        new = [run for run in dev.runs("build_warehouse") if run["runId"] not in known]
        if new:
            return new
        time.sleep(1)
    raise AssertionError(f"no sensor run in {seconds}s:\n{dev.tail()}")


def count(warehouse, table: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_a_ui_run_and_a_sensor_run_publish_one_at_a_time(ui):
    """Both launched together through GraphQL: the UI's "Materialize all" (no tags) and the
    sensor's job; the warehouse's turn (pipelines/warehouse/turn.py) makes their publish steps
    take turns.

    Another writer (as a CLI run on another Dagster instance would) holds the turn until both
    runs wait at their publish step, so that without the turn both publishes would be under way
    at once; with it, the second takes the turn only once the first has finished.
    """
    dev, warehouse, _ = ui
    with warehouse_turn(warehouse, holder="run held-by-the-test (publish_tables)", wait_seconds=0):
        runs = [dev.launch("__ASSET_JOB"), dev.launch("build_warehouse", {"dagster/sensor_name": "seed_folder_sensor"})]
        deadline = time.monotonic() + 180
        while not all(any("waiting for the turn to write" in message and "held-by-the-test" in message
                          for _, message in dev.step_messages(run_id, "publish_tables")) for run_id in runs):
            assert time.monotonic() < deadline, dev.tail()
            time.sleep(1)
    assert [dev.wait_for_run(run_id) for run_id in runs] == ["SUCCESS", "SUCCESS"], dev.tail()
    held = []
    for run_id in runs:
        messages = dev.step_messages(run_id, "publish_tables")
        [took] = [at for at, message in messages if message.startswith("took the turn")]
        [gave_back] = [at for at, message in messages if message.startswith("gave back the turn")]
        held.append((took, gave_back))
    (_, first_gave_back), (second_took, _) = sorted(held)
    assert first_gave_back <= second_took, held
    assert count(warehouse, "documents") == 5


def test_ui_materialize_all_asset_graph_and_sensor(ui):
    dev, warehouse, seeds = ui
    run_id = dev.launch("__ASSET_JOB")
    assert dev.wait_for_run(run_id) == "SUCCESS", dev.tail()
    assert count(warehouse, "documents") == 5
    assert count(warehouse, "numeric_facts") == 19

    browser = chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    profile = dev.folder / "chromium-profile"
    seen = ""
    for group in ("raw", "core", "warehouse"):  # each group's asset graph page
        url = f"http://127.0.0.1:{dev.port}/locations/pipelines.definitions/asset-groups/{group}"
        seen += subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=20000",
                                "--dump-dom", url], capture_output=True, text=True, timeout=180).stdout
    missing = [name for name in ASSETS if name not in seen]
    assert not missing, f"the asset graph pages lack {missing}"
    screenshot = ARTIFACTS / "asset_graph.png"
    subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=20000",
                    "--window-size=1600,1000", f"--screenshot={screenshot}",
                    f"http://127.0.0.1:{dev.port}/locations/pipelines.definitions/asset-groups/core"],
                   capture_output=True, timeout=180, check=True)
    assert screenshot.stat().st_size > 10_000

    # The README's commands switch the automations on; the daemon's sensor then publishes a new file.
    earlier = {run["runId"] for run in dev.runs("build_warehouse")}
    started = run_in(dev.folder, readme_command("automation-start"))
    assert started.returncode == 0, started.stdout + started.stderr
    states = {s["name"]: s["sensorState"]["status"] for s in dev.graphql(SENSOR_STATUS)["sensorsOrError"]["results"]}
    assert states == {"seed_folder_sensor": "RUNNING"}
    first_tick = wait_for_new_runs(dev, earlier)  # a sensor's first tick runs once on the folder as it is
    assert all(dev.wait_for_run(run["runId"]) == "SUCCESS" for run in first_tick)
    before = {run["runId"] for run in dev.runs("build_warehouse")}
    shutil.copy(FIXTURES / "new_files" / "summary_en.txt", seeds / "new_summary.txt")
    deadline = time.monotonic() + 180
    while count(warehouse, "documents") != 6 and time.monotonic() < deadline:
        time.sleep(2)
    new_runs = [run for run in dev.runs("build_warehouse") if run["runId"] not in before]
    assert count(warehouse, "documents") == 6, dev.tail()
    assert new_runs and all(dev.wait_for_run(run["runId"]) == "SUCCESS" for run in new_runs)
