"""The sentence each fact stores: the original text around it, at most MAX_SENTENCE_CHARS long."""

from __future__ import annotations

from pipelines.extract.engine import MAX_SENTENCE_CHARS, extract_facts


def test_a_short_sentence_is_stored_whole():
    body = "  美国收紧出口管制。\n  英伟达表示，中国市场营收占比约为13%。  "
    [fact] = extract_facts(body, "zh-Hans")
    assert fact.sentence == "英伟达表示，中国市场营收占比约为13%。"


def test_a_sentence_of_54_kb_gives_each_fact_a_window_cut_at_clause_breaks():
    body = "一句话：" + "，".join(f"第{i}项营收增长{i % 90 + 1}%" for i in range(4500)) + "。"
    facts = extract_facts(body, "zh-Hans")
    assert len(facts) == 4500 and len(body) > 50_000
    for fact in facts:
        assert len(fact.sentence) <= MAX_SENTENCE_CHARS
        assert fact.text in fact.sentence and fact.sentence in body
    middle = facts[2000].sentence
    assert middle.startswith("第") and middle[-1] == "%" and "，第2000项营收增长21%，" in middle
    assert facts[0].sentence.startswith("一句话：")  # the sentence's own start is kept
    assert facts[-1].sentence.endswith("%。")


def test_a_long_english_sentence_is_cut_between_words():
    body = "Revenue rose 5% in 2021 and " * 200 + "then stopped."
    facts = extract_facts(body, "en")
    assert len(facts) == 200
    middle = facts[100].sentence
    assert len(middle) <= MAX_SENTENCE_CHARS and middle in body and "5%" in middle
    start = body.index(middle)
    assert body[start - 1] == " " and body[start + len(middle)] == " "


def test_a_fact_longer_than_the_cap_keeps_the_start_of_its_own_text():
    body = "共计" + "一亿" * 300 + "美元。"
    [fact] = extract_facts(body, "zh-Hans")
    assert fact.sentence == fact.text[:MAX_SENTENCE_CHARS]
