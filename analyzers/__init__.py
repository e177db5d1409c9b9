"""Analyzer registry: names the CLI, API and eval use, resolved lazily so that `lexrisk analyze` on the
baseline never imports torch or an HTTP client."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from analyzers.base import Analyzer, Proposal
from analyzers.settings import AnalyzerSettings
from contracts.playbook import Playbook

__all__ = ["ANALYZERS", "Analyzer", "AnalyzerLoadError", "Proposal", "UnknownAnalyzerError", "analyzer_names",
           "get_analyzer"]

# name -> "module:factory"; each factory takes (settings, playbook) and returns an Analyzer
ANALYZERS: dict[str, str] = {
    "baseline": "analyzers.baseline:from_settings",
    "openai": "analyzers.openai:from_settings",
    "hf": "analyzers.hf:from_settings",
}


class UnknownAnalyzerError(ValueError):
    pass


class AnalyzerLoadError(ValueError):
    """A known analyzer that cannot start as configured (a missing model folder, say): the user can fix it."""


def analyzer_names(settings: AnalyzerSettings) -> list[str]:
    return sorted({*ANALYZERS, *settings.analyzer_plugins})


def get_analyzer(name: str, settings: AnalyzerSettings, playbook: Playbook | None = None) -> Analyzer:
    """The named backend; deployments add their own through `LEXRISK_ANALYZER_PLUGINS`."""
    try:
        target = settings.analyzer_plugins.get(name) or ANALYZERS[name]
    except KeyError:
        known = ", ".join(analyzer_names(settings))
        raise UnknownAnalyzerError(f"unknown analyzer {name!r}; choose one of: {known}") from None
    module, _, attr = target.partition(":")
    factory: Callable[[AnalyzerSettings, Playbook | None], Analyzer] = getattr(import_module(module), attr)
    return factory(settings, playbook)
