"""The SPARQL 1.1 Protocol endpoint: ``/sparql`` answers queries sent by GET (``?query=``)
or POST (form-encoded, or an ``application/sparql-query`` body), read-only, with results by
content negotiation. The work runs in ``kg.endpoint.SparqlRunner``, which enforces the time
and size limits."""
from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kg.endpoint import EndpointError, SparqlRunner

router = APIRouter(tags=["sparql"])

QUERY_TYPE = "application/sparql-query"
FORM_TYPE = "application/x-www-form-urlencoded"
UPDATE_TYPE = "application/sparql-update"


def get_runner(request: Request) -> SparqlRunner:
    return request.app.state.sparql


async def _answer(request: Request, query: str | None, accept: str | None) -> Response:
    if not query or not query.strip():
        raise HTTPException(400, "no query: send ?query=… (GET), a form field 'query', or an application/sparql-query body")
    try:
        answer = await run_in_threadpool(get_runner(request).run, query, accept)
    except EndpointError as problem:
        raise HTTPException(problem.status, str(problem)) from None
    return Response(content=answer.body, media_type=answer.media_type)


@router.get("/sparql", summary="SPARQL query (GET)")
async def sparql_get(
    request: Request,
    query: Annotated[str | None, Query(description="A SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query.")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """Results as SPARQL JSON (default), XML, CSV or TSV for SELECT/ASK, and Turtle
    (default), N-Triples or JSON-LD for CONSTRUCT/DESCRIBE, by the Accept header."""
    return await _answer(request, query, accept)


@router.post("/sparql", summary="SPARQL query (POST)")
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
        raise HTTPException(403, "SPARQL updates are refused: the graph is read-only")
    if kind == QUERY_TYPE:
        return await _answer(request, (await request.body()).decode("utf-8"), accept)
    if kind != FORM_TYPE:
        raise HTTPException(415, f"send the query as {FORM_TYPE} (query=…) or as {QUERY_TYPE}")
    form = parse_qs((await request.body()).decode("utf-8"))
    if "update" in form:
        raise HTTPException(403, "SPARQL updates are refused: the graph is read-only")
    return await _answer(request, (form.get("query") or [None])[0], accept)
