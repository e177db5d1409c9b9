"""The embedded default analyzer (see the package docstring): the shipped model's risky sentences as proposals."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from analyzers.base import Analyzer, Proposal
from analyzers.baseline.artifact import digest
from analyzers.baseline.model import BaselineModel
from contracts.documents import Document
from contracts.playbook import Playbook
from contracts.segment import split_sentences
from contracts.settings import Settings

__all__ = ["BaselineAnalyzer", "from_settings", "shipped_model_dir"]


def shipped_model_dir() -> Path:
    return Path(str(resources.files("analyzers.baseline").joinpath("model")))


class BaselineAnalyzer(Analyzer):
    name = "baseline"

    def __init__(self, model: BaselineModel, version: str, playbook: Playbook | None = None) -> None:
        super().__init__(playbook)
        self.model = model
        self.version = version

    @classmethod
    def load(cls, folder: Path, playbook: Playbook | None = None) -> BaselineAnalyzer:
        return cls(BaselineModel.load(folder), digest(folder)[:12], playbook)

    def propose(self, document: Document) -> Iterable[Proposal]:
        text = document.text
        for p in self.model.predict(text, split_sentences(text)):
            yield Proposal(category=p.category, quote=text[p.start:p.end], score=p.score, start=p.start, end=p.end)


def from_settings(settings: Settings, playbook: Playbook | None = None) -> BaselineAnalyzer:
    analyzer = BaselineAnalyzer.load(settings.baseline_model or shipped_model_dir(), playbook)
    if settings.baseline_threshold_scale != 1.0:
        # lower thresholds expose the candidates below the operating point, so that an evaluation can
        # sweep its own thresholds over the scores; the version says the decoding is not the shipped one
        analyzer.model.thresholds = analyzer.model.thresholds * settings.baseline_threshold_scale
        analyzer.version += f"-t{settings.baseline_threshold_scale:g}"
    return analyzer
