"""Bytes to text: the encoding of a seed file, and the files that are not text at all.

Belongs here: BOMs, UTF-8 (a few invalid bytes in it are replaced, with a warning, rather
than losing the article), UTF-16 without a BOM, legacy Chinese encodings (GB18030, Big5) via
charset-normalizer, newline folding, and rejecting empty and binary files. Not here:
anything about the text's structure.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from pipelines.ingest.errors import RejectedFile

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
# Share of control characters (other than tab and newline) above which text is binary.
_MAX_CONTROL_SHARE = 0.01
# UTF-8 text with at most this share of invalid bytes (a damaged character or two) is kept,
# those bytes replaced by U+FFFD; more means another encoding (GB18030, Big5 ...).
_MAX_INVALID_UTF8_SHARE = 0.001


@dataclass(frozen=True)
class DecodedText:
    text: str
    warnings: tuple[str, ...] = ()  # what was repaired on the way, for the document's record


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\r]")  # below 32, other than \t \n \v \f


def _controls(text: str) -> int:
    return len(_CONTROL.findall(text))


# Characters text is made of (ASCII, CJK and its punctuation, full-width forms): UTF-16 read in
# the wrong byte order turns them into rare code points, so the order with more of them wins.
_COMMON = re.compile(r"[\t\n\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when NUL-bearing bytes are UTF-16 text without a BOM, in the byte
    order whose reading holds more common characters; else None."""
    if len(data) % 2:
        return None
    readings = []
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text.strip() and _controls(text) <= _MAX_CONTROL_SHARE * len(text):
            readings.append((len(_COMMON.findall(text)), encoding, text))
    if not readings:
        return None
    _, encoding, text = max(readings, key=lambda reading: reading[0])
    return text, encoding


def _utf8_with_nuls(data: bytes) -> tuple[bytes, int] | None:
    """UTF-8 bytes with a few stray NUL bytes (a damaged file, not UTF-16): the bytes without
    them and how many there were, when so; else None."""
    nuls = data.count(b"\x00")
    if nuls > max(1, _MAX_INVALID_UTF8_SHARE * len(data)):
        return None
    cleaned = data.replace(b"\x00", b"")
    try:
        cleaned.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return cleaned, nuls


def _utf8_with_repairs(data: bytes) -> tuple[str, int] | None:
    """UTF-8 text and how many invalid bytes were replaced, when they are few enough."""
    text = data.decode("utf-8-sig", errors="replace")
    replaced = text.count("\ufffd") - data.decode("utf-8-sig", errors="ignore").count("\ufffd")
    return (text, replaced) if replaced <= _MAX_INVALID_UTF8_SHARE * len(data) else None


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a file's bytes to text with ``\\n`` newlines, or raise ``RejectedFile``."""
    if not data.strip():
        raise RejectedFile("read", "empty file: no text in it")
    text, warnings = None, []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise RejectedFile("read", f"undecodable {encoding} text: {exc}") from exc
            break
    if text is None and b"\x00" in data:
        stray = _utf8_with_nuls(data)
        if stray is not None:
            data = stray[0]
            warnings.append(f"{stray[1]} NUL byte(s) removed from UTF-8 text")
        else:
            found = _utf16_without_bom(data)
            if found is None:
                raise RejectedFile("read", "binary file: it contains NUL bytes and is not UTF-16 text")
            text = found[0]
            warnings.append(f"read as {found[1].upper()} text without a byte-order mark")
    if text is None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            repaired = _utf8_with_repairs(data)
            if repaired is not None:
                text = repaired[0]
                warnings.append(f"{repaired[1]} invalid UTF-8 byte(s) replaced with U+FFFD")
            else:
                best = charset_normalizer.from_bytes(data).best()
                if best is None:
                    raise RejectedFile("read", "undecodable: not UTF-8 and no known text encoding fits") from None
                text = str(best)
                warnings.append(f"not UTF-8: read as {best.encoding.upper()}, the encoding that fits best (a guess)")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    controls = _controls(text)
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise RejectedFile("read", f"binary file: {controls} control characters in {len(text)}")
    if not text.strip():
        raise RejectedFile("read", "empty file: only white space")
    return DecodedText(text, tuple(warnings))
