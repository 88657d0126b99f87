"""Drive `dagster dev` as a user does: the README's command in a sandbox, runs launched through
the webserver's GraphQL API the way the UI's buttons launch them. Shared by the UI tests and
the run-cost benchmark."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.readme import readme_command, user_env

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
RUN = "query Run($id: ID!) { runOrError(runId: $id) { ... on Run { status creationTime startTime endTime } } }"
ALL_RUNS = "{ runsOrError { ... on Runs { results { runId status pipelineName } } } }"
STEP_EVENTS = """
query Logs($id: ID!) { logsForRun(runId: $id) { ... on EventConnection { events {
  __typename ... on MessageEvent { timestamp stepKey message } } } } }"""
DONE = ("SUCCESS", "FAILURE", "CANCELED")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DagsterDev:
    """A running `dagster dev`: its port, the checkout it runs in and its log."""

    port: int
    folder: Path
    log: Path

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            payload = json.load(response)
        assert "errors" not in payload, payload
        return payload["data"]

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def launch(self, job: str = "__ASSET_JOB", tags: dict[str, str] | None = None) -> str:
        """Launch a run as the UI does: "Materialize all" is ``__ASSET_JOB`` with every asset key."""
        [repository] = self.graphql(REPOSITORIES)["repositoriesOrError"]["nodes"]
        selector = {"repositoryLocationName": repository["location"]["name"], "repositoryName": repository["name"],
                    "pipelineName": job}
        if job == "__ASSET_JOB":
            selector["assetSelection"] = [node["assetKey"] for node in self.graphql(ASSET_KEYS)["assetNodes"]]
        params = {"selector": selector, "mode": "default",
                  "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]}}
        launched = self.graphql(LAUNCH, {"params": params})["launchPipelineExecution"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        return launched["run"]["runId"]

    def run(self, run_id: str) -> dict:
        return self.graphql(RUN, {"id": run_id})["runOrError"]

    def wait_for_run(self, run_id: str, seconds: float = 300, poll: float = 0.25) -> str:
        deadline = time.monotonic() + seconds
        status = None
        while time.monotonic() < deadline:
            status = self.run(run_id)["status"]
            if status in DONE:
                return status
            time.sleep(poll)
        raise AssertionError(f"run {run_id} still {status} after {seconds}s:\n{self.tail()}")

    def runs(self, job: str | None = None) -> list[dict]:
        results = self.graphql(ALL_RUNS)["runsOrError"]["results"]
        return [r for r in results if job is None or r["pipelineName"] == job]

    def step_events(self, run_id: str, step: str) -> dict[str, float]:
        """Event type -> timestamp (ms since the epoch) of one step's events in a run."""
        events = self.graphql(STEP_EVENTS, {"id": run_id})["logsForRun"]["events"]
        return {e["__typename"]: float(e["timestamp"]) for e in events if e.get("stepKey") == step}

    def step_messages(self, run_id: str, step: str) -> list[tuple[float, str]]:
        """(timestamp in ms, message) of one step's events in a run, in order."""
        events = self.graphql(STEP_EVENTS, {"id": run_id})["logsForRun"]["events"]
        return [(float(e["timestamp"]), e["message"]) for e in events if e.get("stepKey") == step]


def _wait_for_server(port: int, process: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"dagster dev exited:\n{log.read_text()[-3000:]}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise AssertionError(f"dagster dev did not answer in {seconds}s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def dagster_dev(folder: Path, **env: str) -> Iterator[DagsterDev]:
    """The README's `dagster dev` command, run in ``folder`` (a sandbox) on a free port."""
    port = free_port()
    log = folder / "dagster_dev.log"
    command = f"{readme_command('ui')} -h 127.0.0.1 -p {port}"
    with log.open("w") as out:
        process = subprocess.Popen(["bash", "-c", command], cwd=folder, env=user_env(**env),
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_server(port, process, log)
        yield DagsterDev(port, folder, log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
