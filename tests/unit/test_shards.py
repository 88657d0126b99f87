"""Shards and staged rows: every new or changed file lands in exactly one shard, a shard
processed in batches gives the rows a one-pass hop gives, and the hand-over is Parquet."""

from __future__ import annotations

import os

import polars as pl

from pipelines.hops import process_files, raw_hop
from pipelines.shards import STAGED_MODELS, files_per_task, plan_shards, process_shard, shard_key, shards_for
from pipelines.staged import StagedRows, remove_stale_runs
from tests.conftest import FIXTURES, SEEDS

VOLATILE = ["detected_at", "file_modified_at"]  # when a rejection was seen; a file's time, if trusted


def _folder(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    for source in [*SEEDS.iterdir(), *(FIXTURES / "articles" / "docs").iterdir(), *(FIXTURES / "bad_files").iterdir()]:
        (folder / source.name).write_bytes(source.read_bytes())
    return folder


def test_shard_keys_are_stable_padded_and_spread():
    paths = [f"folder/{i:05d}.md" for i in range(2000)]
    keys = [shard_key(p, 16) for p in paths]
    assert keys == [shard_key(p, 16) for p in paths]
    assert set(keys) == {f"{n:02d}" for n in range(16)}
    assert max(keys.count(k) for k in set(keys)) < 2 * len(paths) / 16
    assert {shard_key(p, 1) for p in paths} == {"0"}


def test_plan_holds_each_new_or_changed_file_once(tmp_path):
    raw = raw_hop(_folder(tmp_path))
    raw = raw.with_columns(pl.when(pl.col("source_file").str.starts_with("0")).then(pl.lit("unchanged"))
                           .otherwise(pl.col("change")).alias("change"))
    tasks = plan_shards(raw, 4)
    planned = [f.source_file for task in tasks for f in task.files]
    assert sorted(planned) == sorted(raw.filter(pl.col("change") != "unchanged")["source_file"])
    assert [t.key for t in tasks] == sorted(t.key for t in tasks) and all(t.files for t in tasks)
    assert plan_shards(raw.with_columns(pl.lit("unchanged").alias("change")), 4) == []


def test_shards_in_small_batches_stage_what_one_pass_makes(tmp_path):
    folder = _folder(tmp_path)
    staged = {name: [] for name in STAGED_MODELS}
    for task in plan_shards(raw_hop(folder), 3):
        result = process_shard(task, folder, tmp_path / "staging" / "run" / task.key, batch_files=4)
        assert result.files == len(task.files) and result.span_mismatches.is_empty()
        assert not result.failed_validations
        for name, rows in result.staged.items():
            staged[name].append(rows)
            assert all(path.endswith(".parquet") for path in rows.paths)
    combined = {name: StagedRows.combine(STAGED_MODELS[name].__name__, parts) for name, parts in staged.items()}
    documents, facts, quarantine = process_files(folder, sorted(p.name for p in folder.iterdir()))
    assert combined["parsed_documents"].read().drop(VOLATILE, strict=False).sort("doc_id").equals(
        documents.drop(VOLATILE, strict=False).sort("doc_id"))
    assert combined["extracted_facts"].read().sort("fact_id").equals(facts.sort("fact_id"))
    rejects = pl.concat([combined["parse_rejects"].read(), combined["extract_rejects"].read()])
    assert rejects.drop(VOLATILE, strict=False).sort("source_file").equals(quarantine.drop(VOLATILE, strict=False).sort("source_file"))
    assert combined["extracted_facts"].height == facts.height > 100


def test_staged_rows_leave_out_excluded_files_and_read_empty(tmp_path):
    frame = pl.DataFrame({"source_file": ["a", "b", "c"]})
    frame.write_parquet(tmp_path / "x.parquet")
    rows = StagedRows("Quarantine", (str(tmp_path / "x.parquet"),), 3)
    assert rows.without(["b"]).scan().collect()["source_file"].to_list() == ["a", "c"]
    assert rows.without(["b"]).height == 2
    empty = StagedRows("Documents")
    assert empty.read().height == 0 and "body" in empty.read().columns


def test_stale_runs_go_unless_in_use_or_running(tmp_path):
    for run in ("old", "used", "running"):
        os.makedirs(tmp_path / run / "0")
        (tmp_path / run / "0" / "f.parquet").write_bytes(b"x")
    in_use = [StagedRows("Documents", (str(tmp_path / "used" / "0" / "f.parquet"),), 1)]
    removed = remove_stale_runs(tmp_path, in_use, finished=lambda run: run != "running")
    assert removed == ["old"] and sorted(p.name for p in tmp_path.iterdir()) == ["running", "used"]
    assert remove_stale_runs(tmp_path / "missing", in_use, finished=lambda run: True) == []


def test_a_run_has_no_shard_smaller_than_the_parallel_threshold():
    assert [shards_for(n, 8, 500) for n in (0, 10, 999, 1000, 2600, 100_000)] == [1, 1, 1, 2, 5, 8]
    assert shards_for(80, 4, 1) == 4


def test_a_worker_task_is_small_enough_to_balance_and_never_more_than_a_batch():
    # 12,500 files over two workers: 64 a task (195 tasks); a small shard: one file a task
    assert [files_per_task(n, 2, 2000) for n in (12_500, 1000, 40, 0)] == [64, 31, 1, 1]
    assert files_per_task(12_500, 2, 4) == 4 and files_per_task(12_500, 1, 2000) == 64
