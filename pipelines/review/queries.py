"""What the review site reads from the published warehouse, each query as small as its page
needs: the work is DuckDB's, so a site over 100,000 documents never holds every fact in
Python. A document page's signature (DuckDB's hash of its row, the XOR of its facts' row
hashes and the XOR of the hashes of its facts' claim links with their status: order-free,
and no fact or link repeats) is computed here too, so unchanged pages are found without
reading their facts; two grouped scans, no join of every fact with its claims. A DuckDB
upgrade that changes ``hash`` renders every page once.
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.warehouse.published import query_frame

DOCUMENT_COLUMNS = ("doc_id, source_file, content_sha256, title, author, publisher, url, published_at, saved_at, "
                    "language, parse_warnings")
# What a document page shows of a fact (the marks, the cards, the tooltips): a page's facts
# are read, handed to a worker and made into views 100,000 pages at a time, and the other
# columns (the sentence above all) were half the bytes.
FACT_SHOWN = ("fact_id, doc_id, start_char, end_char, text, quantity_kind, value, value_high, unit, value_usd, "
              "value_high_usd, qualifier, category, subject, metric, topic, year, subject_text, subject_start, "
              "subject_end, metric_cue, metric_cue_start, metric_cue_end")
CLAIM_SHOWN = "c.claim_id, c.status, c.subject, c.metric, c.aspect, c.topic, c.year"  # what claim_label needs
STATUS_RANK = "CASE status WHEN 'conflict' THEN 0 WHEN 'corroborated' THEN 1 ELSE 2 END"
CLAIM_ORDER = (f"{STATUS_RANK}, documents DESC, facts DESC, subject, metric, aspect NULLS FIRST, "
               "topic NULLS FIRST, year NULLS FIRST, claim_id")

_DOCUMENTS = f"""
WITH per_doc AS (
    SELECT doc_id, count(*) AS fact_count, bit_xor(hash(f)) AS facts_hash FROM numeric_facts f GROUP BY doc_id),
links AS (
    SELECT cf.doc_id, bit_xor(hash(cf.fact_id, cf.claim_id, c.status)) AS claims_hash,
           count(DISTINCT cf.fact_id) FILTER (WHERE c.status <> 'single') AS shared
    FROM claim_facts cf JOIN claims c USING (claim_id) GROUP BY cf.doc_id)
SELECT d.*, coalesce(p.fact_count, 0) AS fact_count, coalesce(l.shared, 0) AS facts_in_shared_claims,
       hash(d)::VARCHAR || ':' || coalesce(p.fact_count, 0) || ':' || coalesce(p.facts_hash, 0)::VARCHAR || ':'
           || coalesce(l.claims_hash, 0)::VARCHAR AS signature
FROM (SELECT {DOCUMENT_COLUMNS} FROM documents) d LEFT JOIN per_doc p USING (doc_id) LEFT JOIN links l USING (doc_id)
"""


class WarehouseRows:
    """Queries over one open connection to a warehouse (or any database with its tables)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def _frame(self, sql: str, params: list[object] | None = None) -> pl.DataFrame:
        return query_frame(self.con, sql, params)

    def documents(self) -> pl.DataFrame:
        """Every document (no body) with its fact count, facts in shared claims and page signature."""
        return self._frame(_DOCUMENTS)

    def fact_total(self) -> int:
        return self.con.execute("SELECT count(*) FROM numeric_facts").fetchall()[0][0]

    def claim_statuses(self) -> dict[str, int]:
        return dict(self.con.execute("SELECT status, count(*) FROM claims GROUP BY status").fetchall())

    def listed_claims(self, limit: int) -> pl.DataFrame:
        """Claims stated by several documents, conflicts first, then by documents and facts."""
        return self._frame(f"SELECT * FROM claims WHERE status <> 'single' ORDER BY {CLAIM_ORDER} LIMIT ?", [limit])

    def claim_members(self, claim_ids: list[str], per_claim: int) -> pl.DataFrame:
        """The first ``per_claim`` facts of each claim by publication date, with how many it has."""
        return self._frame("""
            SELECT * EXCLUDE (rank) FROM (
                SELECT cf.*, d.published_at, f.start_char,
                       row_number() OVER (PARTITION BY cf.claim_id
                                          ORDER BY d.published_at NULLS LAST, cf.doc_id, f.start_char) AS rank,
                       count(*) OVER (PARTITION BY cf.claim_id) AS claim_facts_total
                FROM claim_facts cf JOIN documents d USING (doc_id) JOIN numeric_facts f USING (fact_id)
                WHERE cf.claim_id IN (SELECT unnest(?::VARCHAR[])))
            WHERE rank <= ? ORDER BY claim_id, published_at NULLS LAST, doc_id, start_char""", [claim_ids, per_claim])

    def claim_days(self, claim_ids: list[str]) -> pl.DataFrame:
        """Each claim's lowest and highest value per publication day."""
        return self._frame("""
            SELECT cf.claim_id, date_trunc('day', d.published_at) AS day, min(f.value) AS low,
                   max(coalesce(f.value_high, f.value)) AS high
            FROM claim_facts cf JOIN documents d USING (doc_id) JOIN numeric_facts f USING (fact_id)
            WHERE cf.claim_id IN (SELECT unnest(?::VARCHAR[])) AND d.published_at IS NOT NULL
            GROUP BY ALL ORDER BY cf.claim_id, day""", [claim_ids])

    def category_counts(self) -> list[tuple[str, int]]:
        return self.con.execute("SELECT category, count(*) FROM numeric_facts GROUP BY category").fetchall()

    def quarantine(self) -> pl.DataFrame:
        return self._frame("SELECT source_file, stage, reason, detected_at FROM quarantine ORDER BY source_file")

    def facts_of_documents(self, doc_ids: list[str], within: int) -> pl.DataFrame:
        """What a document page shows of its facts (``FACT_SHOWN``), by document and position:
        those in its first ``within`` characters."""
        return self._frame(f"SELECT {FACT_SHOWN} FROM numeric_facts WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) "
                           "AND end_char <= ? ORDER BY doc_id, start_char", [doc_ids, within])

    def facts(self, fact_ids: list[str]) -> pl.DataFrame:
        return self._frame("SELECT * FROM numeric_facts WHERE fact_id IN (SELECT unnest(?::VARCHAR[]))", [fact_ids])

    def claims_of_facts(self, fact_ids: list[str]) -> pl.DataFrame:
        """(fact_id, and what a page shows of the claim) for every claim some facts state."""
        return self._claims_stated("fact_id", fact_ids)

    def claims_of_documents(self, doc_ids: list[str]) -> pl.DataFrame:
        """(fact_id, and what a page shows of the claim) for every claim the documents' facts state."""
        return self._claims_stated("doc_id", doc_ids)

    def _claims_stated(self, key: str, ids: list[str]) -> pl.DataFrame:
        return self._frame(f"""SELECT cf.fact_id, {CLAIM_SHOWN} FROM claim_facts cf JOIN claims c USING (claim_id)
                               WHERE cf.{key} IN (SELECT unnest(?::VARCHAR[])) ORDER BY cf.fact_id, c.claim_id""",
                           [ids])

    def bodies(self, doc_ids: list[str], within: int) -> pl.DataFrame:
        """doc_id, the first ``within`` characters of each body, and the body's whole length."""
        return self._frame("SELECT doc_id, left(body, ?) AS body, length(body) AS body_chars FROM documents "
                           "WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [within, doc_ids])
