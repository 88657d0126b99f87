"""Claims: the same number stated in several documents (GUIDELINES.md "Claims").

Belongs here: grouping published facts into claims and deciding whether each is stated by
one document (``single``), agreed on (``corroborated``) or contradicted (``conflict``).
Pure polars over the published tables' columns; no Dagster, no DuckDB.

A claim's key is subject, metric, aspect, topic, unit and year (the period the engine knows
so far: an empty one agrees only with an empty one, GUIDELINES "Claims"). The aspect says
which stage a supply share is of (mining, processing, reserves, capacity; read from the cue
that chose the metric, ``metrics.yaml`` ``aspects``), so China's 60 % of rare-earth mining
and its 90 % of refining are two claims, not a contradiction. A fact that cannot be compared
with another document's stands alone, a claim of its own: one without a subject, or with a
metric of ``claims_stand_alone`` (``vocabulary.yaml``: the catch-alls, and growth, whose
"what grew" is not recorded yet). Empty aspect or topic are values of the key like any other.
"""

from __future__ import annotations

import hashlib

import polars as pl

from pipelines.extract.lexicon import load_lexicon
from pipelines.vocabulary import CLAIMS_STAND_ALONE

KEY = ("subject", "metric", "aspect", "topic", "unit")
# How far a stated value reaches by its qualifier (GUIDELINES.md "Claims"): exact ±0.5 %,
# approx ±10 %; over and under are open on one side, up_to is at most the value.
TOLERANCE = {"exact": 0.005, "approx": 0.10}
FACT_COLUMNS = ("fact_id", "doc_id", "subject", "metric", "topic", "unit", "year", "value", "value_high", "qualifier",
                "value_usd", "value_high_usd", "metric_cue")


def aspect_table() -> pl.DataFrame:
    """(metric, cue, aspect) for every cue that names an aspect, cues lower-cased."""
    rows = [(metric, cue, aspect) for metric, table in load_lexicon().aspects.items() for cue, aspect in table.items()]
    return pl.DataFrame(rows, schema={"metric": pl.String, "cue": pl.String, "aspect": pl.String}, orient="row")


def with_intervals(facts: pl.DataFrame) -> pl.DataFrame:
    """The facts with ``interval_low`` and ``interval_high``: what their value and qualifier
    allow; null where the interval is open (over: no upper end; under, up_to: no lower end)."""
    value, high, qualifier = pl.col("value"), pl.col("value_high"), pl.col("qualifier")
    tolerance = qualifier.replace_strict(TOLERANCE, default=0.0, return_dtype=pl.Float64)
    low = (pl.when(qualifier.is_in(["under", "up_to"])).then(None)
           .otherwise(value - value.abs() * tolerance))
    high_end = (pl.when(qualifier == "over").then(None)
                .otherwise(high + high.abs() * tolerance))
    return facts.with_columns(low.cast(pl.Float64).alias("interval_low"), high_end.cast(pl.Float64).alias("interval_high"))


def _claim_id(key: tuple) -> str:
    text = "\x1f".join("\x00" if part is None else str(part) for part in key)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def memberships(facts: pl.DataFrame) -> pl.DataFrame:
    """One row per (claim, fact): the fact's key, the claim's year, its interval."""
    aspects = aspect_table()
    keyed = (with_intervals(facts.select(FACT_COLUMNS))
             .with_columns(pl.col("metric_cue").str.to_lowercase().alias("cue"))
             .join(aspects, on=["metric", "cue"], how="left")
             .drop("cue"))
    stands_alone = pl.col("subject").is_null() | pl.col("metric").is_in(list(CLAIMS_STAND_ALONE))
    members = keyed.with_columns(pl.col("year").alias("claim_year"),
                                 pl.when(stands_alone).then(pl.col("fact_id")).alias("alone"))
    # One digest per claim, not per member: millions of members state thousands of claims.
    group = [*KEY, "claim_year", "alone"]
    keys = members.select(group).unique()
    ids = keys.with_columns(pl.Series("claim_id", [_claim_id(key) for key in keys.iter_rows()], dtype=pl.String))
    return members.join(ids, on=group, how="left", nulls_equal=True, maintain_order="left").drop("alone")


def _statuses(members: pl.DataFrame) -> pl.DataFrame:
    """claim_id -> status. Two facts of different documents conflict when their intervals do
    not meet: some document's lowest upper end lies below another's highest lower end."""
    per_doc = (members.group_by("claim_id", "doc_id")
               .agg(pl.col("interval_high").fill_null(float("inf")).min().alias("top"),
                    pl.col("interval_low").fill_null(float("-inf")).max().alias("bottom")))
    statuses = []
    for claim_id, docs in per_doc.group_by("claim_id"):
        if docs.height == 1:
            statuses.append((claim_id[0], "single"))
            continue
        # The document with the lowest top against the highest bottom of any other document
        # (the first two of each order are all that is read: a claim may have 100,000 documents).
        by_top = docs.sort("top").head(2).rows(named=True)
        by_bottom = docs.sort("bottom", descending=True).head(2).rows(named=True)
        lowest, highest = by_top[0], by_bottom[0]
        if lowest["doc_id"] != highest["doc_id"]:
            conflict = lowest["top"] < highest["bottom"]
        else:  # the same document holds both extremes: compare each with the other's runner-up
            conflict = by_top[1]["top"] < highest["bottom"] or lowest["top"] < by_bottom[1]["bottom"]
        statuses.append((claim_id[0], "conflict" if conflict else "corroborated"))
    return pl.DataFrame(statuses, schema={"claim_id": pl.String, "status": pl.String}, orient="row")


def build_claims(facts: pl.DataFrame, documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(claims, claim_facts) from the published facts and documents (doc_id, language,
    published_at), in the columns of ``schema.tables.Claims`` and ``ClaimFacts``."""
    members = memberships(facts).join(documents.select("doc_id", "language", "published_at"), on="doc_id", how="left")
    claims = (members.group_by("claim_id")
              .agg(*(pl.col(c).first() for c in KEY), pl.col("claim_year").first().alias("year"),
                   pl.col("fact_id").n_unique().cast(pl.Int32).alias("facts"),
                   pl.col("doc_id").n_unique().cast(pl.Int32).alias("documents"),
                   pl.col("language").n_unique().cast(pl.Int32).alias("languages"),
                   pl.col("value").min().alias("value_low"), pl.col("value_high").max().alias("value_high"),
                   pl.col("value_usd").min().alias("value_low_usd"),
                   pl.col("value_high_usd").max().alias("value_high_usd"),
                   pl.col("published_at").min().alias("first_published"),
                   pl.col("published_at").max().alias("last_published"))
              .join(_statuses(members), on="claim_id")
              .sort("claim_id"))
    claim_facts = (members.select("claim_id", "fact_id", "doc_id", "interval_low", "interval_high")
                   .sort("claim_id", "fact_id"))
    return claims, claim_facts
