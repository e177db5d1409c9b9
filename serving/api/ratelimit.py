"""Token buckets, refilled continuously: per API key and budget (reads apart from writes, so that
status polls never eat the upload budget) and per client address for failed authentication.

In process memory without Redis (exact for one API process); in Redis when `LEXRISK_REDIS_URL` is set,
so that several API processes share one limit. The Redis bucket is one Lua script (atomic, one round
trip) using the server's clock, so API hosts with skewed clocks agree."""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from redis.exceptions import RedisError

log = logging.getLogger(__name__)

_LUA_TAKE = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
elseif cost > 0 then
  wait = (cost - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return tostring(wait)
"""


class Limiter(Protocol):
    def take(self, key: str, cost: float = 1.0) -> float:
        """0 when the request may go ahead (the cost is taken), else the seconds until it may."""

    def peek(self, key: str) -> float:
        """Seconds until one token is there, taking nothing."""


class RateLimiter:
    """In-memory bucket of `per_minute` tokens per key."""

    def __init__(self, per_minute: int, clock=time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, cost: float = 1.0) -> float:
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= cost:
                self._buckets[key] = (tokens - cost, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (cost - tokens) / self.rate

    def peek(self, key: str) -> float:
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate


class RedisRateLimiter:
    """The same bucket kept in Redis under `prefix + key`, shared by every API process. While Redis
    cannot be reached each process falls back to its own bucket: uploads still work (their jobs wait
    in the database) and the limit still holds per process."""

    def __init__(self, redis, per_minute: int, prefix: str) -> None:
        self.redis, self.prefix = redis, prefix
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._script = redis.register_script(_LUA_TAKE)
        self.fallback = RateLimiter(per_minute)

    def _run(self, key: str, cost: float) -> float:
        return float(self._script(keys=[self.prefix + key], args=[self.capacity, self.rate, cost]))

    def take(self, key: str, cost: float = 1.0) -> float:
        try:
            return self._run(key, cost)
        except RedisError as exc:
            log.warning("rate limit: Redis unreachable (%s); limiting per process", exc)
            return self.fallback.take(key, cost)

    def peek(self, key: str) -> float:
        try:
            # cost 0 refills and stores the bucket without taking; the wait for one token follows from it
            self._run(key, 0.0)
            tokens = float(self.redis.hget(self.prefix + key, "tokens") or self.capacity)
        except RedisError:
            return self.fallback.peek(key)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate


class Limits:
    """The three budgets the request gate consults."""

    def __init__(self, writes: Limiter, reads: Limiter, auth_failures: Limiter) -> None:
        self.writes, self.reads, self.auth_failures = writes, reads, auth_failures

    @classmethod
    def from_settings(cls, settings, redis=None) -> Limits:
        if redis is None:
            return cls(RateLimiter(settings.rate_limit_per_minute), RateLimiter(settings.rate_limit_reads_per_minute),
                       RateLimiter(settings.auth_failures_per_minute))
        return cls(RedisRateLimiter(redis, settings.rate_limit_per_minute, "lexrisk:rl:w:"),
                   RedisRateLimiter(redis, settings.rate_limit_reads_per_minute, "lexrisk:rl:r:"),
                   RedisRateLimiter(redis, settings.auth_failures_per_minute, "lexrisk:rl:auth:"))
