"""The one clock: timezone-aware UTC, so that timestamps from the store, the service and the job runner
compare and serialise the same way (a naive `datetime.utcnow()` would not)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
