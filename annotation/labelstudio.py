"""Label Studio: import its JSON export, export tasks with pre-annotations from any lexrisk analyzer.

The labelling interface (`label_config()`) has span labels for the category, and per-region choices
for the severity and a text area for the explanation; a region's severity and explanation are linked to
it by Label Studio's shared region id. Lawyers then correct a model's output instead of starting
from an empty page, and their corrections come back as annotations with their names on them. Every
export and import is one tenant's: its contracts only, into its contracts only."""

from __future__ import annotations

import json
import re
import shlex
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from sqlmodel import Session, col, select

from annotation.report import ImportRecordError, ImportReport, ImportSourceError
from annotation.store.models import LABEL_ORIGINS, Annotation, Annotator, Contract
from annotation.store.repository import (
    SEVERITIES,
    StoreError,
    add_annotation,
    contract_document,
    get_or_create_annotator,
    get_or_create_contract,
    of_tenant,
    owned,
    row_id,
    span_text,
)
from contracts.documents import Document
from contracts.findings import AnalysisResult
from contracts.playbook import Playbook, default_playbook
from contracts.taxonomy import UnknownCategoryError, canonical, category_names

LABELS, SEVERITY, EXPLANATION, TEXT = "label", "severity", "explanation", "text"
SHA256 = re.compile(r"[0-9a-f]{64}")  # as `export_tasks` writes a contract's hash


def label_config() -> str:
    """The Label Studio labelling interface for lexrisk's categories and severities."""
    labels = "\n".join(f"    <Label value={quoteattr(name)}/>" for name in category_names())
    choices = "\n".join(f"      <Choice value={quoteattr(s)}/>" for s in SEVERITIES)
    return (f'<View>\n  <Labels name="{LABELS}" toName="{TEXT}">\n{labels}\n  </Labels>\n'
            f'  <Text name="{TEXT}" value="$text"/>\n  <View visibleWhen="region-selected">\n'
            f'    <Choices name="{SEVERITY}" toName="{TEXT}" perRegion="true" required="true">\n{choices}\n    </Choices>\n'
            f'    <TextArea name="{EXPLANATION}" toName="{TEXT}" perRegion="true" placeholder="why it matters"/>\n'
            f"  </View>\n</View>\n")


# ---- export -------------------------------------------------------------------------------------

def _region(rid: str, start: int, end: int, text: str, category: str, severity: str, explanation: str | None,
            origin: str | None = None) -> list[dict]:
    """A span's Label Studio results; a stored label's origin (drawn by hand, or a suggestion accepted or
    edited) rides in the label result's `meta`, which Label Studio keeps, so a round trip keeps it."""
    span = {"start": start, "end": end, "text": text}
    labels: dict[str, Any] = {"id": rid, "from_name": LABELS, "to_name": TEXT, "type": "labels",
                              "value": {**span, "labels": [category]}}
    if origin is not None:
        labels["meta"] = {"origin": origin}
    out = [labels,
           {"id": rid, "from_name": SEVERITY, "to_name": TEXT, "type": "choices", "value": {**span, "choices": [severity]}}]
    if explanation:
        out.append({"id": rid, "from_name": EXPLANATION, "to_name": TEXT, "type": "textarea",
                    "value": {**span, "text": [explanation]}})
    return out


def prediction(result: AnalysisResult) -> dict[str, Any]:
    """An analyzer's result as a Label Studio prediction (pre-annotation)."""
    regions = []
    for i, f in enumerate(result.findings):
        for r in _region(f"p{i}", f.start, f.end, f.quote, f.category, f.severity, f.explanation):
            regions.append({**r, "score": f.score})
    score = sum(f.score for f in result.findings) / len(result.findings) if result.findings else 0.0
    return {"model_version": f"{result.analyzer.name} {result.analyzer.version}", "score": round(score, 4),
            "result": regions}


def export_tasks(session: Session, tenant: str, *, analyze: Callable[[Document], AnalysisResult] | None = None,
                 contracts: Iterable[str] | None = None, with_annotations: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """One task per contract of `tenant` (all, or those whose sha256 is in `contracts`), with the analyzer's
    findings as predictions and, when asked, the stored labels as per-annotator annotations."""
    query = of_tenant(Contract, tenant).order_by(col(Contract.id))
    rows = session.exec(query).all()
    if contracts is not None:
        wanted = set(contracts)
        unknown = wanted - {c.sha256 for c in rows}
        if unknown:
            raise StoreError(f"no contract with sha256 {sorted(unknown)[0]}")
        rows = [c for c in rows if c.sha256 in wanted]
    names = {a.id: a.name for a in session.exec(select(Annotator))}
    tasks = []
    for done, contract in enumerate(rows, start=1):
        task: dict[str, Any] = {"data": {TEXT: contract.text, "name": contract.name, "contract_sha256": contract.sha256}}
        if analyze is not None:
            task["predictions"] = [prediction(analyze(contract_document(contract)))]
        if with_annotations:
            by_annotator: dict[int, list[Annotation]] = {}
            for a in session.exec(of_tenant(Annotation, tenant).where(Annotation.contract_id == contract.id,
                                                           Annotation.status != "rejected").order_by(col(Annotation.id))):
                by_annotator.setdefault(a.annotator_id, []).append(a)
            task["annotations"] = [
                {"completed_by": {"email": names[aid]},
                 "result": [r for a in labels for r in _region(f"a{a.id}", a.start, a.end, a.quote, a.category,
                                                                a.severity, a.explanation, a.origin)]}
                for aid, labels in by_annotator.items()]
        tasks.append(task)
        if progress:
            progress(done, len(rows))
    return tasks


# ---- import -------------------------------------------------------------------------------------

def read_export(path: Path) -> list[dict[str, Any]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportSourceError(str(path), f"cannot read ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportSourceError(str(path), f"not valid JSON ({exc})") from None
    if not isinstance(raw, list):
        raise ImportSourceError(str(path), "not a Label Studio JSON export (expected a list of tasks)")
    return raw


def annotator_name(annotation: dict[str, Any]) -> str:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        return str(who.get("email") or who.get("username") or who.get("id"))
    if annotation.get("created_username"):
        return str(annotation["created_username"]).strip()
    return f"labelstudio-user-{who}"


def import_labelstudio(session: Session, path: Path, *, tenant: str, playbook: Playbook | None = None, skip_bad: bool = False,
                       progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import every submitted annotation of every task as `tenant`'s pending labels by its annotator. Without
    `skip_bad` the first bad task raises ImportRecordError naming file, task, annotation and result."""
    playbook = playbook or default_playbook()
    tasks = read_export(path)
    report = ImportReport(source=str(path))
    for number, task in enumerate(tasks, start=1):
        where = f"{path.name} task {task.get('id', number) if isinstance(task, dict) else number}".replace("\x00", "\\x00")
        try:
            with session.begin_nested():
                _import_task(session, tenant, where, task, playbook, report)
        except (ImportRecordError, StoreError) as exc:
            error = exc if isinstance(exc, ImportRecordError) else ImportRecordError(where, str(exc))
            if not skip_bad:
                raise error from None
            report.skipped.append(str(error))
        if progress:
            progress(number, len(tasks))
    return report


def _import_task(session: Session, tenant: str, where: str, task: Any, playbook: Playbook, report: ImportReport) -> None:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise ImportRecordError(where, "not a task (no 'data' object)")
    nul = _nul_at(task)
    if nul is not None:
        # the API refuses NUL in text (contracts.wire.TEXT_PATTERN); PostgreSQL cannot store it, SQLite stored it
        raise ImportRecordError(where, f"{nul} holds a NUL character (\\x00), which lexrisk does not accept in text")
    data = task["data"]
    text = _task_text(where, data)
    contract = None
    if data.get("contract_sha256"):
        if not isinstance(data["contract_sha256"], str) or not SHA256.fullmatch(data["contract_sha256"]):
            raise ImportRecordError(where, "data.contract_sha256 is not a SHA-256 (64 lower-case hex digits)")
        contract = owned(session, Contract, tenant, sha256=data["contract_sha256"])
        if contract is not None and contract.text != text:
            # the store's own refusal (repository.get_or_create_contract) names the same command
            raise ImportRecordError(where, "data.text differs from the stored contract with that sha256 (another text "
                                    "extraction of its file); when the task holds the current one, `lexrisk annotate "
                                    f"reextract --tenant {shlex.quote(tenant)} FILE` moves the stored contract and its "
                                    "labels onto it, then import again")
    if contract is None:
        document = Document.from_text(str(data.get("name") or f"labelstudio-task-{task.get('id')}"), text,
                                      sha256=data.get("contract_sha256") or None)
        existed = owned(session, Contract, tenant, sha256=document.sha256)
        contract = get_or_create_contract(session, tenant, document)
        report.contracts_already_present += existed is not None
        report.contracts += existed is None
    else:
        report.contracts_already_present += 1
    annotations = task.get("annotations") or []
    if not isinstance(annotations, list):
        raise ImportRecordError(where, "'annotations' is not a list")
    for a_number, annotation in enumerate(annotations, start=1):
        if not isinstance(annotation, dict) or annotation.get("was_cancelled"):
            continue
        a_where = f"{where} annotation {annotation.get('id', a_number)}"
        annotator = get_or_create_annotator(session, annotator_name(annotation))
        results = annotation.get("result")
        if not isinstance(results, list):
            raise ImportRecordError(a_where, "'result' is not a list")
        extras: dict[str, dict[str, Any]] = {}
        for r in results:
            if isinstance(r, dict) and r.get("type") in ("choices", "textarea"):
                extras.setdefault(str(r.get("id")), {})[r["type"]] = r.get("value") or {}
        for r in results:
            if isinstance(r, dict) and r.get("type") == "labels":
                _import_region(session, contract, annotator, f"{a_where} result {r.get('id')}", r,
                               extras.get(str(r.get("id")), {}), playbook, report)
    report.contract_ids.add(row_id(contract))  # once the task is in: a bad task's savepoint takes its contract back


def _nul_at(task: dict[str, Any]) -> str | None:
    """Where in the task (`data.text`, `annotations[0].result[1].value.text`) a key or a string holds a NUL,
    the shallowest place first, or None. Every string of a task can reach the store (the text, names,
    explanations, ids in `source_ref`), so the whole task is searched, breadth first and without recursion
    (how deep an export nests is up to whoever wrote it)."""
    pending: deque[tuple[str, Any]] = deque([("", task)])
    while pending:
        path, value = pending.popleft()
        if isinstance(value, str) and "\x00" in value:
            return path
        if isinstance(value, dict):
            for key, item in value.items():
                name = f"{path}.{key}" if path else str(key)
                if "\x00" in str(key):
                    return name.replace("\x00", "\\x00")
                pending.append((name, item))
        elif isinstance(value, list):
            pending.extend((f"{path}[{n}]", item) for n, item in enumerate(value))
    return None


def _task_text(where: str, data: dict[str, Any]) -> str:
    """The task's contract text; one a database cannot store as UTF-8 (a lone surrogate from a `\\ud800`
    escape) is refused here, naming the task, rather than failing in the hash with a traceback."""
    text = data.get(TEXT)
    if not isinstance(text, str) or not text:
        raise ImportRecordError(where, f"data.{TEXT} is missing or empty")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ImportRecordError(where, f"data.{TEXT} is not valid Unicode ({exc.reason} at {exc.start})") from None
    return text


def _strings(where: str, what: str, value: Any) -> list[str]:
    """`value` as Label Studio writes a region's labels, choices or text, a list of strings; a lone string
    (a hand-made export's textarea) is one string, not its characters."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ImportRecordError(where, f"the region's {what} is not a list of strings")
    return value


def _object(where: str, what: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ImportRecordError(where, f"the region's {what} is not an object")
    return value


def _import_region(session: Session, contract: Contract, annotator: Annotator, where: str, region: dict[str, Any],
                   extras: dict[str, Any], playbook: Playbook, report: ImportReport) -> None:
    report.records_read += 1
    value = _object(where, "value", region.get("value") or {})
    start, end = value.get("start"), value.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise ImportRecordError(where, "the region has no integer start/end offsets")
    try:
        quote = span_text(contract.text, start, end)
    except StoreError as exc:
        raise ImportRecordError(where, str(exc)) from None
    if "text" in value and value["text"] != quote:
        raise ImportRecordError(where, f"the region's text does not match the text at {start}..{end}")
    labels = _strings(where, "labels", value.get("labels") or [])
    if len(labels) != 1:
        raise ImportRecordError(where, f"expected one category label, got {len(labels)}")
    try:
        category = canonical(labels[0])
    except UnknownCategoryError as exc:
        raise ImportRecordError(where, str(exc)) from None
    choices = _strings(where, "choices", _object(where, "choices", extras.get("choices") or {}).get("choices") or [])
    assessed, reason = playbook.assess(category, quote)
    severity: str = choices[0] if choices else assessed
    if severity not in SEVERITIES:
        raise ImportRecordError(where, f"unknown severity {severity!r}")
    texts = _strings(where, "textarea text", _object(where, "textarea", extras.get("textarea") or {}).get("text") or [])
    explanation = " ".join(texts).strip() or None
    meta = region.get("meta")
    origin = meta.get("origin", "manual") if isinstance(meta, dict) else "manual"
    if origin not in LABEL_ORIGINS:
        raise ImportRecordError(where, f"unknown origin {origin!r} in the region's meta")
    ref = where[:1000]
    if owned(session, Annotation, contract.tenant, source_ref=ref) is not None:
        report.records_already_present += 1
        return  # imported before: the export is re-read, not re-applied
    add_annotation(session, contract, annotator, category=category, severity=severity, start=start, end=end,
                   quote=quote, explanation=explanation or (None if choices else reason), source="labelstudio",
                   source_ref=ref, origin=origin)
    report.records_imported += 1
    report.annotations_created += 1
    report.located_by["offsets"] += 1
