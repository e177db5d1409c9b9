"""Analyzer registry: names the CLI, API and eval use, resolved lazily so that `lexrisk analyze` on the
baseline never imports torch or an HTTP client."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from analyzers.base import Analyzer, Proposal
from analyzers.settings import AnalyzerSettings
from contracts.playbook import Playbook

__all__ = ["ANALYZERS", "Analyzer", "AnalyzerLoadError", "Proposal", "UnknownAnalyzerError", "analyzer_names",
           "get_analyzer", "missing_setting", "usable_analyzers"]

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


def missing_setting(name: str, settings: AnalyzerSettings) -> str | None:
    """What the named analyzer lacks to run here, naming the setting; None when it is configured. Decided
    from the settings alone, without asking a model server (an upload is answered at once): `openai` is
    configured once its server is named (LEXRISK_OPENAI_BASE_URL set) or it is the default analyzer (whose
    server `/readyz` checks), `hf` once LEXRISK_HF_MODEL names a model; the baseline ships with lexrisk, and a
    plugin is the deployment's own. Without this an upload naming `openai` on a baseline-only server was
    accepted, and its job failed as `analyzer_unavailable` some seconds later, after every retry."""
    if name in settings.analyzer_plugins:
        return None
    if name == "openai" and settings.analyzer != "openai" and "openai_base_url" not in settings.model_fields_set:
        return "LEXRISK_OPENAI_BASE_URL (the address of its OpenAI-compatible server, e.g. vLLM) is not set"
    if name == "hf" and not settings.hf_model:
        return "LEXRISK_HF_MODEL (the model name or folder it runs) is not set"
    return None


def usable_analyzers(settings: AnalyzerSettings) -> list[str]:
    """The analyzers an upload may name on this server: known and configured."""
    return [name for name in analyzer_names(settings) if missing_setting(name, settings) is None]


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
