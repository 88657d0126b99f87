"""Time a one-file re-ingest against a full rebuild, on folders of real-document files.

    .venv/bin/python -m tests.benchmarks.reingest_benchmark [--files 200,2000] [--repeat 3]

For each folder size: the full rebuild on an empty warehouse, then the re-ingest after one
file changed, each timed twice: as a Dagster run of the `build_warehouse` job in one process
(what the sensor starts; it includes Dagster's own cost per run, about the same whatever
the run does) and as the pipeline's work alone (the same functions without Dagster).
Prints the medians side by side.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from tests.integration.reingest_helpers import Pipeline, make_folder, run_without_dagster


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _change_one(files: list[Path], i: int) -> None:
    target = files[i % len(files)]
    target.write_text(target.read_text("utf-8") + f"\n出口额同比增长{i + 10}%。\n", "utf-8")


def measure(files_count: int, repeat: int, tmp: Path) -> dict[str, float]:
    times: dict[str, list[float]] = {"run full": [], "run one": [], "work full": [], "work one": []}
    for i in range(repeat):
        folder = tmp / f"seeds_{files_count}_{i}"
        files = make_folder(folder, files_count)
        pipeline = Pipeline(folder, tmp / f"dagster_{files_count}_{i}.duckdb")
        times["run full"].append(_timed(pipeline.run))
        _change_one(files, i)
        times["run one"].append(_timed(pipeline.run))
        db = tmp / f"plain_{files_count}_{i}.duckdb"
        times["work full"].append(_timed(lambda: run_without_dagster(folder, db)))  # noqa: B023
        _change_one(files, i + 1)
        times["work one"].append(_timed(lambda: run_without_dagster(folder, db)))  # noqa: B023
    return {k: statistics.median(v) for k, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", default="200,2000", help="comma-separated folder sizes (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    print("| files | full rebuild, Dagster run | one file changed, Dagster run | full rebuild, work | "
          "one file changed, work |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for count in (int(n) for n in args.files.split(",")):
            t = measure(count, args.repeat, Path(tmp))
            print(f"| {count} | {t['run full']:.2f} s | {t['run one']:.2f} s ({t['run one'] / t['run full']:.0%}) "
                  f"| {t['work full']:.2f} s | {t['work one']:.2f} s ({t['work one'] / t['work full']:.0%}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
