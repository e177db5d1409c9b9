"""API keys: 256-bit random tokens, shown once, stored as SHA-256 hashes, each bound to a tenant."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from annotation.store.models import RESERVED_TENANTS
from serving.models import ApiKey, Tenant

KEY_PREFIX = "lxk_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(engine: Engine, tenant_name: str) -> tuple[str, Tenant]:
    """A new key for the tenant (created if new). The key itself is returned once and never stored."""
    tenant_name = tenant_name.strip()
    if not tenant_name:
        raise ValueError("the tenant name is empty")
    if tenant_name in RESERVED_TENANTS:  # its reviews would join those rows in the label store
        raise ValueError(f"{tenant_name!r} is reserved for the label store's own tenants (public data sets, "
                         "labels from before tenants); choose another name")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with Session(engine) as session:
        tenant = session.exec(select(Tenant).where(Tenant.name == tenant_name)).first()
        if tenant is None:
            tenant = Tenant(name=tenant_name)
            session.add(tenant)
            session.flush()
        session.add(ApiKey(tenant_id=tenant.id, key_hash=hash_key(key), prefix=key[:8]))
        session.commit()
        session.refresh(tenant)
    return key, tenant


def tenant_for_key(engine: Engine, key: str) -> str | None:
    with Session(engine) as session:
        row = session.exec(select(ApiKey.tenant_id).where(ApiKey.key_hash == hash_key(key))).first()
    return row
