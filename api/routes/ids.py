"""GET /id/…: the IRIs the graph mints (https://w3id.org/policykg/id/doc/<id>, …/clause/<id>,
…/org/<id>) redirect (303 See Other) to the resource that describes them: a browser (which
prefers text/html) to the thing's web page, any other client to the API resource, which
answers JSON or, by the same Accept header, Turtle, JSON-LD or N-Triples."""
from __future__ import annotations

from urllib.parse import quote

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import RedirectResponse

from ..pages import page_url
from ..present import HTML, JSON, negotiate
from ..schemas import ERRORS

router = APIRouter(prefix="/id", tags=["identifiers"])

SAFE = "/~-._"  # what kg.iris leaves unquoted


AcceptHeader = Annotated[str | None, Header(include_in_schema=False)]
# The API route describing each kind of thing, and the name of its id parameter.
API_ROUTES = {
    "documents": ("read_document", "document_id"),
    "clauses": ("read_clause", "clause_id"),
    "departments": ("read_department", "department_id"),
}


def _see_other(request: Request, accept: str | None, kind: str, id: str) -> RedirectResponse:
    """To the page of a ``kind`` (clauses, documents, departments) thing, or its API resource."""
    if negotiate(accept, (JSON, HTML)) == HTML:
        url = page_url(kind, id)
    else:
        route, parameter = API_ROUTES[kind]
        url = str(request.url_for(route, **{parameter: quote(id, safe=SAFE)}))
    return RedirectResponse(url, status_code=303, headers={"Vary": "Accept"})


@router.get("/doc/{document_id}", status_code=303, response_class=RedirectResponse, responses={404: ERRORS[404]})
def document_iri(document_id: str, request: Request, accept: AcceptHeader = None) -> RedirectResponse:
    """A document's IRI: see /documents/{id}."""
    return _see_other(request, accept, "documents", document_id)


@router.get("/clause/{clause_id:path}", status_code=303, response_class=RedirectResponse, responses={404: ERRORS[404]})
def clause_iri(clause_id: str, request: Request, accept: AcceptHeader = None) -> RedirectResponse:
    """A clause's IRI: see /clauses/{id}."""
    return _see_other(request, accept, "clauses", clause_id)


@router.get("/org/{department_id:path}", status_code=303, response_class=RedirectResponse, responses={404: ERRORS[404]})
def organization_iri(department_id: str, request: Request, accept: AcceptHeader = None) -> RedirectResponse:
    """A department's IRI: see /departments/{id}."""
    return _see_other(request, accept, "departments", department_id)
