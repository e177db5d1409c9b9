"""The model on disk: `model.json` (categories, feature configuration, vocabularies, thresholds,
decoding rules, provenance) and `weights.npz` (idf vectors and the linear weights).

No pickle anywhere, so loading a model file cannot run code. numpy's own `savez` stamps each member
with the current time; the archive is written here with a fixed timestamp and sorted members so that
the same training run gives the same bytes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np

from analyzers import AnalyzerLoadError

MODEL_JSON = "model.json"
WEIGHTS_NPZ = "weights.npz"
FORMAT_VERSION = 2
_EPOCH = (1980, 1, 1, 0, 0, 0)


class ArtifactError(AnalyzerLoadError):
    """The model folder is missing, incomplete or of another format."""


def write_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def write_json(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, sort_keys=True, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def check_folder(folder: Path) -> None:
    missing = [name for name in (MODEL_JSON, WEIGHTS_NPZ) if not (folder / name).is_file()]
    if missing:
        raise ArtifactError(f"baseline model folder {folder} lacks {', '.join(missing)}")


def digest(folder: Path) -> str:
    """sha256 over the model files: the analyzer's version and the rebuild check."""
    h = hashlib.sha256()
    for name in (MODEL_JSON, WEIGHTS_NPZ):
        h.update(name.encode())
        h.update((folder / name).read_bytes())
    return h.hexdigest()
