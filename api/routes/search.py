"""GET /search: the clauses that answer a question, as ``policykg search --json`` prints them."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from starlette.concurrency import run_in_threadpool

from policykg.index.models import SearchResult

from ..deps import QuestionDep, SearcherDep, SearchFiltersDep
from ..schemas import DAY_PATTERN, DEFAULT_K, ERRORS, MAX_K, Mode

router = APIRouter(prefix="/search", tags=["search"])
# Rules between parameters that an OpenAPI schema cannot state (each parameter has its own
# schema): a request valid by the schema may still be refused with these 422s.
SEARCH_422 = {
    **ERRORS[422],
    "description": (
        "A parameter cannot be read, or parameters that do not go together: role without department, "
        "an `on` that is no day of the calendar (2023-02-30), mode dense over a build without a dense index, "
        "or a question longer than POLICYKG_MAX_Q_CHARS."
    ),
}


@router.get("", response_model=SearchResult, responses={422: SEARCH_422})
async def search(
    q: QuestionDep,
    searcher: SearcherDep,
    filters: SearchFiltersDep,
    k: Annotated[int, Query(ge=1, le=MAX_K, description=f"How many hits (1–{MAX_K}).")] = DEFAULT_K,
    offset: Annotated[int, Query(ge=0, le=10_000, description="Skip this many hits (for the next page).")] = 0,
    mode: Annotated[Mode, Query(description="hybrid, dense or keyword.")] = "hybrid",
    on: Annotated[
        str | None,
        # A string checked here, not a ``date``: pydantic also reads a number as a Unix time
        # (on=2.2e-16 was 1970-01-01), which the schema's date format does not allow.
        Query(pattern=DAY_PATTERN, description="The day validity is judged on (YYYY-MM-DD; default today).", json_schema_extra={"format": "date"}),
    ] = None,
    include_predecessors: Annotated[bool, Query(description="With department: also the bodies it was renamed or merged from.")] = False,
) -> SearchResult:
    """Clauses ranked for the question, each with its document, departments, awards,
    targets, validity on the day asked, the words that matched and, when the question
    states an amount, estimates. ``answered`` is false when no clause answers the question:
    the hits are then only the nearest clauses.

    A new question is embedded in a worker thread, where it waits for the encoder (batched
    with others); the search itself, a few milliseconds of Python, runs here on the event
    loop: handing it to a thread and its answer back cost more CPU than it does. What reads
    the whole corpus (a listing by filters alone, a department's renamings) stays in a
    thread, so it does not hold up other requests."""
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        raise HTTPException(status_code=422, detail=f"on: {on!r} is not a day of the calendar (YYYY-MM-DD)") from None
    try:
        if not q.strip() or include_predecessors:
            return await run_in_threadpool(
                searcher.search, q, k, mode=mode, filters=filters, today=day, offset=offset, include_predecessors=include_predecessors
            )
        if searcher.waits_for_encoder(q, mode):
            await run_in_threadpool(searcher.embed_question, q)
        return searcher.search(q, k, mode=mode, filters=filters, today=day, offset=offset)
    except ValueError as problem:  # e.g. dense mode over a build without a dense index
        raise HTTPException(status_code=422, detail=str(problem)) from None
