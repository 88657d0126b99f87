"""Run the engine over a gold corpus (a folder of documents plus a gold CSV) and score it.

Documents go through the same parser as the pipeline, so the scores are those of the
warehouse. ``number`` rows (conformance) test the numeral parser: every number the text
holds, unit or not, is offered to them.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pipelines.extract.engine import extract_facts, find_numbers
from pipelines.ingest.records import parse_document
from tests.benchmarks.scoring import Found, Score, load_gold, score_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CONFORMANCE = FIXTURES / "conformance"
SEEDS = FIXTURES / "seeds"  # the annotated seed documents (never the working folder's seeds/)
SEEDS_GOLD = FIXTURES / "gold" / "seeds_gold.csv"
ARTICLES = FIXTURES / "articles"
HELDOUT = FIXTURES / "articles_heldout"
BATCH3 = FIXTURES / "articles_batch3"
BATCH4 = FIXTURES / "articles_batch4"
# Every folder of annotated real articles, by the name reports give it, in the order annotated:
# a new batch is one more entry here.
ARTICLE_FOLDERS = {"articles": ARTICLES, "held-out articles": HELDOUT, "batch 3 articles": BATCH3,
                   "batch 4 articles": BATCH4}


def group_of(file: str) -> str:
    """The file name up to its last '_' (score_facts.py --groups): zh_percent_0004.txt -> zh_percent."""
    return file.rsplit("_", 1)[0]


def engine_found(body: str, language: str | None) -> list[Found]:
    return [Found(f.quantity_kind, float(f.value), float(f.value_high), f.unit, f.category, f.qualifier, f.text,
                  f.subject, f.metric, f.topic)
            for f in extract_facts(body, language)]


def numbers_found(body: str) -> list[Found]:
    return [Found("number", float(n.value), float(n.value), "", text=n.text) for n in find_numbers(body)]


def score_corpus(docs: Path, gold_csv: Path, kinds: frozenset[str], extractor=None,
                 number_extractor=None) -> dict[str, Score]:
    """Scores per file group; ``extractor(body, language) -> list[Found]`` defaults to the
    engine, ``number_extractor(body)`` to its numeral finder."""
    extractor = extractor or engine_found
    number_extractor = number_extractor or numbers_found
    gold = load_gold(gold_csv)
    scores: dict[str, Score] = defaultdict(Score)
    for file, rows in sorted(gold.items()):
        document = parse_document(file, (docs / file).read_bytes())
        if "number" in kinds:
            score_file(number_extractor(document.body), rows, frozenset({"number"}), scores[group_of(file)])
        fact_kinds = kinds - {"number"}
        if fact_kinds and any(r.quantity_kind in fact_kinds for r in rows):
            score_file(extractor(document.body, document.language), rows, fact_kinds, scores[group_of(file)])
    return dict(scores)


def total(scores: dict[str, Score]) -> Score:
    out = Score()
    for s in scores.values():
        out.tp, out.fp, out.fn = out.tp + s.tp, out.fp + s.fp, out.fn + s.fn
        out.category_ok += s.category_ok
        out.qualifier_ok += s.qualifier_ok
        out.misses += s.misses
        out.false_positives += s.false_positives
        out.wrong_labels += s.wrong_labels
        out.wrong_about += s.wrong_about
        for name, n in s.about_n.items():
            out.about_n[name] = out.about_n.get(name, 0) + n
            out.about_ok[name] = out.about_ok.get(name, 0) + s.about_ok.get(name, 0)
    return out
