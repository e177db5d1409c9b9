"""The cascade at run time: the n-gram model scores every sentence, its best few per category go to the
fine-tuned encoder (ONNX, run by onnxruntime: no torch), and a logistic stack of the two scores makes
the decision.

On disk (`CascadeModel.save`/`load`): the n-gram model's own folder (`ngram/`), `encoder.onnx`, the
encoder's `tokenizer.json`, and `cascade.json` (candidate rule, stack weights, thresholds, the
recall-first thresholds, provenance). A sentence the n-gram model does not pass on keeps its n-gram
score scaled by `NONCANDIDATE_SCALE`, below every candidate's decision range: it cannot pass a
threshold, yet a precision-recall sweep still ranks it after the candidates."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from analyzers.baseline.artifact import ArtifactError, write_json
from analyzers.baseline.features import clause_headings
from analyzers.baseline.model import BaselineModel, DecodeConfig, Prediction, decode
from contracts.segment import Span
from training.cascade.inputs import encode, load_tokenizer, pair_texts

CASCADE_JSON = "cascade.json"
ENCODER_ONNX = "encoder.onnx"
TOKENIZER_JSON = "tokenizer.json"
NGRAM_DIR = "ngram"
FORMAT_VERSION = 1
NONCANDIDATE_SCALE = 0.01
BATCH = 16


@dataclass(frozen=True)
class CandidateRule:
    top_k: int = 5  # most sentences per category the encoder sees
    floor: float = 0.02  # n-gram score a sentence needs to be one of them

    def to_dict(self) -> dict:
        return asdict(self)


def candidate_mask(scores: np.ndarray, rule: CandidateRule) -> np.ndarray:
    """(n_units, n_categories) bool: per category, the `top_k` best-scored units at or above `floor`
    (ties broken by position, so the choice is deterministic)."""
    mask = np.zeros(scores.shape, dtype=bool)
    if scores.shape[0] == 0:
        return mask
    order = np.argsort(-scores, axis=0, kind="stable")[:rule.top_k]
    for k in range(scores.shape[1]):
        chosen = order[:, k]
        mask[chosen[scores[chosen, k] >= rule.floor], k] = True
    return mask


def stack(ngram: np.ndarray, encoder_logits: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The decision score: logistic of w0 * logit(n-gram score) + w1 * encoder logit + w2."""
    p = np.clip(ngram, 1e-6, 1 - 1e-6)
    z = weights[0] * np.log(p / (1 - p)) + weights[1] * encoder_logits + weights[2]
    return 1.0 / (1.0 + np.exp(-z))


def combine(ngram: np.ndarray, mask: np.ndarray, encoder_logits: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Final scores (n_units, n_categories): the stack where `mask`, the scaled n-gram score elsewhere.
    `encoder_logits` holds a row per unit (rows of units with no candidate are ignored)."""
    out = ngram * NONCANDIDATE_SCALE
    out[mask] = stack(ngram[mask], encoder_logits[mask], weights)
    return out


class OnnxEncoder:
    """The exported encoder: pairs of texts in, one logit per category out (batches of `BATCH`)."""

    def __init__(self, onnx_path: Path, tokenizer_path: Path, max_length: int, threads: int = 1) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = load_tokenizer(tokenizer_path, max_length)

    def logits(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """(len(pairs), n_categories) float64; batches of similar length, so less padding."""
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        out = np.zeros((len(pairs), 0))
        for i in range(0, len(order), BATCH):
            chunk = order[i:i + BATCH]
            values = self.session.run(["logits"], encode(self.tokenizer, [pairs[j] for j in chunk]))[0]
            if out.shape[1] == 0:
                out = np.zeros((len(pairs), values.shape[1]))
            out[chunk] = values
        return out


class CascadeModel:
    def __init__(self, ngram: BaselineModel, encoder: OnnxEncoder, rule: CandidateRule, weights: np.ndarray,
                 thresholds: np.ndarray, recall_thresholds: np.ndarray, meta: dict) -> None:
        self.ngram = ngram
        self.encoder = encoder
        self.rule = rule
        self.weights = np.asarray(weights, dtype=np.float64)
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.recall_thresholds = np.asarray(recall_thresholds, dtype=np.float64)
        self.meta = meta
        self.categories = ngram.categories

    def unit_scores(self, text: str, units: list[Span]) -> np.ndarray:
        ngram = self.ngram.unit_scores(text, units)
        mask = candidate_mask(ngram, self.rule)
        rows = np.flatnonzero(mask.any(axis=1))
        logits = np.zeros(ngram.shape)
        if rows.size:
            headings = clause_headings(text, units)
            logits[rows] = self.encoder.logits([pair_texts(text, units, headings, int(i)) for i in rows])
        return combine(ngram, mask, logits, self.weights)

    def predict(self, text: str, units: list[Span], recall_first: bool = False) -> list[Prediction]:
        thresholds = self.recall_thresholds if recall_first else self.thresholds
        return decode(self.unit_scores(text, units), units, self.categories, thresholds, DecodeConfig(False, 0))

    def save(self, folder: Path, onnx_file: Path, tokenizer_file: Path) -> str:
        folder.mkdir(parents=True, exist_ok=True)
        self.ngram.save(folder / NGRAM_DIR)
        (folder / ENCODER_ONNX).write_bytes(onnx_file.read_bytes())
        (folder / TOKENIZER_JSON).write_bytes(tokenizer_file.read_bytes())
        write_json(folder / CASCADE_JSON, {
            "format": FORMAT_VERSION, "candidates": self.rule.to_dict(),
            "max_length": self.meta["encoder"]["max_length"],
            "stack_weights": [round(float(w), 6) for w in self.weights],
            "thresholds": [round(float(t), 6) for t in self.thresholds],
            "recall_thresholds": [round(float(t), 6) for t in self.recall_thresholds],
            "meta": self.meta})
        return digest(folder)

    @classmethod
    def load(cls, folder: Path, threads: int = 1) -> CascadeModel:
        missing = [n for n in (CASCADE_JSON, ENCODER_ONNX, TOKENIZER_JSON, NGRAM_DIR) if not (folder / n).exists()]
        if missing:
            raise ArtifactError(f"cascade model folder {folder} lacks {', '.join(missing)}")
        spec = json.loads((folder / CASCADE_JSON).read_text(encoding="utf-8"))
        if spec.get("format") != FORMAT_VERSION:
            raise ArtifactError(f"{folder} holds cascade format {spec.get('format')}, this lexrisk reads {FORMAT_VERSION}")
        encoder = OnnxEncoder(folder / ENCODER_ONNX, folder / TOKENIZER_JSON, spec["max_length"], threads)
        return cls(BaselineModel.load(folder / NGRAM_DIR), encoder, CandidateRule(**spec["candidates"]),
                   np.array(spec["stack_weights"]), np.array(spec["thresholds"]), np.array(spec["recall_thresholds"]),
                   spec.get("meta", {}))


def digest(folder: Path) -> str:
    """sha256 over every file of the model folder, in sorted order."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "MODEL_CARD.md"):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()
