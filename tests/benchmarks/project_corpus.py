"""Lay out the project's annotated corpus as one seeds folder and one gold file.

    .venv/bin/python -m tests.benchmarks.project_corpus --out data/project

writes ``data/project/docs/`` (the seeds and every annotated article fixture, flat, as the
pipeline reads a folder) and ``data/project/gold.csv`` (their gold files, one header), so the
warehouse the README's analyst questions query is built by the ordinary CLI from an ordinary
folder, and ``score_warehouse`` scores it. The folder is replaced whole on every call.
"""

from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

from tests.benchmarks.corpora import ARTICLES, BATCH3, HELDOUT, SEEDS, SEEDS_GOLD

# (documents, their gold): the seeds first, then the article batches in the order they were annotated
CORPORA = ((SEEDS, SEEDS_GOLD), (ARTICLES / "docs", ARTICLES / "gold.csv"),
           (HELDOUT / "docs", HELDOUT / "gold.csv"), (BATCH3 / "docs", BATCH3 / "gold.csv"))


def lay_out(out: Path) -> tuple[int, int]:
    """Copy every document and concatenate every gold file; returns (documents, gold rows)."""
    docs = out / "docs"
    shutil.rmtree(out, ignore_errors=True)
    docs.mkdir(parents=True)
    rows: list[dict[str, str]] = []
    header: list[str] = []
    for folder, gold in CORPORA:
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            if (docs / path.name).exists():
                raise ValueError(f"two corpora hold a file named {path.name}")
            shutil.copy2(path, docs / path.name)
        with gold.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header += [name for name in reader.fieldnames or () if name not in header]
            rows += reader
    with (out / "gold.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return sum(1 for _ in docs.iterdir()), len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("data/project"))
    args = parser.parse_args(argv)
    documents, facts = lay_out(args.out)
    print(f"{documents} documents in {args.out / 'docs'}, {facts} gold rows in {args.out / 'gold.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
