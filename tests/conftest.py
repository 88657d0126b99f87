"""Shared test helpers: paths of the repository's fixtures.

Tests never read the working folder's ``seeds/`` (a user adds files there): ``SEEDS`` is the
fixture copy of the five seed documents that ``tests/fixtures/gold/seeds_gold.csv`` annotates."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SEEDS = FIXTURES / "seeds"


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
