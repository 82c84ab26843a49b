"""GET /id/…: the IRIs the graph mints (https://w3id.org/policykg/id/doc/<id>, …/clause/<id>,
…/org/<id>) redirect (303 See Other) to the resource that describes them, keeping the
request's Accept header, so a Turtle client gets Turtle."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

router = APIRouter(prefix="/id", tags=["identifiers"])

SAFE = "/~-._"  # what kg.iris leaves unquoted


def _see_other(request: Request, route: str, **params: str) -> RedirectResponse:
    url = request.url_for(route, **{k: quote(v, safe=SAFE) for k, v in params.items()})
    return RedirectResponse(str(url), status_code=303)


@router.get("/doc/{document_id}", status_code=303, response_class=RedirectResponse)
def document_iri(document_id: str, request: Request) -> RedirectResponse:
    """A document's IRI: see /documents/{id}."""
    return _see_other(request, "read_document", document_id=document_id)


@router.get("/clause/{clause_id:path}", status_code=303, response_class=RedirectResponse)
def clause_iri(clause_id: str, request: Request) -> RedirectResponse:
    """A clause's IRI: see /clauses/{id}."""
    return _see_other(request, "read_clause", clause_id=clause_id)


@router.get("/org/{department_id:path}", status_code=303, response_class=RedirectResponse)
def organization_iri(department_id: str, request: Request) -> RedirectResponse:
    """A department's IRI: see /departments/{id}."""
    return _see_other(request, "read_department", department_id=department_id)
