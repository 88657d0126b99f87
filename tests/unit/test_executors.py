"""The executors RUN_EXECUTOR names: the Kubernetes one's configuration file is valid for the
pinned dagster-k8s and the job builds with it (no cluster is reachable from here)."""

from __future__ import annotations

import dagster as dg
import pytest
from dagster_k8s import k8s_job_executor

from pipelines.definitions import build_defs
from pipelines.executors import EXECUTORS, k8s_config


def _job(monkeypatch, name: str) -> dg.JobDefinition:
    monkeypatch.setenv("RUN_EXECUTOR", name)
    return build_defs(seeds_dir="seeds", duckdb_path="data/warehouse.duckdb").resolve_job_def("build_warehouse")


def test_k8s_config_file_is_valid_for_the_executor(monkeypatch):
    config = k8s_config()
    assert config["volume_mounts"][0]["mount_path"] == "/data" and config["max_concurrent"] >= 8
    monkeypatch.setenv("RUN_EXECUTOR", "in_process")
    job = build_defs().resolve_job_def("build_warehouse").with_executor_def(k8s_job_executor)
    assert dg.validate_run_config(job, {"execution": {"config": config}})["execution"]["k8s"]["job_namespace"] \
        == "chipfacts"
    with pytest.raises(dg.DagsterInvalidConfigError, match="not_a_field"):
        dg.validate_run_config(job, {"execution": {"config": {**config, "not_a_field": 1}}})


def test_every_executor_builds_the_job(monkeypatch):
    built = {name: _job(monkeypatch, name).executor_def.name for name in EXECUTORS}
    assert built == {"in_process": "in_process", "multiprocess": "multiprocess", "k8s": "k8s_job_executor"}


def test_unknown_executor_is_one_clear_line_and_the_code_still_loads(monkeypatch):
    assert _job(monkeypatch, "celery").executor_def.name == "in_process"  # the run's first step refuses it
    from pipelines import settings

    assert settings.load({"RUN_EXECUTOR": "celery"})[1] == (
        "RUN_EXECUTOR='celery' is not allowed: one of 'in_process', 'multiprocess' or 'k8s'",)
