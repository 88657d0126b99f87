"""Bytes to text: the encoding of a seed file, and the files that are not text at all.

Belongs here: BOMs, UTF-8, legacy Chinese encodings (GB18030, Big5) via
charset-normalizer, newline folding, and rejecting empty and binary files. Not here:
anything about the text's structure.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from pipelines.ingest.errors import RejectedFile

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
# Share of control characters (other than tab and newline) above which text is binary.
_MAX_CONTROL_SHARE = 0.01


def decode_bytes(data: bytes) -> str:
    """Decode a file's bytes to text with ``\\n`` newlines, or raise ``RejectedFile``."""
    if not data.strip():
        raise RejectedFile("read", "empty file: no text in it")
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise RejectedFile("read", f"undecodable {encoding} text: {exc}") from exc
            break
    if text is None:
        if b"\x00" in data:
            raise RejectedFile("read", "binary file: it contains NUL bytes")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            best = charset_normalizer.from_bytes(data).best()
            if best is None:
                raise RejectedFile("read", "undecodable: not UTF-8 and no known text encoding fits") from None
            text = str(best)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t\f\v")
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise RejectedFile("read", f"binary file: {controls} control characters in {len(text)}")
    if not text.strip():
        raise RejectedFile("read", "empty file: only white space")
    return text
