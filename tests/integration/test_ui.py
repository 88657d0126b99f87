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


@pytest.fixture
def dagster_dev(tmp_path):
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


def test_ui_materialize_all_asset_graph_and_sensor(dagster_dev):
    port, warehouse, log, seeds = dagster_dev
    [repository] = graphql(port, REPOSITORIES)["repositoriesOrError"]["nodes"]
    keys = [node["assetKey"] for node in graphql(port, ASSET_KEYS)["assetNodes"]]
    params = {"selector": {"repositoryLocationName": repository["location"]["name"],
                           "repositoryName": repository["name"], "pipelineName": "__ASSET_JOB",
                           "assetSelection": keys},  # checks: all of them, as the UI sends
              "mode": "default", "executionMetadata": {"tags": []}}
    launched = graphql(port, LAUNCH, {"params": params})["launchPipelineExecution"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
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
