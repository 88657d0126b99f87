"""The review site: static HTML pages beside the warehouse (``data/review/`` next to
``data/warehouse.duckdb``) that show every published fact highlighted in its document, and
the claims with conflicts first. Rebuilt after every publish from the published file, so
it shows exactly what SQL users and BI tools read; only document pages whose content changed
are rendered again (pipelines/review/site.py).
"""

import dagster as dg

from assets.warehouse import WAREHOUSE_POOL
from pipelines.checks import run_failure
from pipelines.resources import Processing, WarehouseFile
from pipelines.review.site import read_manifest, render_site, write_site
from pipelines.version import pipeline_version
from pipelines.warehouse.published import WarehouseUnavailable, open_published


@dg.asset(
    deps=["documents", "numeric_facts", "quarantine", "claims", "claim_facts"],
    group_name="warehouse",
    kinds={"html"},
    owners=["team:chipfacts"],
    code_version=pipeline_version(),
    pool=WAREHOUSE_POOL,  # one site writer at a time, and never while a publish swaps the file
    description="Static HTML review site beside the warehouse (review/ next to DUCKDB_PATH): one page per "
    "document with every fact highlighted in its text, an index of documents, charts and the quarantine, "
    "and the claims with conflicts first. Open review/index.html; no server or network needed.",
)
def review_site(context: dg.AssetExecutionContext, warehouse_file: WarehouseFile,
                processing: Processing) -> dg.MaterializeResult:
    path, folder = warehouse_file.file(), warehouse_file.review_folder()
    try:
        with open_published(path, warehouse_file.lock_wait_seconds) as con:
            if con is None:
                raise run_failure(context, f"no published warehouse at {path}: materialize the warehouse tables first")
            rendered = render_site(con, warehouse=str(path), previous=read_manifest(folder),
                                   workers=processing.worker_count())
            site = write_site(rendered, folder)
    except WarehouseUnavailable as exc:
        raise run_failure(context, str(exc)) from None
    context.log.info(f"review site {folder}: {site.files} files, {site.rendered} document pages rendered, "
                     f"{site.written} rewritten, {site.removed} removed")
    index = folder / "index.html"
    return dg.MaterializeResult(metadata={
        "index": dg.MetadataValue.path(str(index)),
        "open": dg.MetadataValue.url(index.as_uri()),
        "documents": site.documents, "facts": rendered.totals["facts"],
        "conflicting_claims": rendered.totals["claims"]["conflict"],
        "corroborated_claims": rendered.totals["claims"]["corroborated"],
        "files": site.files, "document_pages_rendered": site.rendered, "files_rewritten": site.written,
        "pages_removed": site.removed,
    })
