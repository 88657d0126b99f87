"""A BI dashboard stand-in: reads the warehouse read-only in a loop, in its own process.

    python -m tests.integration.bi_reader DB STOP_FILE [--hold]

Each pass opens the file read-only (or, with --hold, keeps one connection open), counts
the tables and checks the snapshot is consistent: every fact has its document and its text
is its document's span. Prints one JSON line at the end: passes, errors, inconsistencies.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import duckdb

CONSISTENCY = """
SELECT
    (SELECT count(*) FROM documents) AS documents,
    (SELECT count(*) FROM numeric_facts) AS facts,
    (SELECT count(*) FROM numeric_facts f ANTI JOIN documents d USING (doc_id)) AS orphans,
    (SELECT count(*) FROM numeric_facts f JOIN documents d USING (doc_id)
     WHERE substring(d.body, f.start_char + 1, f.end_char - f.start_char) <> f.text) AS bad_spans
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("stop", type=Path)
    parser.add_argument("--hold", action="store_true", help="keep one connection open throughout")
    args = parser.parse_args()
    passes = errors = inconsistent = 0
    snapshots: set[tuple[int, int]] = set()
    messages: list[str] = []
    held = None
    deadline = time.monotonic() + 600  # bounded, whatever happens to the caller
    while not args.stop.exists() and time.monotonic() < deadline:
        try:
            con = held or duckdb.connect(str(args.db), read_only=True)
            if args.hold:
                held = con
            documents, facts, orphans, bad_spans = con.execute(CONSISTENCY).fetchone()
            if not args.hold:
                con.close()
            passes += 1
            snapshots.add((documents, facts))
            if orphans or bad_spans or documents == 0:
                inconsistent += 1
                messages.append(f"orphans={orphans} bad_spans={bad_spans} documents={documents}")
        except duckdb.Error as exc:
            errors += 1
            messages.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.005)
    print(json.dumps({"passes": passes, "errors": errors, "inconsistent": inconsistent,
                      "snapshots": sorted(snapshots), "messages": messages[:10]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
