"""The severity playbook: a default severity per category, adjusted by rules on the clause text.

Severity is a firm's judgement, not a fact in the data (CUAD has none), so it lives in YAML that a
user can override category by category without touching code."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from contracts.errors import yaml_problem
from contracts.taxonomy import by_name

Severity = Literal["high", "medium", "low", "info"]
SEVERITY_ORDER: dict[str, int] = {"high": 3, "medium": 2, "low": 1, "info": 0}
# the playbook shapes this code reads; a file of another version (a newer lexrisk's) may mean something else
SUPPORTED_VERSIONS = (1,)


class Rule(BaseModel, frozen=True, extra="forbid"):
    pattern: str
    severity: Severity
    reason: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"pattern {value!r} is not a valid regular expression: {exc}") from None
        return value


class Position(BaseModel, frozen=True, extra="forbid"):
    """A negotiating position on a category: clause text to compare with, a regular expression the
    clause must match, or both (both must hold). `note` is the guidance a reviewer reads."""

    text: str | None = None
    pattern: str | None = None
    note: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            Rule._compiles(value)
        return value

    @model_validator(mode="after")
    def _says_something(self) -> Position:
        if self.text is None and self.pattern is None:
            raise ValueError("a position needs `text`, `pattern` or both")
        return self

    def holds(self, clause_text: str, similarity: Callable[[str, str], float], threshold: float) -> bool:
        """Whether the clause takes this position: it matches the pattern and is close to the text."""
        if self.pattern and not re.search(self.pattern, clause_text, re.IGNORECASE | re.DOTALL):
            return False
        return self.text is None or similarity(self.text, clause_text) >= threshold


class CategoryPolicy(BaseModel, frozen=True, extra="forbid"):
    severity: Severity
    reason: str
    rules: tuple[Rule, ...] = ()
    # negotiating positions (template comparison): the firm's standard wording (a template's clause
    # supplies it when absent), acceptable fallbacks in order of preference, positions never accepted,
    # and whether a contract must have such a clause at all
    standard: str | None = None
    fallbacks: tuple[Position, ...] = ()
    unacceptable: tuple[Position, ...] = ()
    required: bool = False
    guidance: str | None = None

    @cached_property
    def _compiled(self) -> list[tuple[re.Pattern[str], Rule]]:
        return [(re.compile(r.pattern, re.IGNORECASE | re.DOTALL), r) for r in self.rules]

    def assess(self, clause_text: str) -> tuple[Severity, str]:
        for pattern, rule in self._compiled:
            if pattern.search(clause_text):
                return rule.severity, rule.reason
        return self.severity, self.reason


class Playbook(BaseModel, frozen=True, extra="forbid"):
    version: int = 1
    categories: dict[str, CategoryPolicy] = Field(default_factory=dict)

    @field_validator("version", mode="before")
    @classmethod
    def _supported(cls, value: object) -> int:
        """A version this code reads, as a whole number (`1`, `1.0` or `"1"`, as pydantic's int took them);
        anything else (99, `true`, `abc`, nothing) is named in the error with the versions there are."""
        whole = int(value) if isinstance(value, float) and value.is_integer() else value
        digits = str(whole).strip() if isinstance(whole, int | str) and not isinstance(whole, bool) else ""
        if not (digits.isascii() and digits.isdigit()) or int(digits) not in SUPPORTED_VERSIONS:
            raise ValueError(f"{value!r} is not a playbook version this lexrisk reads (supported: "
                             f"{', '.join(map(str, SUPPORTED_VERSIONS))})")
        return int(digits)

    @model_validator(mode="after")
    def _known_categories(self) -> Playbook:
        unknown = sorted(set(self.categories) - set(by_name()))
        if unknown:
            raise ValueError(f"unknown categories: {', '.join(unknown)}")
        return self

    def assess(self, category: str, clause_text: str) -> tuple[Severity, str]:
        """Severity and reason for a finding of `category` quoting `clause_text`."""
        return self.categories[category].assess(clause_text)

    def merged(self, override: Playbook) -> Playbook:
        return Playbook(version=override.version, categories={**self.categories, **override.categories})


class PlaybookError(ValueError):
    pass


@cache
def default_playbook() -> Playbook:
    """The shipped playbook, parsed once (a Playbook is immutable)."""
    text = resources.files("contracts.data").joinpath("playbook.yaml").read_text("utf-8")
    return _parse(text, "the shipped playbook")


def load_playbook(path: str | Path | None = None) -> Playbook:
    """The shipped playbook, with the categories of the file at `path` replacing its own."""
    base = default_playbook()
    if path is None:
        return base
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise PlaybookError(f"{path}: cannot read playbook ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise PlaybookError(f"{path}: cannot read playbook (not UTF-8 text)") from None
    return base.merged(_parse(text, str(path)))


def _parse(text: str, where: str) -> Playbook:
    try:
        raw = yaml.safe_load(text) or {}
        return Playbook.model_validate(raw)
    except yaml.YAMLError as exc:
        raise PlaybookError(f"{where}: not valid YAML ({yaml_problem(exc)})") from None
    except ValidationError as exc:
        errors = exc.errors()
        # a file of another version is in a shape this code does not know: what else it finds wrong means nothing
        errors = [e for e in errors if e["loc"] == ("version",)] or errors
        # a misspelt key ("reson") explains the field it leaves missing: name it first
        said = "; ".join(_problem(e) for e in sorted(errors, key=lambda e: e["type"] != "extra_forbidden")[:2])
        raise PlaybookError(f"{where}: {said}") from None


def _problem(error: ErrorDetails) -> str:
    """One validation error as "where: what", in the words of the check that failed (without pydantic's
    "Value error, " before them), and without a "where" for the file as a whole."""
    if error["type"] == "extra_forbidden":
        what = "not a playbook field"
    elif error["type"] == "value_error":
        what = str(error.get("ctx", {}).get("error", error["msg"]))
    else:
        what = error["msg"]
    where = ".".join(str(p) for p in error["loc"])
    return f"{where}: {what}" if where else what
