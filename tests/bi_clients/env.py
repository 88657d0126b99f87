"""The BI clients' own environment: DuckDB CLI 1.x, Python duckdb 1.x, duckdb-engine, SQLAlchemy.

They cannot share the main environment (it has duckdb 2.0), so they live in ``.venv-bi/``
at the repository root, installed from ``requirements.lock`` with hashes on first use and
again whenever the lock changes; never part of the main install.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK = HERE / "requirements.lock"
VENV = HERE.parents[1] / ".venv-bi"


def bi_env() -> Path:
    """The environment's folder, made or refreshed to match the lock."""
    marker = VENV / "lock.sha256"
    wanted = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if marker.exists() and marker.read_text().strip() == wanted:
        return VENV
    shutil.rmtree(VENV, ignore_errors=True)
    base = Path(getattr(sys, "_base_executable", sys.executable))
    subprocess.run([str(base), "-m", "venv", str(VENV)], check=True, timeout=300)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "--require-hashes", "-r", str(LOCK)],
                   check=True, timeout=900)
    marker.write_text(wanted)
    return VENV
