"""A service contract's record: the label store's row that holds the contract itself (name, file hash,
text, page map, the file), which the service's row refers to by id. A template has no record: its file
and Document are its upload's."""

from __future__ import annotations

from sqlmodel import Session, col, select

from annotation.store.models import Contract as Record
from annotation.store.repository import contract_document
from contracts.documents import Document
from serving.models import Contract, Upload


def record_of(session: Session, contract_id: str) -> Record | None:
    return session.exec(select(Record).join(Contract, col(Contract.record_id) == Record.id)
                        .where(Contract.id == contract_id)).first()


def stored_document(session: Session, stored_id: str) -> Document | None:
    """The Document of a contract (its record's) or of a template (its upload's), by the service's id."""
    record = record_of(session, stored_id)
    if record is not None:
        return contract_document(record)
    upload = session.get(Upload, stored_id)
    return Document.model_validate(upload.document) if upload is not None else None


def stored_bytes(session: Session, stored_id: str) -> bytes | None:
    """The uploaded file itself (the Word exports of a .docx are written into it)."""
    record = record_of(session, stored_id)
    if record is not None:
        return record.source_bytes
    upload = session.get(Upload, stored_id)
    return upload.data if upload is not None else None
