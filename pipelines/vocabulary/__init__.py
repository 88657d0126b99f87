"""The closed lists of the product (kinds, units, categories, metrics, topics, qualifiers,
languages, entity types), read once from ``vocabulary.yaml``.

One registry for every consumer: the Pandera models take their allowed values from here,
the extraction engine its metric -> category roll-up, the docs their tables. Pure data, no
Dagster.
"""

from __future__ import annotations

import importlib.resources
from types import MappingProxyType

import yaml

_DATA = yaml.safe_load(importlib.resources.files(__package__).joinpath("vocabulary.yaml").read_bytes())

QUANTITY_KINDS: tuple[str, ...] = tuple(_DATA["quantity_kinds"])
UNITS_BY_KIND = MappingProxyType({k: v["unit"] for k, v in _DATA["quantity_kinds"].items() if k != "money"})
CATEGORIES_BY_KIND = MappingProxyType({k: tuple(v["categories"]) for k, v in _DATA["quantity_kinds"].items()})
METRICS: tuple[str, ...] = tuple(_DATA["metrics"])
KIND_OF_METRIC = MappingProxyType({m: v["kind"] for m, v in _DATA["metrics"].items()})
METRIC_DESCRIPTIONS = MappingProxyType({m: v["about"] for m, v in _DATA["metrics"].items()})
TOPICS: tuple[str, ...] = tuple(_DATA["topics"])
TOPIC_DESCRIPTIONS = MappingProxyType(dict(_DATA["topics"]))
QUALIFIERS: tuple[str, ...] = tuple(_DATA["qualifiers"])
LANGUAGES: tuple[str, ...] = tuple(_DATA["languages"])
ENTITY_TYPES: tuple[str, ...] = tuple(_DATA["entity_types"])
CLAIMS_STAND_ALONE: frozenset[str] = frozenset(_DATA["claims_stand_alone"])
_CATEGORY_OF_METRIC = MappingProxyType({m: v["category"] for m, v in _DATA["metrics"].items()})


def category_of(metric: str) -> str:
    """The category a metric rolls up to: the only place a category is derived."""
    return _CATEGORY_OF_METRIC[metric]


def metrics_of(kind: str) -> tuple[str, ...]:
    return tuple(m for m in METRICS if KIND_OF_METRIC[m] == kind)


def _check() -> None:
    for metric, spec in _DATA["metrics"].items():
        if spec["category"] not in CATEGORIES_BY_KIND[spec["kind"]]:
            raise ValueError(f"vocabulary.yaml: metric {metric} rolls up to {spec['category']}, "
                             f"not a category of {spec['kind']}")
    if not CLAIMS_STAND_ALONE <= set(METRICS):
        raise ValueError(f"vocabulary.yaml: claims_stand_alone names no metric: {sorted(CLAIMS_STAND_ALONE - set(METRICS))}")
    for kind, categories in CATEGORIES_BY_KIND.items():
        missing = set(categories) - {category_of(m) for m in metrics_of(kind)}
        if missing:
            raise ValueError(f"vocabulary.yaml: categories {sorted(missing)} of {kind} have no metric")


_check()
