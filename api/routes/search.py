"""GET /search: the clauses that answer a question, as ``policykg search --json`` prints them."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from index.models import SearchResult

from ..deps import QuestionDep, SearcherDep, SearchFiltersDep
from ..schemas import DEFAULT_K, ERRORS, MAX_K, Mode

router = APIRouter(prefix="/search", tags=["search"])


@router.get("", response_model=SearchResult, responses={422: ERRORS[422]})
def search(
    q: QuestionDep,
    searcher: SearcherDep,
    filters: SearchFiltersDep,
    k: Annotated[int, Query(ge=1, le=MAX_K, description=f"How many hits (1–{MAX_K}).")] = DEFAULT_K,
    mode: Annotated[Mode, Query(description="hybrid, dense or keyword.")] = "hybrid",
) -> SearchResult:
    """Clauses ranked for the question, each with its document, departments, awards,
    targets, the words that matched and, when the question states an amount, estimates."""
    try:
        return searcher.search(q, k, mode=mode, filters=filters)
    except ValueError as problem:  # e.g. dense mode over a build without a dense index
        raise HTTPException(status_code=422, detail=str(problem)) from None
