"""Which training setup to run on a declared GPU: the fastest *measured* one whose memory fits, and why.

The candidates are training/bench_gpu.py's setups at a few micro-batch sizes, each written as the recipe fields
(`--set` overrides) that select it, at the recipe's own sequence length. For each one:
- memory: the planner's estimate of the recipe with those overrides (training/planner.py) and, where the setup was
  measured, the measured peak; it fits when both stay under the GPU's memory less a margin. A measurement that ran
  out of memory under a cap at least the declared GPU's size rules the setup out.
- speed: tokens/s from the committed GPU measurements (bench_gpu's JSON under eval/results/, or files given),
  useful (non-pad) tokens/s where the row measured the training set's length distribution. A setup never
  measured at this model and sequence length is "not measured": no speed is guessed for it, and it is not picked.
The pick is the fastest fitting measured candidate; every other candidate is listed with the reason it lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from training.config import ConfigError, TrainConfig, apply_overrides, parse_config
from training.planner import SHAPES, GiB, ModelShape, estimate, plan_from_config

RESULTS_DIR = Path(__file__).resolve().parents[1] / "eval" / "results"
DEFAULT_MARGIN = 0.05  # share of the GPU kept free: the planner is within about 10% of measured peaks
BATCHES = (1, 2, 4)
# bench_gpu names its models by size; rows of other shapes (the tiny CPU runs) never match a recipe
BENCH_MODELS = {"70b": SHAPES["llama31-70b"], "8b": SHAPES["llama31-8b"]}

_SAVERS = {"quantization.load_in_4bit": True, "quantization.prepare_for_kbit_training": False,
           "train.optim": "paged_adamw_8bit", "train.activation_offloading": False, "train.packing": False,
           "train.use_liger_kernel": False}


@dataclass(frozen=True)
class SetupSpec:
    """One of bench_gpu's setups as recipe fields, and the bench_gpu setup names whose rows measure it (first
    preferred: a row on the real length distribution before one on fixed-length random tokens)."""

    name: str
    overrides: dict[str, Any]
    measured_as: tuple[str, ...]
    about: str


SETUPS = (
    SetupSpec("qlora-savers", _SAVERS, ("qlora-savers-padded", "qlora-savers", "qlora-savers-long"),
              "savers: 4-bit base, bf16 non-quantized weights, paged 8-bit AdamW"),
    SetupSpec("qlora-savers-offload", {**_SAVERS, "train.activation_offloading": True},
              ("qlora-savers-offload", "qlora-savers-offload-long"), "savers + activation offloading (checkpointed layer inputs in host memory)"),
    SetupSpec("qlora-savers-packed", {**_SAVERS, "train.packing": True},
              ("qlora-savers-packed-1row", "qlora-savers-packed"), "savers + padding-free packed rows"),
    SetupSpec("qlora-savers-liger", {**_SAVERS, "train.use_liger_kernel": True}, ("qlora-savers-liger",),
              "savers + Liger's Triton kernels"),
    SetupSpec("qlora-seed", {**_SAVERS, "quantization.prepare_for_kbit_training": True, "train.optim": "adamw_torch"},
              ("qlora-seed",), "the seed: fp32 copies of the non-quantized weights, torch AdamW"),
    SetupSpec("lora-bf16", {**_SAVERS, "quantization.load_in_4bit": False}, ("lora-bf16",),
              "LoRA on a bf16 base, paged 8-bit AdamW"),
)


@dataclass
class Measurements:
    """GPU benchmark rows by (model, bench setup name, batch, seq); a later file's row replaces an earlier one's."""

    rows: dict[tuple[str, str, int, int], dict[str, Any]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def find(self, model: str, names: tuple[str, ...], batch: int, seq: int) -> dict[str, Any] | None:
        for name in names:
            row = self.rows.get((model, name, batch, seq))
            if row is not None:
                return row
        return None


def default_measurement_files(results_dir: Path = RESULTS_DIR) -> list[Path]:
    """Every bench_gpu JSON under eval/results/ (run_bench_h200.sh writes them one folder down)."""
    return sorted({*results_dir.glob("bench_gpu_*.json"), *results_dir.glob("*/*/bench_gpu_*.json"),
                   *results_dir.glob("*/bench_gpu_*.json")})


def load_measurements(paths: list[Path]) -> Measurements:
    """Read bench_gpu JSON files; runs on the CPU (gpu "cpu") are left out. Files are taken oldest first by their
    `date` (a transcription has none and comes first), so a newer run's row for the same setup wins."""
    loaded = []
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: not a readable benchmark JSON ({exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
            raise ValueError(f"{path}: no 'rows' list (expected training/bench_gpu.py's JSON)")
        loaded.append((str(data.get("date") or ""), str(path), data))
    measurements = Measurements()
    for _, source, data in sorted(loaded, key=lambda item: item[:2]):
        if data.get("gpu") in (None, "cpu"):
            continue
        measurements.sources.append(source)
        for row in data["rows"]:
            if {"model", "name", "batch", "seq"} <= row.keys():
                key = (str(row["model"]), str(row["name"]), int(row["batch"]), int(row["seq"]))
                measurements.rows[key] = {**row, "source": source, "cap_gib": data.get("cap_gib")}
    return measurements


@dataclass
class Candidate:
    setup: SetupSpec
    batch: int
    overrides: dict[str, Any]  # the recipe fields that select it
    changes: dict[str, Any]  # those of them the recipe as written does not already have
    planned_gib: float
    row: dict[str, Any] | None
    fits: bool
    why: str  # memory verdict, in words

    @property
    def tokens_per_s(self) -> float | None:
        if self.row is None:
            return None
        value = self.row.get("useful_tokens_per_s") or self.row.get("tokens_per_s")
        return float(value) if value else None

    @property
    def label(self) -> str:
        return f"{self.setup.name}, batch {self.batch}"

    def speed_words(self) -> str:
        if self.tokens_per_s is None:
            return "not measured"
        kind = "useful tokens/s" if self.row and self.row.get("useful_tokens_per_s") else "tokens/s"
        return f"{self.tokens_per_s:,.0f} {kind} ({Path(str(self.row and self.row['source'])).name})"

    def set_args(self) -> str:
        """The `--set` arguments that turn the recipe as written into this setup."""
        if not self.changes:
            return "the recipe as written is this setup"
        return " ".join(f"--set {key}={json.dumps(value) if isinstance(value, bool) else value}"
                        for key, value in self.changes.items())


@dataclass
class Choice:
    gpu_name: str
    gpu_gib: float
    margin: float
    seq_len: int
    pick: Candidate | None
    candidates: list[Candidate]
    sources: list[str]

    def lines(self) -> list[str]:
        """The pick and why, then every other candidate and why not."""
        out = []
        if self.pick is None:
            out.append(f"no measured setup fits {self.gpu_name} ({self.gpu_gib:g} GiB) at {self.seq_len} tokens")
        else:
            p = self.pick
            out.append(f"pick: {p.label} x {self.seq_len} tokens ({p.setup.about})")
            out.append(f"  fits: {p.why}")
            out.append(f"  fastest measured: {p.speed_words()}")
            out.append(f"  apply: {p.set_args()}")
        rest = [c for c in self.candidates if c is not self.pick]
        if rest:
            out.append("alternatives:")
        for c in rest:
            if not c.fits:
                reason = f"does not fit: {c.why}"
            elif c.tokens_per_s is None:
                reason = f"fits ({c.why}) but not measured"
            else:
                reason = f"slower: {c.speed_words()}"
            out.append(f"  {c.label}: {reason}")
        if not self.sources:
            out.append("no GPU measurements found: pass --measurements FILE (training/bench_gpu.py's JSON)")
        return out

    def to_dict(self) -> dict[str, Any]:
        def one(c: Candidate) -> dict[str, Any]:
            return {"setup": c.setup.name, "batch": c.batch, "planned_gib": c.planned_gib,
                    "measured_peak_gib": c.row.get("peak_gib") if c.row else None, "fits": c.fits, "memory": c.why,
                    "tokens_per_s": c.tokens_per_s, "source": c.row["source"] if c.row else None,
                    "overrides": c.overrides, "changes": c.changes}

        return {"gpu": self.gpu_name, "gpu_gib": self.gpu_gib, "margin": self.margin, "seq_len": self.seq_len,
                "pick": one(self.pick) if self.pick else None, "candidates": [one(c) for c in self.candidates],
                "sources": self.sources, "lines": self.lines()}


def bench_model(shape: ModelShape) -> str | None:
    """bench_gpu's name for a recipe's model shape, or None when no benchmark measures it."""
    return next((key for key, known in BENCH_MODELS.items() if
                 (known.layers, known.hidden, known.intermediate, known.vocab) ==
                 (shape.layers, shape.hidden, shape.intermediate, shape.vocab)), None)


def _changes(config: TrainConfig, overrides: dict[str, Any]) -> dict[str, Any]:
    """The overrides whose value differs from the recipe's."""
    raw = config.to_dict()

    def current(key: str) -> Any:
        node: Any = raw
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return node

    return {key: value for key, value in overrides.items() if current(key) != value}


def _with_overrides(config: TrainConfig, overrides: dict[str, Any]) -> TrainConfig:
    raw = apply_overrides(config.to_dict(), [f"{k}={json.dumps(v)}" for k, v in overrides.items()])
    return parse_config(raw)


def _memory(planned: float, row: dict[str, Any] | None, gpu_gib: float, usable: float) -> tuple[bool, str]:
    """Whether a candidate fits, and the figures that say so."""
    measured = row.get("peak_gib") if row else None
    words = f"planned {planned:.1f} GiB" + (f", measured {measured:.1f}" if measured is not None else "") + \
        f" of {gpu_gib:g} GiB ({usable:.1f} usable with the margin)"
    if row and "out of memory" in str(row.get("error", "")) and (row.get("cap_gib") or 0) >= gpu_gib:
        return False, f"ran out of memory under the {row['cap_gib']:g} GiB cap when measured; {words}"
    return planned <= usable and (measured is None or measured <= usable), words


def choose(config: TrainConfig, shape: ModelShape, gpu_name: str, gpu_gib: float, measurements: Measurements, *,
           margin: float = DEFAULT_MARGIN, batches: tuple[int, ...] = BATCHES) -> Choice:
    """Rank the candidate setups for `config` on a GPU of `gpu_gib` GiB (see the module's docstring)."""
    t = config.train
    seq = config.data.max_length
    model = bench_model(shape)
    usable = gpu_gib * (1 - margin)
    effective = t.per_device_train_batch_size * t.gradient_accumulation_steps
    candidates = []
    for spec in SETUPS:
        for batch in sorted({*batches, t.per_device_train_batch_size}):
            overrides = {**spec.overrides, "train.per_device_train_batch_size": batch}
            if effective % batch == 0:  # the same sequences per optimizer step
                overrides["train.gradient_accumulation_steps"] = effective // batch
            try:
                variant = _with_overrides(config, overrides)
            except ConfigError:  # a setup this recipe cannot take (e.g. a bf16 base with bf16 quant storage)
                continue
            planned = estimate(plan_from_config(variant, shape)).total_bytes / GiB
            row = measurements.find(model, spec.measured_as, batch, seq) if model else None
            fits, why = _memory(planned, row, gpu_gib, usable)
            candidates.append(Candidate(spec, batch, overrides, _changes(config, overrides), round(planned, 2), row,
                                        fits, why))
    measured_fits = [c for c in candidates if c.fits and c.tokens_per_s is not None]
    pick = max(measured_fits, key=lambda c: (c.tokens_per_s, -c.planned_gib), default=None)
    order = {id(c): i for i, c in enumerate(candidates)}
    candidates.sort(key=lambda c: (c is not pick, not c.fits, c.tokens_per_s is None, -(c.tokens_per_s or 0),
                                   order[id(c)]))
    return Choice(gpu_name, gpu_gib, margin, seq, pick, candidates, measurements.sources)
