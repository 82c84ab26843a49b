"""The controlled vocabularies our records use — kinds of award and roles of departments —
read from the ontology (``ontology/policykg.ttl``), their one home: each is a SKOS concept
scheme whose concepts carry the code records use (``skos:notation``: "subsidy", "lead"),
Chinese and English labels, and a place in an ordered list (``pk:AwardKindList``,
``pk:RoleList``) that sets the order pages, messages and option lists show them in.

To add a kind of award, add its concept and list entry to the ontology (and to the SHACL
``sh:in`` of ``shapes.ttl``), then a rule in ``kg/extract/awards.py`` that finds it; search
filters, the API's parameters, the CLI's help and the pages' wording read it from here.

    >>> AWARD_KINDS["interest_subsidy"].label, ROLES["lead"].short
    ('贴息', '牵头')
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS

from .namespace import ONTOLOGY_FILE, PK


@dataclass(frozen=True)
class Term:
    """One concept of a vocabulary."""

    notation: str  # the code records use: "subsidy", "lead"
    iri: URIRef
    label: str  # Chinese preferred label: 补贴, 牵头单位
    short: str  # the Chinese word pages print (pk:shortLabel, else the label): 牵头
    english: str


def _terms(graph: Graph, scheme: URIRef, order: URIRef) -> dict[str, Term]:
    """The concepts of ``scheme`` by notation, in the order of the list ``order``; an
    ontology whose list and scheme disagree is an error, said here rather than found later."""
    head = graph.value(order, SKOS.memberList)
    if head is None:
        raise ValueError(f"{ONTOLOGY_FILE}: {order} has no skos:memberList")
    listed = list(Collection(graph, head))
    members = set(graph.subjects(SKOS.inScheme, scheme))
    if set(listed) != members:
        raise ValueError(f"{ONTOLOGY_FILE}: {order} lists {sorted(map(str, listed))} but {scheme} has {sorted(map(str, members))}")
    terms: dict[str, Term] = {}
    for concept in listed:
        labels = {o.language: str(o) for o in graph.objects(concept, SKOS.prefLabel) if isinstance(o, Literal)}
        label = labels["zh"]
        short = graph.value(concept, PK.shortLabel)
        terms[str(graph.value(concept, SKOS.notation))] = Term(
            notation=str(graph.value(concept, SKOS.notation)),
            iri=URIRef(str(concept)),
            label=label,
            short=str(short) if short is not None else label,
            english=labels["en"],
        )
    return terms


def _load() -> tuple[dict[str, Term], dict[str, Term]]:
    graph = Graph().parse(ONTOLOGY_FILE)
    return _terms(graph, PK.AwardKinds, PK.AwardKindList), _terms(graph, PK.Roles, PK.RoleList)


AWARD_KINDS, ROLES = _load()
OTHER_AWARD = "other"  # the kind of an award rule no other kind describes


def listed(terms: dict[str, Term], last: str = "or") -> str:
    """The notations of a vocabulary as a reader lists them: "lead or cooperating"."""
    names = list(terms)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"
