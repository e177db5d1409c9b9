"""A thin typed client of the lexrisk HTTP API, used by every page. One `httpx.Client` per API address is
shared by all sessions (the pages cache it); the tenant's key travels per `Api` object, never in a URL.

Every failure becomes `ApiError` with the API's code and message plus advice a lawyer can act on, so the
pages show a sentence, never a traceback. The shapes it reads and sends are the API's own, from
contracts.wire (the one declaration both sides use)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import httpx
from pydantic import ValidationError

from contracts.key_terms import Party
from contracts.wire import (
    AdjudicationResult,
    ContractDetail,
    ContractProofing,
    ContractPublic,
    ContractTerms,
    ContractText,
    Disagreements,
    ErrorBody,
    FindingPublic,
    Guidelines,
    JobPublic,
    Label,
    Labels,
    ModelInfo,
    ModelVersionPublic,
    PortfolioItem,
    PortfolioPublic,
    Queue,
    QueueItem,
    RegistryDecision,
    SuggestionStats,
    TemplatePublic,
    UploadAccepted,
)

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
UPLOAD_TIMEOUT = httpx.Timeout(300.0, connect=5.0)

# what to do about each error code the API sends (docs/serving.md), for people
ADVICE = {
    "unauthorized": "Sign out and sign in again with your firm's API key (an administrator creates one with "
                    "`lexrisk keys create --tenant NAME`).",
    "too_large": "Upload a smaller file, or split the contract; the limit is set by the administrator "
                 "(LEXRISK_MAX_UPLOAD_MB).",
    "too_many_pages": "Split the contract into parts; the page limit is set by the administrator (LEXRISK_MAX_PAGES).",
    "unsupported_type": "Upload the contract as PDF, DOCX or TXT.",
    "encrypted_file": "Remove the password protection (save an unprotected copy) and upload that.",
    "needs_ocr": "The PDF is a scan without text: run it through OCR, or upload the DOCX original.",
    "corrupt_file": "The file could not be read; export it again from its original and upload the new copy.",
    "empty_file": "The file has no text; check that you picked the right file.",
    "rate_limited": "Too many requests in a short time; wait a few seconds and try again.",
    "not_found": "It may have been deleted; reload the page.",
    "not_analyzed": "The analysis of this contract has not finished (or failed): open it on the Review page, "
                    "and export once its risks are listed.",
    "comparison_unavailable": "Template comparison is not installed on this server yet.",
    "registry_conflict": "The registry refused the change; its reason is above (a promotion must pass its gate).",
    "unavailable": "The lexrisk service is not answering. Check that it is running (`lexrisk up`) and try again.",
    "internal_error": "The service failed on this request; try again, and tell your administrator if it persists.",
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after

    @property
    def advice(self) -> str:
        if self.code == "rate_limited" and self.retry_after:
            return f"Too many requests in a short time; wait {self.retry_after:.0f} s and try again."
        fallback = ADVICE["internal_error"] if self.status >= 500 else "Check the input and try again."
        return ADVICE.get(self.code, fallback)

    def __str__(self) -> str:
        return f"{self.message} — {self.advice}"


def make_http(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url.rstrip("/"), timeout=TIMEOUT)


class Api:
    """The API as one tenant sees it."""

    def __init__(self, http: httpx.Client, key: str) -> None:
        self.http, self._headers = http, {"Authorization": f"Bearer {key}"}

    def _call(self, method: str, path: str, admin_token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else self._headers
        try:
            response = self.http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiError(503, "unavailable", f"the lexrisk API at {self.http.base_url} is not reachable "
                                              f"({type(exc).__name__})") from None
        if response.status_code >= 400:
            raise _error(response)
        return response

    # -- contracts and jobs
    def upload(self, filename: str, data: bytes, template_id: str | None = None) -> UploadAccepted:
        form = {"template_id": template_id} if template_id else {}
        r = self._call("POST", "/v1/contracts", files={"file": (filename, data)}, data=form, timeout=UPLOAD_TIMEOUT)
        return UploadAccepted.model_validate(r.json())

    def job(self, job_id: str) -> JobPublic:
        return JobPublic.model_validate(self._call("GET", f"/v1/jobs/{job_id}").json())

    def contracts(self, limit: int = 100) -> list[ContractPublic]:
        r = self._call("GET", "/v1/contracts", params={"limit": limit})
        return [ContractPublic.model_validate(c) for c in r.json()["data"]]

    def contract(self, contract_id: str) -> ContractPublic:
        return ContractPublic.model_validate(self._call("GET", f"/v1/contracts/{contract_id}").json())

    def contract_detail(self, contract_id: str) -> ContractDetail:
        """The contract with its key terms."""
        return ContractDetail.model_validate(self._call("GET", f"/v1/contracts/{contract_id}").json())

    def terms(self, contract_id: str) -> ContractTerms:
        return ContractTerms.model_validate(self._call("GET", f"/v1/contracts/{contract_id}/terms").json())

    def correct_term(self, contract_id: str, field: str, value: str | None, *, reviewer: str | None = None,
                     comment: str | None = None) -> ContractTerms:
        """A lawyer's value for one key term, sent without a span: kept as the lawyer's, quoted at the analyzer's
        words only if it confirms the value they were read as, otherwise unquoted and no label."""
        body = {k: v for k, v in {"field": field, "value": value, "reviewer": reviewer or None,
                                  "comment": comment or None}.items() if v is not None or k == "value"}
        return ContractTerms.model_validate(self._call("PATCH", f"/v1/contracts/{contract_id}/terms", json=body).json())

    def correct_parties(self, contract_id: str, parties: Sequence[Party], *, reviewer: str | None = None,
                        comment: str | None = None) -> ContractTerms:
        """A lawyer's list of the contract's parties (it replaces the analyzer's: those left out are no parties)."""
        body = {"field": "parties", "parties": [p.model_dump(include={"name", "short_name", "role", "start", "end"})
                                                for p in parties]}
        body |= {k: v for k, v in {"reviewer": reviewer, "comment": comment}.items() if v}
        return ContractTerms.model_validate(self._call("PATCH", f"/v1/contracts/{contract_id}/terms", json=body).json())

    def portfolio(self, *, governing_law: str | None = None, party: str | None = None,
                  expires_before: str | None = None, page_size: int = 100, most: int = 5000) -> list[PortfolioItem]:
        """Every contract of the tenant with its terms and risk counts (paged through, up to `most`)."""
        params: dict[str, Any] = {k: v for k, v in {"governing_law": governing_law, "party": party,
                                                     "expires_before": expires_before}.items() if v}
        items: list[PortfolioItem] = []
        while len(items) < most:
            page = PortfolioPublic.model_validate(self._call("GET", "/v1/portfolio", params=params | {
                "offset": len(items), "limit": page_size}).json())
            items += page.data
            if not page.data or len(items) >= page.count:
                break
        return items

    def text(self, contract_id: str) -> ContractText:
        return ContractText.model_validate(self._call("GET", f"/v1/contracts/{contract_id}/text").json())

    def proofing(self, contract_id: str) -> ContractProofing:
        return ContractProofing.model_validate(self._call("GET", f"/v1/contracts/{contract_id}/proofing").json())

    def findings(self, contract_id: str) -> list[FindingPublic]:
        r = self._call("GET", f"/v1/contracts/{contract_id}/findings")
        return [FindingPublic.model_validate(f) for f in r.json()["data"]]

    def review(self, finding_id: str, action: Literal["accept", "reject", "edit"], *, severity: str | None = None,
               category: str | None = None, comment: str | None = None,
               reviewer: str | None = None) -> FindingPublic:
        body = {k: v for k, v in {"action": action, "severity": severity, "category": category,
                                  "comment": comment or None, "reviewer": reviewer or None}.items() if v is not None}
        return FindingPublic.model_validate(self._call("PATCH", f"/v1/findings/{finding_id}", json=body).json())

    def compare(self, contract_id: str, template_id: str) -> dict[str, Any]:
        r = self._call("POST", f"/v1/contracts/{contract_id}/compare",
                       json={"template_id": template_id}, timeout=UPLOAD_TIMEOUT)
        return r.json()

    def comparisons(self, contract_id: str) -> list[dict[str, Any]]:
        """The contract's stored comparisons, newest first, each with its `downloads` (export -> path)."""
        return list(self._call("GET", f"/v1/contracts/{contract_id}/comparisons").json()["data"])

    def download(self, path: str) -> bytes:
        """An export the API offers (a path it returned, e.g. in a comparison's `downloads`)."""
        if not path.startswith("/v1/"):
            raise ApiError(400, "bad_request", f"{path!r} is not an API download path")
        return self._call("GET", path, timeout=UPLOAD_TIMEOUT).content

    def contract_export(self, contract_id: str, export: str) -> bytes:
        """The contract's own export of its latest finished analysis with the reviews: review.docx,
        findings.csv, findings.xlsx or report.html."""
        return self.download(f"/v1/contracts/{contract_id}/exports/{export}")

    # -- templates
    def templates(self, limit: int = 100) -> list[TemplatePublic]:
        r = self._call("GET", "/v1/templates", params={"limit": limit})
        return [TemplatePublic.model_validate(t) for t in r.json()["data"]]

    def add_template(self, filename: str, data: bytes, name: str | None = None) -> tuple[TemplatePublic, bool]:
        """The template and whether it is new: the same bytes again are the one the firm has (200, not 201)."""
        r = self._call("POST", "/v1/templates", files={"file": (filename, data)},
                       data={"name": name} if name else {}, timeout=UPLOAD_TIMEOUT)
        return TemplatePublic.model_validate(r.json()), r.status_code == 201

    def delete_template(self, template_id: str) -> None:
        self._call("DELETE", f"/v1/templates/{template_id}")

    # -- labels, model
    def labels(self, contract_id: str) -> Labels:
        return Labels.model_validate(self._call("GET", f"/v1/contracts/{contract_id}/labels").json())

    def add_label(self, contract_id: str, *, annotator: str, category: str, severity: str, start: int, end: int,
                  explanation: str | None, origin: str = "manual") -> Label:
        # sent as a plain body, checked by the API (LabelIn), so that a bad label comes back as its 422
        body = {"annotator": annotator, "category": category, "severity": severity, "start": start, "end": end,
                "explanation": explanation or None, "origin": origin}
        return Label.model_validate(self._call("POST", f"/v1/contracts/{contract_id}/labels", json=body).json())

    def withdraw_label(self, label_id: int, annotator: str) -> None:
        """Take back `annotator`'s label, or their review decision stored as label `label_id` (a rejection)."""
        self._call("DELETE", f"/v1/labels/{label_id}", params={"annotator": annotator})

    # -- the annotation workspace
    def queue(self, *, annotator: str | None = None, order: str = "newest", offset: int = 0,
              limit: int = 25) -> Queue:
        """A page of the annotation queue (`count`: all its rows; `progress`: over all assignments)."""
        params: dict[str, Any] = {"order": order, "offset": offset, "limit": limit,
                                  **({"annotator": annotator} if annotator else {})}
        return Queue.model_validate(self._call("GET", "/v1/annotation/queue", params=params).json())

    def assign(self, contract_id: str, annotator: str, status: str = "to_label") -> QueueItem:
        body = {"annotator": annotator, "status": status}
        return QueueItem.model_validate(self._call("PUT", f"/v1/annotation/queue/{contract_id}", json=body).json())

    def suggestion_stats(self) -> SuggestionStats:
        return SuggestionStats.model_validate(self._call("GET", "/v1/annotation/suggestions/stats").json())

    def disagreements(self, contract_id: str | None = None, include_decided: bool = False) -> Disagreements:
        params: dict[str, Any] = {"include_decided": include_decided, **({"contract_id": contract_id} if contract_id
                                                                           else {})}
        return Disagreements.model_validate(self._call("GET", "/v1/annotation/disagreements", params=params).json())

    def adjudicate(self, *, adjudicator: str, accept: Sequence[int] = (), reject: Sequence[int] = (),
                   merged: dict[str, Any] | None = None, contract_id: str | None = None,
                   comment: str | None = None) -> AdjudicationResult:
        body = {"adjudicator": adjudicator, "accept": list(accept), "reject": list(reject), "merged": merged,
                "contract_id": contract_id, "comment": comment or None}
        return AdjudicationResult.model_validate(self._call("POST", "/v1/annotation/adjudications", json=body).json())

    def guidelines(self) -> Guidelines:
        return Guidelines.model_validate(self._call("GET", "/v1/annotation/guidelines").json())

    def model(self) -> ModelInfo:
        return ModelInfo.model_validate(self._call("GET", "/v1/model").json())

    # -- the model registry, with the administrator's token (LEXRISK_ADMIN_TOKEN), not the tenant's key
    def model_versions(self, admin_token: str) -> list[ModelVersionPublic]:
        r = self._call("GET", "/admin/models", admin_token=admin_token)
        return [ModelVersionPublic.model_validate(v) for v in r.json()["data"]]

    def promote(self, admin_token: str, name: str, gate: str) -> RegistryDecision:
        r = self._call("POST", f"/admin/models/{name}/promote", admin_token=admin_token, json={"gate": gate})
        return RegistryDecision.model_validate(r.json())

    def rollback(self, admin_token: str) -> RegistryDecision:
        return RegistryDecision.model_validate(self._call("POST", "/admin/models/rollback", admin_token=admin_token,
                                                          json={}).json())

    def readiness(self) -> dict[str, Any]:
        """/readyz's body whether ready (200) or not (503)."""
        try:
            r = self.http.get("/readyz")
            return r.json()
        except (httpx.HTTPError, ValueError) as exc:
            return {"status": "unreachable", "checks": {"api": type(exc).__name__}}


def _error(response: httpx.Response) -> ApiError:
    try:
        detail = ErrorBody.model_validate_json(response.content).error
        code, message = detail.code, detail.message
    except ValidationError:
        code = "unavailable" if response.status_code in (502, 503, 504) else "internal_error"
        message = f"the API answered {response.status_code}"
    retry = response.headers.get("Retry-After")
    return ApiError(response.status_code, code, message, float(retry) if retry and retry.isdigit() else None)
