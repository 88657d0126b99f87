"""The review site: static HTML pages beside the warehouse (``data/review/`` next to
``data/warehouse.duckdb``) that show every published fact highlighted in its document, and
the claims with conflicts first. Rebuilt after every publish from the published file, so
it shows exactly what SQL users and BI tools read; only document pages whose content changed
are rendered again (pipelines/review/site.py), and nothing at all when the published file is
the one the site was last made from (recorded in the site's materialization metadata).
"""

import dagster as dg

from assets.raw import announce_settings
from assets.warehouse import WAREHOUSE_POOL
from pipelines.checks import latest_metadata, run_failure
from pipelines.memory import return_free_heap
from pipelines.resources import Processing, WarehouseFile
from pipelines.review.site import read_manifest, render_site, renderer_fingerprint, write_site
from pipelines.version import pipeline_version
from pipelines.warehouse.publish import published_target
from pipelines.warehouse.published import WarehouseUnavailable, open_published, smaller_memory_limit
from pipelines.warehouse.state import PublishedFile


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
    selection = context.run.asset_selection
    if selection is not None and dg.AssetKey("raw_seed_files") not in selection:
        announce_settings(context)  # the run's first step: say what it runs with
    path, folder = warehouse_file.file(), warehouse_file.review_folder()
    source = PublishedFile.on_disk(published_target(path))
    previous = latest_metadata(context, context.asset_key)  # which warehouse file the site was last made from
    if (source is not None and previous.get("renderer") == renderer_fingerprint()
            and previous.get("folder") == str(folder) and PublishedFile.from_metadata(previous) == source
            and (folder / "index.html").is_file() and read_manifest(folder)):
        context.log.info(f"review site {folder}: the warehouse has not changed since it was made, nothing to render")
        kept = {key: previous[key] for key in _TOTALS if key in previous}
        return dg.MaterializeResult(metadata={**_site_links(folder), **kept, **source.metadata(),
                                              "renderer": renderer_fingerprint(), "folder": str(folder),
                                              "document_pages_rendered": 0, "files_rewritten": 0, "pages_removed": 0})
    return_free_heap()  # what the publish freed, before this step's own peak (a batch of pages and the workers)
    try:
        with open_published(path, warehouse_file.lock_wait_seconds,
                            smaller_memory_limit(warehouse_file.memory_limit)) as con:
            if con is None:
                raise run_failure(context, f"no published warehouse at {path}: materialize the warehouse tables first")
            source = PublishedFile.on_disk(published_target(path))  # the file this connection reads
            rendered = render_site(con, warehouse=str(path), previous=read_manifest(folder),
                                   workers=processing.worker_count())
            site = write_site(rendered, folder)
    except WarehouseUnavailable as exc:
        raise run_failure(context, str(exc)) from None
    context.log.info(f"review site {folder}: {site.files} files, {site.rendered} document pages rendered, "
                     f"{site.written} rewritten, {site.removed} removed")
    return dg.MaterializeResult(metadata={
        **_site_links(folder),
        "documents": site.documents, "facts": rendered.totals["facts"],
        "conflicting_claims": rendered.totals["claims"]["conflict"],
        "corroborated_claims": rendered.totals["claims"]["corroborated"],
        "files": site.files, "document_pages_rendered": site.rendered, "files_rewritten": site.written,
        "pages_removed": site.removed, "renderer": renderer_fingerprint(), "folder": str(folder),
        **(source.metadata() if source else {}),
    })


_TOTALS = ("documents", "facts", "conflicting_claims", "corroborated_claims", "files")


def _site_links(folder) -> dict[str, object]:
    index = folder / "index.html"
    return {"index": dg.MetadataValue.path(str(index)), "open": dg.MetadataValue.url(index.as_uri())}
