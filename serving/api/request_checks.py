"""What a client is told when the framework, not a route, refuses its request: a body of the wrong media type
(415, named in every body-reading route's OpenAPI responses), a validation failure said in the client's terms
(422), a query parameter no route reads (422), a method
the path does not take (405, with every method it does take in `Allow`).

FastAPI's own answers named the wrong thing: a JSON route given `text/plain` or a form complained that the
field "request" was no dictionary; an upload sent as the raw file that "file" was missing; `severity=critical`
failed at "severity.0"; and `Allow` listed the methods of the first route on the path only. A query
parameter it did not declare was dropped without a word, so a typo in a filter (`governing-law=`) returned
the unfiltered list."""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.params import Form
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.routing import Match

from contracts.wire import ID_PATTERN, TEXT_PATTERN
from serving.api.deps import ApiError, error_response
from serving.api.protocol import ERROR_CODES

# what a pattern's mismatch means to the client, said in words (pydantic's message quotes the regex)
PATTERN_MESSAGES = {ID_PATTERN: "not an id the API returned (32 hex digits)",
                    TEXT_PATTERN: "holds a character that is not allowed (NUL)"}
JSON_FIX = "send a JSON object with Content-Type: application/json"
UPLOAD_FIX = "send multipart/form-data with the file (PDF, DOCX or TXT) in a part named 'file'"
_PLACES = ("body", "path", "query", "header", "cookie")
_NOT_AN_OBJECT = ("model_attributes_type", "model_type", "dict_type")
_CHOICES = ("enum", "literal_error")
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_SHOWN_PROBLEMS = 5
_SHOWN_INPUT = 60


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


def is_json(media: str) -> bool:
    """As FastAPI reads a body as JSON: application/json or any application/*+json."""
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def validation_response(request: Request, exc: RequestValidationError) -> JSONResponse:
    """400 for a body that is no JSON, 415 for a body of a media type the route does not read, else 422
    naming each problem (the first five)."""
    errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        return error_response(400, "bad_request", "the body is not valid JSON")
    if wrong := wrong_media_type(request, errors):
        return error_response(415, "unsupported_media_type", wrong)
    problems = dict.fromkeys(problem(error) for error in errors[:_SHOWN_PROBLEMS])
    return error_response(422, "invalid_request", "; ".join(problems))


def wrong_media_type(request: Request, errors: Any) -> str | None:
    """Why the body could not be read, when its media type is not what the route reads: a form route here
    is an upload (multipart, a file part); any other route with a body reads a JSON object. Asked only
    when validation failed on the body, so that a request that works is never refused for its header. A
    missing body is no media type's fault: it stays a 422 (`problem`)."""
    route = request.scope.get("route")
    body = getattr(route, "body_field", None)
    if body is None or not any(tuple(error.get("loc", ()))[:1] == ("body",) for error in errors):
        return None
    media = media_type(request)
    sent = f"the body is {media}" if media else "the request has no Content-Type"
    if isinstance(body.field_info, Form):
        return None if media == "multipart/form-data" else f"{sent}: {UPLOAD_FIX}"
    if is_json(media) or any(tuple(error.get("loc", ())) == ("body",) and error.get("type") == "missing"
                             for error in errors):
        return None
    return f"{sent}: {JSON_FIX}"


def problem(error: Any) -> str:
    """One validation error as `where: what`. `where` is the field's path without its place (body, query,
    ...) and, outside a JSON body, without list indices: `severity=low&severity=critical` fails at
    "severity", and the message quotes the value. The body as a whole is "the body"."""
    loc = tuple(error.get("loc", ()))
    place, path = (loc[0], loc[1:]) if loc and loc[0] in _PLACES else (None, loc)
    if place != "body":
        path = tuple(part for part in path if not isinstance(part, int))
    kind, ctx, message = error.get("type"), error.get("ctx") or {}, error.get("msg")
    if not path and place == "body":
        if kind == "missing":
            return f"the request needs a JSON body: {JSON_FIX}"
        return "the body must be a JSON object" if kind in _NOT_AN_OBJECT else f"the body: {message}"
    if kind == "string_pattern_mismatch":
        message = PATTERN_MESSAGES.get(str(ctx.get("pattern")), message)
    elif kind in _CHOICES and "expected" in ctx:
        message = f"should be {ctx['expected']}, not {_shown(error.get('input'))}"
    return f"{'.'.join(str(part) for part in path) or 'request'}: {message}"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_INPUT else text[:_SHOWN_INPUT] + "…"


def declared_query_params(dependant: Dependant) -> list[str]:
    """The query parameters a route reads, its own and its dependencies', by the name a client sends."""
    names = [field.alias for field in dependant.query_params]
    for sub in dependant.dependencies:
        names += [name for name in declared_query_params(sub) if name not in names]
    return names


async def known_query_params(request: Request) -> None:
    """An app-wide dependency: a request with a query parameter its route does not declare is a 422 naming
    it, the closest declared name and every declared one, whatever the method: a POST's `?template_id=` that
    the compare route reads from its body was dropped without a word. The route's own declaration is the
    list, so a new parameter needs no second one; a parameter declared by a router-wide dependency would
    need to be declared on the route as well (none is)."""
    if not request.scope.get("query_string"):
        return
    route: APIRoute = request.scope["route"]
    known = declared_query_params(route.dependant)
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in known]
    if not unknown:
        return
    named = ", ".join(_with_guess(name, known) for name in unknown)
    takes = f"takes {', '.join(known)}" if known else "takes no query parameters"
    plural = "s" if len(unknown) > 1 else ""
    raise ApiError(422, "invalid_request", f"unknown query parameter{plural} {named}; "
                                           f"{request.method} {route.path} {takes}")


def _with_guess(name: str, known: list[str]) -> str:
    """`governing-law` gets "(did you mean 'governing_law'?)"."""
    close = get_close_matches(name, known, n=1, cutoff=0.6)
    return f"{name!r} (did you mean {close[0]!r}?)" if close else repr(name)


def with_media_type_refusals(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI `schema` with the 415 `unsupported_media_type` (`validation_response`) named in the
    responses of every operation that reads a body, beside the codes the route itself names, so that a
    generated client knows it. Done on the built schema, not per route: every body-reading route can
    answer it, a new one included, and the routes of included routers are built lazily. Idempotent."""
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            if "requestBody" not in operation:
                continue
            refusal = operation["responses"].setdefault("415", {
                "description": ERROR_CODES.rstrip(), "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}})
            if "`unsupported_media_type`" not in refusal["description"]:
                codes = refusal["description"].removeprefix(ERROR_CODES.rstrip()).strip()
                refusal["description"] = ERROR_CODES + ", ".join(filter(None, (codes, "`unsupported_media_type`")))
    return schema


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes on the request's path. Starlette's 405 lists the methods of the first
    route whose path matched, and /v1/contracts has one route for GET and another for POST. Asked of each
    top-level route through the routing interface itself, so that an included router is searched as the
    request would be."""
    return [method for method in _METHODS
            if any(route.matches({**request.scope, "method": method})[0] == Match.FULL
                   for route in request.app.router.routes)]
