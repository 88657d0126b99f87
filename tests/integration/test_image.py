"""The container image pipelines/executors/k8s.yaml names: built from the Dockerfile and its
CLI run, where a container engine (docker or podman) answers; skipped, with why, elsewhere."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.integration


def _engine() -> str | None:
    """A container tool whose engine answers (a docker client without a daemon does not)."""
    for tool in ("docker", "podman"):
        if shutil.which(tool) and subprocess.run([tool, "info"], capture_output=True, timeout=60).returncode == 0:
            return tool
    return None


def test_the_dockerfile_installs_the_lock_with_hashes_and_the_code():
    dockerfile = (REPO / "Dockerfile").read_text("utf-8")
    assert "FROM python:3.11-slim" in dockerfile
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
    assert "exec dagster asset materialize -m pipelines.definitions --select '*'" in dockerfile
    for needed in ("pipelines", "assets", "sql", "pyproject.toml", ".dagster_home/dagster.yaml"):
        assert f"COPY {needed}" in dockerfile, needed


def test_the_image_builds_and_its_cli_runs(tmp_path):
    engine = _engine()
    if engine is None:
        pytest.skip("no container engine answers here (docker and podman: not installed, or no daemon running)")
    tag = "chipfacts-test:latest"
    built = subprocess.run([engine, "build", "-t", tag, str(REPO)], capture_output=True, text=True, timeout=3600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    version = subprocess.run([engine, "run", "--rm", tag, "chipfacts", "--version"], capture_output=True, text=True,
                             timeout=300)
    assert version.returncode == 0 and version.stdout.startswith("chipfacts 0."), version.stderr
    seeds = tmp_path / "data" / "seeds"
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", seeds)
    (tmp_path / "data").chmod(0o777)
    run = subprocess.run([engine, "run", "--rm", "-v", f"{tmp_path / 'data'}:/data", tag], capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (tmp_path / "data" / "warehouse.duckdb").is_file()
