from __future__ import annotations

import re
import shutil

from pipelines.extract.lexicon import load_lexicon, script_variants
from pipelines.vocabulary import CATEGORIES_BY_KIND, category_of, metrics_of


def test_lexicons_load_and_codes_are_iso():
    lex = load_lexicon()
    assert all(re.fullmatch(r"[A-Z]{3}", c.code) for c in lex.currencies)
    assert len({c.code for c in lex.currencies}) == len(lex.currencies)


def test_both_scripts_are_matched():
    lex = load_lexicon()
    assert lex.currency_after["美元"] == lex.currency_after["美元"] == "USD"
    assert lex.currency_after["韓元"] == "KRW" and lex.currency_after["韩元"] == "KRW"
    assert "億" in lex.zh_big_units and "亿" in lex.zh_big_units and "兩" in lex.zh_digits
    assert "億" in script_variants("亿")


def test_metrics_agree_with_the_vocabulary():
    lex = load_lexicon()
    for kind in CATEGORIES_BY_KIND:
        assert set(lex.metric_names(kind)) <= set(metrics_of(kind)), kind
        assert {category_of(m) for m in lex.metric_names(kind)} <= set(CATEGORIES_BY_KIND[kind]), kind


def test_pipeline_version_changes_with_a_lexicon(tmp_path, monkeypatch):
    from pipelines import version

    assert re.fullmatch(r".+\+[0-9a-f]{12}", version.pipeline_version())
    copy = tmp_path / "pipelines"
    for entry in ("ingest", "extract", "hops.py"):
        source = version._PACKAGE_DIR / entry
        (shutil.copytree if source.is_dir() else shutil.copy)(source, copy / entry)
    monkeypatch.setattr(version, "_PACKAGE_DIR", copy)
    version.pipeline_version.cache_clear()
    same = version.pipeline_version()
    (copy / "extract" / "lexicons" / "qualifiers.yaml").write_text("# edited\n", "utf-8")
    version.pipeline_version.cache_clear()
    edited = version.pipeline_version()
    version.pipeline_version.cache_clear()
    assert same.split("+")[-1] != edited.split("+")[-1]
