"""What a full build and a one-file re-ingest cost, run the way users run them.

    .venv/bin/python -m tests.benchmarks.run_cost [--files 200] [--repeat 3] [--executor in_process]

On a folder of ``--files`` real-document files, each way is timed for a full build (no
warehouse yet) and for the re-ingest after one file changed, ``--repeat`` times (medians):

- CLI: the README's `dagster asset materialize` command in a fresh process, wall clock from
  start to exit (Python start-up, loading the code location and the run itself);
- UI: a "Materialize all" launched through `dagster dev`'s GraphQL API, wall clock from the
  launch request to the run's SUCCESS (queue, run worker start-up and the run), and the run's
  own duration as the UI shows it (start to end);
- in-process: the `build_warehouse` job executed in this process (Dagster's cost per run
  and the work, no process start-up): a second figure, not what users get.

``--executor multiprocess`` runs the CLI and UI ways with ``RUN_EXECUTOR=multiprocess``.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from tests.dagster_ui import dagster_dev
from tests.integration.reingest_helpers import Pipeline, make_folder
from tests.readme import readme_command, run_in, sandbox

CLI_COMMAND = "build-seeds"  # the README's build command, pointed at the benchmark folder by SEEDS_DIR


def change_one(files: list[Path], i: int) -> None:
    target = files[i % len(files)]
    target.write_text(target.read_text("utf-8") + f"\n出口额同比增长{i + 10}%。\n", "utf-8")


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def cli_run(checkout: Path, folder: Path, db: Path) -> None:
    run = run_in(checkout, readme_command(CLI_COMMAND), timeout=600, SEEDS_DIR=str(folder),
                 DUCKDB_PATH=str(db))  # RUN_EXECUTOR passes through
    if run.returncode != 0:
        raise RuntimeError(f"the CLI run failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")


def measure_cli(tmp: Path, count: int, repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"full": [], "one": []}
    checkout = sandbox(tmp / "cli_checkout")
    for i in range(repeat):
        folder, db = tmp / f"cli_seeds_{i}", tmp / f"cli_{i}.duckdb"
        files = make_folder(folder, count)
        times["full"].append(timed(lambda: cli_run(checkout, folder, db)))  # noqa: B023
        change_one(files, i)
        times["one"].append(timed(lambda: cli_run(checkout, folder, db)))  # noqa: B023
    return times


def measure_ui(tmp: Path, count: int, repeat: int) -> dict[str, list[float]]:
    """One `dagster dev` per repetition (each on its own folder and warehouse)."""
    times: dict[str, list[float]] = {"full": [], "one": [], "full run": [], "one run": []}
    for i in range(repeat):
        folder = tmp / f"ui_seeds_{i}"
        files = make_folder(folder, count)
        checkout = sandbox(tmp / f"ui_checkout_{i}")
        with dagster_dev(checkout, SEEDS_DIR=str(folder)) as dev:
            for label in ("full", "one"):
                if label == "one":
                    change_one(files, i)
                started = time.perf_counter()
                run_id = dev.launch("__ASSET_JOB")
                if dev.wait_for_run(run_id, poll=0.05) != "SUCCESS":
                    raise RuntimeError(f"the UI run failed:\n{dev.tail()}")
                times[label].append(time.perf_counter() - started)
                run = dev.run(run_id)
                times[f"{label} run"].append(run["endTime"] - run["startTime"])
    return times


def measure_in_process(tmp: Path, count: int, repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"full": [], "one": []}
    for i in range(repeat):
        folder = tmp / f"inproc_seeds_{i}"
        files = make_folder(folder, count)
        pipeline = Pipeline(folder, tmp / f"inproc_{i}.duckdb")
        times["full"].append(timed(pipeline.run))
        change_one(files, i)
        times["one"].append(timed(pipeline.run))
    return times


def row(label: str, full: list[float], one: list[float]) -> str:
    f, o = statistics.median(full), statistics.median(one)
    return f"| {label} | {f:.2f} s | {o:.2f} s | {o / f:.0%} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--executor", choices=["in_process", "multiprocess"], default="in_process")
    args = parser.parse_args(argv)
    os.environ["RUN_EXECUTOR"] = args.executor  # for the CLI and `dagster dev` processes
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cli = measure_cli(tmp, args.files, args.repeat)
        ui = measure_ui(tmp, args.files, args.repeat)
        in_process = measure_in_process(tmp, args.files, args.repeat)
    print(f"{args.files} files, median of {args.repeat}, executor {args.executor} "
          f"(Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    print("| how it is run | full build | one file changed | share |")
    print("|---|---|---|---|")
    print(row("CLI `dagster asset materialize`, wall clock", cli["full"], cli["one"]))
    print(row("UI \"Materialize all\", launch to SUCCESS", ui["full"], ui["one"]))
    print(row("UI run duration (start to end)", ui["full run"], ui["one run"]))
    print(row("in-process `execute_in_process` (second figure)", in_process["full"], in_process["one"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
