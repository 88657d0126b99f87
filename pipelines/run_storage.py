"""Where a run's steps hand their values to each other: a folder per run, never one per asset.

Dagster's filesystem IO manager stores an asset's value at one path per asset key, so a run
that materializes the warehouse tables without their upstream assets (the catalog's
"Materialize" on `documents`) loads whatever the last run of the instance stored there: the
raw files and staged rows of another folder, for another warehouse. Here every value lives
under ``<storage>/step_values/<run id>/<step>/<output>``, and an input is read only from the
run that made it (this run, or the run a re-execution re-uses). An input this run did not
make is refused, naming the asset and what to select instead. (Not ``<storage>/<run id>``
itself: Dagster keeps each run's compute logs there.)
"""

from __future__ import annotations

import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
from upath import UPath

# What Dagster names the run of an upstream output that is not part of this run.
_NOT_IN_THIS_RUN = "__EPHEMERAL_RUN_ID"


class InputNotMadeInThisRun(dg.Failure):
    """A step's input is an asset this run did not materialize."""


def not_in_run_message(asset: str, step: str) -> str:
    return (f"{asset} was not made in this run, and {step} reads only what its own run made: another run's "
            "stored value may be of another SEEDS_DIR or warehouse, so publishing it would publish the wrong "
            "folder. Select the whole pipeline: `--select '*'` on the CLI, \"Materialize all\" in the UI, or "
            "the build_warehouse job.")


class RunScopedPickleIOManager(dg.UPathIOManager):
    """Pickled step outputs at ``<base>/<run id>/<step key>/<output name>``, assets included."""

    extension = ""

    def get_asset_relative_path(self, context: dg.InputContext | dg.OutputContext) -> UPath:
        return self.get_op_output_relative_path(context)  # run id, step key, output name (and mapping key)

    def dump_to_path(self, context: dg.OutputContext, obj: Any, path: UPath) -> None:
        with path.open("wb") as file:
            pickle.dump(obj, file, pickle.HIGHEST_PROTOCOL)

    def load_from_path(self, context: dg.InputContext, path: UPath) -> Any:
        with path.open("rb") as file:
            return pickle.load(file)

    def load_input(self, context: dg.InputContext) -> Any:
        upstream = context.upstream_output
        asset = context.asset_key.to_user_string() if context.has_asset_key else context.name
        if upstream is None or upstream.run_id in (None, _NOT_IN_THIS_RUN) or not self.path_exists(
                self._get_path(context)):
            raise InputNotMadeInThisRun(not_in_run_message(asset, context.op_def.name))
        return super().load_input(context)


class RunScopedIOManager(dg.ConfigurableIOManagerFactory):
    """The pipeline's IO manager (resource ``io_manager``): step outputs stored per run, below
    ``base_dir`` or ``step_values/`` in the instance's storage folder (``$DAGSTER_HOME/storage``)."""

    base_dir: str | None = None

    def create_io_manager(self, context: dg.InitResourceContext) -> RunScopedPickleIOManager:
        return RunScopedPickleIOManager(base_path=UPath(self.base_dir or step_values_folder(context.instance)))


def step_values_folder(instance: dg.DagsterInstance) -> Path:
    return Path(instance.storage_directory()) / "step_values"


def remove_finished_runs(storage: Path, keep: str, finished: Callable[[str], bool]) -> list[str]:
    """Delete the stored values of runs below ``storage`` that have ``finished``, but ``keep``
    (this run); the run ids removed. A finished run's values are only needed to re-execute it,
    and a later publish has made that moot."""
    if not storage.is_dir():
        return []
    removed = []
    for folder in sorted(storage.iterdir()):
        if folder.is_dir() and not folder.is_symlink() and folder.name != keep and finished(folder.name):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed
