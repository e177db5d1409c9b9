"""`lexrisk annotate reextract`: bring stored contracts onto the current text extraction of their files,
their labels (and the lawyers' explanation ratings that are provably theirs) moved onto the same words
(annotation.store.reextract). One transaction and one printed line per contract; a label or rating that
cannot be placed keeps its contract on the old text, nothing is dropped."""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lexrisk.commands.annotate_common import add_tenant_argument
from lexrisk.commands.args import needs_existing_store

if TYPE_CHECKING:
    from sqlmodel import Session

    from annotation.store import Contract, Store
    from contracts.documents import Document


class _Refused(Exception):
    """One contract or file the command could not work on (the message is its line); the others go on."""


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("reextract", help="move stored contracts and their labels onto the current text extraction",
                       description="Read each stored contract's file again with the current reader (DOCX notes and "
                                   "text boxes, PDF without running headers and footers) and move its labels onto "
                                   "the same words in the new text, with the explanation ratings stored under its "
                                   "name when no other contract has that name. A contract any of whose labels or "
                                   "ratings cannot be placed exactly stays on its old text, every label and rating "
                                   "kept; one line per contract says "
                                   "which. With no FILE, every contract of the tenant whose file the store holds.")
    s.add_argument("files", nargs="*", type=Path, metavar="FILE",
                   help="the contract's file, for a contract stored with its text only (matched by its bytes)")
    add_tenant_argument(s)
    needs_existing_store(s).set_defaults(handler=_reextract)


def _reextract(args: argparse.Namespace) -> int:
    """Exit 1 when a file or contract could not be read or is not the tenant's; labels left on the old text
    are no error (the line says so and nothing is lost)."""
    from lexrisk.commands.annotate_common import open_store

    store = open_store(args)
    targets: list[Path] | list[str] = args.files
    if not targets:
        targets, text_only = _stored_files(store, args.tenant)
        if text_only:
            print(f"{text_only} contract(s) of tenant {args.tenant} hold only their text: "
                  "name their files to read them again")
    failed = False
    for target in targets:
        try:
            sha256, data = _read_file(target) if isinstance(target, Path) else (target, None)
            print(_one(store, args.tenant, sha256, data))
        except _Refused as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


def _read_file(path: Path) -> tuple[str, bytes]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _Refused(f"{path}: cannot read the file ({exc.strerror})") from None
    return hashlib.sha256(data).hexdigest(), data


def _stored_files(store: Store, tenant: str) -> tuple[list[str], int]:
    """The sha256 of each of `tenant`'s contracts whose file the store holds, and how many others it holds
    (stored with their text only: they can be read again only from their files, named on the command line)."""
    from sqlmodel import col, func, select

    from annotation.store import Contract

    with store.session() as session:
        query = (select(Contract.sha256).where(Contract.tenant == tenant, col(Contract.source_bytes).is_not(None))
                 .order_by(col(Contract.id)))
        text_only = (select(func.count()).select_from(Contract)
                     .where(Contract.tenant == tenant, col(Contract.source_bytes).is_(None)))
        return list(session.exec(query).all()), session.exec(text_only).one()


def _one(store: Store, tenant: str, sha256: str, data: bytes | None) -> str:
    """Re-read one of `tenant`'s contracts and migrate it, in its own transaction: its printed line."""
    from annotation.store import Contract as Record
    from annotation.store import StoreError, owned
    from annotation.store.reextract import reextract

    with store.session() as session:
        record = owned(session, Record, tenant, sha256=sha256)
        if record is None:
            raise _Refused(f"tenant {tenant} holds no contract with the file of sha256 {sha256[:12]}")
        document = _read(record, data)
        if record.text != document.text and (held := _held_by_service(session, record)) is not None:
            return f"{record.name}: kept on the old text because {held}"
        try:
            return reextract(session, record, document, data).line()
        except StoreError as exc:
            raise _Refused(str(exc)) from None


def _read(record: Contract, data: bytes | None) -> Document:
    """The record's file read by the current reader (the settings' PDF extractor), as a Document."""
    from contracts.errors import IngestError
    from contracts.ingest import load_bytes
    from lexrisk.settings import get_settings

    data = data if data is not None else record.source_bytes
    assert data is not None  # a file named, or a record chosen for its stored file
    try:
        return load_bytes(data, record.name, max_bytes=1 << 30, pdf_extractor=get_settings().pdf_extractor)
    except IngestError as exc:
        raise _Refused(f"{record.name}: cannot be read again: {exc}") from None
    except Exception as exc:  # a parser failing in a way ingestion did not foresee: still the file's fault
        raise _Refused(f"{record.name}: the file is damaged and could not be read ({type(exc).__name__})") from None


def _held_by_service(session: Session, record: Contract) -> str | None:
    """Why the service's rows forbid moving the text: its findings and comparisons point into the stored
    text by offset, and only the labels are moved here. None when the service never analysed the contract."""
    from sqlmodel import func, select

    from serving.models import Contract as ServiceContract
    from serving.models import FindingRow

    service = session.exec(select(ServiceContract.id).where(ServiceContract.record_id == record.id)).first()
    if service is None:
        return None
    findings = session.exec(select(func.count()).select_from(FindingRow).where(FindingRow.contract_id == service)).one()
    return f"the service's contract {service} ({findings} finding(s)) points into that text"
