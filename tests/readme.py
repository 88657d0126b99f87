"""The README's commands, as the tests run them.

Every ```bash block of README.md after the Quickstart is preceded by ``<!-- command: NAME -->``;
``readme_command(NAME)`` returns its text, and the test that runs it runs exactly that text
in a ``sandbox``: a folder laid out like the repository (``.venv``, ``seeds``, ``tests``,
``workspace.yaml``, ``.dagster_home``) whose writes (``data/``, run history) stay in it.
``tests/unit/test_readme.py`` fails when a block has no name or no test runs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SEEDS

README = REPO / "README.md"
_NAMED_BLOCK = re.compile(r"<!-- command: ([\w-]+) -->\s*\n```bash\n(.*?)```", re.S)
_ANY_BLOCK = re.compile(r"```bash\n(.*?)```", re.S)


def named_commands() -> dict[str, str]:
    return {name: text.strip() for name, text in _NAMED_BLOCK.findall(README.read_text("utf-8"))}


def bash_blocks() -> list[str]:
    return [text.strip() for text in _ANY_BLOCK.findall(README.read_text("utf-8"))]


def readme_command(name: str) -> str:
    return named_commands()[name]


def readme_sql(name: str) -> str:
    """A ```sql block preceded by ``<!-- query: NAME -->``."""
    pattern = re.compile(rf"<!-- query: {re.escape(name)} -->\s*\n```sql\n(.*?)```", re.S)
    return pattern.search(README.read_text("utf-8")).group(1).strip()


def sandbox(folder: Path) -> Path:
    """A folder that looks like a checkout with its Quickstart done, for running README commands."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".venv").symlink_to(Path(sys.prefix))
    (folder / "seeds").symlink_to(SEEDS)  # the annotated seeds, never what a user put in seeds/
    for name in ("tests", "workspace.yaml"):
        (folder / name).symlink_to(REPO / name)
    (folder / ".dagster_home").mkdir()
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", folder / ".dagster_home" / "dagster.yaml")
    return folder


def user_env(**env: str) -> dict[str, str]:
    """This process's environment without the project's paths (a user's shell sets its own), plus ``env``."""
    kept = {k: v for k, v in os.environ.items() if k not in ("SEEDS_DIR", "DUCKDB_PATH", "DAGSTER_HOME", "REVIEW_DIR")}
    return {**kept, **env}


def run_in(folder: Path, command: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
    """``command`` through bash in ``folder``, as a user would type it there."""
    return subprocess.run(["bash", "-c", command], cwd=folder, env=user_env(**env), capture_output=True,
                          text=True, timeout=timeout)
