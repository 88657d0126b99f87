"""Which Dagster executor runs the steps of a run: ``RUN_EXECUTOR``, by name.

- ``in_process`` (default): every step in the run's own process. The steps hand on a few
  small values (paths of Parquet files), and each step spreads its files over worker
  processes itself, so a run that changes little starts in seconds.
- ``multiprocess``: Dagster's multiprocess executor, a process per step; the shard steps of
  ``process_documents`` run side by side (set PIPELINE_WORKERS=1 so that steps, not worker
  pools, share the cores).
- ``k8s``: dagster-k8s's ``k8s_job_executor``, each step a Kubernetes Job, configured by
  ``k8s.yaml`` beside this file (README, "Run it on Kubernetes"). Imported only when chosen.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

from pipelines import settings

K8S_CONFIG = Path(__file__).with_name("k8s.yaml")


def k8s_config() -> dict[str, object]:
    """The executor config of ``k8s.yaml`` (what ``RUN_EXECUTOR=k8s`` configures the executor with)."""
    return yaml.safe_load(K8S_CONFIG.read_text("utf-8"))


def _k8s() -> dg.ExecutorDefinition:
    from dagster_k8s import k8s_job_executor  # the optional extra "cluster"

    return k8s_job_executor.configured(k8s_config(), name="k8s_job_executor")


EXECUTORS = {"in_process": lambda: dg.in_process_executor, "multiprocess": lambda: dg.multiprocess_executor,
             "k8s": _k8s}


def executor_from_env() -> dg.ExecutorDefinition:
    return EXECUTORS[settings.load()[0].RUN_EXECUTOR]()  # a name not allowed keeps the default (settings.py)
