"""The two parts of a document page that repeat per fact: the body with its marks, and the
fact cards. They are built here as escaped strings rather than in the template because a
page has hundreds of marks and cards and Jinja's per-node cost made them most of the review
site's time (about 1,100 template outputs per page, 100,000 pages). The template inserts
them as ``Markup``; every piece of article or warehouse text goes through ``escape``, which
writes exactly what Jinja's autoescape (markupsafe) writes, as a plain string: a
``Markup`` object per value cost as much as the rest of the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from markupsafe import Markup

from pipelines.review.marks import Segment

# markupsafe's replacements, "&" first so that no entity is escaped twice.
_HTML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("'", "&#39;"), ('"', "&#34;"))


def escape(value: object) -> str:
    """``value`` as HTML text or attribute value (markupsafe's replacements). A substring test
    and ``str.replace`` per character scan in C: a character-set test or ``str.translate``
    cost 50 us on a paragraph, and a page escapes about 500 strings."""
    text = value if type(value) is str else str(value)
    for char, entity in _HTML_ESCAPES:
        if char in text:
            text = text.replace(char, entity)
    return text


_TERMS: dict[object, str] = {}
_TERMS_KEPT = 20_000


def term(value: object) -> str:
    """``escape(value)`` for a value from a small vocabulary (a kind, unit, subject, metric,
    status, claim label...), remembered: a page escapes hundreds of them, a few dozen distinct.
    Not for article text, which rarely repeats (the memo is cleared when it grows large)."""
    try:
        return _TERMS[value]
    except KeyError:
        if len(_TERMS) >= _TERMS_KEPT:
            _TERMS.clear()
        escaped = _TERMS[value] = escape(value)
        return escaped


def status_badge(name: str) -> str:
    """A claim's status as a badge (the cards here, the claims page through the templates)."""
    name = term(name)
    return f'<span class="status status-{name}">{name}</span>'


def _segment(segment: Segment) -> str:
    mark = segment.mark
    if mark is None:
        return escape(segment.text)
    if mark.role == "fact":
        fact = mark.fact
        fact_id = escape(fact["fact_id"])
        return (f'<mark class="fact kind-{term(fact["quantity_kind"])}" id="fact-{fact_id}" '
                f'data-fact-id="{fact_id}" data-facts="{fact_id}" title="{escape(fact["tooltip"])}" '
                f'tabindex="0">{escape(segment.text)}</mark>')
    roles = "".join(f" cue-{term(role)}" for role in mark.role.split())
    return (f'<span class="cue{roles}" data-facts="{escape(" ".join(mark.fact_ids))}" '
            f'title="{term(mark.role)} of {len(mark.fact_ids)} fact(s)">{escape(segment.text)}</span>')


def body_html(segments: Iterable[Segment]) -> Markup:
    """The body's text, each fact and evidence span marked (marks.lay_out)."""
    return Markup("".join(_segment(segment) for segment in segments))


def _evidence(fact: Mapping[str, object], lang: str) -> str:
    subject, cue = fact["subject_text"], fact["metric_cue"]
    if not (subject or cue):
        return ""
    words = " and ".join(f"“{escape(text)}”" for text in (subject, cue) if text)
    return f'<span class="evidence" lang="{lang}">chosen by {words}</span>'


def _card(fact: Mapping[str, object], lang: str) -> str:
    fact_id, kind = escape(fact["fact_id"]), term(fact["quantity_kind"])
    value = f"{escape(fact['value_shown'])} {term(fact['unit'])}"
    if fact["usd_shown"]:
        value += f" ≈ {escape(fact['usd_shown'])}"
    about = f"{term(fact['subject'] or 'no subject')} · {term(fact['metric'] or 'no metric')}"
    if fact["topic"]:
        about += f" · {term(fact['topic'])}"
    if fact["year"]:
        about += f" · {term(fact['year'])}"
    tags = f'<span class="tag">{term(fact["category"])}</span>'
    if fact["qualifier"] != "exact":
        tags += f'<span class="tag">{term(fact["qualifier"])}</span>'
    tags += "".join(status_badge(claim["status"]) for claim in fact["claims"])
    links = "".join(f'      <a class="claim-link" href="../claims.html#claim-{term(claim["claim_id"])}">'
                    f'{term(claim["status"])} claim: {term(claim["label"])} →</a>\n'
                    for claim in fact["claims"] if claim["status"] != "single")
    return (f'      <a class="fact-card kind-{kind}" href="#fact-{fact_id}" data-facts="{fact_id}">\n'
            f'        <span class="fact-text" lang="{lang}">{escape(fact["text"])}</span>\n'
            f'        <span class="value">{value}</span>\n'
            f'        <span class="about">{about}</span>\n'
            f'        <span class="tags">{tags}</span>\n'
            f'{_evidence(fact, lang)}      </a>\n{links}')


def fact_cards_html(facts: Iterable[Mapping[str, object]], language: str) -> Markup:
    """One card per fact (value, what it is about, tags, the words that chose it), each followed
    by links to the claims it shares with other documents."""
    lang = term(language)
    return Markup("".join(_card(fact, lang) for fact in facts))
