"""Every error code the service can emit is documented (docs/serving.md), and every route's OpenAPI
entry names only documented codes; the OpenAPI reference carries the Bearer scheme, /readyz's 503 and
/metrics as text."""

from __future__ import annotations

import re
from pathlib import Path

from contracts.errors import IngestError
from serving.api.app import _STATUS_CODES
from serving.api.protocol import _ingest_codes
from tests.serving.conftest import Api

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "serving.md").read_text("utf-8")
_LITERALS = [re.compile(p, re.MULTILINE) for p in (
    r'code="([a-z_]+)"',                                   # ServiceError(..., code="x")
    r'^\s+code = "([a-z_]+)"',                              # an error class's default
    r'(?:ApiError|error_response)\(\d{3},\s*"([a-z_]+)"',  # API-level errors
    r'_fail\(engine, job_id, attempt, "([a-z_]+)"',        # a failed job's error.code
    r'"error_code": "([a-z_]+)"',                          # the reaper's worker_lost
)]


def emitted_codes() -> set[str]:
    codes = set(_STATUS_CODES.values()) | {"internal_error"}
    for path in (ROOT / "serving").rglob("*.py"):
        text = path.read_text("utf-8")
        for pattern in _LITERALS:
            codes.update(pattern.findall(text))
    for status_codes in _ingest_codes().values():
        codes.update(status_codes)
    return codes


def test_the_scan_finds_codes_of_every_kind() -> None:
    codes = emitted_codes()
    assert {"missing_filename", "callback_conflict", "queue_full", "rate_limited", "analyzer_unavailable",
            "worker_lost", "corrupt_file", "method_not_allowed", "internal_error"} <= codes
    assert IngestError.code in codes


def test_every_emitted_code_is_documented() -> None:
    missing = sorted(code for code in emitted_codes() if f"`{code}`" not in DOC)
    assert not missing, f"error codes missing from docs/serving.md: {missing}"


def test_openapi_names_only_documented_codes_and_the_bearer_scheme(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http", "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["ApiKey"]["description"]}
    upload = spec["paths"]["/v1/contracts"]["post"]
    assert upload["security"] == [{"ApiKey": []}]
    assert {"400", "401", "404", "409", "413", "415", "422", "429", "503"} <= set(upload["responses"])
    job = spec["paths"]["/v1/jobs/{job_id}"]["get"]["responses"]
    assert "413" not in job and "415" not in job  # a poll cannot be too large
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            for status, response in operation["responses"].items():
                for code in re.findall(r"`([a-z_]+)`", response.get("description", "").removeprefix("error codes: ")
                                       if response.get("description", "").startswith("error codes: ") else ""):
                    assert f"`{code}`" in DOC, (method, path, status, code)
    assert "503" in spec["paths"]["/readyz"]["get"]["responses"]
    assert "text/plain" in spec["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
