"""The model registry: which adapters exist, what made them, how they scored, and which one is served.

An adapter is registered with its lineage (the adapter's model card: base model, dataset version and hash,
recipe) and its evaluation (`metrics.json` of `lexrisk eval run`). Promotion is gated: a candidate replaces the
served adapter only if it beats it on the gate's measure without losing on the other, so a retrain that made
the model worse can never reach lawyers by accident. Every change is an event row; rollback re-serves the
adapter served before the current one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from contracts.prompt import PROMPT_STYLES
from contracts.settings import PromptStyle
from serving.models import ModelPromotion, ModelVersion

Gate = Literal["recall", "precision", "f1"]
GATES: dict[str, str] = {  # measure that must rise -> measure that must not fall
    "recall": "precision",
    "precision": "recall",
    "f1": "f1",
}
CARD_JSON = "lexrisk_model_card.json"  # written by training.model_card beside every adapter
NOT_ADAPTER_ANALYZERS = {"baseline"}  # eval run analyzers that run no language model, so no adapter


class RegistryError(ValueError):
    """A registration or promotion the user can fix; the message says what is wrong."""


@dataclass(frozen=True)
class ServedAdapter:
    """What a job asks the model server for: the adapter's served name and its folder, and the system
    prompt style its training set was built with (its lineage says; adapters from before the style was
    recorded were all trained on the full prompt)."""

    name: str
    path: str
    prompt: PromptStyle = "full"


@dataclass(frozen=True)
class GateDecision:
    passed: bool
    message: str


def gate_decision(gate: str, candidate: dict[str, Any], current: dict[str, Any] | None) -> GateDecision:
    """Does `candidate` (metrics.json's `micro`) beat `current` on `gate`? The first adapter always passes."""
    if gate not in GATES:
        raise RegistryError(f"unknown gate {gate!r}; choose one of: {', '.join(GATES)}")
    rise, hold = gate, GATES[gate]
    for name in {rise, hold}:
        if not isinstance(candidate.get(name), int | float):
            raise RegistryError(f"the candidate's metrics have no micro {name}")
    if current is None:
        return GateDecision(True, f"nothing served yet: {rise} {candidate[rise]:.3f}")
    gain = candidate[rise] - current[rise]
    held = candidate[hold] - current[hold]
    if gain <= 0:
        return GateDecision(False, f"{rise} {candidate[rise]:.3f} does not beat the served {current[rise]:.3f} "
                                   f"(by {gain:+.3f})")
    if hold != rise and held < 0:
        return GateDecision(False, f"{rise} rises by {gain:+.3f} but {hold} falls by {held:+.3f} "
                                   f"({candidate[hold]:.3f} < {current[hold]:.3f})")
    tail = "" if hold == rise else f", {hold} {held:+.3f}"
    return GateDecision(True, f"{rise} {candidate[rise]:.3f} vs {current[rise]:.3f} ({gain:+.3f}{tail})")


def read_metrics(eval_run: Path) -> dict[str, Any]:
    path = eval_run / "metrics.json"
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read the evaluation ({exc.__class__.__name__})") from None
    if not isinstance(metrics, dict) or not isinstance(metrics.get("micro"), dict):
        raise RegistryError(f"{path}: no 'micro' measures (not a `lexrisk eval run` output?)")
    return metrics


def check_evaluation(eval_run: Path) -> None:
    """Refuse an evaluation that cannot have scored an adapter: `lexrisk eval run` of the embedded baseline (its
    run.json says so), whose scores would let any adapter through the gate on the classifier's merit."""
    path = eval_run / "run.json"
    if not path.is_file():
        return  # an older or hand-made run: its metrics are taken as the adapter's, as before
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read the evaluation's run info ({exc.__class__.__name__})") from None
    analyzer = info.get("analyzer") if isinstance(info, dict) else None
    if analyzer in NOT_ADAPTER_ANALYZERS:
        raise RegistryError(f"{eval_run}: this evaluation scored the {analyzer!r} analyzer, not an adapter; score the "
                            "adapter with `lexrisk eval run --analyzer openai --adapter NAME` and register that run")


def check_servable(adapter: Path) -> None:
    """Refuse an adapter folder vLLM could not load (no config, damaged weights, an unsupported rank): promoted,
    it would fail every job at its start rather than here."""
    from training.adapter_check import AdapterError, check_adapter

    try:
        problems = check_adapter(adapter)
    except AdapterError as exc:
        raise RegistryError(str(exc)) from None
    if problems:
        more = f" (and {len(problems) - 1} more; `lexrisk train check-adapter` lists them)" if len(problems) > 1 else ""
        raise RegistryError(f"{adapter}: vLLM cannot serve it: {problems[0]}{more}")


def read_lineage(adapter: Path) -> dict[str, Any]:
    path = adapter / CARD_JSON
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read the adapter's model card ({exc.__class__.__name__}); "
                            "register the `adapter/` folder that `lexrisk train` wrote") from None
    dataset = card.get("dataset") or {}
    if dataset.get("prompt", "full") not in PROMPT_STYLES:
        raise RegistryError(f"{path}: unknown system prompt style {dataset['prompt']!r} in its dataset; "
                            f"this version knows {', '.join(PROMPT_STYLES)}")
    return {"base_model": card.get("base_model"), "base_revision": card.get("base_revision"),
            "dataset": card.get("dataset"), "config": card.get("config"), "created": card.get("created")}


def register(engine: Engine, name: str, adapter: Path, eval_run: Path, tenant: str = "") -> ModelVersion:
    lineage = read_lineage(adapter)
    check_servable(adapter)
    metrics = read_metrics(eval_run)
    check_evaluation(eval_run)
    version = ModelVersion(tenant_scope=tenant, name=name, adapter_path=str(adapter.resolve()),
                           base_model=str(lineage["base_model"]), lineage=lineage, metrics=metrics,
                           eval_run=str(eval_run.resolve()))
    with Session(engine) as session:
        session.add(version)
        try:
            session.commit()
        except IntegrityError:
            raise RegistryError(f"a model named {name!r} is already registered"
                                + (f" for tenant {tenant!r}" if tenant else "")) from None
        session.refresh(version)
        return version


def served(session: Session, tenant: str = "") -> ModelVersion | None:
    """The adapter served to `tenant`: its own if one was promoted for it, else the one for every tenant."""
    for scope in dict.fromkeys([tenant, ""]):
        event = session.exec(select(ModelPromotion).where(ModelPromotion.tenant_scope == scope)
                             .order_by(col(ModelPromotion.id).desc())).first()
        if event is not None:
            return session.get(ModelVersion, event.model_id)
    return None


def served_name(version: ModelVersion) -> str:
    """The name the model server knows an adapter by, which requests ask for and findings record: the
    registered name, after its tenant's where the adapter is one tenant's own (names are unique per tenant)."""
    return f"{version.tenant_scope}/{version.name}" if version.tenant_scope else version.name


def served_adapter(session: Session, tenant: str = "") -> ServedAdapter | None:
    """The adapter a job for `tenant` runs on; None where nothing is promoted (the configured model serves).
    Read from the store at each job's start, not cached: one indexed query beside minutes of analysis, and a
    promotion or rollback reaches every worker at its next job."""
    version = served(session, tenant)
    if version is None:
        return None
    prompt = cast(PromptStyle, (version.lineage.get("dataset") or {}).get("prompt", "full"))  # checked at register
    return ServedAdapter(served_name(version), version.adapter_path, prompt)


def promote(engine: Engine, name: str, gate: str, tenant: str = "") -> GateDecision:
    """Serve `name` if it passes `gate` against what is served now; refuse (and record nothing) otherwise."""
    with Session(engine) as session:
        candidate = _by_name(session, name, tenant)
        current = served(session, tenant)
        if current is not None and current.id == candidate.id:
            raise RegistryError(f"{name!r} is already served")
        decision = gate_decision(gate, candidate.metrics["micro"], current.metrics["micro"] if current else None)
        if decision.passed:
            session.add(ModelPromotion(tenant_scope=tenant, model_id=candidate.id, action="promote", gate=gate,
                                       reason=decision.message))
            session.commit()
        return decision


def rollback(engine: Engine, tenant: str = "") -> ModelVersion:
    """Serve again the adapter that was served before the current one; each further rollback goes one
    further back (after A, B, C: B, then A), as an undo does."""
    with Session(engine) as session:
        events = session.exec(select(ModelPromotion).where(ModelPromotion.tenant_scope == tenant)
                              .order_by(col(ModelPromotion.id))).all()
        if not events:
            raise RegistryError("nothing has been promoted" + (f" for tenant {tenant!r}" if tenant else ""))
        served_in_turn = _served_in_turn(events)
        if len(served_in_turn) < 2:
            raise RegistryError("no earlier adapter to roll back to")
        current, previous = served_in_turn[-1], served_in_turn[-2]
        session.add(ModelPromotion(tenant_scope=tenant, model_id=previous, action="rollback",
                                   reason=f"rolled back from {current}"))
        session.commit()
        version = session.get(ModelVersion, previous)
        assert version is not None  # a foreign key guarantees it
        return version


def _served_in_turn(events: Sequence[ModelPromotion]) -> list[str]:
    """The adapters served one after another that a rollback can go back through, oldest first: a promotion
    puts its adapter on top, a rollback takes the top off. "The one served before the current one" read off
    the events alone made a second rollback go forward again (after A, B, C: B, then C)."""
    served_in_turn: list[str] = []
    for event in events:
        if event.action == "rollback" and served_in_turn:
            served_in_turn.pop()
        if not served_in_turn or served_in_turn[-1] != event.model_id:
            served_in_turn.append(event.model_id)
    return served_in_turn


def _by_name(session: Session, name: str, tenant: str) -> ModelVersion:
    version = session.exec(select(ModelVersion).where(ModelVersion.name == name,
                                                      ModelVersion.tenant_scope == tenant)).first()
    if version is None:
        raise RegistryError(f"no model named {name!r} is registered" + (f" for tenant {tenant!r}" if tenant else ""))
    return version


def served_for(engine: Engine, tenant: str = "") -> ModelVersion | None:
    """`served`, for a command: the adapter a tenant's jobs run on now."""
    with Session(engine) as session:
        return served(session, tenant)


def versions(engine: Engine) -> list[tuple[ModelVersion, bool]]:
    """Every registered adapter, newest first, each with whether it is the one served for its scope."""
    with Session(engine) as session:
        rows = list(session.exec(select(ModelVersion).order_by(col(ModelVersion.registered_at).desc())).all())
        served_ids = {v.id for scope in {r.tenant_scope for r in rows} if (v := served(session, scope)) is not None
                      and v.tenant_scope == scope}
        return [(r, r.id in served_ids) for r in rows]

