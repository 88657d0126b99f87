"""Numbers as the review site shows them: large values in words, money in US dollars."""

from __future__ import annotations

SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def scale_of(largest: float) -> tuple[float, str]:
    """The scale to write values up to ``largest`` in: (1e9, "billion"), or (1.0, "")."""
    for scale, word in SCALES:
        if abs(largest) >= scale:
            return scale, word
    return 1.0, ""


def number(value: float | None) -> str:
    """A value as people read it: no float noise, large ones in words (173960000000 -> 173.96 billion)."""
    if value is None:
        return ""
    scale, word = scale_of(value)
    if word:
        return f"{value / scale:,.5g} {word}"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.6g}"


def usd(value: float | None) -> str:
    return "" if value is None else f"US${number(value)}"
