"""The tenants, for `lexrisk tenants list`: each one's keys, contracts, labels and whether it shares them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from annotation.store.models import Annotation, Tenant
from annotation.store.models import Contract as Record
from serving.models import ApiKey


def rows(session: Session) -> list[dict[str, Any]]:
    """One row per tenant (the one table holds the service's and the label store's), by name."""
    keys = dict(session.exec(select(Tenant.name, func.count(col(ApiKey.id)))
                             .join(ApiKey, col(ApiKey.tenant_id) == col(Tenant.id), isouter=True)
                             .group_by(col(Tenant.name))).all())
    sharing = {t.name: t.share_labels for t in session.exec(select(Tenant))}
    contracts = dict(session.exec(select(Record.tenant, func.count()).group_by(col(Record.tenant))).all())
    labels = dict(session.exec(select(Annotation.tenant, func.count()).group_by(col(Annotation.tenant))).all())
    return [{"name": name, "api_keys": int(keys.get(name, 0)), "share_labels": sharing[name],
             "contracts": int(contracts.get(name, 0)), "labels": int(labels.get(name, 0))} for name in sorted(sharing)]
