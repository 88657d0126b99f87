"""The README's Quickstart is what CI runs: exactly two command lines, the second runs pytest."""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_quickstart_has_two_command_lines():
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## Quickstart", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    lines = [line for line in block.splitlines() if line.strip()]
    assert len(lines) == 2
    assert "dagster asset materialize" in lines[0] and "requirements.lock" in lines[0]
    assert "pytest" in lines[1] and "requirements.lock" in lines[1]
    assert "sed -n 2p" in (REPO / ".ci" / "run").read_text("utf-8")  # CI runs line 2 itself
