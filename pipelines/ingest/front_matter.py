"""YAML front matter read safely: no aliases, bounded size, impossible dates kept as text.

Why not plain ``yaml.safe_load``: an alias "bomb" of a few KB expands to hundreds of millions
of characters (each level repeats the one below), and a date such as ``2024-02-30`` raises
inside the YAML constructor, which would reject the whole article for one header field.
"""

from __future__ import annotations

import yaml
from frontmatter.default_handlers import YAMLHandler

# A clipper's front matter is a few hundred characters; anything near this is not a header.
MAX_FRONT_MATTER_CHARS = 100_000


class FrontMatterError(ValueError):
    """The front matter is refused (aliases, size); the message says why."""


# libyaml's parser when PyYAML was built with it (the wheels are): the pure-Python one was
# about 5 % of a document's whole processing time.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrontMatterLoader(_SafeLoader):
    """Safe loading that leaves impossible timestamps as their text (aliases are refused
    before loading, ``refuse_aliases``)."""

    def construct_yaml_timestamp(self, node):  # noqa: ANN001 - PyYAML's signature
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # e.g. 2024-02-30: the field is checked where it is used
            return self.construct_scalar(node)


FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", FrontMatterLoader.construct_yaml_timestamp)


def refuse_aliases(text: str) -> None:
    """``FrontMatterError`` at the first alias: the parser's events are read before anything
    is composed, so an alias "bomb" is never expanded."""
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise FrontMatterError(f"YAML aliases are not allowed in front matter (*{event.anchor} at "
                                   f"line {event.start_mark.line + 1})")


class SafeYAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler with ``FrontMatterLoader`` and a size bound."""

    def load(self, fm: str, **kwargs: object) -> object:
        if len(fm) > MAX_FRONT_MATTER_CHARS:
            raise FrontMatterError(f"front matter of {len(fm):,} characters, more than {MAX_FRONT_MATTER_CHARS:,}")
        refuse_aliases(fm)
        return yaml.load(fm, Loader=FrontMatterLoader)  # noqa: S506 - a safe loader's subclass
