"""The README's commands are what CI and the tests run: the Quickstart's two lines by
`.ci/run`, every other command block by name from a test (tests/readme.py)."""

from __future__ import annotations

import re

from tests.conftest import REPO
from tests.readme import bash_blocks, named_commands


def quickstart_lines() -> list[str]:
    section = (REPO / "README.md").read_text("utf-8").split("## Quickstart", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_quickstart_has_two_command_lines_and_ci_runs_both():
    lines = quickstart_lines()
    assert len(lines) == 2
    assert "dagster asset materialize" in lines[0] and "requirements.lock" in lines[0]
    assert "pytest" in lines[1] and "requirements.lock" in lines[1]
    assert "for n in 1 2" in (REPO / ".ci" / "run").read_text("utf-8")


def test_every_other_command_block_is_named_and_run_by_a_test():
    named = named_commands()
    unnamed = [b for b in bash_blocks()[1:] if b not in named.values()]  # [0] is the Quickstart
    assert not unnamed, f"README command blocks without a <!-- command: NAME --> line: {unnamed}"
    sources = "\n".join(p.read_text("utf-8") for p in (REPO / "tests").rglob("*.py") if p.name != "readme.py")
    unrun = [name for name in named if f'"{name}"' not in sources and f"'{name}'" not in sources]
    assert not unrun, f"README commands no test runs: {unrun}"
