"""The SPARQL 1.1 Protocol endpoint: ``/sparql`` answers queries sent by GET (``?query=``)
or POST (form-encoded, or an ``application/sparql-query`` body), read-only, with results by
content negotiation (``api.present``). The work runs in ``kg.endpoint.SparqlPool``, which enforces the time,
size, queue and per-client limits; ``SERVICE`` calls are refused unless allowed
(``kg.federation``). Every refused update answers 403.

As the protocol asks: ``default-graph-uri`` / ``named-graph-uri`` (in the URL, or in a form
body) set the dataset; more than one ``query`` is 400; a body in another charset than UTF-8
is 415; relative IRIs in a query resolve against the endpoint's URL.
``tests/test_sparql_protocol.py`` runs the W3C protocol tests."""
from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import Response

from policykg.kg.endpoint import Answer, EndpointError, Formats, Refusal, SparqlPool
from policykg.kg.sources import Dataset

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
        400: "No query or a blank one, several queries, a query that is not SPARQL, or a SERVICE call the deployment does not allow.",
        403: "An update: the graph is read-only.",
        406: "The Accept header names no format this query's results can be written in.",
        413: "The query text, the request body or the result is over its limit.",
        415: "A POST body that is neither a form nor application/sparql-query, or not in UTF-8.",
        422: "A parameter cannot be read.",
        429: "This client has too many queries running or waiting (Retry-After).",
        503: "Every worker is busy and the queue is full (Retry-After), or the query ran past the time limit.",
    }.items()
}
READ_ONLY = "SPARQL updates are refused: the graph is read-only (rebuild it with `policykg build`)"


def get_pool(request: Request) -> SparqlPool:
    return request.app.state.sparql


async def run_sparql(request: Request, query: str, formats: Formats, dataset: Dataset = Dataset()) -> Answer:
    """Run ``query`` in the pool over the generation this request reads (the protocol's
    ``dataset`` if given); ``EndpointError`` for a query that is too long, an update, or one
    the pool refuses or stops."""
    limit = request.app.state.settings.sparql_max_query_chars
    if len(query) > limit:
        raise EndpointError(f"the query has {len(query)} characters; at most {limit} are accepted", Refusal.TOO_LARGE)
    client = request.client.host if request.client else "unknown"
    base = str(request.url.replace(query="", fragment=""))  # the protocol's base: the endpoint's own URL
    return await get_pool(request).run(get_generation(request), query, formats, client, dataset, base)


def _dataset(*sources: dict[str, list[str]]) -> Dataset:
    """The protocol's dataset from the URL's and the form's parameters."""
    return Dataset(
        default_graphs=tuple(g for source in sources for g in source.get("default-graph-uri", [])),
        named_graphs=tuple(g for source in sources for g in source.get("named-graph-uri", [])),
    )


def _one(queries: list[str]) -> str | None:
    if len(queries) > 1:
        raise HTTPException(400, f"send one query, not {len(queries)}")
    return next(iter(queries), None)


async def _answer(request: Request, query: str | None, accept: str | None, dataset: Dataset = Dataset()) -> Response:
    if not query or not query.strip():
        raise HTTPException(400, "no query: send ?query=… (GET), a form field 'query', or an application/sparql-query body")
    try:
        answer = await run_sparql(request, query, sparql_formats(accept), dataset)
    except EndpointError as problem:
        status, message, headers = sparql_refusal(problem)
        raise HTTPException(status, message, headers=headers or None) from None
    return Response(content=answer.body, media_type=sparql_media_type(answer))


def _text(body: bytes, content_type: str | None = None) -> str:
    charset = _charset(content_type)
    if charset not in (None, "utf-8", "utf8"):
        raise HTTPException(415, f"send the request body in UTF-8, not {charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the request body is not UTF-8") from None


def _charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def _url_params(request: Request) -> dict[str, list[str]]:
    return {name: request.query_params.getlist(name) for name in request.query_params}


# What the schema says of the query text: required and not blank (either answers 400, as the
# protocol asks for a malformed query, so FastAPI does not check it: its refusal is a 422).
# Whether the text is SPARQL the grammar decides, which no JSON Schema can state: a query
# valid by the schema may still be refused with 400. Accept and Content-Type are read but
# not declared: OpenAPI ignores header parameters of those names (the media types of the
# responses and of the request body say them), and a fuzzer would send any value.
QUERY_SCHEMA = {"type": "string", "pattern": r"\S"}
QUERY_TEXT = "A SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query."
GET_QUERY = {
    "parameters": [{"name": "query", "in": "query", "required": True, "description": QUERY_TEXT, "schema": QUERY_SCHEMA}]
}


@router.get("/sparql", summary="SPARQL query (GET)", responses=SPARQL_ERRORS, openapi_extra=GET_QUERY)
async def sparql_get(
    request: Request,
    query: Annotated[str | None, Query(include_in_schema=False)] = None,
    default_graph_uri: Annotated[
        list[str] | None, Query(alias="default-graph-uri", description="A graph of the default graph (repeatable); overrides the query's FROM.")
    ] = None,
    named_graph_uri: Annotated[
        list[str] | None, Query(alias="named-graph-uri", description="A named graph the query may read (repeatable); overrides FROM NAMED.")
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """Results as SPARQL JSON (default), XML, CSV or TSV for SELECT/ASK, and Turtle
    (default), N-Triples or JSON-LD for CONSTRUCT/DESCRIBE, by the Accept header."""
    # The parameters are declared above for the OpenAPI schema; they are read here with
    # every repetition, since a repeated query is an error and repeated graphs are not.
    params = _url_params(request)
    if "update" in params:
        raise HTTPException(403, READ_ONLY)
    return await _answer(request, _one(params.get("query", [])), accept, _dataset(params))


POST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            FORM_TYPE: {"schema": {"type": "object", "properties": {"query": QUERY_SCHEMA}, "required": ["query"]}},
            QUERY_TYPE: {"schema": QUERY_SCHEMA},
        },
    }
}


@router.post("/sparql", summary="SPARQL query (POST)", responses=SPARQL_ERRORS, openapi_extra=POST_BODY)
async def sparql_post(
    request: Request,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
    content_type: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """The query as a form field ``query`` or as an ``application/sparql-query`` body.
    Updates (``update=…`` or ``application/sparql-update``) are refused: the graph is
    read-only."""
    kind = (content_type or "").split(";")[0].strip().lower()
    url = _url_params(request)
    if kind == UPDATE_TYPE or "update" in url:
        raise HTTPException(403, READ_ONLY)
    if kind == QUERY_TYPE:
        if "query" in url:
            raise HTTPException(400, f"send one query: in the {QUERY_TYPE} body, not in the URL as well")
        return await _answer(request, _text(await request.body(), content_type), accept, _dataset(url))
    if kind != FORM_TYPE:
        raise HTTPException(415, f"send the query as {FORM_TYPE} (query=…) or as {QUERY_TYPE}")
    form = parse_qs(_text(await request.body(), content_type))
    if "update" in form:
        raise HTTPException(403, READ_ONLY)
    return await _answer(request, _one(form.get("query", []) + url.get("query", [])), accept, _dataset(url, form))
