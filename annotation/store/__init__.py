"""The annotation store: SQLModel tables, a migrated engine, and the repository functions."""

from annotation.store.db import Store, make_engine, upgrade
from annotation.store.models import (
    PUBLIC_TENANT,
    Annotation,
    Annotator,
    Contract,
    DatasetVersion,
    ReviewEvent,
    Tenant,
)
from annotation.store.repository import (
    StoreConflict,
    StoreError,
    add_annotation,
    contract_document,
    get_or_create_annotator,
    get_or_create_contract,
    get_or_create_tenant,
    of_tenant,
    owned,
    record_review,
    set_share_labels,
    sharing_tenants,
    tenant_named,
)

__all__ = [
    "PUBLIC_TENANT",
    "Annotation",
    "Annotator",
    "Contract",
    "DatasetVersion",
    "ReviewEvent",
    "Store",
    "StoreConflict",
    "StoreError",
    "Tenant",
    "add_annotation",
    "contract_document",
    "get_or_create_annotator",
    "get_or_create_contract",
    "get_or_create_tenant",
    "make_engine",
    "of_tenant",
    "owned",
    "record_review",
    "set_share_labels",
    "sharing_tenants",
    "tenant_named",
    "upgrade",
]
