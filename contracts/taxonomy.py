"""CUAD's 41 categories, loaded once from the YAML shipped in the package.

The names are CUAD's exactly, because the training data, the metric and the API all key on them."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel

Kind = Literal["risk", "key_term"]


class Category(BaseModel, frozen=True):
    name: str
    kind: Kind
    group: int | None
    answer_format: str
    description: str


@cache
def categories() -> tuple[Category, ...]:
    raw = yaml.safe_load(resources.files("contracts.data").joinpath("taxonomy.yaml").read_text("utf-8"))
    return tuple(Category(**c) for c in raw["categories"])


@cache
def by_name() -> dict[str, Category]:
    return {c.name: c for c in categories()}


def category_names(kind: Kind | None = None) -> list[str]:
    return [c.name for c in categories() if kind is None or c.kind == kind]


def risk_categories() -> list[str]:
    """The 33 Yes/No clause categories CUAD's metric is reported over."""
    return category_names("risk")


class UnknownCategoryError(ValueError):
    pass


def canonical(name: str) -> str:
    """Map a category name as a person or model might write it to CUAD's spelling."""
    if name in by_name():
        return name
    folded = {_fold(n): n for n in by_name()}
    try:
        return folded[_fold(name)]
    except KeyError:
        raise UnknownCategoryError(f"unknown category {name!r}") from None


def _fold(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())
