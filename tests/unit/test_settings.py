"""The settings table: look-alike variables are named, defaults agree with the README."""

from __future__ import annotations

import re

import pytest

from pipelines import settings
from tests.readme import README


def test_look_alike_variables_are_named_with_the_setting_they_resemble():
    env = {"SEED_DIR": "x", "DUCKDB_PAHT": "y", "seeds_dir": "z", "PIPELINE_WORKER": "1", "SEEDS_DIR": "ok",
           "PATH": "/bin", "PYTHONPATH": ".", "VIRTUAL_ENV": ".venv", "HOME": "/root", "LANG": "C", "PWD": "/"}
    assert settings.misspelt(env) == {"DUCKDB_PAHT": "DUCKDB_PATH", "PIPELINE_WORKER": "PIPELINE_WORKERS",
                                      "SEED_DIR": "SEEDS_DIR", "seeds_dir": "SEEDS_DIR"}
    assert settings.misspelt_warning({"PATH": "/bin"}) is None


def test_effective_settings_say_which_are_defaults():
    shown = settings.effective({"SEEDS_DIR": "articles", "PIPELINE_WORKERS": "", "MAX_DROPPED_SHARE": "nan"})
    assert shown["SEEDS_DIR"] == "articles"
    assert shown["PIPELINE_WORKERS"] == "0 (default)"
    assert shown["REVIEW_DIR"] == "unset (default)"
    assert shown["MAX_DROPPED_SHARE"] == "0.5 (default: 'nan' is not allowed)"
    assert list(shown) == list(settings.Settings.model_fields)


@pytest.mark.parametrize(("name", "value", "allowed"), [
    ("DUCKDB_MEMORY_LIMIT", "lots", "a size such as 1GB, 512MB or 2GiB"),
    ("DUCKDB_MEMORY_LIMIT", "0", "at least 128MB"),
    ("DUCKDB_MEMORY_LIMIT", "1KB", "at least 128MB"),
    ("MAX_DROPPED_SHARE", "nan", "a finite number"),
    ("MAX_DROPPED_SHARE", "2", "at most 1"),
    ("WAREHOUSE_LOCK_WAIT_SECONDS", "-5", "at least 0"),
    ("WAREHOUSE_LOCK_WAIT_SECONDS", "nan", "a finite number"),
    ("PIPELINE_WORKERS", "many", "a whole number"),
    ("MAX_FILE_BYTES", "20MB", "a whole number"),
    ("REINGEST_TIMEZONE", "Mars/Olympus", "an IANA time zone"),
    ("REINGEST_CRON", "every day", "a cron expression"),
    ("SEEDS_ALLOW_OUTSIDE_LINKS", "sure", "one of 0, 1, true, false, yes, no"),
    ("AUTOMATION_DEFAULT_STATUS", "on", "one of 'running' or 'stopped'"),
])
def test_a_setting_that_is_not_allowed_is_one_line_and_keeps_its_default(name, value, allowed):
    values, problems = settings.load({name: value})
    assert problems == (f"{name}={value!r} is not allowed: " + problems[0].split(": ", 1)[1],)
    assert allowed in problems[0]
    assert getattr(values, name) == settings.Settings.model_fields[name].default


def test_allowed_values_are_read_as_their_type():
    values, problems = settings.load({"SEEDS_ALLOW_OUTSIDE_LINKS": "yes", "MAX_DROPPED_SHARE": "1",
                                      "DUCKDB_MEMORY_LIMIT": "2GiB", "REINGEST_TIMEZONE": "Asia/Taipei"})
    assert problems == ()
    assert (values.SEEDS_ALLOW_OUTSIDE_LINKS, values.MAX_DROPPED_SHARE) == (True, 1.0)


def test_the_readme_lists_every_setting():
    table = README.read_text("utf-8").split("### Configuration", 1)[1].split("\n\n|", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r"`([A-Z_]+)`", "".join(line.split("|")[1] for line in table.splitlines()[2:])))
    assert listed == set(settings.NAMES)
