"""The FastAPI app: ``create_app(settings)`` wires the routers (JSON API, SPARQL endpoint,
web page), the static files and the error handlers; the lifespan opens the current
generation's read model (``index.catalog.Catalog``), searcher and graph once
(``api.serving.Served``), onto ``app.state``, and follows later builds. Errors are JSON
(``ErrorBody``), except on the web page's paths, where they are pages.

Nothing heavy happens before the app starts: creating (or importing) the app loads no index,
model or graph, so tests and ``policykg serve`` decide when that cost is paid.

    >>> app = create_app(Settings(data="/nonexistent"))  # loads nothing yet
    >>> "/search" in app.openapi()["paths"]
    True
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from policykg.index.catalog import NotFound
from policykg.kg.endpoint import Limits, SparqlPool
from policykg.datadir import DataDir
from policykg.settings import Settings

from .middleware import BodyLimit, HeadAsGet, Hygiene
from .pages import STATIC, error_page, is_page
from .routes import awards, clauses, departments, documents, ids, match, pages, search, sparql
from .schemas import ErrorBody
from .serving import Served, follow

DESCRIPTION = """Search and browse Chinese government policy documents: clauses with their
departments, awards and targets, as JSON; clauses and documents also as RDF (Turtle,
JSON-LD, N-Triples) by content negotiation. Every error is a JSON `ErrorBody`."""

ROUTERS = (
    search.router, clauses.router, documents.router, departments.router, awards.router, ids.router, sparql.router,
    match.router, pages.router, match.page_router,
)


def create_app(settings: Settings, *, cors_origins: Sequence[str] = (), opened: Served | None = None) -> FastAPI:
    """The app over the build in ``settings.data``. CORS is off unless ``cors_origins``
    names the origins (or ``"*"``) whose pages may call the API. ``opened`` is the
    generation already opened (``policykg serve`` opens it first, to say in one line what
    is wrong with a build); else the lifespan opens the current one."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        data = DataDir(settings.data)
        app.state.served = opened if opened is not None else Served.open(data, settings)  # NoBuild stops the start-up
        app.state.sparql = SparqlPool(sparql_limits(settings), warm_folder=app.state.served.folder)
        await asyncio.to_thread(app.state.sparql.wait_ready)  # the first query finds its worker ready
        follower = None
        retired: list[Served] = []
        if settings.follow_seconds > 0 and settings.generation is None:  # a pinned generation stays
            # Old builds stay open until every request that started on them has ended.
            grace = settings.sparql_timeout_seconds + 30
            follower = asyncio.create_task(follow(app, data, settings, grace, retired))
        try:
            yield
        finally:
            if follower is not None:
                follower.cancel()
            app.state.sparql.close()
            for served in [app.state.served, *retired]:
                served.close()

    app = FastAPI(title="policykg", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET"], allow_headers=["Accept"])
    # The last added runs first: headers and relative redirects on every answer, then HEAD,
    # then the body limit.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(HeadAsGet)
    app.add_middleware(Hygiene)
    return app


def sparql_limits(settings: Settings) -> Limits:
    return Limits(
        timeout_seconds=settings.sparql_timeout_seconds, max_results=settings.sparql_max_results,
        workers=settings.sparql_workers, queue=settings.sparql_queue, per_client=settings.sparql_per_client,
        allowed_services=tuple(settings.sparql_allowed_services), upstream=settings.sparql_upstream,
        max_memory_mb=settings.sparql_max_memory_mb,
    )


def _error(
    request: Request, status: int, message: str, errors: list[dict] | None = None, headers: dict | None = None
) -> Response:
    """An error as JSON (an ``ErrorBody``), or as a page for a request to the web page."""
    if is_page(request):
        return error_page(request, status, message)
    body = ErrorBody(status=status, message=message, errors=errors or [])
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


async def _not_found(request: Request, problem: Exception) -> Response:
    return _error(request, 404, str(problem))


async def _http_error(request: Request, problem: Exception) -> Response:
    assert isinstance(problem, HTTPException)
    return _error(request, problem.status_code, str(problem.detail), headers=getattr(problem, "headers", None))


async def _invalid(request: Request, problem: Exception) -> Response:
    assert isinstance(problem, RequestValidationError)
    errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in problem.errors()]
    message = "; ".join(f"{_where(e['loc'])}: {e['msg']}" for e in errors)
    return _error(request, 422, message, jsonable_encoder(errors))


def _where(loc: list) -> str:
    """A parameter's name from a FastAPI error location: ("query", "k") → "k"."""
    return ".".join(str(part) for part in loc[1:]) or str(loc[0])
