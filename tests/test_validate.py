"""Our SHACL checker (kg.validate.LocalShapes) reports what pySHACL reports: the same focus
nodes, paths and constraint components, each violation naming its clause, on a real file's
graph with one broken triple of every kind the shapes check."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from conftest import shipped_file
from policykg.corpus.ingest import split_source
from policykg.corpus.read import read_source
from policykg.kg.build import file_graph
from policykg.kg.extract.registry import Registry
from policykg.kg.facts import extract_facts
from policykg.kg.namespace import ELI, PK, SCHEMA
from policykg.kg.validate import LocalShapes, _local_shapes, _shapes, validate_graph, validate_with_pyshacl


@pytest.fixture(scope="module")
def compilation() -> Graph:
    """The graph of the shipped compilation of policies (awards, tiers, conditions, terms)."""
    documents, clauses = split_source(read_source(shipped_file("002")))
    return file_graph(documents, clauses, extract_facts(documents, clauses, Registry.load()))


def _key(violations) -> set[tuple]:
    return {(v.focus, v.path, v.component, v.clause) for v in violations}


def _first(graph: Graph, cls: URIRef, having: URIRef | None = None) -> URIRef:
    return next(s for s in sorted(graph.subjects(RDF.type, cls)) if having is None or graph.value(s, having) is not None)


def _break(graph: Graph) -> dict[str, URIRef]:
    """One broken triple per constraint component the shapes use; the node broken, by component."""
    clause = _first(graph, PK.Clause)
    span = graph.value(clause, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    award = _first(graph, PK.Award, PK.rate)
    resp = _first(graph, PK.Responsibility)
    condition = _first(graph, PK.Condition)
    money = _first(graph, SCHEMA.MonetaryAmount)
    document = _first(graph, PK.Document)
    term = next(iter(sorted(graph.subjects(PK.definedIn, None))))
    graph.set((clause, PK.clauseKind, Literal("chapter")))  # sh:in
    graph.add((clause, PK.order, Literal(10_000)))  # sh:maxCount
    graph.set((span, PK.start, Literal(10**9)))  # sh:lessThanOrEquals
    graph.set((award, PK.rate, Literal("1.5", datatype=XSD.decimal)))  # sh:maxInclusive
    graph.set((money, SCHEMA.currency, Literal("USD")))  # sh:hasValue
    graph.set((resp, PK.agent, document))  # sh:class (a document is no organisation)
    graph.set((condition, PK.words, Literal("")))  # sh:minLength
    graph.set((condition, PK.conditionKind, Literal("industry")))  # the SPARQL constraint (no pk:industry)
    graph.remove((condition, PK.industry, None))
    graph.set((document, ELI.in_force, Literal("yes")))  # sh:nodeKind
    graph.set((document, PK.script, Literal("zh-Hans", datatype=XSD.token)))  # sh:datatype via sh:in
    graph.remove((term, SKOS.altLabel, None))  # sh:minCount on a sh:targetSubjectsOf shape
    graph.set((sorted(graph.subjects(RDF.type, PK.SourceSpan))[-1], PK.end, Literal("x", datatype=XSD.integer)))  # ill-typed
    return {"clause": clause, "award": award, "condition": condition, "term": term}


def test_the_checker_reads_the_projects_shapes():
    assert _local_shapes() is not None  # else every build falls back to pySHACL


def test_a_clean_file_conforms_under_both(compilation):
    assert validate_graph(compilation) == [] == validate_with_pyshacl(compilation)


def test_broken_triples_are_reported_as_pyshacl_reports_them(compilation):
    graph = Graph()
    for triple in compilation:
        graph.add(triple)
    broken = _break(graph)
    ours, theirs = validate_graph(graph), validate_with_pyshacl(graph)
    assert _key(ours) == _key(theirs)
    components = {v.component for v in ours}
    assert {"InConstraintComponent", "MaxCountConstraintComponent", "LessThanOrEqualsConstraintComponent",
            "MaxInclusiveConstraintComponent", "HasValueConstraintComponent", "ClassConstraintComponent",
            "MinLengthConstraintComponent", "SPARQLConstraintComponent", "NodeKindConstraintComponent",
            "MinCountConstraintComponent", "DatatypeConstraintComponent"} <= components  # fmt: skip
    (kind,) = [v for v in ours if v.component == "InConstraintComponent" and v.focus == str(broken["clause"])]
    assert kind.clause == str(broken["clause"]) and "not in list" in kind.message
    (rate,) = [v for v in ours if v.focus == str(broken["award"])]
    assert rate.clause == str(compilation.value(broken["award"], PK.clause))
    assert any(v.focus == str(broken["term"]) and v.clause for v in ours)


def test_a_shape_beyond_the_checker_falls_back_to_pyshacl():
    shapes = Graph()
    for triple in _shapes():
        shapes.add(triple)
    shape = next(shapes.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")))
    shapes.add((shape, URIRef("http://www.w3.org/ns/shacl#closed"), Literal(True)))
    with pytest.raises(Exception, match="closed"):
        LocalShapes(shapes)
