"""Score a published warehouse against a gold CSV (the rules of tests/benchmarks/scoring.py).

    .venv/bin/python -m tests.benchmarks.score_warehouse --db data/warehouse.duckdb \
        --gold tests/fixtures/gold/seeds_gold.csv

Reads the facts as BI users see them (``numeric_facts`` joined to ``documents``), so the
figure is the warehouse's, not the engine's in isolation. Prints precision, recall, F1, the
category and qualifier accuracy of the matched facts and, where the gold has them, the
accuracy of subject, metric and topic; ``--errors`` lists every miss, false positive and
wrong label first. The last line is the F1.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import duckdb

from tests.benchmarks.corpora import total
from tests.benchmarks.scoring import Found, Score, load_gold, score_file

FACTS = """
SELECT d.source_file, f.quantity_kind, f.value, f.value_high, f.unit, f.category, f.qualifier, f.text,
       f.subject, f.metric, f.topic
FROM numeric_facts AS f JOIN documents AS d USING (doc_id)
ORDER BY d.source_file, f.start_char
"""


def warehouse_facts(db: Path) -> dict[str, list[Found]]:
    found: dict[str, list[Found]] = defaultdict(list)
    with duckdb.connect(str(db), read_only=True) as con:
        for file, *fields in con.execute(FACTS).fetchall():
            found[file].append(Found(*fields))
    return found


def score_warehouse(db: Path, gold_csv: Path) -> Score:
    found, gold = warehouse_facts(db), load_gold(gold_csv)
    scores = {file: score_file(found.get(file, []), rows) for file, rows in gold.items()}
    extra = sum(len(facts) for file, facts in found.items() if file not in gold)  # documents the gold lacks
    result = total(scores)
    result.fp += extra
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--errors", action="store_true", help="list misses, false positives and wrong labels")
    args = parser.parse_args(argv)
    score = score_warehouse(args.db, args.gold)
    if args.errors:
        for line in (*score.misses, *score.false_positives, *score.wrong_labels, *score.wrong_about):
            print(line)
    print(f"precision {score.precision:.3f}  recall {score.recall:.3f}  (tp {score.tp}, fp {score.fp}, fn {score.fn})")
    print(f"category accuracy {score.category_accuracy:.3f}  qualifier accuracy {score.qualifier_accuracy:.3f}")
    if about := score.about_accuracy():
        print("about accuracy  " + "  ".join(f"{name} {share:.3f}" for name, share in about.items()))
    print(f"F1 {score.f1:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
