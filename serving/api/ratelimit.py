"""Token buckets, refilled continuously: per API key and budget (reads apart from writes, so that
status polls never eat the upload budget) and per client address for failed authentication.

In process memory without Redis (exact for one API process); in Redis when `LEXRISK_REDIS_URL` is set,
so that several API processes share one limit. The Redis bucket is one Lua script (atomic, one round
trip) using the server's clock, so API hosts with skewed clocks agree. A request whose key is already
known costs one round trip in all: `Limits.take_async` takes from the key's budget and reads the revocation
epoch in the same script."""

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
# a known key's request: take one from its budget (KEYS[1]) and read the revocation epoch (KEYS[2]) in the
# same round trip. Returns (budget wait, epoch).
_LUA_TAKE_EPOCH = _LUA_BUCKET + """
local b = take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), 1, now)
return {tostring(b[1]), redis.call('GET', KEYS[2]) or '0'}
"""
EPOCH_KEY = "lexrisk:auth:epoch"
VOUCHED_PREFIX = "lexrisk:auth:vouched:"
# how long a key that authenticated stays exempt from its address's lockout (a colleague behind the same NAT)
VOUCHED_S = 24 * 3600


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


def bump_epoch(redis) -> None:
    """Bump the shared revocation epoch (`lexrisk keys revoke` calls this too, with its own client)."""
    redis.incr(EPOCH_KEY)


def _local(limiter: Limiter) -> Limiter:
    """The bucket this process keeps itself: a Redis bucket's fallback, or the bucket."""
    return limiter.fallback if isinstance(limiter, RedisRateLimiter) else limiter


class Limits:
    """The three budgets the request gate consults, and what the gate needs to trust a cached key: the
    revocation epoch (a counter every revocation bumps, shared through Redis, so that a key revoked through
    any process stops working in every process at once) and the keys lately vouched for (authenticated), which
    their address's failed-authentication lockout does not stop."""

    def __init__(self, writes: Limiter, reads: Limiter, auth_failures: Limiter, async_redis=None) -> None:
        self.writes, self.reads, self.auth_failures = writes, reads, auth_failures
        self._async_take_epoch = None
        self._async_redis = async_redis
        self.redis = None
        self._local_epoch = 0
        self._vouched: dict[str, float] = {}
        self._lock = threading.Lock()
        if isinstance(auth_failures, RedisRateLimiter) and isinstance(reads, RedisRateLimiter) \
                and isinstance(writes, RedisRateLimiter):
            self.redis = auth_failures.redis
            if async_redis is not None:
                self._async_take_epoch = async_redis.register_script(_LUA_TAKE_EPOCH)

    # -- revocation epoch ------------------------------------------------------------------------
    def epoch(self) -> str | None:
        """The current revocation epoch; None while Redis cannot be read (then no cached key is trusted)."""
        if self.redis is None:
            return str(self._local_epoch)
        try:
            value = self.redis.get(EPOCH_KEY)
        except RedisError as exc:
            log.warning("revocation epoch: Redis unreachable (%s); keys are checked in the database", exc)
            return None
        return value.decode() if isinstance(value, bytes) else str(value or "0")

    def bump_epoch(self) -> None:
        """A key was revoked: every process's cached keys are checked again before their next use."""
        with self._lock:
            self._local_epoch += 1
        if self.redis is not None:
            bump_epoch(self.redis)

    async def take_async(self, key: str, reads: bool) -> tuple[float, str | None]:
        """For a cached key: (seconds until the key's budget has a token, taking it; the revocation epoch),
        with Redis in one awaited round trip."""
        budget = self.reads if reads else self.writes
        if self._async_take_epoch is not None and isinstance(budget, RedisRateLimiter):
            try:
                wait, epoch = await self._async_take_epoch(keys=[budget.prefix + key, EPOCH_KEY],
                                                           args=[budget.capacity, budget.rate])
                return float(wait), epoch.decode() if isinstance(epoch, bytes) else str(epoch)
            except RedisError as exc:
                log.warning("rate limit: Redis unreachable (%s); limiting per process", exc)
                return _local(budget).take(key), None
        if self.redis is not None:  # Redis without an asyncio client: blocking calls on a thread
            return await to_thread.run_sync(lambda: (budget.take(key), self.epoch()))
        return budget.take(key), str(self._local_epoch)

    # -- keys exempt from their address's lockout ------------------------------------------------------
    def vouch(self, key: str) -> None:
        """`key` (a key's hash) just authenticated: its address's lockout does not stop it for VOUCHED_S."""
        if self.redis is not None:
            try:
                self.redis.set(VOUCHED_PREFIX + key, b"1", ex=VOUCHED_S)
                return
            except RedisError:
                pass
        with self._lock:
            if len(self._vouched) > 100_000:  # bounded: the oldest half goes
                self._vouched = dict(sorted(self._vouched.items(), key=lambda kv: kv[1])[50_000:])
            self._vouched[key] = time.monotonic() + VOUCHED_S

    def vouched(self, key: str) -> bool:
        if self.redis is not None:
            try:
                return bool(self.redis.exists(VOUCHED_PREFIX + key))
            except RedisError:
                pass
        with self._lock:
            return self._vouched.get(key, 0.0) > time.monotonic()

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
