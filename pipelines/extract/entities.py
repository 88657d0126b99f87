"""The entities a fact can belong to (GUIDELINES.md "subject"), and where a text names them.

Belongs here: building the entity registry from ``lexicons/entities.yaml`` (countries'
names in the three scripts from CLDR through Babel, companies and organisations from the
file, the other Chinese script from OpenCC) and finding entity mentions in a text. Not
here: deciding which mention owns a quantity (``about.py``).
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass

import yaml
from babel import Locale

from pipelines.extract.lexicon import LexiconError, alternation, script_variants, to_simplified
from pipelines.vocabulary import ENTITY_TYPES

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_ALIAS = re.compile(r"[A-Za-z]")
# CLDR locales whose territory names are read: English, Simplified and Traditional Chinese
# (Taiwan and Hong Kong spellings differ: 澳大利亞/澳洲).
_CLDR_LOCALES = {"en": ("en",), "zh-Hans": ("zh_Hans",), "zh-Hant": ("zh_Hant", "zh_Hant_HK")}
# Capitals of a Latin alias of this many letters or more also match (NVIDIA, SAMSUNG).
_CAPITALS_FROM = 4


@dataclass(frozen=True)
class Entity:
    name: str  # canonical English name: the English Wikipedia title
    type: str  # country, region, company or organisation
    iso_code: str | None
    aliases_en: tuple[str, ...]
    aliases_zh_hans: tuple[str, ...]
    aliases_zh_hant: tuple[str, ...]
    products: tuple[str, ...] = ()

    @property
    def surfaces(self) -> tuple[str, ...]:
        return (*self.aliases_en, *self.aliases_zh_hans, *self.aliases_zh_hant)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entity: Entity
    product: bool = False  # named by one of its products (H20), not by a name of its own


def _by_script(aliases: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Aliases split into English (Latin), zh-Hans and zh-Hant, every Chinese one with its
    other spellings; a word written the same in both scripts (日本) is in both."""
    en: list[str] = []
    hans: list[str] = []
    hant: list[str] = []
    for alias in aliases:
        if not _CJK.search(alias):
            en.append(alias)
            continue
        simplified = to_simplified(alias)
        hans.append(simplified)
        traditional = [v for v in script_variants(simplified) if v != simplified]
        hant.extend(traditional or [simplified])
        if alias not in (simplified, *traditional):
            hant.append(alias)  # a Traditional form OpenCC does not produce (臺灣)
    return _unique(en), _unique(hans), _unique(hant)


def _unique(words: list[str]) -> list[str]:
    return list(dict.fromkeys(words))


def _cldr_names(code: str) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for script, locales in _CLDR_LOCALES.items():
        names[script] = _unique([Locale.parse(loc).territories[code] for loc in locales
                                 if code in Locale.parse(loc).territories])
    return names


def _read_entities() -> dict:
    raw = importlib.resources.files("pipelines.extract.lexicons").joinpath("entities.yaml").read_bytes()
    return yaml.safe_load(raw)


def _entity(name: str, type_: str, code: str | None, aliases: list[str], products: list[str] = ()) -> Entity:
    if type_ not in ENTITY_TYPES:
        raise LexiconError(f"entities.yaml: {name}: unknown type {type_}")
    en, hans, hant = _by_script(aliases)
    made = _by_script(list(products))
    return Entity(name, type_, code, tuple(en), tuple(hans), tuple(hant), tuple(_unique([*made[0], *made[1], *made[2]])))


@functools.cache
def load_entities() -> tuple[Entity, ...]:
    """Every entity the lexicon knows, countries first; each surface belongs to one entity."""
    data = _read_entities()
    entities: list[Entity] = []
    for code, spec in data["countries"].items():
        cldr = _cldr_names(code)
        if not cldr["en"]:
            raise LexiconError(f"entities.yaml: CLDR has no territory {code}")
        name = (spec or {}).get("name") or cldr["en"][0]
        aliases = [name, *cldr["en"], *cldr["zh-Hans"], *cldr["zh-Hant"], *((spec or {}).get("aliases") or [])]
        entities.append(_entity(name, "region" if code == "EU" else "country", code, aliases))
    for section, type_ in (("regions", "region"), ("companies", "company"), ("organisations", "organisation")):
        for spec in data.get(section) or []:
            entities.append(_entity(spec["name"], type_, None, [*spec["aliases"]], spec.get("products") or []))
    owner: dict[str, str] = {}
    for entity in entities:
        for surface in (*entity.surfaces, *entity.products):
            if owner.setdefault(surface, entity.name) != entity.name:
                raise LexiconError(f"entities.yaml: '{surface}' names both {owner[surface]} and {entity.name}")
    return tuple(entities)


@dataclass(frozen=True)
class EntityFinder:
    """Two regexes over every alias: Latin ones as whole words (not followed by "$": US$ is a
    currency, not the United States), the others (Chinese, SK海力士) anywhere. Two, because
    one pattern opening on a look-behind loses the regex engine's scan for a first character
    (five times slower)."""

    latin: re.Pattern[str]
    other: re.Pattern[str]
    entity_of: dict[str, Entity]
    products: frozenset[str]

    def mentions(self, text: str, lo: int = 0, hi: int | None = None) -> list[Mention]:
        """The mentions in text[lo:hi] (the whole text by default), in order; where two
        overlap, the one starting first, then the longer."""
        hi = len(text) if hi is None else hi
        found = sorted([(m.start(), -m.end(), m.group()) for m in self.latin.finditer(text, lo, hi)]
                       + [(m.start(), -m.end(), m.group()) for m in self.other.finditer(text, lo, hi)])
        mentions: list[Mention] = []
        for start, neg_end, surface in found:
            if mentions and start < mentions[-1].end:
                continue
            mentions.append(Mention(start, -neg_end, self.entity_of[surface], surface in self.products))
        return mentions


@functools.cache
def entity_finder() -> EntityFinder:
    entity_of: dict[str, Entity] = {}
    products: set[str] = set()
    for entity in load_entities():
        products.update(entity.products)
        products.update(p.upper() for p in entity.products if _LATIN_ALIAS.search(p) and len(p) >= _CAPITALS_FROM)
        for surface in (*entity.surfaces, *entity.products):
            entity_of.setdefault(surface, entity)
            if _LATIN_ALIAS.search(surface) and len(surface) >= _CAPITALS_FROM:
                entity_of.setdefault(surface.upper(), entity)
    latin = [s for s in entity_of if not _CJK.search(s)]
    other = [s for s in entity_of if _CJK.search(s)]
    return EntityFinder(re.compile(rf"(?<![A-Za-z0-9])(?:{alternation(latin)})(?![A-Za-z0-9$])"),
                        re.compile(alternation(other)), entity_of, frozenset(products))
