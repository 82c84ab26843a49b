"""The graph's view of one resource, for content negotiation: which format a request asks
for (``Accept``), and what the graph says about an IRI.

A description is the IRI's concise bounded description (its triples, and those of the
blank nodes under it) widened to the parts minted under its IRI (``kg.iris.part_iri``:
<clause>/span-1, <clause>/award-1, <award>/tier-2, <award>/cap), which point at their clause
rather than the other way round, and to the triples that name the IRI as object (a clause's
eli:is_part_of its document, a responsibility's pk:clause), without their subjects' own
descriptions."""
from __future__ import annotations

from fastapi import Response
from rdflib import BNode, Graph, URIRef

from kg.build import PREFIXES, bind_prefixes

JSON = "application/json"
HTML = "text/html"
# Media type -> rdflib serializer name.
RDF_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}
OFFERED = (JSON, *RDF_FORMATS)
# For OpenAPI: the other media types a negotiating route answers in.
RDF_CONTENT = {media: {"schema": {"type": "string"}} for media in RDF_FORMATS}


def negotiate(accept: str | None, offered: tuple[str, ...] = OFFERED) -> str:
    """The media type to answer with: the ``offered`` type the ``Accept`` header ranks
    highest (ties go to the earlier offer, so JSON wins over */*); the first offer when
    nothing offered fits.

    >>> negotiate("text/turtle;q=0.9, application/ld+json")
    'application/ld+json'
    >>> negotiate("text/html,*/*;q=0.8")
    'application/json'
    >>> negotiate("text/html,*/*;q=0.8", offered=(JSON, HTML))
    'text/html'
    """
    best, best_q = offered[0], 0.0
    ranked: list[tuple[str, float]] = []
    for part in (accept or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranked.append((pieces[0].lower(), q))
    for offer in offered:
        q = max((q for pattern, q in ranked if _fits(pattern, offer)), default=0.0)
        if q > best_q:
            best, best_q = offer, q
    return best


def _fits(pattern: str, offer: str) -> bool:
    if pattern in (offer, "*/*"):
        return True
    kind, _, sub = pattern.partition("/")
    return sub == "*" and offer.startswith(kind + "/")


def describe(graph: Graph, iri: URIRef) -> Graph:
    """What ``graph`` says about ``iri`` (see the module docstring); empty when nothing."""
    found = Graph()
    bind_prefixes(found)
    todo = [iri]
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
    options = {"context": PREFIXES} if fmt == "json-ld" else {}
    return graph.serialize(format=fmt, **options)


def rdf_response(graph: Graph, iri: URIRef, media_type: str) -> Response:
    """The description of ``iri`` as a response in ``media_type``."""
    body = serialize(describe(graph, iri), media_type)
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})
