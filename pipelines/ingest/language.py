"""Language of a text: ``zh-Hans``, ``zh-Hant``, ``en`` or ``und``.

Chinese against English by the count of Han characters against words of Latin letters;
Simplified against Traditional by which script's own characters are more frequent: those
OpenCC's t2s rewrites (Traditional-only, e.g. 國) against those its s2t rewrites
(Simplified-only, e.g. 国). The two character sets are read off OpenCC once, by converting
every Han code point on its own, so a document costs two regex scans, not two conversions.
"""

from __future__ import annotations

import functools
import re

import opencc

HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
_HAN = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi - 1)}" for lo, hi in HAN_RANGES) + "]+")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@functools.cache
def _script_only(config: str) -> re.Pattern[str]:
    """A pattern matching every Han character that OpenCC ``config`` rewrites on its own."""
    han = [chr(code) for lo, hi in HAN_RANGES for code in range(lo, hi)]
    converted = opencc.OpenCC(config).convert("\n".join(han)).split("\n")
    changed = "".join(char for char, after in zip(han, converted, strict=True) if after != char)
    return re.compile("[" + re.escape(changed) + "]+")


def _count(runs: re.Pattern[str], text: str) -> int:
    """Characters of ``text`` in the class of ``runs`` (a ``[...]+`` pattern): counted by runs,
    a few hundred matches where one per character would be thousands."""
    return sum(map(len, runs.findall(text)))


def detect_language(text: str) -> str:
    han = _count(_HAN, text)
    if not han:
        return "en" if _LATIN_WORD.search(text) else "und"
    # English when it has more words than Han characters: counted only until that is known
    for words, _ in enumerate(_LATIN_WORD.finditer(text), start=1):
        if words > han:
            return "en"
    traditional = _count(_script_only("t2s"), text)
    simplified = _count(_script_only("s2t"), text)
    return "zh-Hant" if traditional > simplified else "zh-Hans"
