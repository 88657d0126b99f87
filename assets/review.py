"""The review site: static HTML pages beside the warehouse (``data/warehouse.review/`` next to
``data/warehouse.duckdb``) that show every published fact highlighted in its document, and
the claims with conflicts first. Rebuilt after every publish from the published file, so
it shows exactly what SQL users and BI tools read; only document pages whose content changed
are rendered again (pipelines/review/site.py), and nothing at all when the published file is
the publish the site was last made from (recorded in the site's own manifest, ``.pages.json``).
The site writes and deletes only the files its manifest lists, and refuses a folder that holds
others or the site of another warehouse.
"""

import dagster as dg

from assets.raw import begin_run
from pipelines.checks import run_failure
from pipelines.memory import return_free_heap
from pipelines.resources import Processing, WarehouseFile
from pipelines.review.site import read_manifest, render_site, renderer_fingerprint, site_folder_problem, write_site
from pipelines.version import pipeline_version
from pipelines.warehouse.publish import published_target
from pipelines.warehouse.published import WarehouseUnavailable, open_published, smaller_memory_limit
from pipelines.warehouse.state import last_publish, written_since


@dg.asset(
    deps=["documents", "numeric_facts", "quarantine", "claims", "claim_facts"],
    group_name="warehouse",
    kinds={"html"},
    owners=["team:chipfacts"],
    code_version=pipeline_version(),
    description="Static HTML review site beside the warehouse (<name>.review/ next to DUCKDB_PATH): one page per "
    "document with every fact highlighted in its text, an index of documents, charts and the quarantine, "
    "and the claims with conflicts first. Open <name>.review/index.html; no server or network needed.",
)
def review_site(context: dg.AssetExecutionContext, warehouse_file: WarehouseFile,
                processing: Processing) -> dg.MaterializeResult:
    selection = context.run.asset_selection
    if selection is not None and dg.AssetKey("raw_seed_files") not in selection:
        begin_run(context)  # the run's first step: say what it runs with
    try:
        # The site's one writer at a time, never while a publish swaps the file: the warehouse's turn.
        with warehouse_file.turn(context):
            return _build_site(context, warehouse_file, processing)
    except WarehouseUnavailable as exc:  # the file cannot be opened, or the turn did not come
        raise run_failure(context, str(exc)) from None


def _build_site(context: dg.AssetExecutionContext, warehouse_file: WarehouseFile,
                processing: Processing) -> dg.MaterializeResult:
    path, folder = warehouse_file.file(), warehouse_file.review_folder()
    target = published_target(path)
    manifest = read_manifest(folder)  # what the site's folder holds, and which publish it shows
    problem = site_folder_problem(folder, str(path), manifest)
    if problem:
        raise run_failure(context, problem)
    return_free_heap()  # what the publish freed, before this step's own peak (a batch of pages and the workers)
    with open_published(path, warehouse_file.lock_wait_seconds,
                        smaller_memory_limit(warehouse_file.memory_limit)) as con:
        if con is None:
            raise run_failure(context, f"no published warehouse at {path}: materialize the warehouse tables first")
        last = last_publish(con)  # the publish this connection reads
        if (last is not None and manifest.publish_id == last.publish_id and not written_since(target, last)
                and manifest.renderer == renderer_fingerprint() and (folder / "index.html").is_file()):
            context.log.info(f"review site {folder}: the warehouse has not changed since it was made, "
                             "nothing to render")
            return dg.MaterializeResult(metadata={
                **_site_links(folder), **_totals(manifest.totals), **last.metadata(), "folder": str(folder),
                "files": len(manifest.files), "document_pages_rendered": 0, "files_rewritten": 0,
                "pages_removed": 0})
        rendered = render_site(con, warehouse=str(path), previous=manifest.pages,
                               workers=processing.worker_count())
        site = write_site(rendered, folder, previous=manifest, warehouse=str(path),
                          publish_id=None if last is None or written_since(target, last) else last.publish_id)
    context.log.info(f"review site {folder}: {site.files} files, {site.rendered} document pages rendered, "
                     f"{site.written} rewritten, {site.removed} removed")
    return dg.MaterializeResult(metadata={
        **_site_links(folder), **_totals(rendered.totals), **(last.metadata() if last else {}),
        "files": site.files, "document_pages_rendered": site.rendered, "files_rewritten": site.written,
        "pages_removed": site.removed, "folder": str(folder),
    })


def _totals(totals) -> dict[str, object]:
    claims = totals.get("claims", {})
    return {"documents": totals.get("documents", 0), "facts": totals.get("facts", 0),
            "conflicting_claims": claims.get("conflict", 0), "corroborated_claims": claims.get("corroborated", 0)}


def _site_links(folder) -> dict[str, object]:
    index = folder / "index.html"
    return {"index": dg.MetadataValue.path(str(index)), "open": dg.MetadataValue.url(index.as_uri())}
