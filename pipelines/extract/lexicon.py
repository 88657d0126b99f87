"""Load the extraction lexicons (``lexicons/*.yaml``) into one immutable object.

Belongs here: reading the YAML files, checking their shape, adding the other Chinese
script of every Chinese entry (OpenCC), and building the regular expressions that the
engine runs. Not here: any decision about what a number means (``engine.py``).
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import opencc
import yaml

from pipelines.vocabulary import METRICS, TOPICS, metrics_of

_LEXICON_PACKAGE = "pipelines.extract.lexicons"
_LEXICON_FILES = ("scales", "numbers", "currencies", "kinds", "qualifiers", "metrics", "topics", "context")
_CJK = re.compile(r"[\u3400-\u9fff]")
# One converter per direction; Taiwan and Hong Kong forms differ in a few characters.
_CONVERTERS = tuple(opencc.OpenCC(config) for config in ("s2t", "s2tw", "s2hk", "t2s"))

QUALIFIERS = ("approx", "over", "under", "up_to")


class LexiconError(ValueError):
    """A lexicon file does not have the shape the engine expects."""


def script_variants(word: str) -> list[str]:
    """The word plus its Simplified and Traditional spellings (only Chinese words vary)."""
    if not _CJK.search(word):
        return [word]
    variants = [word]
    for converter in _CONVERTERS:
        converted = converter.convert(word)
        if converted not in variants:
            variants.append(converted)
    return variants


def to_simplified(word: str) -> str:
    """The word in Simplified Chinese (unchanged if it has no Chinese characters)."""
    return _CONVERTERS[-1].convert(word) if _CJK.search(word) else word


def expand_scripts(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        for variant in script_variants(word):
            if variant not in out:
                out.append(variant)
    return out


def alternation(words: list[str]) -> str:
    """A regex matching any of the words, the longest where several fit (``US$`` over ``$``).

    Built as a trie (``t(?:wenty|welve|hree)``) rather than a flat ``a|b|c``: Python's regex
    engine tries a flat alternation word by word at every position, a trie character by
    character, which makes the lexicon patterns several times faster on long texts.
    """
    trie: dict = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_pattern(trie) if trie else r"(?!x)x"


def _trie_pattern(node: dict) -> str:
    ends_here = "" in node
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:  # greedy: the longer word is tried first
        return f"(?:{body})?"
    return body


def compile_words(words: list[str], *, anchored: str, latin_as_written: bool = False,
                  not_after: str = "") -> re.Pattern[str] | SuffixPattern:
    """Compile words to match at the start (``anchored='start'``) or end (``'end'``) of a string.

    Latin words get word boundaries so that ``pct`` does not match inside ``pcts`` and
    ``up`` does not match inside ``cup``; symbols and Chinese words need none. Words are
    grouped by the boundaries they need, so each group's alternation starts with literal
    text that the regex engine can scan for quickly.

    ``latin_as_written``: words that start with a Latin letter match only in the case they
    are written in and only as a word of their own, not after a letter, a digit or one of
    the characters ``not_after`` (currency prefixes: ``S$`` is Singapore's, the ``s $`` of
    ``Micron's $15`` is not). Match with ``search(text, pos, endpos)`` on the whole text, so
    that the character before a match is seen.
    """
    groups: dict[tuple[bool, bool], list[str]] = {}
    for word in set(words):
        lead = word[:1].isascii() and word[:1].isalnum()
        trail = word[-1:].isascii() and word[-1:].isalnum()
        groups.setdefault((lead, trail), []).append(word)
    parts = []
    for (lead, trail), members in sorted(groups.items()):
        part = f"(?:{alternation(members)})"
        if lead and latin_as_written:
            part = rf"(?<![A-Za-z0-9{re.escape(not_after)}])(?-i:{part})"
        elif lead:
            part = r"(?<![A-Za-z])" + part
        if trail:
            part += r"(?![A-Za-z])"
        parts.append(part)
    body = "|".join(parts) or r"(?!x)x"
    if anchored == "start":
        return re.compile(rf"(?:{body})", re.IGNORECASE)
    return SuffixPattern(re.compile(rf"(?:{body})$", re.IGNORECASE), frozenset(w[-1:].lower() for w in words))


class SuffixPattern:
    """An end-anchored word pattern that first checks the last character of the text: most
    texts end in no cue word at all, and the check spares the regex scan."""

    def __init__(self, pattern: re.Pattern[str], last_chars: frozenset[str]) -> None:
        self.pattern = pattern
        self.last_chars = last_chars

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """The word that ends at ``endpos`` (default: the end of ``text``), starting at or after ``pos``."""
        end = len(text) if endpos is None else endpos
        if end <= pos or text[end - 1].lower() not in self.last_chars:
            return None
        return self.pattern.search(text, pos, end)


@dataclass(frozen=True)
class Currency:
    code: str
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True, eq=False)  # hashed by identity: one instance per process
class Lexicon:
    """Everything the engine needs, already expanded to both Chinese scripts."""

    en_scales: dict[str, Decimal]
    en_abbreviations: dict[str, Decimal]
    en_abbreviations_money_only: dict[str, Decimal]
    zh_digits: dict[str, Decimal]
    zh_small_units: dict[str, Decimal]
    zh_big_units: dict[str, Decimal]
    zh_point: tuple[str, ...]
    zh_negative: tuple[str, ...]
    zh_fraction_joiner: tuple[str, ...]
    zh_fraction_mark: str
    zh_approximate: tuple[str, ...]
    zh_vague_before: tuple[str, ...]
    en_negative: tuple[str, ...]
    en_change_from: tuple[str, ...]
    en_multiplicatives: dict[str, Decimal]
    en_units: dict[str, int]
    currencies: tuple[Currency, ...]
    currency_before: dict[str, str]  # surface (lower-cased) -> ISO code
    currency_after: dict[str, str]
    after_scale_only: frozenset[str]
    before_scale_only: frozenset[str]  # currency names that prefix only a scaled amount (美元300亿)
    subunits: dict[str, dict[str, Decimal]]  # ISO code -> coin word -> value in the main unit
    subunit_joiners: tuple[str, ...]
    phrase_end_only: frozenset[str]
    prefix_not_after: str  # besides letters and digits, what a Latin currency prefix may not follow
    generic_after: frozenset[str]
    yen_signs: tuple[str, ...]
    jpy_cues: tuple[str, ...]
    cny_cues: tuple[str, ...]
    kinds: dict[str, dict[str, Any]]
    qualifier_before: dict[str, str]  # cue (lower-cased) -> qualifier
    qualifier_after: dict[str, str]
    bridges: tuple[str, ...]
    metrics: dict[str, dict[str, Any]]  # kind -> {"default": str, "cues": {metric: [words]}, ...}
    aspects: dict[str, dict[str, str]]  # metric -> {lower-cased cue: aspect} (what stage a supply share is of)
    restatement_links: tuple[str, ...]
    ordinal_before: tuple[str, ...]
    year_before: tuple[str, ...]
    sentence_abbreviations: tuple[str, ...]
    topics: dict[str, list[str]]  # topic (or "none") -> cue words
    general_topics: frozenset[str]  # topics that yield to a more specific one in the sentence
    relative_years: dict[str, int]  # 去年 -> -1 (lower-cased)
    source_before: tuple[str, ...]
    nobody_before: tuple[str, ...]
    place_currency_after: tuple[str, ...]  # currency words after a place name (US dollars)
    descriptors: tuple[str, ...]
    example_before: tuple[str, ...]
    example_after: tuple[str, ...]
    company_metrics: frozenset[str]
    market_metrics: frozenset[str]  # the figures of a market itself, which its place owns
    trade_metrics: frozenset[str]  # trade flows: a place named as where they go or come from is the other side
    recipient_metrics: frozenset[str]  # money a company receives: it owns it before the body that grants it
    market_after: tuple[str, ...]
    market_before: tuple[str, ...]
    subset_before: tuple[str, ...]
    respectively: tuple[str, ...]
    company_anaphora: tuple[str, ...]

    def metric_names(self, kind: str) -> list[str]:
        spec = self.metrics[kind]
        return list(dict.fromkeys([*spec["cues"], spec["default"]]))


def _read_yaml(name: str) -> dict[str, Any]:
    raw = importlib.resources.files(_LEXICON_PACKAGE).joinpath(f"{name}.yaml").read_bytes()
    data = yaml.safe_load(raw)
    if not isinstance(data, dict):
        raise LexiconError(f"{name}.yaml must hold a mapping, got {type(data).__name__}")
    return data


def _words(data: dict[str, Any], key: str, where: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise LexiconError(f"{where}: '{key}' must be a list of non-empty strings")
    return expand_scripts(value)


def _number_table(data: dict[str, Any], key: str, where: str) -> dict[str, Decimal]:
    """A word -> value table; Chinese words also in their other script, Latin ones lower-cased."""
    table = data.get(key) or {}
    if not isinstance(table, dict):
        raise LexiconError(f"{where}: '{key}' must be a mapping")
    out: dict[str, Decimal] = {}
    for word, value in table.items():
        for variant in script_variants(str(word)):
            out.setdefault(variant.lower(), Decimal(str(value)))
    return out


def _aspects(data: dict[str, Any], metric_table: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """metrics.yaml ``aspects``: per metric, which of its cues name which aspect; every word
    must be a cue of that metric (the aspect is read from the cue that chose it)."""
    cues_of = {metric: {w.lower() for w in words} for spec in metric_table.values() for metric, words in spec["cues"].items()}
    out: dict[str, dict[str, str]] = {}
    for metric, table in data.items():
        if metric not in cues_of:
            raise LexiconError(f"metrics.yaml aspects: '{metric}' is not a metric with cues")
        out[metric] = {}
        for aspect in table:
            for word in _words(table, aspect, f"metrics.yaml aspects {metric}"):
                if word.lower() not in cues_of[metric]:
                    raise LexiconError(f"metrics.yaml aspects {metric}: '{word}' is not one of its cues")
                if out[metric].setdefault(word.lower(), aspect) != aspect:
                    raise LexiconError(f"metrics.yaml aspects {metric}: '{word}' names two aspects")
    return out


def _metric_set(data: dict[str, Any], key: str) -> frozenset[str]:
    """A list of metrics of context.yaml's subject section, each one of the vocabulary's."""
    names = data.get(key) or []
    if stray := [name for name in names if name not in METRICS]:
        raise LexiconError(f"context.yaml subject: {key}: {stray} are not metrics of the vocabulary")
    return frozenset(names)


def _topics(data: dict[str, Any]) -> dict[str, list[str]]:
    topics = data.get("topics") or {}
    for topic in topics:
        if topic != "none" and topic not in TOPICS:
            raise LexiconError(f"topics.yaml: '{topic}' is not a topic of the vocabulary")
    return {topic: _words(topics, topic, "topics.yaml") for topic in topics}


def _metric_spec(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    """One kind's section of metrics.yaml, checked against the vocabulary's metrics."""
    where = f"metrics.yaml {kind}"
    allowed = set(metrics_of(kind))
    cues = {metric: _words(spec["cues"], metric, where) for metric in spec["cues"]}
    not_followed_by = {metric: _words(spec.get("not_followed_by", {}), metric, where)
                       for metric in spec.get("not_followed_by", {})}
    needs_also = dict(spec.get("needs_also") or {})
    prefer = list(spec.get("prefer_in_clause") or [])
    for metric in [*cues, *not_followed_by, *needs_also.values(), *prefer, spec["default"]]:
        if metric not in allowed:
            raise LexiconError(f"{where}: '{metric}' is not a {kind} metric of the vocabulary")
    for metric in [*not_followed_by, *needs_also, *needs_also.values()]:
        if metric not in cues:
            raise LexiconError(f"{where}: '{metric}' has no cues")
    promote: dict[str, tuple[tuple[str, list[str]], ...]] = {}  # metric -> (target, words), first match wins
    for metric, targets in (spec.get("promote_in_sentence") or {}).items():
        for target in targets:
            if metric not in allowed or target not in allowed:
                raise LexiconError(f"{where}: promote_in_sentence {metric} -> {target}: not a {kind} metric")
        promote[metric] = tuple((target, _words(targets, target, where)) for target in targets)
    needs_partner: dict[str, tuple[frozenset[str], str]] = {}  # metric -> (its bare cues, metric otherwise)
    for metric, rule in (spec.get("needs_partner") or {}).items():
        otherwise = rule.get("otherwise")
        if metric not in cues or otherwise not in cues:
            raise LexiconError(f"{where}: needs_partner {metric} -> {otherwise}: both need cues of this kind")
        words = _words(rule, "cues", where)
        if stray := [w for w in words if w not in cues[metric]]:
            raise LexiconError(f"{where}: needs_partner {metric}: {stray} are not among its cues")
        needs_partner[metric] = (frozenset(w.lower() for w in words), otherwise)
    return {"default": spec["default"], "cues": cues, "not_followed_by": not_followed_by, "needs_also": needs_also,
            "clause_only": bool(spec.get("clause_only")), "prefer_in_clause": prefer,
            "inherit_in_sentence": bool(spec.get("inherit_in_sentence")), "promote_in_sentence": promote,
            "needs_partner": needs_partner}


@functools.cache
def load_lexicon() -> Lexicon:
    """Read and validate every lexicon file once per process."""
    files = {name: _read_yaml(name) for name in _LEXICON_FILES}

    scales, numbers, currencies, kinds = files["scales"], files["numbers"], files["currencies"], files["kinds"]
    qualifiers, metrics, context = files["qualifiers"], files["metrics"], files["context"]

    currency_list: list[Currency] = []
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for entry in currencies["currencies"]:
        code = entry.get("code", "")
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise LexiconError(f"currencies.yaml: '{code}' is not an ISO 4217 code")
        cur = Currency(code, tuple(_words(entry, "before", code)), tuple(_words(entry, "after", code)))
        for surface in cur.before:
            if before.setdefault(surface.lower(), code) != code:
                raise LexiconError(f"currencies.yaml: '{surface}' is listed for two currencies")
        for surface in cur.after:
            if after.setdefault(surface.lower(), code) != code:
                raise LexiconError(f"currencies.yaml: '{surface}' is listed for two currencies")
        currency_list.append(cur)

    kind_table: dict[str, dict[str, Any]] = {}
    for kind, spec in kinds.items():
        kind_table[kind] = {
            key: (expand_scripts(value) if isinstance(value, list) else value) for key, value in spec.items()
        }

    qualifier_before: dict[str, str] = {}
    qualifier_after: dict[str, str] = {}
    for qualifier, spec in qualifiers["qualifiers"].items():
        if qualifier not in QUALIFIERS:
            raise LexiconError(f"qualifiers.yaml: unknown qualifier '{qualifier}'")
        for cue in _words(spec, "before", qualifier):
            qualifier_before[cue.lower()] = qualifier
        for cue in _words(spec, "after", qualifier):
            qualifier_after[cue.lower()] = qualifier

    metric_table = {kind: _metric_spec(kind, spec) for kind, spec in metrics.items()
                    if kind not in ("restatement_links", "aspects")}

    yen = currencies.get("yen_sign", {})
    return Lexicon(
        en_scales=_number_table(scales, "en", "scales.yaml"),
        en_abbreviations=_number_table(scales, "en_abbreviations", "scales.yaml"),
        en_abbreviations_money_only=_number_table(scales, "en_abbreviations_money_only", "scales.yaml"),
        zh_digits=_number_table(numbers, "zh_digits", "numbers.yaml"),
        zh_small_units=_number_table(numbers, "zh_small_units", "numbers.yaml"),
        zh_big_units=_number_table(numbers, "zh_big_units", "numbers.yaml"),
        zh_point=tuple(_words(numbers, "zh_point", "numbers.yaml")),
        zh_negative=tuple(_words(numbers, "zh_negative", "numbers.yaml")),
        zh_fraction_joiner=tuple(_words(numbers, "zh_fraction_joiner", "numbers.yaml")),
        zh_fraction_mark=str(numbers["zh_fraction_mark"]),
        zh_approximate=tuple(_words(numbers, "zh_approximate", "numbers.yaml")),
        zh_vague_before=tuple(_words(numbers, "zh_vague_before", "numbers.yaml")),
        en_negative=tuple(_words(numbers, "en_negative", "numbers.yaml")),
        en_change_from=tuple(_words(numbers, "en_change_from", "numbers.yaml")),
        en_multiplicatives=_number_table(numbers, "en_multiplicatives", "numbers.yaml"),
        en_units={str(k).lower(): int(v) for k, v in numbers["en_units"].items()},
        currencies=tuple(currency_list),
        currency_before=before,
        currency_after=after,
        after_scale_only=frozenset(w.lower() for w in currencies.get("after_scale_only", [])),
        before_scale_only=frozenset(expand_scripts(currencies.get("before_scale_only", []))),
        subunits={code: _number_table(currencies["subunits"], code, "currencies.yaml")
                  for code in currencies.get("subunits", {})},
        subunit_joiners=tuple(_words(currencies, "subunit_joiners", "currencies.yaml")),
        phrase_end_only=frozenset(w.lower() for w in _words(currencies, "phrase_end_only", "currencies.yaml")),
        prefix_not_after="".join(_words(currencies, "prefix_not_after", "currencies.yaml")),
        generic_after=frozenset(w.lower() for w in expand_scripts(currencies.get("generic_after", []))),
        yen_signs=tuple(_words(yen, "surfaces", "yen_sign")),
        jpy_cues=tuple(_words(yen, "jpy_cues", "yen_sign")),
        cny_cues=tuple(_words(yen, "cny_cues", "yen_sign")),
        kinds=kind_table,
        qualifier_before=qualifier_before,
        qualifier_after=qualifier_after,
        bridges=tuple(_words(qualifiers, "bridges", "qualifiers.yaml")),
        metrics=metric_table,
        aspects=_aspects(metrics.get("aspects") or {}, metric_table),
        restatement_links=tuple(_words(metrics, "restatement_links", "metrics.yaml")),
        ordinal_before=tuple(_words(context, "ordinal_before", "context.yaml")),
        year_before=tuple(_words(context, "year_before", "context.yaml")),
        sentence_abbreviations=tuple(context.get("sentence_abbreviations", [])),
        topics=_topics(files["topics"]),
        general_topics=frozenset(files["topics"].get("general") or []),
        relative_years={word.lower(): int(offset) for key, offset in (context.get("relative_years") or {}).items()
                        for word in script_variants(str(key))},
        source_before=tuple(_words(context["subject"], "source_before", "context.yaml subject")),
        nobody_before=tuple(_words(context["subject"], "nobody_before", "context.yaml subject")),
        place_currency_after=tuple(_words(context["subject"], "currency_after", "context.yaml subject")),
        descriptors=tuple(_words(context["subject"], "descriptors", "context.yaml subject")),
        example_before=tuple(_words(context["subject"], "example_before", "context.yaml subject")),
        example_after=tuple(_words(context["subject"], "example_after", "context.yaml subject")),
        company_metrics=_metric_set(context["subject"], "company_metrics"),
        market_metrics=_metric_set(context["subject"], "market_metrics"),
        trade_metrics=_metric_set(context["subject"], "trade_metrics"),
        recipient_metrics=_metric_set(context["subject"], "recipient_metrics"),
        market_after=tuple(_words(context["subject"], "market_after", "context.yaml subject")),
        market_before=tuple(_words(context["subject"], "market_before", "context.yaml subject")),
        subset_before=tuple(_words(context["subject"], "subset_before", "context.yaml subject")),
        respectively=tuple(_words(context["subject"], "respectively", "context.yaml subject")),
        company_anaphora=tuple(_words(context["subject"], "company_anaphora", "context.yaml subject")),
    )
