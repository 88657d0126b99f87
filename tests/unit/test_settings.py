"""The settings table: look-alike variables are named, defaults agree with the README."""

from __future__ import annotations

import re

from pipelines import settings
from tests.readme import README


def test_look_alike_variables_are_named_with_the_setting_they_resemble():
    env = {"SEED_DIR": "x", "DUCKDB_PAHT": "y", "seeds_dir": "z", "PIPELINE_WORKER": "1", "SEEDS_DIR": "ok",
           "PATH": "/bin", "PYTHONPATH": ".", "VIRTUAL_ENV": ".venv", "HOME": "/root", "LANG": "C", "PWD": "/"}
    assert settings.misspelt(env) == {"DUCKDB_PAHT": "DUCKDB_PATH", "PIPELINE_WORKER": "PIPELINE_WORKERS",
                                      "SEED_DIR": "SEEDS_DIR", "seeds_dir": "SEEDS_DIR"}
    assert settings.misspelt_warning({"PATH": "/bin"}) is None


def test_effective_settings_say_which_are_defaults():
    shown = settings.effective({"SEEDS_DIR": "articles", "PIPELINE_WORKERS": ""})
    assert shown["SEEDS_DIR"] == "articles"
    assert shown["PIPELINE_WORKERS"] == "0 (default)"
    assert shown["REVIEW_DIR"] == "unset (default)"
    assert list(shown) == [s.name for s in settings.SETTINGS]


def test_the_readme_lists_every_setting():
    table = README.read_text("utf-8").split("### Configuration", 1)[1].split("\n\n|", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r"`([A-Z_]+)`", "".join(line.split("|")[1] for line in table.splitlines()[2:])))
    assert listed == set(settings.NAMES)
