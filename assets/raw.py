"""Raw layer: the files of the seeds folder, hashed and compared with the published warehouse."""

import dagster as dg
import polars as pl

from pipelines import settings
from pipelines.dead_runs import begin_run_here
from pipelines.checks import frame_table, pandera_check_result, pandera_check_spec, run_failure, schema_metadata
from pipelines.hops import raw_hop
from pipelines.parallel import machine_workers
from pipelines.ingest.files import SeedFolderError, list_seed_entries
from pipelines.progress import Progress
from pipelines.resources import SeedFolder, WarehouseFile, outputs_inside_seeds
from pipelines.schema.tables import RawFiles
from pipelines.version import pipeline_version
from pipelines.warehouse.published import WarehouseUnavailable, read_published


@dg.asset(
    group_name="raw",
    kinds={"polars", "file"},
    owners=["team:chipfacts"],
    code_version=pipeline_version(),
    description="Every file below SEEDS_DIR (default seeds/), compared with the published warehouse: a file "
    "with the size and modification time recorded there is unchanged without being read; any other is "
    "hashed (SHA-256), and unchanged if the hash matches (same bytes, same pipeline version). New and "
    "changed files go to the next hop by path (its shard steps read them). Unreadable files are kept "
    "with the error.",
    metadata=schema_metadata(RawFiles),
    check_specs=[pandera_check_spec(RawFiles, "raw_seed_files")],
)
def raw_seed_files(context: dg.AssetExecutionContext, seed_folder: SeedFolder, warehouse_file: WarehouseFile):
    announced = begin_run(context)
    try:
        root = seed_folder.checked_root()
    except SeedFolderError as exc:
        raise run_failure(context, str(exc)) from None
    inside = outputs_inside_seeds(seed_folder, warehouse_file)
    if inside:
        raise run_failure(context, inside)
    entries = list_seed_entries(root, seed_folder.policy())
    warehouse = warehouse_file.file()
    context.log.info(f"seeds folder {root} ({len(entries):,} files), warehouse {warehouse}")
    try:
        published = read_published(warehouse, pipeline_version(), warehouse_file.lock_wait_seconds,
                                   warehouse_file.memory_limit)
    except WarehouseUnavailable as exc:
        raise run_failure(context, str(exc)) from None
    if published.note:
        context.log.warning(published.note)
    progress = Progress("files_hashed", len(entries), context.log.info)
    frame = raw_hop(root, published.hashes, entries=entries, progress=progress, policy=seed_folder.policy(),
                    keep_content=False, stats=published.stats)
    changes = dict(frame.group_by("change").len().iter_rows())
    deleted = len(set(published.hashes) - set(frame["source_file"].to_list()))
    yield dg.Output(
        frame,
        metadata={
            "dagster/row_count": frame.height,
            "seeds_dir": str(root),
            **announced,
            "warehouse": str(warehouse),
            "added": changes.get("added", 0),
            "changed": changes.get("changed", 0),
            "unchanged": changes.get("unchanged", 0),
            "deleted": deleted,
            "unreadable": frame.filter(pl.col("read_error").is_not_null()).height,
            **progress.finish(),
            "new_and_changed": frame_table(frame.filter(pl.col("change") != "unchanged"),
                                           ["source_file", "change", "size_bytes", "read_error"]),
        },
    )
    yield pandera_check_result(RawFiles, frame, "raw_seed_files")


def begin_run(context: dg.AssetExecutionContext) -> dict[str, object]:
    """What a run's first step does first. Log every effective setting, and warn of variables
    that look like a misspelt one; the same as run metadata. A setting that is not allowed stops
    the run here, before anything is read or written, with one line per setting. Then tag the
    run with its machine and mark failed the runs whose process is gone (``dead_runs``)."""
    effective = settings.effective()
    context.log.info("settings: " + ", ".join(f"{name}={shown}" for name, shown in effective.items()))
    values, problems = settings.load()
    if problems:
        raise run_failure(context, "settings not allowed, nothing was run: " + "; ".join(problems))
    if values.PIPELINE_WORKERS > machine_workers():
        context.log.warning(f"PIPELINE_WORKERS={values.PIPELINE_WORKERS} is more than the {machine_workers()} "
                            f"cores this process may use: {machine_workers()} worker processes")
    warning = settings.misspelt_warning()
    if warning:
        context.log.warning(warning)
    begin_run_here(context)
    table = "| setting | value |\n|---|---|\n" + "".join(f"| {n} | `{v}` |\n" for n, v in effective.items())
    return {"settings": dg.MetadataValue.md(table), "misspelt_settings": warning or "none"}
