"""Raw layer: the files of the seeds folder, as bytes with their hashes."""


import dagster as dg
import polars as pl

from pipelines.checks import pandera_check_result, pandera_check_spec, preview, schema_metadata
from pipelines.hops import raw_hop
from pipelines.resources import SeedFolder
from pipelines.schema.tables import RawFiles


@dg.asset(
    group_name="raw",
    kinds={"polars", "file"},
    description="Every file below SEEDS_DIR (default seeds/), read as bytes with its SHA-256. "
    "Files that cannot be read are kept with the error and quarantined by the next hop.",
    metadata=schema_metadata(RawFiles),
    check_specs=[pandera_check_spec(RawFiles, "raw_seed_files")],
)
def raw_seed_files(seed_folder: SeedFolder):
    frame = raw_hop(seed_folder.root())
    yield dg.Output(
        frame,
        metadata={
            "dagster/row_count": frame.height,
            "seeds_dir": str(seed_folder.root()),
            "total_bytes": int(frame["size_bytes"].fill_null(0).sum()),
            "unreadable": frame.filter(pl.col("read_error").is_not_null()).height,
            "preview": preview(frame, ["source_file", "size_bytes", "content_sha256", "read_error"]),
        },
    )
    yield pandera_check_result(RawFiles, frame, "raw_seed_files")
