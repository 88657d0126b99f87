"""A run that changed nothing publishes nothing: the published file stays, its checks run again.

A new warehouse file is built only when it would differ from the published one. It would not
when (1) no file of the folder was added, changed or deleted since the published warehouse
was made by this pipeline version, and (2) the published file is as its last publish left
it, with the same warehouse code (``state.reusable``, read from the file itself). Then the
SQL checks run again on the published file, read-only, and the run reports its tables as
they are.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.warehouse.publish import (
    PublishReport,
    published_target,
    raise_on_failed_checks,
    remove_orphans,
    run_checks,
    sql_summaries,
    table_counts,
)
from pipelines.warehouse.published import DEFAULT_MEMORY_LIMIT, open_published, query_frame
from pipelines.warehouse.state import last_publish, reusable
from pipelines.warehouse.turn import warehouse_turn


def recheck_unchanged(path: Path, carry: pl.DataFrame, lock_wait_seconds: float,
                      memory_limit: str = DEFAULT_MEMORY_LIMIT) -> PublishReport | None:
    """The published warehouse's report, its checks run again, when this run would publish the
    same warehouse: the file is as its last publish left it, and the files it holds are exactly
    ``carry`` (this run's unchanged files). Else None: publish."""
    path = published_target(Path(path))  # as the publish wrote it: a link's target
    with warehouse_turn(path):  # what a killed publish left beside the file goes even when nothing is published
        remove_orphans(path)
    with open_published(path, lock_wait_seconds, memory_limit) as con:
        if con is None:
            return None
        last = last_publish(con)
        if not reusable(path, last):
            return None
        held = query_frame(con, "SELECT source_file, content_sha256, pipeline_version FROM documents "
                                "UNION ALL SELECT source_file, content_sha256, pipeline_version FROM quarantine")
        key = ["source_file", "content_sha256", "pipeline_version"]
        if held.height != carry.height or not held.sort(key).equals(carry.select(key).sort(key)):
            return None
        results = run_checks(con)
        raise_on_failed_checks(results, "the published warehouse fails its checks")
        summaries = {name: query_frame(con, sql) for name, sql in sql_summaries().items()}
        return PublishReport(path, table_counts(con), results, summaries, carried=carry.height, dropped=0,
                             unchanged=True, publish=last)
