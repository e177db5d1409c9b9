"""The embedded default analyzer (see the package docstring): the shipped model's risky sentences as proposals."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from analyzers.base import Analyzer, Proposal
from analyzers.baseline.artifact import digest
from analyzers.baseline.model import BaselineModel
from analyzers.settings import AnalyzerSettings
from contracts.documents import Document
from contracts.playbook import Playbook
from contracts.segment import split_sentences

__all__ = ["BaselineAnalyzer", "from_settings", "shipped_model_dir"]


def shipped_model_dir() -> Path:
    return Path(str(resources.files("analyzers.baseline").joinpath("model")))


class BaselineAnalyzer(Analyzer):
    name = "baseline"

    def __init__(self, model: BaselineModel, version: str, playbook: Playbook | None = None,
                 possible_floor: float = 0.0) -> None:
        super().__init__(playbook)
        self.model = model
        self.version = version
        self.possible_floor = possible_floor  # share of each threshold above which a miss is still shown

    @classmethod
    def load(cls, folder: Path, playbook: Playbook | None = None) -> BaselineAnalyzer:
        return cls(BaselineModel.load(folder), digest(folder)[:12], playbook)

    def propose(self, document: Document) -> Iterable[Proposal]:
        text = document.text
        sure, possible = self.model.predict_with_possible(text, split_sentences(text), self.possible_floor)
        for predictions, is_possible in ((sure, False), (possible, True)):
            for p in predictions:
                quote = text[p.start:p.end]
                # no explanation of its own: finalize reads one from the clause, naming the contract's parties
                yield Proposal(category=p.category, quote=quote, score=p.score, start=p.start, end=p.end,
                               possible=is_possible)


def from_settings(settings: AnalyzerSettings, playbook: Playbook | None = None) -> BaselineAnalyzer:
    analyzer = BaselineAnalyzer.load(settings.baseline_model or shipped_model_dir(), playbook)
    analyzer.possible_floor = settings.baseline_possible_floor
    if settings.baseline_threshold_scale != 1.0:
        # lower thresholds expose the candidates below the operating point, so that an evaluation can
        # sweep its own thresholds over the scores; the version says the decoding is not the shipped one
        analyzer.model.thresholds = analyzer.model.thresholds * settings.baseline_threshold_scale
        analyzer.version += f"-t{settings.baseline_threshold_scale:g}"
    return analyzer
