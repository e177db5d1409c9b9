"""/v1/model: which analyzer answers uploads, the adapter behind it, the upload limits, and the held-out
evaluation figures shipped in eval/results — what the app's Model page shows and its uploader obeys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter

from analyzers import analyzer_names, missing_setting
from contracts.wire import ErrorBody, Evaluation, ModelInfo
from serving.api.deps import SettingsDep, TenantDep

router = APIRouter(prefix="/v1", tags=["model"])
RESULTS = Path(__file__).resolve().parents[3] / "eval" / "results"


@router.get("/model", response_model=ModelInfo, responses={401: {"model": ErrorBody}})
def model_info(settings: SettingsDep, _tenant: TenantDep) -> ModelInfo:
    model, adapter = {"openai": (settings.openai_model, None), "hf": (settings.hf_model, settings.hf_adapter),
                      "baseline": (str(settings.baseline_model or "shipped baseline model"), None)
                      }.get(settings.analyzer, (None, None))
    missing = {name: reason for name in analyzer_names(settings)
               if (reason := missing_setting(name, settings)) is not None}
    return ModelInfo(analyzer=settings.analyzer, analyzers=[n for n in analyzer_names(settings) if n not in missing],
                     unconfigured=missing, model=model, adapter=adapter,
                     max_upload_mb=settings.max_upload_mb, max_pages=settings.max_pages,
                     evaluation=evaluations(RESULTS))


def evaluations(folder: Path) -> list[Evaluation]:
    """Micro scores of every system in every result file that has them (`scores.<system>.micro`)."""
    out: list[Evaluation] = []
    for path in sorted(folder.glob("*.json")):
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        scores = data.get("scores") if isinstance(data, dict) else None
        for system, score in (scores or {}).items():
            micro = score.get("micro") if isinstance(score, dict) else None
            if isinstance(micro, dict) and {"precision", "recall", "f1"} <= micro.keys():
                out.append(Evaluation(file=path.name, system=system, protocol=data.get("protocol"),
                                      held_out=data.get("held_out"), rule=data.get("rule"), precision=micro["precision"], recall=micro["recall"],
                                      f1=micro["f1"]))
    return out
