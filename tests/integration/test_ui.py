"""The UI for real: `dagster dev` (webserver and daemon) on a free port with a temporary
DAGSTER_HOME; a materialization of all assets launched through the webserver's GraphQL API,
as the UI's "Materialize all" button does; the asset graph pages of the three groups loaded in
headless Chromium, which must list every asset.

Then, with the daemon's sensor running (as AUTOMATION_DEFAULT_STATUS=running ships it), a
file dropped into the folder is published by the run the sensor starts. A screenshot is kept
in tests/artifacts/ (not committed). Chromium comes from Debian's
packages and is installed here when missing (the machines run as root).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, SEEDS

pytestmark = pytest.mark.integration

ARTIFACTS = REPO / "tests" / "artifacts"
ASSETS = ["raw_seed_files", "parsed_documents", "extracted_facts", "documents", "numeric_facts", "quarantine"]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium() -> str:
    """The Chromium binary, installed from Debian's packages when missing."""
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0:
        pytest.skip("chromium is not installed and this user cannot install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"], check=True, env=env,
                   timeout=900)
    return shutil.which("chromium") or "/usr/bin/chromium"


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.load(response)
    assert "errors" not in payload, payload
    return payload["data"]


def wait_for_server(port: int, process: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"dagster dev exited:\n{log.read_text()[-3000:]}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    raise AssertionError(f"dagster dev did not answer in {seconds}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("ui")
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "SEEDS_DIR": str(seeds),
           "DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
           "AUTOMATION_DEFAULT_STATUS": "running", "SENSOR_INTERVAL_SECONDS": "3"}
    log = tmp_path / "dagster_dev.log"
    dagster = Path(sys.executable).with_name("dagster")
    with log.open("w") as out:
        process = subprocess.Popen([str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
                                   cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_server(port, process, log)
        yield port, tmp_path / "warehouse.duckdb", log, seeds
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


REPOSITORIES = "{ repositoriesOrError { ... on RepositoryConnection { nodes { name location { name } } } } }"
ASSET_KEYS = "{ assetNodes { assetKey { path } } }"
LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchPipelineExecution(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
  }
}"""
RUN_STATUS = "query Run($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
SENSOR_RUNS = """
{ runsOrError(filter: {pipelineName: "build_warehouse"}) { ... on Runs { results { runId status } } } }"""
ALL_RUNS = "{ runsOrError { ... on Runs { results { runId status } } } }"


def wait_for_run(port: int, run_id: str, log: Path, seconds: float = 300) -> str:
    deadline = time.monotonic() + seconds
    status = None
    while time.monotonic() < deadline:
        status = graphql(port, RUN_STATUS, {"id": run_id})["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            return status
        time.sleep(2)
    raise AssertionError(f"run {run_id} still {status} after {seconds}s:\n{log.read_text()[-3000:]}")


def sensor_runs(port: int) -> list[dict]:
    return graphql(port, SENSOR_RUNS)["runsOrError"]["results"]


def count(warehouse: Path, table: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def launch(port: int, job: str, tags: dict[str, str] | None = None) -> str:
    """Launch a run as the UI does: "Materialize all" is ``__ASSET_JOB`` with every asset key."""
    [repository] = graphql(port, REPOSITORIES)["repositoriesOrError"]["nodes"]
    selector = {"repositoryLocationName": repository["location"]["name"], "repositoryName": repository["name"],
                "pipelineName": job}
    if job == "__ASSET_JOB":
        selector["assetSelection"] = [node["assetKey"] for node in graphql(port, ASSET_KEYS)["assetNodes"]]
    params = {"selector": selector, "mode": "default",
              "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]}}
    launched = graphql(port, LAUNCH, {"params": params})["launchPipelineExecution"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return launched["run"]["runId"]


STEP_EVENTS = """
query Logs($id: ID!) { logsForRun(runId: $id) { ... on EventConnection { events {
  __typename ... on MessageEvent { timestamp stepKey } } } } }"""


def publish_interval(port: int, run_id: str) -> tuple[float, float]:
    """When the run's publish step started and ended (ms since the epoch)."""
    events = graphql(port, STEP_EVENTS, {"id": run_id})["logsForRun"]["events"]
    times = {e["__typename"]: float(e["timestamp"]) for e in events if e.get("stepKey") == "publish_tables"}
    end = times.get("ExecutionStepSuccessEvent", times.get("ExecutionStepFailureEvent"))
    return times["ExecutionStepStartEvent"], end


def step_finished(port: int, run_id: str, step: str) -> bool:
    events = graphql(port, STEP_EVENTS, {"id": run_id})["logsForRun"]["events"]
    return any(e["__typename"] == "ExecutionStepSuccessEvent" and e.get("stepKey") == step for e in events)


def test_a_ui_run_and_a_sensor_run_publish_one_at_a_time(dagster_dev):
    """Both launched together through GraphQL: the UI's "Materialize all" (no tags) and the
    sensor's job; the warehouse's concurrency pool makes their publish steps take turns.

    Another writer (as a CLI run on another Dagster instance would) holds the warehouse's lock
    file until both runs are ready to publish, so that without the pool both publish steps
    would be under way at once; with it, the second one starts only when the first is done.
    """
    port, warehouse, log, _ = dagster_dev
    with warehouse.with_name(f".{warehouse.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        runs = [launch(port, "__ASSET_JOB"),
                launch(port, "build_warehouse", {"dagster/sensor_name": "seed_folder_sensor"})]
        deadline = time.monotonic() + 180
        while not all(step_finished(port, run_id, "extract_facts") for run_id in runs):
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(1)
        time.sleep(3)  # both are at their publish step now: running it, or waiting for the pool
        fcntl.flock(lock, fcntl.LOCK_UN)
    assert [wait_for_run(port, run_id, log) for run_id in runs] == ["SUCCESS", "SUCCESS"], log.read_text()[-3000:]
    every_run = [run["runId"] for run in graphql(port, ALL_RUNS)["runsOrError"]["results"]]  # the daemon's too
    intervals = sorted(publish_interval(port, run_id) for run_id in every_run
                       if wait_for_run(port, run_id, log) == "SUCCESS")
    assert len(intervals) >= 2
    for (_, first_end), (second_start, _) in zip(intervals, intervals[1:]):
        assert first_end <= second_start, intervals
    assert count(warehouse, "documents") == 5


def test_ui_materialize_all_asset_graph_and_sensor(dagster_dev):
    port, warehouse, log, seeds = dagster_dev
    [repository] = graphql(port, REPOSITORIES)["repositoriesOrError"]["nodes"]
    run_id = launch(port, "__ASSET_JOB")
    assert wait_for_run(port, run_id, log) == "SUCCESS", log.read_text()[-3000:]
    assert count(warehouse, "documents") == 5
    assert count(warehouse, "numeric_facts") == 19

    browser = chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    profile = log.parent / "chromium-profile"
    location = repository["location"]["name"]
    seen = ""
    for group in ("raw", "core", "warehouse"):  # each group's asset graph page
        url = f"http://127.0.0.1:{port}/locations/{location}/asset-groups/{group}"
        seen += subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=20000",
                                "--dump-dom", url], capture_output=True, text=True, timeout=180).stdout
    missing = [name for name in ASSETS if name not in seen]
    assert not missing, f"the asset graph pages lack {missing}"
    screenshot = ARTIFACTS / "asset_graph.png"
    subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=20000",
                    "--window-size=1600,1000", f"--screenshot={screenshot}",
                    f"http://127.0.0.1:{port}/locations/{location}/asset-groups/core"],
                   capture_output=True, timeout=180, check=True)
    assert screenshot.stat().st_size > 10_000

    # The daemon's sensor: a new file in the folder starts a run that publishes it.
    before = {run["runId"] for run in sensor_runs(port)}
    shutil.copy(REPO / "tests" / "fixtures" / "new_files" / "summary_en.txt", seeds / "new_summary.txt")
    deadline = time.monotonic() + 180
    while count(warehouse, "documents") != 6 and time.monotonic() < deadline:
        time.sleep(2)
    new_runs = [run for run in sensor_runs(port) if run["runId"] not in before]
    assert count(warehouse, "documents") == 6, log.read_text()[-3000:]
    assert new_runs and all(wait_for_run(port, run["runId"], log) == "SUCCESS" for run in new_runs)
