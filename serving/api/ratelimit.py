"""Token buckets, refilled continuously: per API key and budget (reads apart from writes, so that
status polls never eat the upload budget) and per client address for failed authentication.

In process memory without Redis (exact for one API process); in Redis when `LEXRISK_REDIS_URL` is set,
so that several API processes share one limit. The Redis bucket is one Lua script (atomic, one round
trip) using the server's clock, so API hosts with skewed clocks agree. A request whose key is already
known costs one round trip in all: `Limits.admit` checks the address's failed-authentication bucket and
takes from the key's budget in the same script."""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from anyio import to_thread
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# a bucket refilled to now; KEYS[i] and its capacity, rate and cost in ARGV; returns (wait, tokens left)
_LUA_BUCKET = """
local function take(key, capacity, rate, cost, now)
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1]) or capacity
  local at = tonumber(state[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
  local wait = 0
  if tokens >= cost then
    tokens = tokens - cost
  elseif cost > 0 then
    wait = (cost - tokens) / rate
  end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('EXPIRE', key, math.ceil(capacity / rate) + 1)
  return {wait, tokens}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""
# take `cost` from one bucket: (wait, tokens left)
_LUA_TAKE = _LUA_BUCKET + """
local r = take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), now)
return {tostring(r[1]), tostring(r[2])}
"""
# the gate's check for a known key: is the address locked out (KEYS[1], peeked)? if not, take one from
# the key's budget (KEYS[2]). Returns (address wait, budget wait).
_LUA_ADMIT = _LUA_BUCKET + """
local a = take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), 0, now)
if a[2] < 1 then
  return {tostring((1 - a[2]) / tonumber(ARGV[2])), '0'}
end
local b = take(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4]), 1, now)
return {'0', tostring(b[1])}
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

    def _run(self, key: str, cost: float) -> tuple[float, float]:
        wait, tokens = self._script(keys=[self.prefix + key], args=[self.capacity, self.rate, cost])
        return float(wait), float(tokens)

    def take(self, key: str, cost: float = 1.0) -> float:
        try:
            return self._run(key, cost)[0]
        except RedisError as exc:
            log.warning("rate limit: Redis unreachable (%s); limiting per process", exc)
            return self.fallback.take(key, cost)

    def peek(self, key: str) -> float:
        try:
            # cost 0 refills and stores the bucket without taking; the wait for one token follows from it
            tokens = self._run(key, 0.0)[1]
        except RedisError:
            return self.fallback.peek(key)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate


def _local(limiter: Limiter) -> Limiter:
    """The bucket this process keeps itself: a Redis bucket's fallback, or the bucket."""
    return limiter.fallback if isinstance(limiter, RedisRateLimiter) else limiter


class Limits:
    """The three budgets the request gate consults."""

    def __init__(self, writes: Limiter, reads: Limiter, auth_failures: Limiter, async_redis=None) -> None:
        self.writes, self.reads, self.auth_failures = writes, reads, auth_failures
        self._admit_script = self._async_admit_script = None
        self._async_redis = async_redis
        if isinstance(auth_failures, RedisRateLimiter) and isinstance(reads, RedisRateLimiter) \
                and isinstance(writes, RedisRateLimiter):
            self._admit_script = auth_failures.redis.register_script(_LUA_ADMIT)
            if async_redis is not None:
                self._async_admit_script = async_redis.register_script(_LUA_ADMIT)

    def admit(self, client: str, key: str, reads: bool) -> tuple[float, float]:
        """For a request whose key is valid: (seconds the address is still locked out for failed
        authentications, seconds until the key's budget has a token). A request goes ahead only when
        both are 0, and only then is a token taken. With Redis this is one round trip."""
        budget = self.reads if reads else self.writes
        if self._admit_script is not None:
            try:
                return self._parse(self._admit_script(**self._admit_call(client, key, reads)))
            except RedisError as exc:
                log.warning("rate limit: Redis unreachable (%s); limiting per process", exc)
        return self._admit_here(client, key, budget)

    async def admit_async(self, client: str, key: str, reads: bool) -> tuple[float, float]:
        """`admit` for the gate, which runs on the event loop: the Redis round trip is awaited (an
        asyncio client), so the loop serves other requests meanwhile and no worker thread is needed.
        In-process buckets are plain arithmetic and run in place."""
        if self._async_admit_script is not None:
            try:
                return self._parse(await self._async_admit_script(**self._admit_call(client, key, reads)))
            except RedisError as exc:
                log.warning("rate limit: Redis unreachable (%s); limiting per process", exc)
                return self._admit_here(client, key, self.reads if reads else self.writes)
        if self._admit_script is not None:  # Redis without an asyncio client: its blocking call on a thread
            return await to_thread.run_sync(self.admit, client, key, reads)
        return self.admit(client, key, reads)

    def _admit_call(self, client: str, key: str, reads: bool) -> dict[str, list]:
        """The admit script's keys (the address's failure bucket, the key's budget) and their sizes."""
        budget, failures = self.reads if reads else self.writes, self.auth_failures
        assert isinstance(budget, RedisRateLimiter) and isinstance(failures, RedisRateLimiter)
        return {"keys": [failures.prefix + client, budget.prefix + key],
                "args": [failures.capacity, failures.rate, budget.capacity, budget.rate]}

    @staticmethod
    def _parse(reply) -> tuple[float, float]:
        locked, wait = reply
        return float(locked), float(wait)

    def _admit_here(self, client: str, key: str, budget: Limiter) -> tuple[float, float]:
        """Without Redis (or while it cannot be reached): this process's own buckets."""
        locked = _local(self.auth_failures).peek(client)
        return (locked, 0.0) if locked > 0 else (0.0, _local(budget).take(key))

    async def aclose(self) -> None:
        if self._async_redis is not None:
            await self._async_redis.aclose()

    @classmethod
    def from_settings(cls, settings, redis=None) -> Limits:
        if redis is None:
            return cls(RateLimiter(settings.rate_limit_per_minute), RateLimiter(settings.rate_limit_reads_per_minute),
                       RateLimiter(settings.auth_failures_per_minute))
        from redis.asyncio import Redis as AsyncRedis

        return cls(RedisRateLimiter(redis, settings.rate_limit_per_minute, "lexrisk:rl:w:"),
                   RedisRateLimiter(redis, settings.rate_limit_reads_per_minute, "lexrisk:rl:r:"),
                   RedisRateLimiter(redis, settings.auth_failures_per_minute, "lexrisk:rl:auth:"),
                   AsyncRedis.from_url(settings.redis_url) if settings.redis_url else None)
