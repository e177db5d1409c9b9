"""API keys: 256-bit random tokens, shown once, stored as SHA-256 hashes, each bound to a tenant; they
may expire, can be revoked, and record when they were last used (to the minute)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, or_, select

from annotation.store.models import RESERVED_TENANTS
from serving.models import ApiKey, Tenant, utcnow

KEY_PREFIX = "lxk_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


class KeyNotFound(LookupError):
    pass


@dataclass(frozen=True)
class KeyInfo:
    """What may be shown about a key: never the key, never its hash."""

    id: str
    tenant: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and _aware(self.expires_at) <= utcnow():
            return "expired"
        return "active"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def create_key(engine: Engine, tenant_name: str, *, expires_at: datetime | None = None) -> tuple[str, Tenant]:
    """A new key for the tenant (created if new). The key itself is returned once and never stored."""
    tenant_name = tenant_name.strip()
    if not tenant_name:
        raise ValueError("the tenant name is empty")
    if tenant_name in RESERVED_TENANTS:  # its reviews would join those rows in the label store
        raise ValueError(f"{tenant_name!r} is reserved for the label store's own tenants (public data sets, "
                         "labels from before tenants); choose another name")
    if expires_at is not None and _aware(expires_at) <= utcnow():
        raise ValueError("the expiry is in the past")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with Session(engine) as session:
        tenant = session.exec(select(Tenant).where(Tenant.name == tenant_name)).first()
        if tenant is None:
            tenant = Tenant(name=tenant_name)
            session.add(tenant)
            session.flush()
        session.add(ApiKey(tenant_id=tenant.id, key_hash=hash_key(key), prefix=key[:8], expires_at=expires_at))
        session.commit()
        session.refresh(tenant)
    return key, tenant


@dataclass(frozen=True)
class Grant:
    """What a valid key grants: its tenant (a copy no session holds, so that the gate's cache may keep it),
    until its expiry (None: no expiry)."""

    tenant: Tenant
    expires_at: datetime | None


def grant_for_key(engine: Engine, key: str) -> Grant | None:
    """The key's tenant and expiry, or None for an unknown, revoked or expired key. Records the use when the
    last recorded one is over a minute old, so a busy key costs one write a minute, not one a request."""
    now = utcnow()
    with Session(engine) as session:
        row = session.exec(select(ApiKey).where(ApiKey.key_hash == hash_key(key))).first()
        if row is None:
            return None
        if row.revoked_at is not None or (row.expires_at is not None and _aware(row.expires_at) <= now):
            return None
        tenant = session.get(Tenant, row.tenant_id)
        assert tenant is not None  # a key's tenant is a foreign key
        grant = Grant(Tenant.model_validate(tenant), _aware(row.expires_at) if row.expires_at is not None else None)
        if row.last_used_at is None or now - _aware(row.last_used_at) >= LAST_USED_RESOLUTION:
            session.exec(update(ApiKey).where(col(ApiKey.id) == row.id).values(last_used_at=now))
            session.commit()
    return grant


def tenant_for_key(engine: Engine, key: str) -> Tenant | None:
    """The key's tenant, or None for an unknown, revoked or expired key."""
    grant = grant_for_key(engine, key)
    return grant.tenant if grant is not None else None


def list_keys(engine: Engine, tenant_name: str | None = None, *, offset: int = 0,
              limit: int | None = None) -> list[KeyInfo]:
    """The keys by tenant and age; a page of them with `offset` and `limit` (the API's paging)."""
    with Session(engine) as session:
        query = select(ApiKey, Tenant.name).join(Tenant, col(Tenant.id) == ApiKey.tenant_id)
        if tenant_name:
            query = query.where(Tenant.name == tenant_name)
        query = query.order_by(col(Tenant.name), col(ApiKey.created_at), col(ApiKey.id)).offset(offset)
        rows = session.exec(query.limit(limit) if limit is not None else query).all()
        return [KeyInfo(k.id, name, k.prefix, k.created_at, k.expires_at, k.revoked_at, k.last_used_at)
                for k, name in rows]


def count_keys(engine: Engine, tenant_name: str | None = None) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(ApiKey).join(Tenant, col(Tenant.id) == ApiKey.tenant_id)
        if tenant_name:
            query = query.where(Tenant.name == tenant_name)
        return session.exec(query).one()


def revoke_key(engine: Engine, id_or_prefix: str) -> KeyInfo:
    """Revoke the key with this id or this shown prefix (`lxk_AbCd`); refused when it names several."""
    with Session(engine) as session:
        matches = session.exec(select(ApiKey).where(or_(col(ApiKey.id) == id_or_prefix,
                                                        col(ApiKey.prefix) == id_or_prefix))).all()
        if not matches:
            raise KeyNotFound(f"no key {id_or_prefix!r}")
        if len(matches) > 1:
            raise KeyNotFound(f"{id_or_prefix!r} names {len(matches)} keys; give the key's id")
        key = matches[0]
        if key.revoked_at is None:
            key.revoked_at = utcnow()
            session.add(key)
            session.commit()
            session.refresh(key)
        tenant = session.get(Tenant, key.tenant_id)
        assert tenant is not None
        return KeyInfo(key.id, tenant.name, key.prefix, key.created_at, key.expires_at, key.revoked_at,
                       key.last_used_at)
