"""Dependencies of the route handlers, as ``Annotated`` aliases over what the lifespan put
on ``app.state``; tests swap them with ``app.dependency_overrides[get_searcher] = …``.

The ones a search request runs are ``async def``: they only read attributes, and FastAPI
runs a plain ``def`` dependency in its thread pool, one hand-over to a thread and back per
dependency, which cost more CPU than the search itself under load."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from rdflib import Graph

from policykg.index.catalog import Catalog
from policykg.index.filters import Filters
from policykg.index.search import Searcher
from policykg.kg.vocabulary import AWARD_KINDS, ROLES, listed
from policykg.settings import Settings

from .serving import Served


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_served(request: Request) -> Served:
    """The generation this request reads, fixed when it starts (``api.serving``): a build
    finishing meanwhile switches later requests, not this one."""
    if not hasattr(request.state, "served"):
        request.state.served = request.app.state.served
    return request.state.served


def get_generation(request: Request) -> Path:
    """The generation folder the request reads."""
    return get_served(request).folder


async def get_searcher(request: Request) -> Searcher:
    return get_served(request).searcher


def get_catalog(request: Request) -> Catalog:
    return get_served(request).catalog


async def get_graph(request: Request) -> Graph:
    return get_served(request).graph


async def question(
    request: Request,
    q: Annotated[str, Query(min_length=1, description="A question or keywords, Simplified or Traditional (at most POLICYKG_MAX_Q_CHARS characters, 500 by default).")],
) -> str:
    """The search question, refused (422) past ``Settings.max_q_chars``: a question is a
    sentence or two, and a long text would hold a CPU for nothing."""
    limit = request.app.state.settings.max_q_chars
    if len(q) > limit:
        raise HTTPException(status_code=422, detail=f"q: the question has {len(q)} characters; at most {limit} are accepted")
    return q


SettingsDep = Annotated[Settings, Depends(get_settings)]
QuestionDep = Annotated[str, Depends(question)]
GenerationDep = Annotated[Path, Depends(get_generation)]
SearcherDep = Annotated[Searcher, Depends(get_searcher)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
GraphDep = Annotated[Graph, Depends(get_graph)]


# What the schema promises for the filter parameters (OpenAPI only: ``Filters.from_strings``
# still validates, with its own messages), so a client or a fuzzer knows the valid values.
# Empty is "any" (the page's selects send it); ``exact_word`` holds the API to the list as
# written, where the CLI's reading would also take "LEAD" or " lead".
ROLE_SCHEMA = {"enum": ["", *ROLES]}
AWARD_KIND_SCHEMA = {"enum": ["", *AWARD_KINDS]}
AMOUNT_SCHEMA = {"pattern": r"^([0-9]{1,15}(\.[0-9]{1,6})?(万|亿)?元?)?$"}  # empty: no minimum


def exact_word(name: str, value: str | None, schema: dict[str, list[str]]) -> None:
    """Refuse (422) a value the schema's list does not hold as written."""
    if value is not None and value not in schema["enum"]:
        words = ", ".join(word for word in schema["enum"] if word)
        raise HTTPException(status_code=422, detail=f"{name}: expected one of {words}, got {value!r}")


async def search_filters(
    document: Annotated[str | None, Query(description="Only this document: its id, or a piece of its title or 文号.")] = None,
    issuer: Annotated[str | None, Query(description="Only documents of this issuer (a piece of its name).")] = None,
    jurisdiction: Annotated[
        str | None, Query(description="Only documents of this place, whoever issued them: a piece of 广东省深圳市 (深圳, 广东省 …).")
    ] = None,
    department: Annotated[str | None, Query(description="Only clauses naming this department (any of its names).")] = None,
    role: Annotated[str | None, Query(description=f"With department: {listed(ROLES)}.", json_schema_extra=ROLE_SCHEMA)] = None,
    award_kind: Annotated[
        str | None,
        Query(description=f"Only clauses with an award of this kind: {listed(AWARD_KINDS)}.", json_schema_extra=AWARD_KIND_SCHEMA),
    ] = None,
    industry: Annotated[str | None, Query(description="A keyword such as 集成电路, 人工智能, 生物医药.")] = None,
    min_cap: Annotated[
        str | None,
        Query(description="Only clauses with an award capped at least this: 1000万, 1000万元, 5亿 or 10000000.", json_schema_extra=AMOUNT_SCHEMA),
    ] = None,
    in_force: Annotated[bool, Query(description="Only documents known to be in force on the day asked (unknown validity is left out).")] = False,
) -> Filters:
    """Search filters from query parameters, read as the CLI reads its options."""
    exact_word("role", role, ROLE_SCHEMA)
    exact_word("award_kind", award_kind, AWARD_KIND_SCHEMA)
    try:
        return Filters.from_strings(
            document=document, issuer=issuer, department=department, role=role, award_kind=award_kind,
            industry=industry, min_cap=min_cap, in_force_only=in_force, jurisdiction=jurisdiction,
        )
    except ValueError as problem:
        raise HTTPException(status_code=422, detail=str(problem)) from None


async def award_filters(
    kind: Annotated[
        str | None,
        Query(description=f"{listed(AWARD_KINDS)}.", json_schema_extra=AWARD_KIND_SCHEMA),
    ] = None,
    min_cap: Annotated[
        str | None, Query(description="Only rules capped at least this: 1000万, 1000万元, 5亿 or 10000000.", json_schema_extra=AMOUNT_SCHEMA),
    ] = None,
    industry: Annotated[str | None, Query(description="Only rules of clauses about this industry (集成电路, 人工智能 …).")] = None,
) -> Filters:
    exact_word("kind", kind, AWARD_KIND_SCHEMA)
    try:
        return Filters.from_strings(award_kind=kind, min_cap=min_cap, industry=industry)
    except ValueError as problem:
        raise HTTPException(status_code=422, detail=str(problem).replace("award_kind:", "kind:", 1)) from None


SearchFiltersDep = Annotated[Filters, Depends(search_filters)]
AwardFiltersDep = Annotated[Filters, Depends(award_filters)]
