"""GET /documents and /documents/{id}: document metadata, copies and clause ids; a document
as RDF when the request asks for it."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from policykg.corpus.models import Document
from policykg.kg.iris import document_iri

from ..deps import CatalogDep, GraphDep
from ..present import JSON, RDF_CONTENT, negotiate
from ..rdf import rdf_response
from ..schemas import ERRORS, DocumentDetail, ListOf, Page

router = APIRouter(prefix="/documents", tags=["documents"])


@router.get("", response_model=ListOf[Document])
def list_documents(catalog: CatalogDep, page: Annotated[Page, Depends()]) -> dict:
    """Every document of the build: title, 文号, issuer, date, validity, script and copies."""
    documents = list(catalog.documents.values())
    return {"data": page.slice(documents), "count": len(documents)}


@router.get("/{document_id}", response_model=DocumentDetail, responses={200: {"content": RDF_CONTENT}, 404: ERRORS[404]})
def read_document(
    document_id: str,
    catalog: CatalogDep,
    graph: GraphDep,
    response: Response,
    accept: Annotated[str | None, Header(include_in_schema=False, description="application/json (default), text/turtle, application/ld+json or application/n-triples.")] = None,
) -> DocumentDetail | Response:
    """A document with the ids of its clauses in reading order."""
    document, clause_ids = catalog.document(document_id)
    media = negotiate(accept)
    if media != JSON:
        return rdf_response(graph, document_iri(document_id), media)
    response.headers["Vary"] = "Accept"
    return DocumentDetail.of(document, clause_ids)
