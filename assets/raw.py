"""Raw layer: the files of the seeds folder, hashed and compared with the published warehouse."""

import dagster as dg
import polars as pl

from pipelines.checks import pandera_check_result, pandera_check_spec, preview, schema_metadata
from pipelines.hops import raw_hop
from pipelines.resources import SeedFolder, WarehouseFile
from pipelines.schema.tables import RawFiles
from pipelines.version import pipeline_version
from pipelines.warehouse.publish import published_hashes


@dg.asset(
    group_name="raw",
    kinds={"polars", "file"},
    code_version=pipeline_version(),
    description="Every file below SEEDS_DIR (default seeds/), hashed (SHA-256) and compared with the "
    "published warehouse: new and changed files keep their bytes for the next hop, unchanged ones "
    "(same bytes, same pipeline version) are not read again. Unreadable files are kept with the error.",
    metadata=schema_metadata(RawFiles),
    check_specs=[pandera_check_spec(RawFiles, "raw_seed_files")],
)
def raw_seed_files(seed_folder: SeedFolder, warehouse_file: WarehouseFile):
    known = published_hashes(warehouse_file.file(), pipeline_version())
    frame = raw_hop(seed_folder.root(), known)
    changes = dict(frame.group_by("change").len().iter_rows())
    deleted = sorted(set(known) - set(frame["source_file"].to_list()))
    yield dg.Output(
        frame,
        metadata={
            "dagster/row_count": frame.height,
            "seeds_dir": str(seed_folder.root()),
            "added": changes.get("added", 0),
            "changed": changes.get("changed", 0),
            "unchanged": changes.get("unchanged", 0),
            "deleted": len(deleted),
            "unreadable": frame.filter(pl.col("read_error").is_not_null()).height,
            "preview": preview(frame.filter(pl.col("change") != "unchanged"),
                               ["source_file", "change", "size_bytes", "read_error"]),
        },
    )
    yield pandera_check_result(RawFiles, frame, "raw_seed_files")
