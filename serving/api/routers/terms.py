"""Key terms: a contract's terms and a lawyer's correction of them, the tenant's portfolio, its calendar
feed (/v1/calendar.ics) and the feed tokens calendar apps subscribe with."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Response, status
from pydantic import BeforeValidator
from starlette.concurrency import run_in_threadpool

from contracts.key_terms import KeyTerms
from contracts.wire import (
    ContractTerms,
    FeedTokenCreate,
    FeedTokenCreated,
    FeedTokenPublic,
    FeedTokensPublic,
    JobSummary,
    PortfolioItem,
    PortfolioPublic,
    RiskCounts,
    TermCorrection,
)
from serving.api.deps import (
    ApiError,
    EngineDep,
    IdPath,
    Limit,
    Offset,
    ReadSessionDep,
    SessionDep,
    SettingsDep,
    TenantDep,
    page_limit,
)
from serving.api.protocol import error_responses
from serving.feed_tokens import create_token, get_token, list_tokens, revoke_token
from serving.models import ContractTermsRow, FeedToken
from serving.service import terms

router = APIRouter(prefix="/v1", tags=["key terms"])
READ_ERRORS = error_responses({404: ["not_found"]})
FILTER_TEXT = r"^[^\x00]*$"
FEED_CACHE_CONTROL = "private, max-age=300"  # one tenant's deadlines: no shared cache; polled every few minutes
ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'  # RFC 9110 8.8.3 entity-tag
ENTITY_TAGS = re.compile(rf"[ \t]*(?:{ENTITY_TAG}[ \t]*)?(?:,[ \t]*(?:{ENTITY_TAG}[ \t]*)?)*")  # 5.6.1: #entity-tag


def contract_terms(contract_id: str, row: ContractTermsRow | None) -> ContractTerms:
    return ContractTerms(contract_id=contract_id, job_id=row.job_id if row else None,
                         terms=KeyTerms.model_validate(row.terms) if row else KeyTerms())


@router.get("/contracts/{contract_id}/terms", response_model=ContractTerms, responses=READ_ERRORS,
            summary="The contract's key terms")
def get_terms(contract_id: IdPath, tenant: TenantDep, session: ReadSessionDep) -> ContractTerms:
    """Every field null (parties empty) while no analysis has read the contract's terms."""
    return contract_terms(contract_id, terms.get(session, tenant_id=tenant.id, contract_id=contract_id))


@router.patch("/contracts/{contract_id}/terms", response_model=ContractTerms,
              responses=error_responses({400: ["invalid_correction", "invalid_label"], 404: ["not_found"],
                                         409: ["label_conflict"]}),
              summary="Correct one key term (kept as the lawyer's, stored as a label)")
def correct_terms(contract_id: IdPath, body: TermCorrection, tenant: TenantDep, session: SessionDep,
                  settings: SettingsDep) -> ContractTerms:
    """The corrected field gets `source: lawyer`, and keeps the lawyer's value when the contract is
    analyzed again. The correction is also stored as the tenant's label in the annotation store (the
    field's CUAD category over the span, the value in its explanation), as reviews of findings are."""
    return contract_terms(contract_id, terms.correct(session, tenant=tenant, contract_id=contract_id, correction=body,
                                                     settings=settings))


def _iso_day(value: object) -> object:
    """The day as YYYY-MM-DD only: pydantic also reads a number as seconds since 1970 (`expires_before=0`)."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("not an ISO date (YYYY-MM-DD)")
    return value


@router.get("/portfolio", response_model=PortfolioPublic, responses=error_responses({}),
            summary="Every contract with its key terms and risk counts, newest first")
def portfolio(tenant: TenantDep, session: ReadSessionDep, settings: SettingsDep, offset: Offset = 0, limit: Limit = 20,
              expires_before: Annotated[date | None, BeforeValidator(_iso_day),
                                        Query(description="contracts whose expiration is surely before this day "
                                                          "(ISO date, YYYY-MM-DD)")] = None,
              governing_law: Annotated[str | None, Query(max_length=200, pattern=FILTER_TEXT,
                                                         description="the governing law, as written (any case)",
                                                         examples=["New York"])] = None,
              party: Annotated[str | None, Query(max_length=200, pattern=FILTER_TEXT,
                                                 description="a part of a party's name (any case)")] = None,
              ) -> PortfolioPublic:
    rows, count = terms.portfolio(session, tenant_id=tenant.id, offset=offset, limit=page_limit(limit, settings),
                                  expires_before=expires_before, governing_law=governing_law, party=party)
    data = [PortfolioItem(id=c.id, name=name, created_at=c.created_at,
                          latest_job=JobSummary(id=j.id, status=j.status, analyzer=j.analyzer) if j else None,
                          terms=KeyTerms.model_validate(t.terms) if t else None, risks=RiskCounts(**risks))
            for c, name, t, j, risks in rows]
    return PortfolioPublic(data=data, count=count)


# HEAD too: calendar apps ask whether a subscribed feed changed before they fetch it (the gate admits a feed
# token on both); left out of the OpenAPI reference, where it would repeat GET's operation
@router.head("/calendar.ics", include_in_schema=False, response_class=Response)
@router.get("/calendar.ics", responses={200: {"content": {"text/calendar": {}},
                                              "description": "the tenant's iCalendar feed (RFC 5545)"},
                                        304: {"description": "the feed is the one whose ETag If-None-Match names"},
                                        **error_responses({})},
            response_class=Response, summary="The tenant's deadlines as an iCalendar feed")
def calendar(tenant: TenantDep, session: ReadSessionDep,
             # checked by the request gate (serving.api.gate.feed_token); declared here for the OpenAPI reference
             token: Annotated[str | None, Query(max_length=100, description="a feed token, for calendar apps "
                                                                            "that cannot send a header")] = None,
             if_none_match: Annotated[str | None, Header(description="the ETag of the feed the app holds: "
                                                                     "304 while it is still the feed")] = None,
             ) -> Response:
    """An all-day event per contract expiration and per last day to give notice, with stable UIDs.
    Authenticate with the API key, or with `?token=` (POST /v1/calendar/tokens)."""
    return feed_response(terms.calendar(session, tenant=tenant), if_none_match)


def feed_response(body: bytes, if_none_match: str | None) -> Response:
    """The feed, or 304 when the app already holds it. Calendar apps poll a subscription every few minutes,
    and without a validator each poll downloaded the whole feed; the ETag is a hash of the bytes, which are
    the same for the same terms (serving.calendar_feed), so it is strong. A 304 carries the headers a 200
    would have carried that RFC 9110 (15.4.5) asks for, ETag and Cache-Control, and no body; HEAD is answered
    as GET is (Starlette's server drops the body of a HEAD, not its headers)."""
    etag = f'"{hashlib.sha256(body).hexdigest()}"'
    headers = {"ETag": etag, "Cache-Control": FEED_CACHE_CONTROL}
    if if_none_match is not None and etag_listed(etag, if_none_match):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


def etag_listed(etag: str, if_none_match: str) -> bool:
    """Whether If-None-Match names `etag`, by RFC 9110's weak comparison (13.1.2: `W/"x"` matches `"x"`), or
    is `*` (any current feed: there always is one). Tags are read as quoted strings, which may hold a comma,
    rather than split on commas; a field that is not a list of them matches nothing, so that a malformed
    one gets the whole feed rather than a 304 it may not have meant."""
    if if_none_match.strip() == "*":
        return True
    if not ENTITY_TAGS.fullmatch(if_none_match):
        return False
    return etag in (tag.removeprefix("W/") for tag in re.findall(ENTITY_TAG, if_none_match))


def _token_public(row: FeedToken) -> FeedTokenPublic:
    return FeedTokenPublic(id=row.id, prefix=row.prefix, name=row.name, created_at=row.created_at,
                           revoked_at=row.revoked_at, state="revoked" if row.revoked_at else "active")


@router.post("/calendar/tokens", status_code=status.HTTP_201_CREATED, response_model=FeedTokenCreated,
             responses=error_responses({}), summary="Create a calendar feed token (shown once)")
async def create_feed_token(response: Response, tenant: TenantDep, engine: EngineDep,
                            body: Annotated[FeedTokenCreate | None, Body()] = None) -> FeedTokenCreated:
    """Every field is optional, so the body is too: no body is `{}`. `Location` is the token as listed."""
    token, row = await run_in_threadpool(create_token, engine, tenant.id, body.name if body else None)
    response.headers["Location"] = f"/v1/calendar/tokens/{row.id}"
    return FeedTokenCreated(**_token_public(row).model_dump(), token=token, url=f"/v1/calendar.ics?token={token}")


@router.get("/calendar/tokens", response_model=FeedTokensPublic, responses=error_responses({}),
            summary="The tenant's calendar feed tokens (never the tokens themselves)")
async def feed_tokens(tenant: TenantDep, engine: EngineDep) -> FeedTokensPublic:
    rows = await run_in_threadpool(list_tokens, engine, tenant.id)
    return FeedTokensPublic(data=[_token_public(r) for r in rows], count=len(rows))


@router.get("/calendar/tokens/{token_id}", response_model=FeedTokenPublic, responses=READ_ERRORS,
            summary="One calendar feed token (never the token itself)")
async def feed_token(token_id: IdPath, tenant: TenantDep, engine: EngineDep) -> FeedTokenPublic:
    row = await run_in_threadpool(get_token, engine, tenant.id, token_id)
    if row is None:
        raise ApiError(404, "not_found", f"no feed token {token_id}")
    return _token_public(row)


@router.delete("/calendar/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ_ERRORS,
               summary="Revoke a calendar feed token")
async def revoke_feed_token(token_id: IdPath, tenant: TenantDep, engine: EngineDep) -> Response:
    """204; the feed answers 401 to the token from then on. As a deleted contract, a token revoked already
    is no longer there to revoke: 404 (it stays listed, `state: revoked`, for the record)."""
    if not await run_in_threadpool(revoke_token, engine, tenant.id, token_id):
        raise ApiError(404, "not_found", f"no active feed token {token_id} (unknown, or revoked already)")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
