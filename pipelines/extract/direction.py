"""Which way a percentage change goes (GUIDELINES.md, "A change is signed"): a decrease is
negative whether the text writes a minus sign or a word (`fell 3%`, `下降3%`, `a 42%
decline`), a rise positive; a level is never signed by the words around it (`fell to 5%`,
`跌破50%`). The words are in ``lexicons/directions.yaml``.

Belongs here: reading the words right around one number. Not here: whether the number is a
change at all (the metric, ``about.py``).
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass

import yaml

from pipelines.extract.lexicon import expand_scripts

WINDOW = 40  # characters before a number that may hold its direction word and the fillers after it
# Where the words before a number stop counting: a clause ends there.
_CLAUSE_BREAK = re.compile(r"[，,；;。!?！？\n]|\.(?=\s)")


@dataclass(frozen=True)
class Directions:
    before: re.Pattern[str]  # a direction word, then only fillers, to the end of the window
    fall_after: re.Pattern[str]  # a fall noun right after the number


def _alternation(words: list[str]) -> str:
    """Longest first; Latin words only as whole words ('up' is not in 'group')."""
    def one(word: str) -> str:
        escaped = re.escape(word).replace(r"\ ", r"\s+")
        return rf"(?<![A-Za-z]){escaped}(?![A-Za-z])" if re.search("[A-Za-z]", word) else escaped
    return "|".join(one(w) for w in sorted(expand_scripts(words), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def load_directions() -> Directions:
    data = yaml.safe_load(importlib.resources.files("pipelines.extract.lexicons").joinpath("directions.yaml")
                          .read_text("utf-8"))
    fall, rise, fillers, joiners = (_alternation(words) for words in (
        data["fall"]["before"], data["rise"]["before"], data["fillers"], data["joiners"]))
    listed = rf"[-+]?\d[\d.,]*\s*(?:%|％|percent|per\s+cent|个百分点|個百分點)?\s*(?:{joiners})"  # 41.5%、
    by = rf"(?:[A-Za-z]+\s+){{1,{int(data['max_words_before_by'])}}}by(?![A-Za-z])"  # cut staff by 10%
    before = re.compile(rf"(?:(?P<fall>{fall})|(?P<rise>{rise}))(?:\s*(?:{fillers}|{listed}|{by}))*\s*$",
                        re.IGNORECASE)
    modifiers = _alternation(data["fall"]["after_modifiers"])
    fall_after = re.compile(rf"\s*(?:(?:{modifiers})\s*)?(?:{_alternation(data['fall']['after'])})", re.IGNORECASE)
    return Directions(before, fall_after)


def falls(text: str, start: int, end: int, directions: Directions | None = None) -> bool:
    """Whether the change written at ``text[start:end]`` is a decrease by the words around it."""
    directions = directions or load_directions()
    window = text[max(0, start - WINDOW):start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end():]
    found = directions.before.search(window)
    if found:
        return found.group("fall") is not None
    return directions.fall_after.match(text, end, min(len(text), end + WINDOW)) is not None
