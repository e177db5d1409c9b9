"""Once more after a lost race: two requests that each store something new to the label store (the tenant's
contract, an annotator named for the first time, an assignment) can both find it missing and both insert it;
the unique constraint lets one win. The loser's transaction is rolled back and run again, when it finds the
winner's row; a second collision is the client's 409."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from serving.errors import Conflict

log = logging.getLogger(__name__)
T = TypeVar("T")


def once_more_on_conflict(session: Session, what: str, work: Callable[[], T]) -> T:
    """`work()`, run a second time if a concurrent insert won a unique constraint; `what` names it in the
    log and in the 409 (`label_conflict`)."""
    for attempt in (1, 2):
        try:
            return work()
        except IntegrityError:
            session.rollback()
            if attempt == 1:
                log.info("%s raced another write to the label store; retrying", what)
    raise Conflict(f"{what} collided with another write to the label store; try again", code="label_conflict")
