"""One schema per thing: the stored finding, the wire finding, the store's label and the LLM answer use
the fields of `contracts.findings.Finding`; a job's status has one spelling; there is one clock."""

from __future__ import annotations

from annotation.store import Annotation
from annotation.store import models as store_models
from contracts.clock import utcnow
from contracts.findings import Finding
from contracts.prompt import AnswerItem, answer_json_schema
from contracts.wire import FindingPublic, JobPublic, UploadAccepted
from serving.models import FindingRow, Job, JobStatus
from serving.models import utcnow as serving_utcnow


def test_the_stored_finding_has_the_findings_fields() -> None:
    for name, field in Finding.model_fields.items():
        assert FindingRow.model_fields[name].annotation == field.annotation, name
        assert FindingRow.model_fields[name].description == field.description, name
    assert FindingRow.__table__.c.severity.index and FindingRow.__table__.c.category.index  # type: ignore[attr-defined]


def test_the_wire_and_the_answer_derive_from_the_finding() -> None:
    assert issubclass(FindingPublic, Finding)
    for name, field in AnswerItem.model_fields.items():
        assert field.annotation == Finding.model_fields[name].annotation, name
    assert set(answer_json_schema()["items"]["required"]) <= set(Finding.model_fields)


def test_the_label_uses_the_findings_names_and_types() -> None:
    """The store's label keeps its own column types (text columns, an optional explanation for labels
    imported without one) but the finding's names and severity type: no `rationale`."""
    shared = {"category", "severity", "quote", "start", "end", "explanation"}
    assert shared <= set(Annotation.model_fields) and "rationale" not in Annotation.model_fields
    assert Annotation.model_fields["severity"].annotation == Finding.model_fields["severity"].annotation
    assert Annotation.model_fields["explanation"].annotation == str | None


def test_job_status_is_one_enum_for_table_api_and_runner() -> None:
    assert [s.value for s in JobStatus] == ["queued", "running", "done", "failed"]
    assert Job.model_fields["status"].annotation is JobStatus
    for model in (JobPublic, UploadAccepted):
        schema = model.model_json_schema()
        enum = schema["$defs"]["JobStatus"]["enum"]
        assert enum == [s.value for s in JobStatus], model
    assert set(JobStatus.active()) | set(JobStatus.finished()) == set(JobStatus)
    assert not set(JobStatus.active()) & set(JobStatus.finished())


def test_one_clock() -> None:
    assert serving_utcnow is utcnow and store_models.utcnow is utcnow
    assert utcnow().tzinfo is not None
