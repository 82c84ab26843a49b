"""Dependencies of the route handlers, as ``Annotated`` aliases over what the lifespan put
on ``app.state``; tests swap them with ``app.dependency_overrides[get_searcher] = …``."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from rdflib import Graph

from index.catalog import Catalog
from index.filters import Filters
from index.search import Searcher
from kg.vocabulary import AWARD_KINDS, ROLES, listed
from policykg.settings import Settings



def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_generation(request: Request) -> Path:
    """The generation folder the app opened at start (a later build does not change it)."""
    return request.app.state.generation


def get_searcher(request: Request) -> Searcher:
    return request.app.state.searcher


def get_catalog(request: Request) -> Catalog:
    return request.app.state.catalog


def get_graph(request: Request) -> Graph:
    return request.app.state.graph


SettingsDep = Annotated[Settings, Depends(get_settings)]
GenerationDep = Annotated[Path, Depends(get_generation)]
SearcherDep = Annotated[Searcher, Depends(get_searcher)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
GraphDep = Annotated[Graph, Depends(get_graph)]


def search_filters(
    document: Annotated[str | None, Query(description="Only this document: its id, or a piece of its title or 文号.")] = None,
    issuer: Annotated[str | None, Query(description="Only documents of this issuer (a piece of its name).")] = None,
    department: Annotated[str | None, Query(description="Only clauses naming this department (any of its names).")] = None,
    role: Annotated[str | None, Query(description=f"With department: {listed(ROLES)}.")] = None,
    award_kind: Annotated[
        str | None,
        Query(description=f"Only clauses with an award of this kind: {listed(AWARD_KINDS)}."),
    ] = None,
    industry: Annotated[str | None, Query(description="A keyword such as 集成电路, 人工智能, 生物医药.")] = None,
    min_cap: Annotated[str | None, Query(description="Only clauses with an award capped at least this: 1000万, 1000万元, 5亿 or 10000000.")] = None,
    in_force: Annotated[bool, Query(description="Only documents known to be in force on the day asked (unknown validity is left out).")] = False,
) -> Filters:
    """Search filters from query parameters, read as the CLI reads its options."""
    try:
        return Filters.from_strings(
            document=document, issuer=issuer, department=department, role=role, award_kind=award_kind,
            industry=industry, min_cap=min_cap, in_force_only=in_force,
        )
    except ValueError as problem:
        raise HTTPException(status_code=422, detail=str(problem)) from None


def award_filters(
    kind: Annotated[
        str | None,
        Query(description=f"{listed(AWARD_KINDS)}."),
    ] = None,
    min_cap: Annotated[str | None, Query(description="Only rules capped at least this: 1000万, 1000万元, 5亿 or 10000000.")] = None,
    industry: Annotated[str | None, Query(description="Only rules of clauses about this industry (集成电路, 人工智能 …).")] = None,
) -> Filters:
    try:
        return Filters.from_strings(award_kind=kind, min_cap=min_cap, industry=industry)
    except ValueError as problem:
        raise HTTPException(status_code=422, detail=str(problem).replace("award_kind:", "kind:", 1)) from None


SearchFiltersDep = Annotated[Filters, Depends(search_filters)]
AwardFiltersDep = Annotated[Filters, Depends(award_filters)]
