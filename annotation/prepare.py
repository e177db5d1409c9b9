"""The store's side of `lexrisk train prepare` (training.prepare.TrainingStore): how many contracts hold gold
labels a training set may use, CUAD's train split imported, the set built. The same functions as
`lexrisk annotate import-cuad --split train` and `lexrisk annotate build-dataset`, on one store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotation.store import Store
from contracts.portable_paths import portable_text

Progress = Callable[[int, int], None]


class StoreTrainingData:
    def __init__(self, store: Store) -> None:
        self.store = store

    def labelled_contracts(self) -> int:
        from annotation.dataset import gold_labels
        from annotation.store.repository import sharing_tenants

        with self.store.session() as session:
            tenants = sharing_tenants(session)
            return len(gold_labels(session, tenants)) if tenants else 0

    def labels_fingerprint(self, tenants: list[str] | None = None) -> str:
        """annotation.dataset.labels_fingerprint of `tenants` that still share their labels (default: every
        tenant that does, whose labels a set built now would read); a tenant that stopped sharing changes it."""
        from annotation.dataset import labels_fingerprint
        from annotation.store.repository import sharing_tenants

        with self.store.session() as session:
            sharing = sharing_tenants(session)
            return labels_fingerprint(session, sharing if tenants is None else [t for t in tenants if t in sharing])

    def holds_version(self, version: int | None, content_hash: str) -> bool:
        """Whether this store built the set: its dataset version row is there with the set's content hash (a set
        copied from another store is not this store's to judge)."""
        from annotation.store.models import DatasetVersion

        if version is None:
            return False
        with self.store.session() as session:
            row = session.get(DatasetVersion, version)
            return row is not None and row.content_hash == content_hash

    def import_cuad_train(self, cuad_dir: Path, limit: int | None, progress: Progress) -> str:
        """CUAD's train split as the public tenant's gold labels (the dev contracts stay out of the store)."""
        from annotation.cuad import import_cuad
        from annotation.report import ImportRecordError
        from contracts.playbook import load_playbook
        from contracts.settings import CommonSettings, load_settings

        try:
            with self.store.session() as session:
                report = import_cuad(session, cuad_dir, playbook=load_playbook(load_settings(CommonSettings).playbook), limit=limit,
                                     split="train", progress=progress)
        except ImportRecordError as exc:
            raise ValueError(f"{exc} (nothing imported)") from None
        return (f"imported {report.contracts} contracts of CUAD's train split with {report.annotations_created} "
                f"gold labels from {portable_text(str(cuad_dir))}")

    def build_set(self, *, tokenizer: str, out: Path, max_length: int, prompt: str, risk_only: bool,
                  negatives: float, dev_fraction: float, test_fraction: float, progress: Progress) -> dict[str, Any]:
        from annotation.dataset import BuildConfig, build_dataset

        config = BuildConfig(tokenizer=tokenizer, max_length=max_length, out=out, negatives=negatives,
                             dev_fraction=dev_fraction, test_fraction=test_fraction, risk_only=risk_only,
                             prompt=prompt)  # type: ignore[arg-type]  # the recipe validated it as a PromptStyle
        with self.store.session() as session:
            return build_dataset(session, config, progress=progress)
