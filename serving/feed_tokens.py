"""Calendar feed tokens: a calendar app that cannot send an `Authorization` header subscribes to
/v1/calendar.ics?token=... instead. A token opens its tenant's feed and nothing else; like API keys it is
a 256-bit random string shown once, kept only as its SHA-256, and revoked rows stay for the record."""

from __future__ import annotations

import secrets

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from serving.keys import hash_key
from serving.models import FeedToken, Tenant, utcnow

TOKEN_PREFIX = "lxf_"


def create_token(engine: Engine, tenant_id: str, name: str | None) -> tuple[str, FeedToken]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = FeedToken(tenant_id=tenant_id, token_hash=hash_key(token), prefix=token[:8], name=name)
    with Session(engine, expire_on_commit=False) as session:
        session.add(row)
        session.commit()
    return token, row


def list_tokens(engine: Engine, tenant_id: str) -> list[FeedToken]:
    with Session(engine) as session:
        return list(session.exec(select(FeedToken).where(FeedToken.tenant_id == tenant_id)
                                 .order_by(col(FeedToken.created_at), col(FeedToken.id))).all())


def get_token(engine: Engine, tenant_id: str, token_id: str) -> FeedToken | None:
    """The tenant's token as listed, revoked or not; None when the tenant has no such token."""
    with Session(engine) as session:
        return session.exec(select(FeedToken).where(FeedToken.id == token_id, FeedToken.tenant_id == tenant_id)).first()


def revoke_token(engine: Engine, tenant_id: str, token_id: str) -> bool:
    """Revoke the tenant's active token: False when it has no such token or it was revoked already, so that
    a repeated DELETE answers 404 as for a deleted contract. One conditional UPDATE: of two concurrent
    revocations one wins. The feed refuses the token from the commit on (tenant_for_token reads the row on
    every request: tokens are not cached)."""
    with Session(engine) as session:
        result = session.exec(update(FeedToken).where(col(FeedToken.id) == token_id,
                                                      col(FeedToken.tenant_id) == tenant_id,
                                                      col(FeedToken.revoked_at).is_(None))
                              .values(revoked_at=utcnow()))
        session.commit()
        return result.rowcount == 1


def tenant_for_token(engine: Engine, token: str) -> Tenant | None:
    """The tenant whose feed the token opens; None for an unknown or revoked token."""
    with Session(engine) as session:
        row = session.exec(select(FeedToken).where(FeedToken.token_hash == hash_key(token))).first()
        if row is None or row.revoked_at is not None:
            return None
        tenant = session.get(Tenant, row.tenant_id)
        return Tenant.model_validate(tenant) if tenant is not None else None
