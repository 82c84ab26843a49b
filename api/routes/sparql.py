"""The SPARQL 1.1 Protocol endpoint: ``/sparql`` answers queries sent by GET (``?query=``)
or POST (form-encoded, or an ``application/sparql-query`` body), read-only, with results by
content negotiation (``api.present``). The work runs in ``kg.endpoint.SparqlPool``, which enforces the time,
size, queue and per-client limits; ``SERVICE`` calls are refused unless allowed
(``kg.federation``). Every refused update answers 403."""
from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import Response

from policykg.kg.endpoint import Answer, EndpointError, Formats, Refusal, SparqlPool

from ..deps import get_generation
from ..present import sparql_formats, sparql_media_type, sparql_refusal
from ..schemas import ErrorBody

router = APIRouter(tags=["sparql"])

QUERY_TYPE = "application/sparql-query"
FORM_TYPE = "application/x-www-form-urlencoded"
UPDATE_TYPE = "application/sparql-update"


# Every status the endpoint answers besides 200, for the OpenAPI schema.
SPARQL_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        400: "No query, a query that cannot be read, or a SERVICE call the deployment does not allow.",
        403: "An update: the graph is read-only.",
        406: "The Accept header names no format this query's results can be written in.",
        413: "The query text, the request body or the result is over its limit.",
        415: "A POST body that is neither a form nor application/sparql-query.",
        422: "A parameter cannot be read.",
        429: "This client has too many queries running or waiting (Retry-After).",
        503: "Every worker is busy and the queue is full (Retry-After), or the query ran past the time limit.",
    }.items()
}
READ_ONLY = "SPARQL updates are refused: the graph is read-only (rebuild it with `policykg build`)"


def get_pool(request: Request) -> SparqlPool:
    return request.app.state.sparql


async def run_sparql(request: Request, query: str, formats: Formats) -> Answer:
    """Run ``query`` in the pool over the generation this request reads; ``EndpointError``
    for a query that is too long, an update, or one the pool refuses or stops."""
    limit = request.app.state.settings.sparql_max_query_chars
    if len(query) > limit:
        raise EndpointError(f"the query has {len(query)} characters; at most {limit} are accepted", Refusal.TOO_LARGE)
    client = request.client.host if request.client else "unknown"
    return await get_pool(request).run(get_generation(request), query, formats, client)


async def _answer(request: Request, query: str | None, accept: str | None) -> Response:
    if not query or not query.strip():
        raise HTTPException(400, "no query: send ?query=… (GET), a form field 'query', or an application/sparql-query body")
    try:
        answer = await run_sparql(request, query, sparql_formats(accept))
    except EndpointError as problem:
        status, message, headers = sparql_refusal(problem)
        raise HTTPException(status, message, headers=headers or None) from None
    return Response(content=answer.body, media_type=sparql_media_type(answer))


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the request body is not UTF-8") from None


@router.get("/sparql", summary="SPARQL query (GET)", responses=SPARQL_ERRORS)
async def sparql_get(
    request: Request,
    query: Annotated[str | None, Query(description="A SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query.")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """Results as SPARQL JSON (default), XML, CSV or TSV for SELECT/ASK, and Turtle
    (default), N-Triples or JSON-LD for CONSTRUCT/DESCRIBE, by the Accept header."""
    return await _answer(request, query, accept)


POST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            FORM_TYPE: {"schema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}},
            QUERY_TYPE: {"schema": {"type": "string"}},
        },
    }
}


@router.post("/sparql", summary="SPARQL query (POST)", responses=SPARQL_ERRORS, openapi_extra=POST_BODY)
async def sparql_post(
    request: Request,
    accept: Annotated[str | None, Header()] = None,
    content_type: Annotated[str | None, Header()] = None,
) -> Response:
    """The query as a form field ``query`` or as an ``application/sparql-query`` body.
    Updates (``update=…`` or ``application/sparql-update``) are refused: the graph is
    read-only."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == UPDATE_TYPE:
        raise HTTPException(403, READ_ONLY)
    if kind == QUERY_TYPE:
        return await _answer(request, _text(await request.body()), accept)
    if kind != FORM_TYPE:
        raise HTTPException(415, f"send the query as {FORM_TYPE} (query=…) or as {QUERY_TYPE}")
    form = parse_qs(_text(await request.body()))
    if "update" in form:
        raise HTTPException(403, READ_ONLY)
    if len(form.get("query") or []) > 1:
        raise HTTPException(400, "send one query, not several")
    return await _answer(request, next(iter(form.get("query") or []), None), accept)
