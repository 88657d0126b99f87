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


class FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and leaves impossible timestamps as their text."""

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise FrontMatterError(f"YAML aliases are not allowed in front matter (*{event.anchor} at "
                                   f"line {event.start_mark.line + 1})")
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node):  # noqa: ANN001
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # e.g. 2024-02-30: the field is checked where it is used
            return self.construct_scalar(node)


FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", FrontMatterLoader.construct_yaml_timestamp)


class SafeYAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler with ``FrontMatterLoader`` and a size bound."""

    def load(self, fm: str, **kwargs: object) -> object:
        if len(fm) > MAX_FRONT_MATTER_CHARS:
            raise FrontMatterError(f"front matter of {len(fm):,} characters, more than {MAX_FRONT_MATTER_CHARS:,}")
        return yaml.load(fm, Loader=FrontMatterLoader)  # noqa: S506 - a SafeLoader subclass
