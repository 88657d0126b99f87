"""Headless Chromium for the tests that look at pages (the Dagster UI, the review site).

Chromium comes from Debian's packages and is installed when missing (the machines run as
root), with a font that has Chinese glyphs so that screenshots show the text, not boxes.
Screenshots go to tests/artifacts/ (not committed).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import REPO

ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars"]
CHINESE_FONT_PACKAGE = "fonts-wqy-zenhei"


def _apt_install(*packages: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env=env, timeout=900)


def _has_chinese_font() -> bool:
    listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True)
    return bool(listed.stdout.strip())


def chromium() -> str:
    """The Chromium binary, installed from Debian's packages when missing. Test processes
    running side by side (pytest-xdist) take turns: apt-get allows one install at a time."""
    with open(Path(tempfile.gettempdir()) / "chipfacts-chromium-install.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _chromium()


def _chromium() -> str:
    found = shutil.which("chromium")
    if found and (_has_chinese_font() or os.geteuid() != 0):
        return found
    if os.geteuid() != 0:
        pytest.skip("chromium is not installed and this user cannot install it")
    _apt_install(*([] if found else ["chromium", "chromium-driver"]), CHINESE_FONT_PACKAGE)
    return shutil.which("chromium") or "/usr/bin/chromium"


def dump_dom(url: str, profile: Path, budget_ms: int = 5000) -> str:
    """The page's DOM after its scripts ran."""
    run = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                          f"--virtual-time-budget={budget_ms}", "--dump-dom", url],
                         capture_output=True, text=True, timeout=180)
    return run.stdout


def screenshot(url: str, name: str, profile: Path, size: str = "1400,1000", budget_ms: int = 5000) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / name
    subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}",
                    f"--window-size={size}", f"--screenshot={shot}", url], capture_output=True, timeout=180, check=True)
    return shot


class HighlightedFacts(HTMLParser):
    """Every ``<mark data-fact-id>`` of a review page, with the text inside it, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[tuple[str, str]] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        found = dict(attrs).get("data-fact-id")
        if tag == "mark" and found:
            self.marks.append((found, ""))
            self._open = True

    def handle_endtag(self, tag):
        if tag == "mark":
            self._open = False

    def handle_data(self, data):
        if self._open:
            fact_id, text = self.marks[-1]
            self.marks[-1] = (fact_id, text + data)


def highlighted_facts(html: str) -> list[tuple[str, str]]:
    parser = HighlightedFacts()
    parser.feed(html)
    return parser.marks
