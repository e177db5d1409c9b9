"""A service contract's record: the label store's row that holds the contract itself (name, file hash,
text, page map, the file), which the service's row refers to by id. A template has no record: its file
and Document are its upload's."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from annotation.store.models import RESERVED_TENANTS
from annotation.store.models import Contract as Record
from annotation.store.repository import contract_document, tenant_named
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


def list_in_service(session: Session, tenant: str, record_ids: Iterable[int]) -> int:
    """Give each of these records of the store's `tenant` that the service does not list a service contract (an
    API id), in the caller's session: a contract imported on the command line (`lexrisk annotate
    import-labelstudio --tenant FIRM`) then shows in the firm's annotation queue and contract list, as an upload
    does. Not done for a tenant that is no firm (`public`: it has no API keys, so no queue). Returns how many
    were added. Only what an import names: a contract the firm deleted keeps its record while labels refer to it,
    and must not come back by itself."""
    owner, ids = tenant_named(session, tenant), sorted(set(record_ids))
    if owner is None or tenant in RESERVED_TENANTS or not ids:
        return 0
    listed = set(session.exec(select(Contract.record_id).where(col(Contract.record_id).in_(ids))))
    new = [i for i in session.exec(select(Record.id).where(Record.tenant == tenant, col(Record.id).in_(ids)))
           if i is not None and i not in listed]
    session.add_all(Contract(tenant_id=owner.id, record_id=record_id) for record_id in new)
    session.flush()
    return len(new)
