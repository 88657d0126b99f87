"""What a release carries: a version command, a license, and a changelog entry for its version."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from tests.conftest import REPO


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]


def test_the_version_command_names_the_release_and_the_pipeline_s_versions():
    run = subprocess.run([sys.executable, "-m", "pipelines", "--version"], capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    assert re.fullmatch(rf"chipfacts {re.escape(_project()['version'])} \(pipeline version \S+, warehouse code "
                        r"[0-9a-f]{16}\)\n", run.stdout), run.stdout
    assert _project()["scripts"]["chipfacts"] == "pipelines.__main__:main"


def test_the_license_and_the_changelog_cover_this_release():
    assert (REPO / "LICENSE").read_text("utf-8").startswith(f"{_project()['license']} License")
    releases = re.findall(r"^## (\d+\.\d+\.\d+) \(", (REPO / "CHANGELOG.md").read_text("utf-8"), re.MULTILINE)
    assert releases and releases[0] == _project()["version"]  # the newest entry is this release
