"""Check that every fact's text is its document body's span, in time linear in the data.

Why not SQL or a polars expression: both store text as UTF-8, so taking the code points
start..end walks the body from its start for every fact, which costs facts x body length
(minutes for one long document with many facts). A Python string is indexed in constant
time, so walking documents and facts together, both ordered by document, reads each body
once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import polars as pl

# (fact_id, doc_id, start_char, end_char, text)
FactSpan = tuple[str, str, int, int, str]
MISMATCH_SCHEMA = {"fact_id": pl.String, "doc_id": pl.String, "start_char": pl.Int64, "end_char": pl.Int64,
                   "text": pl.String, "body_span": pl.String}


def find_span_mismatches(bodies: Iterable[tuple[str, str]], facts: Iterable[FactSpan]) -> Iterator[tuple]:
    """Facts whose text differs from their body's span, or whose document is missing.

    ``bodies`` yields (doc_id, body) and ``facts`` yields ``FactSpan`` rows, both ordered by
    doc_id; each yielded mismatch is a row of ``MISMATCH_SCHEMA`` (body_span None: no document).
    """
    documents = iter(bodies)
    doc_id, body = next(documents, (None, None))
    for fact_id, fact_doc, start, end, text in facts:
        while doc_id is not None and doc_id < fact_doc:
            doc_id, body = next(documents, (None, None))
        if doc_id != fact_doc:
            yield fact_id, fact_doc, start, end, text, None
            continue
        span = body[start:end] if 0 <= start <= end <= len(body) else None
        if span != text:
            yield fact_id, fact_doc, start, end, text, span


def mismatch_frame(mismatches: Iterable[tuple]) -> pl.DataFrame:
    return pl.DataFrame(list(mismatches), schema=MISMATCH_SCHEMA, orient="row")
