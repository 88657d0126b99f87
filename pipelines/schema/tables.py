"""The Pandera models: the one definition of every hop's columns.

Belongs here: column names, types, nullability, keys, allowed values and row rules of
each frame the pipeline passes on (raw files, documents, numeric facts, quarantine).
The DuckDB DDL (``ddl.py`` -> ``sql/ddl``) and the Dagster catalog schemas are generated
from these classes; a test fails if the committed DDL drifts from them.

``Config.metadata`` names the warehouse table and its primary key; a field's
``metadata={"references": "table.column"}`` declares a foreign key.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from pipelines.vocabulary import (  # the one registry of closed lists
    CATEGORIES_BY_KIND,
    ENTITY_TYPES,
    KIND_OF_METRIC,
    LANGUAGES,
    METRICS,
    QUALIFIERS,
    QUANTITY_KINDS,
    TOPICS,
    UNITS_BY_KIND,
    category_of,
)

FORMATS = ["markdown", "plain_text", "blog", "news", "text", "html", "pdf"]
STAGES = ["read", "parse", "extract"]
CHANGES = ["added", "changed", "unchanged"]


class RawFiles(pa.DataFrameModel):
    """Every file under the seeds folder, as bytes: the first hop."""

    source_file: str = pa.Field(unique=True, description="Path relative to the seeds folder, POSIX form")
    content_sha256: str = pa.Field(nullable=True, str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the bytes")
    size_bytes: int = pa.Field(nullable=True, ge=0, description="File size in bytes")
    content: pl.Binary = pa.Field(nullable=True, description="The file's bytes when kept; null when it could not "
                                  "be read, or the hop hands files on by path")
    read_error: str = pa.Field(nullable=True, description="Why the file could not be read, if it could not")
    change: str = pa.Field(isin=CHANGES, description="Against the published warehouse: added, changed or unchanged "
                           "(same bytes, same pipeline version: not read again, its rows are carried over)")

    class Config:
        strict = True
        coerce = True
        metadata = {"table": None, "primary_key": ["source_file"]}


class Documents(pa.DataFrameModel):
    """One row per parsed article: header fields, cleaned body, languages, page metrics."""

    doc_id: str = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$", description="Stable key: a hash of source_file")
    source_file: str = pa.Field(unique=True, description="Path relative to the seeds folder, POSIX form")
    content_sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the file's bytes")
    format: str = pa.Field(isin=FORMATS, description="File shape: markdown, plain_text, blog, news, text, html (a "
                           "saved web page) or pdf")
    title: str = pa.Field(description="Article title")
    author: str = pa.Field(nullable=True, description="Author, when the file names one")
    publisher: str = pa.Field(nullable=True, description="Publisher or site, when the file names one")
    editor: str = pa.Field(nullable=True, description="Responsible editor (news pages)")
    url: str = pa.Field(nullable=True, description="Original address of the article")
    source_id: str = pa.Field(nullable=True, description="The clipper's own id of the article (front matter id)")
    published_at: pl.Datetime = pa.Field(nullable=True, description="Publication time as written (no time zone)")
    saved_at: pl.Datetime = pa.Field(nullable=True, description="When the article was clipped (no time zone)")
    language: str = pa.Field(isin=LANGUAGES, description="Language of the body: zh-Hans, zh-Hant, en or und")
    title_language: str = pa.Field(isin=LANGUAGES, description="Language of the title (may differ from the body)")
    body: str = pa.Field(str_length={"min_value": 1}, description="Cleaned body text; fact offsets point into it")
    related_headlines: str = pa.Field(nullable=True, description="Related-links list of news pages, one per line")
    followers_count: int = pa.Field(nullable=True, ge=0, description="Page chrome: followers of the question")
    views_count: int = pa.Field(nullable=True, ge=0, description="Page chrome: view counter")
    upvotes_count: int = pa.Field(nullable=True, ge=0, description="Page chrome: upvotes, summed over the answers")
    comments_count: int = pa.Field(nullable=True, ge=0, description="Page chrome: comment counter")
    parse_warnings: str = pa.Field(nullable=True, description="What was repaired while reading the file (invalid bytes "
                                   "replaced, an impossible date or a non-text header value left empty), '; '-separated")
    pipeline_version: str = pa.Field(description="Version of the parser and extractor that made this row and its facts")
    # Appended: dashboards rely on the order above.
    file_size_bytes: int = pa.Field(nullable=True, ge=0, description="Size of the file when it was read, in bytes")
    file_modified_at: pl.Datetime = pa.Field(nullable=True, description="The file's modification time (UTC) when it "
                                             "was read; a run whose listing shows the same size and time does not read "
                                             "the file again. Empty when it had changed too recently to trust")

    class Config:
        strict = True
        coerce = True
        metadata = {"table": "documents", "primary_key": ["doc_id"]}


class NumericFacts(pa.DataFrameModel):
    """One row per numeric fact (GUIDELINES.md), grounded in a span of its document's body."""

    fact_id: str = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$", description="Stable key: hash of doc and span")
    doc_id: str = pa.Field(description="The document", metadata={"references": "documents.doc_id"})
    quantity_kind: str = pa.Field(isin=QUANTITY_KINDS, description="money, percent, people or multiple")
    value: float = pa.Field(description="Normalised value (low end of a range), in `unit`")
    value_high: float = pa.Field(description="High end of a range; equals value for a single number")
    unit: str = pa.Field(description="ISO 4217 code for money, % for percent, persons, x for multiple")
    category: str = pa.Field(
        isin=sorted({c for cs in CATEGORIES_BY_KIND.values() for c in cs}), description="What the quantity measures"
    )
    qualifier: str = pa.Field(isin=QUALIFIERS, description="exact, approx, over, under or up_to")
    year: pl.Int32 = pa.Field(nullable=True, ge=1900, le=2100, description="Year the quantity refers to: named in "
                              "its sentence, else a relative year (去年, this year) resolved against the publication date")
    text: str = pa.Field(str_length={"min_value": 1}, description="The exact span of the body")
    start_char: int = pa.Field(ge=0, description="Start of the span in body, in code points (0-based)")
    end_char: int = pa.Field(ge=1, description="End of the span in body, exclusive")
    sentence: str = pa.Field(description="The sentence around the span")
    extractor_version: str = pa.Field(description="Version of the engine and lexicons that found the fact")
    # What the fact is about (GUIDELINES.md "What a fact is about"); appended: dashboards rely on the order above.
    subject: str = pa.Field(nullable=True, description="Whose quantity: the owning entity's canonical English name "
                            "(entities.name), empty when the text names no owner or it is a world total")
    metric: str = pa.Field(isin=list(METRICS), description=f"What is measured (one of {len(METRICS)}, pipelines/vocabulary/vocabulary.yaml); category is its roll-up")
    topic: str = pa.Field(nullable=True, isin=list(TOPICS), description="The goods, technology or sector, if named")
    value_usd: float = pa.Field(nullable=True, description="Money: value in US dollars at the annual average rate "
                                "of fx_rate_date's year; empty for other kinds or a currency without a rate")
    value_high_usd: float = pa.Field(nullable=True, description="Money: value_high in US dollars")
    fx_rate_date: pl.Date = pa.Field(nullable=True, description="Last day covered by the annual average rate used "
                                     "(fx_rates.rate_date); empty for USD and non-money")
    subject_text: str = pa.Field(nullable=True, description="The words of the body that named the subject")
    subject_start: int = pa.Field(nullable=True, ge=0, description="Start of subject_text in body")
    subject_end: int = pa.Field(nullable=True, ge=1, description="End of subject_text in body, exclusive")
    metric_cue: str = pa.Field(nullable=True, description="The words of the body that chose the metric; "
                               "empty when the kind's default applied")
    metric_cue_start: int = pa.Field(nullable=True, ge=0, description="Start of metric_cue in body")
    metric_cue_end: int = pa.Field(nullable=True, ge=1, description="End of metric_cue in body, exclusive")

    class Config:
        strict = True
        coerce = True
        metadata = {"table": "numeric_facts", "primary_key": ["fact_id"]}

    @pa.dataframe_check(error="metric must be a metric of quantity_kind, and category its roll-up")
    def metric_fits_kind_and_category(cls, data: pa.PolarsData) -> pl.LazyFrame:
        kind = pl.col("metric").replace_strict(dict(KIND_OF_METRIC), default=None)
        roll_up = pl.col("metric").replace_strict({m: category_of(m) for m in METRICS}, default=None)
        return data.lazyframe.select(((kind == pl.col("quantity_kind")) & (roll_up == pl.col("category"))).fill_null(False))

    @pa.dataframe_check(error="value_usd and value_high_usd are for money only, both or neither, finite and ordered")
    def usd_only_for_money(cls, data: pa.PolarsData) -> pl.LazyFrame:
        usd, high = pl.col("value_usd"), pl.col("value_high_usd")
        converted = (pl.col("quantity_kind") == "money") & usd.is_finite() & high.is_finite() & (high >= usd)
        return data.lazyframe.select((usd.is_null() & high.is_null()) | converted.fill_null(False))

    @pa.dataframe_check(error="fx_rate_date only with a value_usd (and none for US dollars)")
    def rate_date_needs_usd(cls, data: pa.PolarsData) -> pl.LazyFrame:
        date = pl.col("fx_rate_date")
        return data.lazyframe.select(date.is_null() | (pl.col("value_usd").is_not_null() & (pl.col("unit") != "USD")))

    @pa.dataframe_check(error="subject_text and metric_cue must be as long as their spans (text, start, end: all or none)")
    def evidence_fits_spans(cls, data: pa.PolarsData) -> pl.LazyFrame:
        def fits(text: str, start: str, end: str) -> pl.Expr:
            given = [pl.col(c).is_not_null() for c in (text, start, end)]
            length = (pl.col(end) - pl.col(start)) == pl.col(text).str.len_chars()
            return (~given[0] & ~given[1] & ~given[2]) | (given[0] & given[1] & given[2] & length).fill_null(False)
        return data.lazyframe.select(fits("subject_text", "subject_start", "subject_end")
                                     & fits("metric_cue", "metric_cue_start", "metric_cue_end"))

    @pa.dataframe_check(error="value and value_high must be finite numbers")
    def values_are_finite(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("value").is_finite() & pl.col("value_high").is_finite())

    @pa.dataframe_check(error="value_high must not be below value")
    def range_is_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("value_high") >= pl.col("value"))

    @pa.dataframe_check(error="end_char - start_char must equal the length of text")
    def span_fits_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("end_char") - pl.col("start_char")) == pl.col("text").str.len_chars())

    @pa.dataframe_check(error="unit must fit quantity_kind (ISO 4217 code for money)")
    def unit_fits_kind(cls, data: pa.PolarsData) -> pl.LazyFrame:
        expected = pl.col("quantity_kind").replace_strict(UNITS_BY_KIND, default=None)
        money_code = (pl.col("quantity_kind") == "money") & pl.col("unit").str.contains(r"^[A-Z]{3}$")
        return data.lazyframe.select(money_code | (pl.col("unit") == expected).fill_null(False))

    @pa.dataframe_check(error="category must be one of quantity_kind's categories")
    def category_fits_kind(cls, data: pa.PolarsData) -> pl.LazyFrame:
        pairs = [f"{k}/{c}" for k, cs in CATEGORIES_BY_KIND.items() for c in cs]
        return data.lazyframe.select(
            pl.concat_str([pl.col("quantity_kind"), pl.lit("/"), pl.col("category")]).is_in(pairs)
        )


class Quarantine(pa.DataFrameModel):
    """Files that could not become documents or facts, with the reason; kept, never dropped."""

    source_file: str = pa.Field(unique=True, description="Path relative to the seeds folder, POSIX form")
    content_sha256: str = pa.Field(nullable=True, description="SHA-256 of the bytes, null if they could not be read")
    stage: str = pa.Field(isin=STAGES, description="Where it failed: read, parse or extract")
    reason: str = pa.Field(str_length={"min_value": 1}, description="What is wrong with the file")
    detected_at: pl.Datetime = pa.Field(description="When this failure of this content was first seen (UTC)")
    pipeline_version: str = pa.Field(description="Version of the parser and extractor that rejected the file")

    class Config:
        strict = True
        coerce = True
        metadata = {"table": "quarantine", "primary_key": ["source_file"]}


class Entities(pa.DataFrameModel):
    """Every entity a fact's subject can name, with its names in the three scripts."""

    name: str = pa.Field(unique=True, description="Canonical English name: the English Wikipedia title")
    type: str = pa.Field(isin=list(ENTITY_TYPES), description="country, region, company or organisation")
    iso_code: str = pa.Field(nullable=True, description="ISO 3166 code of a country or region (names from CLDR)")
    aliases_en: pl.List(pl.Utf8) = pa.Field(description="English names and forms matched in text")
    aliases_zh_hans: pl.List(pl.Utf8) = pa.Field(description="Simplified Chinese names matched in text")
    aliases_zh_hant: pl.List(pl.Utf8) = pa.Field(description="Traditional Chinese names matched in text")

    class Config:
        strict = True
        coerce = True
        metadata = {"table": "entities", "primary_key": ["name"]}


class FxRates(pa.DataFrameModel):
    """The annual average exchange rates that value_usd uses, with their source."""

    currency: str = pa.Field(str_matches=r"^[A-Z]{3}$", description="ISO 4217 code")
    year: pl.Int32 = pa.Field(ge=1999, le=2100, description="Calendar year the rate averages")
    usd_per_unit: float = pa.Field(gt=0, description="US dollars per unit of the currency (annual average)")
    rate_date: pl.Date = pa.Field(description="Last day the average covers")
    days: pl.Int32 = pa.Field(nullable=True, ge=1, description="Daily rates averaged; empty for a published annual average")
    source: str = pa.Field(description="Where the rate comes from")

    class Config:
        strict = True
        coerce = True
        metadata = {"table": "fx_rates", "primary_key": ["currency", "year"]}


CLAIM_STATUSES = ["single", "corroborated", "conflict"]


class Claims(pa.DataFrameModel):
    """One row per claim (GUIDELINES.md "Claims"): facts of one subject, metric, aspect, topic,
    unit and year, with how many documents state it and whether they agree."""

    claim_id: str = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$", description="Stable key: hash of the claim key")
    subject: str = pa.Field(nullable=True, description="Claim key: whose figure (entities.name), empty for none")
    metric: str = pa.Field(isin=list(METRICS), description="Claim key: what is measured")
    aspect: str = pa.Field(nullable=True, description="Claim key: the stage a supply share is of (production, "
                           "processing, reserves, capacity; from the cue that chose the metric), empty for others")
    topic: str = pa.Field(nullable=True, isin=list(TOPICS), description="Claim key: the goods or sector, if named")
    unit: str = pa.Field(description="Claim key: the facts' unit (ISO 4217 code, %, persons, x)")
    year: pl.Int32 = pa.Field(nullable=True, ge=1900, le=2100, description="Claim key: the year stated; facts "
                              "without a year belong to every dated claim of their key")
    facts: pl.Int32 = pa.Field(ge=1, description="Facts that state the claim")
    documents: pl.Int32 = pa.Field(ge=1, description="Distinct documents that state it (repeats in one count once)")
    languages: pl.Int32 = pa.Field(ge=1, description="Distinct languages of those documents")
    value_low: float = pa.Field(description="Lowest value stated, in unit")
    value_high: float = pa.Field(description="Highest value stated (a range's high end), in unit")
    value_low_usd: float = pa.Field(nullable=True, description="Money: lowest value in US dollars")
    value_high_usd: float = pa.Field(nullable=True, description="Money: highest value in US dollars")
    first_published: pl.Datetime = pa.Field(nullable=True, description="Earliest publication date of its documents")
    last_published: pl.Datetime = pa.Field(nullable=True, description="Latest publication date of its documents")
    status: str = pa.Field(isin=CLAIM_STATUSES, description="single: one document; corroborated: the documents' "
                           "intervals meet; conflict: two documents' intervals do not (GUIDELINES.md)")

    class Config:
        strict = True
        coerce = True
        metadata = {"table": "claims", "primary_key": ["claim_id"]}

    @pa.dataframe_check(error="a claim stated by one document is single, and a single claim has one document")
    def single_means_one_document(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("status") == "single") == (pl.col("documents") == 1))

    @pa.dataframe_check(error="documents cannot exceed facts, languages cannot exceed documents")
    def counts_are_nested(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("documents") <= pl.col("facts")) & (pl.col("languages") <= pl.col("documents")))


class ClaimFacts(pa.DataFrameModel):
    """Which facts state which claim, with the interval each fact's value and qualifier allow."""

    claim_id: str = pa.Field(description="The claim", metadata={"references": "claims.claim_id"})
    fact_id: str = pa.Field(description="A fact that states it", metadata={"references": "numeric_facts.fact_id"})
    doc_id: str = pa.Field(description="The fact's document", metadata={"references": "documents.doc_id"})
    interval_low: float = pa.Field(nullable=True, description="Lowest value the fact allows (exact -0.5 %, approx "
                                   "-10 %); empty when open below (under, up_to)")
    interval_high: float = pa.Field(nullable=True, description="Highest value the fact allows; empty when open "
                                    "above (over)")

    class Config:
        strict = True
        coerce = True
        metadata = {"table": "claim_facts", "primary_key": ["claim_id", "fact_id"]}


PUBLISH_HOWS = ["new_file", "delta"]


class Publishes(pa.DataFrameModel):
    """One row per publish of this warehouse file, the newest last: what made the file, from which
    folder, and the modification time it left the file with. A run reads the newest row to know
    what the file is (the state lives in the warehouse, not in Dagster's run history)."""

    publish_id: str = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$", description="Key of the publish")
    publish_number: int = pa.Field(ge=1, unique=True, description="1 for the file's first publish, then one more "
                                   "for each: the newest is the highest (times can tie within a second)")
    published_at: pl.Datetime = pa.Field(description="When the publish built the file (UTC)")
    run_id: str = pa.Field(nullable=True, description="The Dagster run that published, empty outside Dagster")
    seeds_dir: str = pa.Field(description="The folder the documents were read from (absolute path)")
    pipeline_version: str = pa.Field(description="Version of the parser and extractor")
    warehouse_fingerprint: str = pa.Field(str_matches=r"^[0-9a-f]{16}$", description="The warehouse code that "
                                          "wrote the file: pipeline version, storage version, SQL, schema, claims")
    file_modified_ns: int = pa.Field(description="The modification time (ns since the epoch) the publish gave the "
                                     "file; another time on disk means another process wrote to it since")
    how: str = pa.Field(isin=PUBLISH_HOWS, description="new_file: every row written into a new file; delta: the "
                        "change applied to a copy of the published file")
    documents_total: int = pa.Field(ge=0, description="Documents the file holds after this publish")
    facts_total: int = pa.Field(ge=0, description="Numeric facts the file holds after this publish")
    files_carried: int = pa.Field(ge=0, description="Unchanged files whose rows were kept, not made again")
    documents_dropped: int = pa.Field(ge=0, description="Documents the file held before and no longer does")

    class Config:
        strict = True
        coerce = True
        metadata = {"table": "publishes", "primary_key": ["publish_id"]}


PUBLISHED_MODELS = (Documents, NumericFacts, Quarantine, Entities, FxRates, Claims, ClaimFacts, Publishes)
REFERENCE_MODELS = (Entities, FxRates)  # made from the lexicons and rate data, not from the seeds
DERIVED_MODELS = (Claims, ClaimFacts)  # made from the published facts in the publish transaction
STATE_MODELS = (Publishes,)  # what the file knows of its own publishes
