"""A queue that is fair between tenants: each tenant's jobs wait in their own FIFO and the tenants
take turns, so one firm's burst of 3,000 uploads delays another firm's next job by at most one job
per busy tenant, not by the whole burst. A job handed back after its worker died goes to the front."""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class FairQueue(Generic[T]):
    def __init__(self) -> None:
        self._lanes: dict[str, deque[T]] = {}
        self._turns: deque[str] = deque()
        self._ready = threading.Condition()
        self._closed = False

    def put(self, tenant: str, item: T, *, front: bool = False) -> None:
        with self._ready:
            lane = self._lanes.get(tenant)
            if lane is None:
                lane = self._lanes[tenant] = deque()
                self._turns.append(tenant)
            if front:
                lane.appendleft(item)
                self._turns.remove(tenant)
                self._turns.appendleft(tenant)
            else:
                lane.append(item)
            self._ready.notify()

    def get(self, timeout: float | None = None) -> T | None:
        """The next item in turn; None once closed (or after `timeout` with nothing to do)."""
        with self._ready:
            if not self._ready.wait_for(lambda: self._turns or self._closed, timeout) or self._closed:
                return None
            tenant = self._turns.popleft()
            lane = self._lanes[tenant]
            item = lane.popleft()
            if lane:
                self._turns.append(tenant)
            else:
                del self._lanes[tenant]
            return item

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def __len__(self) -> int:
        with self._ready:
            return sum(len(lane) for lane in self._lanes.values())
