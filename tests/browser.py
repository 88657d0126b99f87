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


def chromedriver() -> str:
    """ChromeDriver from Debian's ``chromium-driver`` (installed with Chromium when missing)."""
    chromium()
    found = shutil.which("chromedriver")
    if not found:
        if os.geteuid() != 0:
            pytest.skip("chromedriver is not installed and this user cannot install it")
        _apt_install("chromium-driver")
        found = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return found


class Browser:
    """Headless Chromium driven over the W3C WebDriver protocol (ChromeDriver's HTTP API, spoken
    with urllib: no client library), for tests that click: open a page, click its links, read
    what its scripts did and what the browser logged (Content-Security-Policy refusals)."""

    def __init__(self, profile: Path) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.driver = subprocess.Popen([chromedriver(), f"--port={self.port}"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        capabilities = {"browserName": "chrome", "goog:loggingPrefs": {"browser": "ALL"},
                        "goog:chromeOptions": {"binary": chromium(), "args": [*CHROMIUM_FLAGS,
                                                                              f"--user-data-dir={profile}"]}}
        self.session = self._call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}},
                                  retry_seconds=20)["sessionId"]

    def _call(self, method: str, path: str, body: dict | None = None, retry_seconds: float = 0) -> dict:
        import json
        import time
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + retry_seconds
        while True:
            request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                             data=json.dumps(body or {}).encode() if method == "POST" else None,
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return json.loads(response.read())["value"]
            except urllib.error.HTTPError as error:
                raise AssertionError(f"WebDriver {method} {path}: {error.read()[:500]!r}") from None
            except (ConnectionError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def open(self, url: str) -> None:
        self._call("POST", f"/session/{self.session}/url", {"url": url})

    def run(self, script: str) -> object:
        """A script run by the driver (not by the page: the page's policy does not apply to it)."""
        return self._call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": []})

    def click_all(self, css: str) -> int:
        """Click every element ``css`` matches, in page order; how many were clicked."""
        elements = self._call("POST", f"/session/{self.session}/elements", {"using": "css selector", "value": css})
        for element in elements:
            self._call("POST", f"/session/{self.session}/element/{next(iter(element.values()))}/click")
        return len(elements)

    def log(self) -> list[str]:
        """What the browser logged since the last call (console messages, policy refusals)."""
        entries = self._call("POST", f"/session/{self.session}/se/log", {"type": "browser"})
        return [entry["message"] for entry in entries]

    def close(self) -> None:
        try:
            self._call("DELETE", f"/session/{self.session}")
        finally:
            self.driver.terminate()
            self.driver.wait(timeout=30)
