"""Which addresses become links: only http(s) ones.

A document's address comes from its front matter (``url``, ``source_url`` ...) or a "Read
Original" link in its body, both written by whoever saved the file. A ``javascript:`` or
``data:`` address shown as a link on a review page (or by a BI tool that renders the
``documents.url`` column) runs when clicked; so the parser keeps only http(s) addresses as
``url`` and the review pages link nothing else, whatever a row holds.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Browsers drop ASCII control characters and spaces around and inside a scheme
# ("java\tscript:"), so any such character makes an address text, not a link.
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


def http_link(address: object) -> str | None:
    """``address`` when it is an absolute http or https address, else None."""
    if not isinstance(address, str):
        return None
    address = address.strip()
    if not address or _UNSAFE.search(address):
        return None
    try:
        parts = urlsplit(address)
    except ValueError:
        return None
    return address if parts.scheme.lower() in ("http", "https") and parts.netloc else None
