"""Language of a text: ``zh-Hans``, ``zh-Hant``, ``en`` or ``und``.

Chinese against English by the count of Han characters against words of Latin letters;
Simplified against Traditional by which OpenCC conversion changes more characters
(a Traditional text has many characters that t2s rewrites and few that s2t rewrites).
"""

from __future__ import annotations

import functools
import re

import opencc

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _changed(text: str, config: str) -> int:
    converted = _converter(config).convert(text)
    if len(converted) != len(text):
        return sum(1 for a, b in zip(text, converted, strict=False) if a != b)
    return sum(1 for a, b in zip(text, converted, strict=True) if a != b)


def detect_language(text: str) -> str:
    han = "".join(_HAN.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if not han and not words:
        return "und"
    if len(han) < words:
        return "en"
    traditional = _changed(han, "t2s")
    simplified = _changed(han, "s2t")
    return "zh-Hant" if traditional > simplified else "zh-Hans"
