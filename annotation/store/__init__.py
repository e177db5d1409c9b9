"""The annotation store: SQLModel tables, a migrated engine, and the repository functions."""

from annotation.store.db import Store, make_engine, upgrade
from annotation.store.models import Annotation, Annotator, Contract, DatasetVersion, ReviewEvent
from annotation.store.repository import (
    StoreError,
    add_annotation,
    contract_document,
    get_or_create_annotator,
    get_or_create_contract,
    record_review,
)

__all__ = [
    "Annotation", "Annotator", "Contract", "DatasetVersion", "ReviewEvent", "Store", "StoreError",
    "add_annotation", "contract_document", "get_or_create_annotator", "get_or_create_contract",
    "make_engine", "record_review", "upgrade",
]
