"""Analyzer registry: names the CLI, API and eval use, resolved lazily so that `lexrisk analyze` on the
baseline never imports torch or an HTTP client."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from contracts.playbook import Playbook
from contracts.settings import Settings
from serving.analyzers.base import Analyzer, Proposal

__all__ = ["ANALYZERS", "Analyzer", "AnalyzerLoadError", "Proposal", "UnknownAnalyzerError", "get_analyzer"]

# name -> "module:factory"; each factory takes (settings, playbook) and returns an Analyzer
ANALYZERS: dict[str, str] = {
    "baseline": "serving.analyzers.baseline:from_settings",
}


class UnknownAnalyzerError(ValueError):
    pass


class AnalyzerLoadError(ValueError):
    """A known analyzer that cannot start as configured (a missing model folder, say): the user can fix it."""


def get_analyzer(name: str, settings: Settings, playbook: Playbook | None = None) -> Analyzer:
    try:
        target = ANALYZERS[name]
    except KeyError:
        known = ", ".join(sorted(ANALYZERS))
        raise UnknownAnalyzerError(f"unknown analyzer {name!r}; choose one of: {known}") from None
    module, _, attr = target.partition(":")
    factory: Callable[[Settings, Playbook | None], Analyzer] = getattr(import_module(module), attr)
    return factory(settings, playbook)
