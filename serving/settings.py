"""The service's settings: the HTTP API, its analysis jobs and its webhooks, and `ServiceSettings`, what
`lexrisk serve` and `lexrisk worker` run with (these parts with the analyzers' and the common ones)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from analyzers.settings import AnalyzerSettings
from contracts.settings import CommonSettings, SettingsPart

# the largest page any list returns: declared in the OpenAPI reference (`limit`'s maximum), so a setting may lower it only
PAGE_SIZE_CAP = 100


class ApiSettings(SettingsPart):
    """The HTTP API (`lexrisk serve`)."""

    host: str = Field("127.0.0.1", description="address `lexrisk serve` binds to")
    port: int = Field(8000, ge=1, le=65535, description="port `lexrisk serve` listens on")
    rate_limit_per_minute: int = Field(120, ge=1, description="uploads, reviews and deletes one API key may make per "
                                                             "minute (429 beyond); shared by API processes via Redis")
    rate_limit_reads_per_minute: int = Field(1200, ge=1, description="reads (status polls, listings) one API key may "
                                                                     "make per minute, a budget apart from writes")
    auth_cache_s: float = Field(5.0, ge=0, description="seconds an API process trusts a checked key without asking "
                                                       "the database again, unless a key was revoked meanwhile "
                                                       "(a revocation counter in Redis) or the key expired (0: off)")
    auth_failures_per_minute: int = Field(20, ge=1, description="failed authentications one client address may make "
                                                                "per minute before it gets 429 for every key that "
                                                                "has not authenticated in the last day")
    trusted_proxies: list[str] = Field(default_factory=list, description='JSON list of proxy addresses or CIDR '
                                       'blocks whose X-Forwarded-For is believed, e.g. ["10.0.0.5", "10.1.0.0/16"]; '
                                       "empty (the default): the connection's peer is the client")
    api_threads: int = Field(32, ge=1, description="threads one API process runs blocking work on (database calls, "
                                                   "uploads); its database pools keep a connection for each. Status "
                                                   "polls on PostgreSQL and Redis rate limits run on the event loop, "
                                                   "the polls on as many PostgreSQL connections, opened at start-up")
    max_body_kb: int = Field(1024, ge=1, description="largest request body of a route that takes no file, in KB")
    admin_token: SecretStr | None = Field(None, description="when set, /admin/keys (list, revoke) takes "
                                                           "`Authorization: Bearer <token>`; unset: those routes are off")
    metrics_token: SecretStr | None = Field(None, description="when set, /metrics needs `Authorization: Bearer <token>`")
    page_size_max: int = Field(PAGE_SIZE_CAP, ge=1, le=PAGE_SIZE_CAP,
                               description=f"largest `limit` a list request may ask for (at most {PAGE_SIZE_CAP}, the "
                                           "`maximum` the OpenAPI reference declares to generated clients)")
    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, entries: list[str]) -> list[str]:
        """An entry that is no address or network would silently trust no one (or the wrong one)."""
        import ipaddress

        for entry in entries:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or CIDR block") from None
        return entries


class JobSettings(SettingsPart):
    """Analysis jobs: the in-process worker and the RQ queues."""

    job_workers: int = Field(2, ge=1, description="analysis jobs run at once by the in-process worker")
    job_max_attempts: int = Field(3, ge=1, description="tries per job before it is marked failed "
                                                       "(a killed worker or a lost backend costs one)")
    job_stale_after_s: float = Field(15.0, gt=0, description="a running job whose heartbeat is older than this is "
                                                            "taken as lost and retried or failed")
    job_heartbeat_s: float = Field(5.0, gt=0, description="how often a running job records that it is alive")
    job_timeout_s: int = Field(3600, ge=1, description="longest one analysis job may run on an RQ worker")
    queue_max: int = Field(2000, ge=1, description="queued analysis jobs of all tenants together; uploads past it "
                                                  "get 503 with Retry-After")
    queue_max_per_tenant: int = Field(200, ge=1, description="queued analysis jobs of one tenant; its uploads past "
                                                            "it get 429 with Retry-After")
    queue_lanes: int = Field(8, ge=1, description="RQ queues tenants are spread over; workers take them in turn, so "
                                                 "tenants in different lanes are served fairly")
    queue_retry_after_s: int = Field(30, ge=1, description="Retry-After sent with a queue_full refusal")
    analyzer_retries: int = Field(3, ge=1, description="tries of a job's analysis while the model server cannot be "
                                                       "reached, before it fails as analyzer_unavailable")
    analyzer_retry_backoff_s: float = Field(2.0, ge=0, description="wait before the second such try; doubles each try")


class WebhookSettings(SettingsPart):
    """Job-finished callbacks."""

    webhook_secret: SecretStr | None = Field(None, description="Standard Webhooks signing secret (`whsec_` + base64); "
                                                               "callbacks are refused while it is unset")
    webhook_allowed_hosts: list[str] = Field(default_factory=list,
                                             description='JSON list of hosts callback URLs may name, e.g. '
                                                         '["dms.example.com", "*.corp.example"]; empty: none')
    webhook_allow_private: bool = Field(False, description="let callbacks go to hosts that resolve to loopback, "
                                         "link-local or private addresses (a receiver on this host or network); "
                                         "off: only public addresses, checked after DNS resolution")
    webhook_max_attempts: int = Field(5, ge=1, description="delivery tries per webhook")
    webhook_backoff_s: float = Field(1.0, ge=0, description="first retry delay of a webhook; doubles each try")
    webhook_workers: int = Field(4, ge=1, description="threads per process that deliver webhooks, apart from the "
                                                     "analysis workers")
    webhook_timeout_s: float = Field(10.0, gt=0, description="seconds one webhook delivery may take")
    notice_webhook_days: int = Field(30, ge=0, le=3650, description="days before a contract's last day to give notice "
                                     "of non-renewal that its `contract.notice_deadline` webhook is sent")
    notice_scan_interval_s: float = Field(3600.0, gt=0, description="how often each worker process looks for notice "
                                          "deadlines coming due (`lexrisk notices` scans once, e.g. from cron)")


class ServiceSettings(AnalyzerSettings, WebhookSettings, JobSettings, ApiSettings, CommonSettings):
    """Everything the service reads. (Bases in reverse: pydantic lists the last base's fields first, so
    docs/settings.md reads common first.)"""
