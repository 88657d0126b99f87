"""What a build costs as the corpus grows, run the way users run it.

    .venv/bin/python -m tests.benchmarks.scale_benchmark --docs 1000,10000 [--workers 0]

For each size, a corpus of distinct documents is generated deterministically from the
project's real documents (every shape: Zhihu Markdown with front matter, news pages, English
summaries, blog posts): paragraphs shuffled and mixed with paragraphs of other documents of
the same shape and language, numbers changed, 3-10 KB each. Then the README's build command
(`dagster asset materialize`, default executor) runs in a fresh process for: a full build,
a run where nothing changed, one file changed, 1 % of the files changed and one file
deleted. Printed per run: wall time, peak memory of the process tree (the CLI and every
worker it starts, sampled from /proc; resident and proportional, and which process held
what at the full build's peak), bytes written outside the warehouse (run storage
and the review site), and end-to-end MB/s next to the engine's own MB/s on the same text
(one core, in this process): the ratio is what the pipeline costs beyond extraction.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipelines.extract.engine import extract_facts
from pipelines.ingest.language import detect_language
from pipelines.ingest.records import parse_document
from tests.integration.reingest_helpers import sources
from tests.readme import readme_command, run_in, sandbox

MIN_BYTES, MAX_BYTES = 3_000, 10_000
_NUMBER = re.compile(r"(?<![\d.])\d{2,}(?:\.\d+)?(?![\d.])")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _blocks(text: str) -> tuple[str, list[str]]:
    """(the part kept as is: front matter or markup head, the paragraphs that may move)."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        head_end = text.find("\n", end + 4) + 1 if end > 0 else 0
    elif "<" in text[:200]:
        return text, []  # a page: its markup is kept whole, its numbers still change
    else:
        head_end = 0
    return text[:head_end], [b for b in text[head_end:].split("\n\n") if b.strip()]


def _changed_numbers(text: str, rng: random.Random) -> str:
    def change(match: re.Match[str]) -> str:
        digits = match.group(0)
        if _YEAR.fullmatch(digits):
            return digits
        whole = str(rng.randint(10 ** (len(digits.split(".")[0]) - 1), 10 ** len(digits.split(".")[0]) - 1))
        return whole + (("." + digits.split(".")[1]) if "." in digits else "")
    return _NUMBER.sub(change, text)


def generate(folder: Path, count: int, seed: int = 7) -> int:
    """``count`` distinct documents in ``folder``; returns their total bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    real = [(p, p.read_text("utf-8", errors="replace")) for p in sources()]
    by_shape: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path, text in real:
        by_shape[(path.suffix, detect_language(text))].extend(_blocks(text)[1])
    total = 0
    for i in range(count):
        rng = random.Random(seed * 1_000_003 + i)
        path, text = real[i % len(real)]
        head, paragraphs = _blocks(text)
        pool = by_shape[(path.suffix, detect_language(text))] or paragraphs
        rng.shuffle(paragraphs := list(paragraphs))
        target = rng.randint(MIN_BYTES, MAX_BYTES)
        while paragraphs and len("\n\n".join(paragraphs).encode()) + len(head.encode()) < target:
            paragraphs.append(rng.choice(pool))
        body = "\n\n".join(paragraphs)
        document = (head + _changed_numbers(body, rng) if paragraphs else _changed_numbers(head, rng))
        document += f"\n\n第{i}份 / copy {i}.\n"
        data = document.encode("utf-8")
        (folder / f"{i:06d}_{path.stem}{path.suffix}").write_bytes(data)
        total += len(data)
    return total


def _memory(pid: int) -> tuple[int, int]:
    """(resident, proportional) bytes of one process, (0, 0) once it is gone. Resident counts
    pages shared with other processes (libraries, a fork server's preloaded modules) in each
    of them; proportional (PSS) divides a shared page among its sharers, so PSS summed over a
    tree is the memory the tree takes from the machine."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                values[key] = int(rest.split()[0]) * 1024
    except (OSError, ValueError):
        pass
    return values.get("Rss", 0), values.get("Pss", 0)


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` (not ``root`` itself)."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
                children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
            except OSError:
                continue
    found, todo = [], list(children.get(root, ()))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        found.append(pid)
    return found


def _command(pid: int) -> str:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [w.decode(errors="replace") for w in words if w]
    return " ".join([Path(words[0]).name, *words[1:]])[:70] if words else "?"


class PeakMemory:
    """Samples the process tree under this process every 0.2 s: the peak of its summed resident
    memory (with each process's share at that moment) and of its summed PSS."""

    def __enter__(self):
        self.peak, self.peak_pss, self.at_peak, self._stop = 0, 0, [], threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        me = os.getpid()
        while not self._stop.wait(0.2):
            sizes = {pid: _memory(pid) for pid in _descendants(me)}
            rss, pss = sum(r for r, _ in sizes.values()), sum(p for _, p in sizes.values())
            self.peak_pss = max(self.peak_pss, pss)
            if rss > self.peak:
                self.peak = rss
                self.at_peak = sorted(((r, p, _command(pid)) for pid, (r, p) in sizes.items()), reverse=True)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _bytes_written_since(folders: list[Path], since: float) -> int:
    """Bytes of the files under ``folders`` written at or after ``since`` (their sizes now)."""
    return sum(p.stat().st_size for folder in folders if folder.exists() for p in folder.rglob("*")
               if p.is_file() and p.stat().st_mtime >= since)


def engine_mb_per_s(folder: Path, sample: int = 2000) -> float:
    """The engine alone on the corpus's parsed bodies (one core, this process)."""
    files = sorted(folder.iterdir())[:sample]
    docs = [parse_document(p.name, p.read_bytes()) for p in files]
    started = time.perf_counter()
    size = 0
    for doc in docs:
        extract_facts(doc.body, doc.language)
        size += len(doc.body.encode())
    return size / 1e6 / (time.perf_counter() - started)


@dataclass(frozen=True)
class Build:
    seconds: float
    peak: int  # resident bytes of the process tree
    peak_pss: int
    at_peak: list[tuple[int, int, str]]  # (resident, PSS, command) of each process at the resident peak
    written: int  # bytes written outside the warehouse


def run_build(checkout: Path, folder: Path, db: Path, workers: int) -> Build:
    # run storage (step outputs, logs), the staged Parquet files, the review site
    outside = [checkout / ".dagster_home", db.parent / ".staging", db.with_name(db.stem + ".review")]
    since = time.time()
    with PeakMemory() as memory:
        started = time.perf_counter()
        env = {"SEEDS_DIR": str(folder), "DUCKDB_PATH": str(db)}
        if workers:
            env["PIPELINE_WORKERS"] = str(workers)
        run = run_in(checkout, readme_command("build-seeds"), timeout=7200, **env)
        seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise RuntimeError(f"the build failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    return Build(seconds, memory.peak, memory.peak_pss, memory.at_peak, _bytes_written_since(outside, since))


def measure(count: int, tmp: Path, workers: int) -> list[tuple[str, Build]]:
    folder, db = tmp / f"corpus_{count}", tmp / f"w_{count}" / "warehouse.duckdb"
    checkout = sandbox(tmp / f"checkout_{count}")
    total = generate(folder, count)
    files = sorted(folder.iterdir())
    # The machine's speed drifts over a long benchmark (15-45 % seen here): the engine is
    # timed on each side of the builds, and the full build is compared with both.
    engine_before = engine_mb_per_s(folder)
    results = [("full build", run_build(checkout, folder, db, workers)),
               ("nothing changed", run_build(checkout, folder, db, workers))]
    files[0].write_bytes(files[0].read_bytes() + "\n\n出口额同比增长12%。\n".encode())
    results.append(("one file changed", run_build(checkout, folder, db, workers)))
    for path in files[1 : 1 + max(1, count // 100)]:
        path.write_bytes(path.read_bytes() + "\n\nSales rose 15% in 2025.\n".encode())
    results.append(("1 % changed", run_build(checkout, folder, db, workers)))
    files[-1].unlink()
    results.append(("one file deleted", run_build(checkout, folder, db, workers)))
    engine_after = engine_mb_per_s(folder)
    end_to_end = total / 1e6 / results[0][1].seconds
    print(f"\n{count:,} documents, {total / 1e6:.1f} MB; engine alone {engine_before:.2f} MB/s on one core before "
          f"the builds, {engine_after:.2f} after; full build end to end {end_to_end:.2f} MB/s "
          f"({end_to_end / engine_before:.2f}x and {end_to_end / engine_after:.2f}x the engine)")
    print("| run | wall s | peak MB (tree, resident) | peak MB (tree, PSS) | MB written outside the warehouse |")
    print("|---|---|---|---|---|")
    for label, build in results:
        print(f"| {label} | {build.seconds:.1f} | {build.peak / 1e6:,.0f} | {build.peak_pss / 1e6:,.0f} "
              f"| {build.written / 1e6:,.1f} |")
    print("At the full build's resident peak (resident MB / PSS MB, command):")
    for rss, pss, command in results[0][1].at_peak[:8]:
        print(f"  {rss / 1e6:7,.0f} {pss / 1e6:7,.0f}  {command}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", default="1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--workers", type=int, default=0, help="PIPELINE_WORKERS for the builds (0: every core)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} cores; workers: {args.workers or 'every core'}")
    sizes = [int(n) for n in args.docs.split(",")]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            measure(n, args.keep, args.workers)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            measure(n, Path(tmp), args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
