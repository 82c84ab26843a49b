"""The web page, for people: search (``/``), a clause, a document, departments and a SPARQL
page with examples (``/ui/…``). Pages read what the JSON routes read, and are not part of
the OpenAPI schema."""
from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from policykg.kg.build import PREFIXES
from policykg.kg.endpoint import Answer, EndpointError, Formats
from policykg.kg.examples import EXAMPLES
from policykg.kg.iris import clause_iri
from policykg.kg.vocabulary import AWARD_KINDS

from ..deps import CatalogDep, SearcherDep, SearchFiltersDep
from ..pages import PAGE_PREFIX, render
from ..present import NOT_ANSWERED, kind_name, sparql_refusal
from ..schemas import DEFAULT_K, MAX_K, Role
from .sparql import run_sparql

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

# How the SPARQL page asks for results: a table for SELECT/ASK, Turtle for graphs.
PAGE_FORMATS = Formats(table="json", graph="turtle")
ID_BASE = PREFIXES["id"]


@router.get("/")
def search_page(
    request: Request,
    searcher: SearcherDep,
    filters: SearchFiltersDep,
    q: str = "",
    k: Annotated[int, Query(ge=1, le=MAX_K)] = DEFAULT_K,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    on: str = "",  # the form sends its empty date field as on=
    include_predecessors: bool = False,
) -> HTMLResponse:
    """The search box; with ``q`` (or filters alone), answer cards — or, when no clause
    answers, a plain "no answer" with the nearest clauses — a page of ``k`` at a time."""
    try:
        day = date.fromisoformat(on) if on.strip() else None
    except ValueError:
        raise HTTPException(status_code=422, detail=f"on: 日期应为 YYYY-MM-DD，收到 {on!r}") from None
    limit = request.app.state.settings.max_q_chars
    if len(q) > limit:
        raise HTTPException(status_code=422, detail=f"问题太长：{len(q)} 个字，最多 {limit} 个字")
    result = None
    if q.strip() or not filters.is_empty:
        result = searcher.search(q, k, filters=filters, today=day, offset=(page - 1) * k, include_predecessors=include_predecessors)
    pages = _pages(request, result, page, k)
    return render(
        request, "search.html", q=q, result=result, filters=filters, on=day, include_predecessors=include_predecessors,
        award_kinds={kind: kind_name(kind) for kind in AWARD_KINDS}, pages=pages, not_answered=NOT_ANSWERED,
    )


def _pages(request: Request, result, page: int, k: int) -> dict:
    """Links to the previous and next page of hits, keeping every other parameter."""
    if result is None:
        return {}
    last = max(1, -(-result.total // k))

    def link(n: int) -> str:
        params = [(name, value) for name, value in request.query_params.multi_items() if name != "page"]
        return "/?" + urlencode([*params, ("page", str(n))])

    return {
        "page": page, "last": last,
        "previous": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < last else None,
    }


@router.get(PAGE_PREFIX)
def pages_root() -> RedirectResponse:
    return RedirectResponse("/", status_code=307)


@router.get(PAGE_PREFIX + "/clauses/{clause_id:path}")
def clause_page(request: Request, clause_id: str, catalog: CatalogDep) -> HTMLResponse:
    record = catalog.clause(clause_id)
    # Segments are shown by their text (a list of ids says nothing to a reader).
    segments = [catalog.records[s] for s in record.segments]
    # A segment has no node of its own in the graph: its clause's IRI names it.
    return render(request, "clause.html", clause=record, segments=segments, iri=clause_iri(record.parent or clause_id))


@router.get(PAGE_PREFIX + "/documents")
def documents_page(request: Request, catalog: CatalogDep) -> HTMLResponse:
    return render(request, "documents.html", documents=list(catalog.documents.values()))


@router.get(PAGE_PREFIX + "/documents/{document_id}")
def document_page(request: Request, document_id: str, catalog: CatalogDep) -> HTMLResponse:
    document, clause_ids = catalog.document(document_id)
    return render(request, "document.html", document=document, clauses=[catalog.records[c] for c in clause_ids])


@router.get(PAGE_PREFIX + "/departments")
def departments_page(request: Request, catalog: CatalogDep) -> HTMLResponse:
    return render(request, "departments.html", departments=catalog.departments())


@router.get(PAGE_PREFIX + "/departments/{department_id:path}")
def department_page(
    request: Request,
    department_id: str,
    catalog: CatalogDep,
    role: Role | Literal[""] = "",  # "" is the form's 全部
    include_predecessors: bool = False,
) -> HTMLResponse:
    """A body: its names, its renamings as a chain, and the clauses it leads or cooperates
    on (with its predecessors' clauses when asked: the duties it inherited)."""
    department = catalog.department(department_id)
    rows = catalog.department_clauses(department_id, role or None, predecessors=include_predecessors)
    return render(
        request, "department.html", department=department, lineage=catalog.lineage(department_id), rows=rows,
        role=role, include_predecessors=include_predecessors,
    )


@router.get(PAGE_PREFIX + "/sparql")
async def sparql_page(request: Request, query: str = "") -> HTMLResponse:
    """A query box with example queries; runs the query through the endpoint's worker, so
    the endpoint's time and size limits hold here too."""
    answer = error = None
    if query.strip():
        try:
            answer = _readable(await run_sparql(request, query, PAGE_FORMATS))
        except EndpointError as problem:
            status, error, _ = sparql_refusal(problem)
    status = 200 if error is None else status
    return render(request, "sparql.html", status_code=status, query=query, examples=EXAMPLES, answer=answer, error=error,
                  prefixes=PREFIXES)


def _readable(answer: Answer) -> dict:
    """An endpoint answer as the page shows it: a table, a yes/no, or Turtle text."""
    text = answer.body.decode("utf-8")
    if answer.format != PAGE_FORMATS.table:
        return {"turtle": text}
    results = json.loads(text)
    if "boolean" in results:
        return {"boolean": results["boolean"]}
    names = results["head"]["vars"]
    rows = [[_cell(binding.get(name)) for name in names] for binding in results["results"]["bindings"]]
    return {"names": names, "rows": rows}


def _cell(term: dict | None) -> dict:
    """One value of a result row: its text, and a link when it is one of our IRIs."""
    if term is None:
        return {"text": ""}
    value = term["value"]
    if term["type"] != "uri":
        return {"text": value}
    for prefix, namespace in PREFIXES.items():
        if value.startswith(namespace):
            short = f"{prefix}:{value[len(namespace):]}"
            break
    else:
        short = value
    # Our IRIs are served here: /id/… redirects a browser to the thing's page.
    link = "/id/" + value[len(ID_BASE):] if value.startswith(ID_BASE) else None
    return {"text": short, "link": link}
