"""``python -m pipelines --version`` (or ``chipfacts --version``): which release, and the
versions that decide what a run re-makes: the pipeline version (parser, extractor, lexicons:
a new one re-extracts every file) and the warehouse code's fingerprint (a new one writes the
warehouse into a new file)."""

from __future__ import annotations

import argparse
import importlib.metadata
import sys


def version_line() -> str:
    from pipelines.version import pipeline_version
    from pipelines.warehouse.state import warehouse_fingerprint

    try:
        release = importlib.metadata.version("chipfacts")
    except importlib.metadata.PackageNotFoundError:
        release = "not installed"
    return f"chipfacts {release} (pipeline version {pipeline_version()}, warehouse code {warehouse_fingerprint()})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chipfacts", description="Numbers from chip-trade-war articles, in a "
                                     "DuckDB warehouse. Runs are started with Dagster (README.md, Quickstart).")
    parser.add_argument("--version", action="store_true", help="print the release and the pipeline's versions")
    args = parser.parse_args(argv)
    if args.version:
        print(version_line())
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
