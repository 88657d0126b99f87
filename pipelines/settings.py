"""Every environment variable the pipeline reads, in one typed model: its name, default, what
is allowed and what it means.

``load`` validates the environment once, with the model (pydantic): a value that is not
allowed becomes one line naming the variable, the value and what is allowed, and the setting
keeps its default so that the code location still loads; the run's first step then refuses
with those lines (``assets/raw.py``), before anything is read or written. Resources, the
executor, the schedule and the sensor take their values from ``load``; ``effective`` is what
a run logs at its start, and ``misspelt`` names the variables of the environment that look
like a setting but are not one (``SEED_DIR``, ``DUCKDB_PAHT``, ``seeds_dir``): a typo is
otherwise silently ignored and the run builds the default folder into the default
warehouse. The README's Configuration table lists the same settings (a test holds the two
together).
"""

from __future__ import annotations

import difflib
import os
import zoneinfo
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from pipelines.ingest.files import DEFAULT_MAX_FILE_BYTES
from pipelines.parallel import DEFAULT_MIN_ITEMS
from pipelines.shards import DEFAULT_BATCH_FILES, DEFAULT_SHARDS
from pipelines.warehouse.publish import DEFAULT_MAX_DROPPED_SHARE
from pipelines.warehouse.published import DEFAULT_LOCK_WAIT_SECONDS, DEFAULT_MEMORY_LIMIT, size_bytes
from pipelines.warehouse.turn import DEFAULT_TURN_WAIT_SECONDS

DEFAULT_SEEDS_DIR = "seeds"
DEFAULT_DUCKDB_PATH = "data/warehouse.duckdb"
# Below this DuckDB cannot run the publish's checks on any real warehouse; a limit of 0 or
# "1KB" failed every run as if the file were broken.
MIN_MEMORY_BYTES = 128 * 2**20


def _memory_size(text: str) -> str:
    found = size_bytes(text)
    if found is None:
        raise ValueError("a size such as 1GB, 512MB or 2GiB")
    if found < MIN_MEMORY_BYTES:
        raise ValueError("at least 128MB (DuckDB cannot check a warehouse in less)")
    return text


def _time_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("an IANA time zone such as UTC or Asia/Taipei") from None
    return name


def _cron(text: str) -> str:
    from dagster._utils.schedules import is_valid_cron_string  # the check Dagster's schedules run

    if not is_valid_cron_string(text):
        raise ValueError("a cron expression of five fields such as '0 3 * * *'")
    return text


class Settings(BaseModel):
    """The pipeline's settings; each field is the environment variable of its name."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    SEEDS_DIR: str = Field(DEFAULT_SEEDS_DIR, min_length=1, description="folder of raw files, read recursively")
    MAX_FILE_BYTES: int = Field(DEFAULT_MAX_FILE_BYTES, ge=1, description="a larger file is quarantined, not read")
    SEEDS_ALLOW_OUTSIDE_LINKS: bool = Field(False, description="1 follows symbolic links whose target is outside "
                                            "SEEDS_DIR")
    SEEDS_ALLOW_HARD_LINKS: bool = Field(False, description="1 reads files that have other hard links (another "
                                         "name, perhaps outside SEEDS_DIR)")
    DUCKDB_PATH: str = Field(DEFAULT_DUCKDB_PATH, min_length=1, description="the published warehouse file")
    DAGSTER_HOME: str = Field("", description="Dagster's run history, step values and concurrency limits")
    MAX_DROPPED_SHARE: float = Field(DEFAULT_MAX_DROPPED_SHARE, ge=0, le=1, allow_inf_nan=False,
                                     description="the largest share of documents a run may drop")
    REVIEW_DIR: str = Field("", description="the review site's folder; empty: <name>.review/ beside DUCKDB_PATH")
    PIPELINE_WORKERS: int = Field(0, ge=0, description="worker processes; 0: one per core (never more)")
    PIPELINE_MIN_PARALLEL: int = Field(DEFAULT_MIN_ITEMS, ge=1, description="fewer new or changed files stay in "
                                       "one process")
    PIPELINE_SHARDS: int = Field(DEFAULT_SHARDS, ge=1, le=1024, description="hash shards of the file paths")
    PIPELINE_BATCH_FILES: int = Field(DEFAULT_BATCH_FILES, ge=1, description="files a shard step holds in memory")
    DUCKDB_MEMORY_LIMIT: Annotated[str, AfterValidator(_memory_size)] = Field(
        DEFAULT_MEMORY_LIMIT, description="memory DuckDB may use per connection before spilling")
    STAGING_DIR: str = Field("", description="where shard steps stage Parquet files; empty: .staging/ beside "
                             "DUCKDB_PATH")
    WAREHOUSE_LOCK_WAIT_SECONDS: float = Field(DEFAULT_LOCK_WAIT_SECONDS, ge=0, le=86_400, allow_inf_nan=False,
                                               description="how long a run waits for a client holding the file")
    WAREHOUSE_TURN_WAIT_SECONDS: float = Field(DEFAULT_TURN_WAIT_SECONDS, ge=0, le=7 * 86_400, allow_inf_nan=False,
                                               description="how long a run's publish or review step waits for "
                                               "another run's to finish writing")
    RUN_EXECUTOR: Literal["in_process", "multiprocess", "k8s"] = Field("in_process", description="the executor")
    REINGEST_CRON: Annotated[str, AfterValidator(_cron)] = Field("0 3 * * *", description="the schedule's cron")
    REINGEST_TIMEZONE: Annotated[str, AfterValidator(_time_zone)] = Field("UTC", description="its time zone")
    SENSOR_INTERVAL_SECONDS: int = Field(30, ge=1, le=86_400, description="how often the sensor looks")
    AUTOMATION_DEFAULT_STATUS: Literal["running", "stopped"] = Field(
        "stopped", description="running: the schedule and the sensor start with the code location")


NAMES = frozenset(Settings.model_fields)
# How alike a variable's name must be to a setting's (difflib's ratio) to be taken for a typo of
# it: SEED_DIR/SEEDS_DIR 0.94, DUCKDB_PAHT/DUCKDB_PATH 0.91; unrelated names (PATH, PYTHONPATH,
# VIRTUAL_ENV) stay far below.
_TYPO_SIMILARITY = 0.85


def _given(env: Mapping[str, str]) -> dict[str, str]:
    """The settings the environment sets (an empty value means the default)."""
    return {name: env[name] for name in Settings.model_fields if env.get(name, "") != ""}


# What is allowed, said for pydantic's error types (others keep pydantic's own message).
_ALLOWED = {"bool_parsing": "one of 0, 1, true, false, yes, no", "bool_type": "one of 0, 1, true, false, yes, no",
            "int_parsing": "a whole number", "int_from_float": "a whole number", "float_parsing": "a number",
            "finite_number": "a finite number", "greater_than_equal": "at least {ge}", "less_than_equal":
            "at most {le}", "string_too_short": "not empty", "literal_error": "one of {expected}"}


def _allowed(error: dict) -> str:
    template = _ALLOWED.get(error.get("type", ""))
    if template is not None:
        context = {key: f"{value:g}" if isinstance(value, float) else value
                   for key, value in error.get("ctx", {}).items()}
        try:
            return template.format(**context)
        except (KeyError, IndexError):
            pass
    return str(error.get("msg", "")).removeprefix("Value error, ")


def _validated(given: Mapping[str, str]) -> tuple[Settings, dict[str, str]]:
    """The settings, and for each value that is not allowed its one-line problem."""
    try:
        return Settings(**given), {}
    except ValidationError as exc:
        problems = {}
        for error in exc.errors():
            name = str(error["loc"][0])
            problems[name] = f"{name}={given.get(name, '')!r} is not allowed: {_allowed(error)}"
        return Settings(**{k: v for k, v in given.items() if k not in problems}), problems


def load(env: Mapping[str, str] | None = None) -> tuple[Settings, tuple[str, ...]]:
    """The settings of ``env`` (the process's environment by default), and one line for each
    value that is not allowed; such a setting keeps its default."""
    values, problems = _validated(_given(os.environ if env is None else env))
    return values, tuple(problems.values())


def effective(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every setting with the value a run uses, and where it came from."""
    given = _given(os.environ if env is None else env)
    values, problems = _validated(given)
    shown = {}
    for name, field in Settings.model_fields.items():
        default = f"{field.default}" if field.default != "" else "unset"
        if name in problems:
            shown[name] = f"{default} (default: {given[name]!r} is not allowed)"
        elif name in given:
            shown[name] = given[name]
        else:
            shown[name] = f"{default} (default)"
    return shown


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
