"""The graph's view of one resource, for content negotiation: what the graph says about an
IRI, written in the RDF format a request asks for (the formats and the negotiation are
``api.present``'s).

A description is the IRI's concise bounded description (its triples, and those of the
blank nodes under it) widened to the parts minted under its IRI (``kg.iris.part_iri``:
<clause>/span-1, <clause>/award-1, <award>/tier-2, <award>/cap), which point at their clause
rather than the other way round, and to the triples that name the IRI as object (a clause's
eli:is_part_of its document, a responsibility's pk:clause), without their subjects' own
descriptions."""
from __future__ import annotations

from fastapi import Response
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from policykg.kg.build import bind_prefixes

from .present import RDF_FORMATS, serializer_options


def describe(graph: Graph, iri: URIRef) -> Graph:
    """What ``graph`` says about ``iri`` (see the module docstring); empty when nothing."""
    found = Graph()
    bind_prefixes(found)
    todo: list[Node] = [iri]
    seen: set = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in graph.triples((node, None, None)):
            found.add(triple)
            if isinstance(triple[2], BNode) or _part_of(triple[2], iri):
                todo.append(triple[2])
        for triple in graph.triples((None, None, node)):
            found.add(triple)
            if _part_of(triple[0], iri):
                todo.append(triple[0])
    return found


def _part_of(node: object, iri: URIRef) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(f"{iri}/")


def serialize(graph: Graph, media_type: str) -> str:
    """``graph`` in the RDF format of ``media_type`` (JSON-LD with our prefixes as context)."""
    fmt = RDF_FORMATS[media_type]
    return graph.serialize(format=fmt, **serializer_options(fmt))


def rdf_response(graph: Graph, iri: URIRef, media_type: str) -> Response:
    """The description of ``iri`` as a response in ``media_type``."""
    body = serialize(describe(graph, iri), media_type)
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})
