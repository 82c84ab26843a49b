"""GET /clauses/{id}: one clause (or segment) with its facts and neighbours; as RDF when the
request asks for Turtle, JSON-LD or N-Triples."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from policykg.kg.iris import clause_iri

from ..deps import CatalogDep, GraphDep
from ..present import JSON, RDF_CONTENT, negotiate
from ..rdf import rdf_response
from ..schemas import ERRORS, ClauseDetail

router = APIRouter(prefix="/clauses", tags=["clauses"])


@router.get("/{clause_id:path}", response_model=ClauseDetail, responses={200: {"content": RDF_CONTENT}, 404: ERRORS[404]})
def read_clause(
    clause_id: str,
    catalog: CatalogDep,
    graph: GraphDep,
    response: Response,
    accept: Annotated[str | None, Header(include_in_schema=False, description="application/json (default), text/turtle, application/ld+json or application/n-triples.")] = None,
) -> ClauseDetail | Response:
    """A clause with its text, original text, path, source span, document, departments,
    awards, targets, segments and its neighbours in reading order (ids contain "/":
    /clauses/d8b79ebff25/3.1.2). A segment has no node of its own in the graph: as RDF it
    is described by its clause."""
    record = catalog.clause(clause_id)
    media = negotiate(accept)
    if media != JSON:
        return rdf_response(graph, clause_iri(record.parent or clause_id), media)
    response.headers["Vary"] = "Accept"
    return record
