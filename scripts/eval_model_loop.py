"""The model loop's evaluation on the CPU: SmolLM2-135M-Instruct as it ships (the base) against the adapter
`lexrisk train` made from it, both served by one vLLM CPU server (`--enable-lora`, structured outputs, as the
70B deployment is served), and the embedded baseline, on the same held-out CUAD contracts; then one report.

    python scripts/eval_model_loop.py --adapter out/loop/run/adapter --shortest 12

Each run is `lexrisk eval run`, so its folder holds run.json with the exact command; the chunk size matches
what the training set was built with (its card's max_length minus the prompt overhead, less the answer
reserve), so the adapter is asked what it was taught. Decoding is bounded so that a CPU answers in seconds:
the bounds are the same for base and adapter."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from contracts.portable_paths import portable_text  # noqa: E402
from contracts.training_set import BuildParams, read_card  # noqa: E402
from lexrisk.cli import main as lexrisk  # noqa: E402
from lexrisk.testing.vllm_server import LORA_NAME, vllm_server  # noqa: E402

RESULTS = REPO / "eval" / "results" / "smollm2-loop"
README = REPO / "docs" / "ml-engineer.md"  # the page holding the model loop's table
BEGIN, END = "<!-- smollm2-loop:begin (scripts/eval_model_loop.py) -->", "<!-- smollm2-loop:end -->"
ROWS = {"base": "SmolLM2-135M-Instruct as it ships", "adapter": "the same + the adapter `lexrisk train` made",
        "baseline": "embedded baseline (shipped; not held out for it)"}


def chunk_tokens(params: BuildParams) -> int:
    """The contract tokens per chunk the training set was built with."""
    room = params.max_length - params.prompt_overhead_tokens
    return int(room * (1 - params.answer_reserve))


def shortest_dev(cuad: Path, count: int) -> list[str]:
    """The `count` shortest held-out (dev) CUAD contracts by characters: a CPU subset, chosen by a rule."""
    from eval.gold import cuad_entries

    entries = cuad_entries(cuad, split="dev", source="txt")
    return [e.name for e in sorted(entries, key=lambda e: (e.source.stat().st_size, e.name))[:count]]


def block(results: Path = RESULTS) -> str:
    """docs/ml-engineer.md's table, from the committed runs' metrics.json (tests/test_docs.py checks it is current)."""
    def interval(m: dict, key: str) -> str:
        low, high = m["ci"][key]
        return f"{m['micro'][key]:.3f} [{low:.3f}, {high:.3f}]"

    def number(value: float | None, digits: int) -> str:
        return "-" if value is None else f"{value:,.{digits}f}"

    lines = [BEGIN, "| run | precision | recall | F1 | grounded | s / contract | tokens in / out per contract |",
             "|---|---|---|---|---|---|---|"]
    for name, label in ROWS.items():
        m = json.loads((results / name / "metrics.json").read_text(encoding="utf-8"))
        speed = m["speed"]
        tokens = (f"{number(speed['tokens_in_per_contract'], 0)} / {number(speed['tokens_out_per_contract'], 0)}"
                  if speed["tokens_in_per_contract"] is not None else "-")
        lines.append(f"| {label} | {interval(m, 'precision')} | {interval(m, 'recall')} | {interval(m, 'f1')} | "
                     f"{number(m['grounding']['rate'], 2)} of {m['grounding']['proposed']} | "
                     f"{number(speed['seconds_per_contract'], 1)} | {tokens} |")
    return "\n".join([*lines, END])


def write_readme(results: Path = RESULTS) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    README.write_text(text[:start] + block(results) + text[end:], encoding="utf-8")


def portable_log(log: Path) -> None:
    """The server's log as committed: the repository's and the settings' paths as contracts.portable_paths
    writes them, the Python installation's as `<python>` (tests/eval/test_portable_results.py)."""
    if log.is_file():
        text = portable_text(log.read_bytes().decode("utf-8", errors="replace"))  # bytes: carriage returns kept
        log.write_bytes(text.replace(sys.base_prefix + "/", "<python>/").encode("utf-8"))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", type=Path, default=Path("models/smollm2-135m-instruct"))
    p.add_argument("--adapter", type=Path, required=True, help="the adapter folder `lexrisk train` wrote")
    p.add_argument("--merged", type=Path, help="score the adapter merged into the base (`lexrisk train merge`), "
                   "served as a plain model: vLLM's CPU LoRA kernels prefill a 2,400-token chunk in about 30 s")
    p.add_argument("--shortest", type=int, default=12, help="evaluate on this many of the shortest dev contracts")
    p.add_argument("--cuad", type=Path, default=Path("../shared/data/cuad"))
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--max-tokens", type=int, default=192, help="most tokens of one chunk's answer")
    p.add_argument("--concurrency", type=int, default=8, help="chunks sent to vLLM at once (it batches them)")
    p.add_argument("--bootstrap", type=int, default=1000)
    args = p.parse_args()

    card = json.loads((args.adapter / "lexrisk_model_card.json").read_text())
    dataset = Path(card["dataset"]["path"])
    built = read_card(dataset).params
    chunk = chunk_tokens(built)
    prompt = built.prompt  # base and adapter are asked with the prompt the adapter learnt
    args.out.mkdir(parents=True, exist_ok=True)
    names = shortest_dev(args.cuad, args.shortest)
    contracts = args.out / "contracts.txt"
    contracts.write_text("".join(f"{n}\n" for n in names), encoding="utf-8")
    common = ["--data", str(args.cuad), "--contracts", str(contracts), "--bootstrap", str(args.bootstrap)]
    decoding = ["--set", f"openai_tokenizer={args.base}", "--set", f"chunk_tokens={chunk}", "--set", f"prompt={prompt}",
                "--set", f"openai_max_tokens={args.max_tokens}", "--set", "openai_max_findings=3",
                "--set", "openai_max_quote_chars=400", "--set", "openai_max_explanation_chars=80",
                "--set", f"openai_concurrency={args.concurrency}", "--set", "openai_max_retries=1",
                "--set", "openai_timeout_s=600", "--tokenizer", str(args.base / "tokenizer.json")]
    runs = {"base": args.out / "base", "adapter": args.out / "adapter", "baseline": args.out / "baseline"}
    seconds: dict[str, float] = {}
    served = {"base": (args.base, ["--set", f"openai_model={args.base}"]),
              "adapter": (args.base, ["--adapter", LORA_NAME]) if args.merged is None
              else (args.merged, ["--set", f"openai_model={args.merged}"])}
    for name, (model, target) in served.items():
        with vllm_server(model, args.adapter, args.out / f"vllm-{name}.log", max_model_len=4096) as url:
            started = time.monotonic()
            code = lexrisk(["eval", "run", "--analyzer", "openai", *target, "--set", f"openai_base_url={url}",
                            *decoding, *common, "--out", str(runs[name])])
            seconds[name] = time.monotonic() - started
        portable_log(args.out / f"vllm-{name}.log")
        if code != 0:
            return code
    started = time.monotonic()
    if lexrisk(["eval", "run", "--analyzer", "baseline", *common, "--out", str(runs["baseline"])]) != 0:
        return 1
    seconds["baseline"] = time.monotonic() - started
    (args.out / "wall_seconds.json").write_text(json.dumps(seconds, indent=2) + "\n")
    note = (f"SmolLM2-135M-Instruct (Q4_1 GGUF dequantized: a model for proving the loop, not for quality claims) "
            f"as it ships ('base') and with the LoRA adapter `lexrisk train` made from it ('adapter': "
            f"{card['metrics'].get('global_step')} optimizer steps on {card['dataset']['counts'].get('train')} "
            f"train examples of CUAD's train split, dataset {card['dataset']['content_hash'][:16]}; "
            f"{'merged into the base and served as a model' if args.merged else 'served as a LoRA adapter'}), "
            f"each on a vLLM CPU server with structured outputs and the {prompt} system prompt, as in training; "
            f"chunks of {chunk} contract tokens as in training; "
            f"answers bounded to {args.max_tokens} tokens and 3 findings per chunk. 'baseline' is the embedded "
            f"analyzer as shipped (fit on all 408 CUAD contracts, these included: not held out for it). The "
            f"contracts are the {len(names)} shortest of CUAD's held-out dev contracts ({contracts}), none of "
            f"which the adapter saw.")
    code = lexrisk(["eval", "report", str(runs["base"]), str(runs["adapter"]), str(runs["baseline"]),
                    "--out", str(args.out / "report"), "--note", note])
    if code == 0 and args.out.resolve() == RESULTS:
        write_readme()
        print(block())
    return code


if __name__ == "__main__":
    sys.exit(main())
