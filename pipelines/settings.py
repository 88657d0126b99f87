"""Every environment variable the pipeline reads, in one table: its name, default and meaning.

Resources, the executor, the schedule and the sensor read their settings through ``value``;
``effective`` is what a run logs at its start, and ``misspelt`` names the variables of the
environment that look like a setting but are not one (``SEED_DIR``, ``DUCKDB_PAHT``,
``seeds_dir``): a typo in a setting is otherwise silently ignored and the run builds the
default folder into the default warehouse. The README's Configuration table lists the same
settings (a test holds the two together).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass

from pipelines.ingest.files import DEFAULT_MAX_FILE_BYTES
from pipelines.parallel import DEFAULT_MIN_ITEMS
from pipelines.shards import DEFAULT_BATCH_FILES, DEFAULT_SHARDS
from pipelines.warehouse.publish import DEFAULT_MAX_DROPPED_SHARE
from pipelines.warehouse.published import DEFAULT_LOCK_WAIT_SECONDS, DEFAULT_MEMORY_LIMIT

DEFAULT_SEEDS_DIR = "seeds"
DEFAULT_DUCKDB_PATH = "data/warehouse.duckdb"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    Setting("SEEDS_DIR", DEFAULT_SEEDS_DIR, "folder of raw files, read recursively"),
    Setting("MAX_FILE_BYTES", str(DEFAULT_MAX_FILE_BYTES), "a larger file is quarantined, not read"),
    Setting("SEEDS_ALLOW_OUTSIDE_LINKS", "0", "1 follows symbolic links whose target is outside SEEDS_DIR"),
    Setting("DUCKDB_PATH", DEFAULT_DUCKDB_PATH, "the published warehouse file"),
    Setting("DAGSTER_HOME", "", "Dagster's run history, asset storage and concurrency limits"),
    Setting("MAX_DROPPED_SHARE", f"{DEFAULT_MAX_DROPPED_SHARE:g}", "the largest share of documents a run may drop"),
    Setting("REVIEW_DIR", "", "the review site's folder; empty: <name>.review/ beside DUCKDB_PATH"),
    Setting("PIPELINE_WORKERS", "0", "worker processes; 0: one per core"),
    Setting("PIPELINE_MIN_PARALLEL", str(DEFAULT_MIN_ITEMS), "fewer new or changed files stay in one process"),
    Setting("PIPELINE_SHARDS", str(DEFAULT_SHARDS), "hash shards of the file paths"),
    Setting("PIPELINE_BATCH_FILES", str(DEFAULT_BATCH_FILES), "files a shard step holds in memory at once"),
    Setting("DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT, "memory DuckDB may use per connection before spilling"),
    Setting("STAGING_DIR", "", "where shard steps stage Parquet files; empty: .staging/ beside DUCKDB_PATH"),
    Setting("WAREHOUSE_LOCK_WAIT_SECONDS", f"{DEFAULT_LOCK_WAIT_SECONDS:g}",
            "how long a run waits for a client holding the file read-write"),
    Setting("RUN_EXECUTOR", "in_process", "in_process, multiprocess or k8s"),
    Setting("REINGEST_CRON", "0 3 * * *", "the re-ingest schedule's cron"),
    Setting("REINGEST_TIMEZONE", "UTC", "the time zone of REINGEST_CRON"),
    Setting("SENSOR_INTERVAL_SECONDS", "30", "how often the sensor looks at SEEDS_DIR"),
    Setting("AUTOMATION_DEFAULT_STATUS", "stopped", "running: the schedule and the sensor start with the code"),
)
NAMES = frozenset(setting.name for setting in SETTINGS)
_DEFAULTS = {setting.name: setting.default for setting in SETTINGS}
# How alike a variable's name must be to a setting's (difflib's ratio) to be taken for a typo of
# it: SEED_DIR/SEEDS_DIR 0.94, DUCKDB_PAHT/DUCKDB_PATH 0.91; unrelated names (PATH, PYTHONPATH,
# VIRTUAL_ENV) stay far below.
_TYPO_SIMILARITY = 0.85


def value(name: str, env: Mapping[str, str] | None = None) -> str:
    """A setting's value: the environment's when set and not empty, else its default."""
    if name not in NAMES:
        raise KeyError(f"{name} is not a setting (pipelines/settings.py)")
    found = (os.environ if env is None else env).get(name, "")
    return found if found != "" else _DEFAULTS[name]


def effective(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every setting with the value a run uses, and whether it came from the environment."""
    env = os.environ if env is None else env
    return {s.name: value(s.name, env) if env.get(s.name) else f"{s.default or 'unset'} (default)" for s in SETTINGS}


def misspelt(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Variables of the environment that look like a setting but are not one -> that setting."""
    env = os.environ if env is None else env
    found = {}
    for variable in sorted(env):
        if variable in NAMES:
            continue
        if variable.upper() in NAMES:
            found[variable] = variable.upper()
            continue
        close = difflib.get_close_matches(variable.upper(), NAMES, n=1, cutoff=_TYPO_SIMILARITY)
        if close:
            found[variable] = close[0]
    return found


def misspelt_warning(env: Mapping[str, str] | None = None) -> str | None:
    """One line naming each look-alike variable and the setting it is probably meant to be."""
    found = misspelt(env)
    if not found:
        return None
    pairs = "; ".join(f"{variable} (did you mean {setting}?)" for variable, setting in found.items())
    return (f"environment variables that look like a misspelt setting are ignored: {pairs}. "
            "The settings are listed in README.md, Configuration.")
