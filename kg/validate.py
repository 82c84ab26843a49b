"""SHACL validation of the data graph against the shapes in ontology/shapes.ttl, reported
per violation with the clause it concerns, so a broken fact can be traced to its words.

A build validates each input file's graph on its own, in the worker that built it: every
shape here reads only a node and its neighbours, and all of those a file's graph states
itself (its documents, clauses, facts, spans and the bodies they name). The links only the
whole corpus knows (copies, citations) join documents the build itself found.

Two engines give the same results. pySHACL is the reference, and the one used when the
shapes use anything beyond the part of SHACL core below. Our own checker (``LocalShapes``)
reads the shapes file once and checks the constraint components this project's shapes use
(targets by class or subject-of; property shapes on a predicate path with min/max count,
datatype, class, in, node kind, min length, value ranges, less-than-or-equals, has value;
SPARQL SELECT constraints). Why our own: pySHACL spent about 100 µs a triple (130 s of CPU
on the 1.2 million triples of the realcorpus, the largest step of the build), walking
rdflib's store once per focus node and constraint; the checker indexes a file's triples
once and checks each node from dictionaries (about 2 µs a triple).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node, Variable

from .namespace import PK, SHAPES_FILE


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    clause: str | None  # the clause the focus node belongs to, when it belongs to one
    component: str = ""  # the SHACL constraint component, e.g. "MinCountConstraintComponent"

    def __str__(self) -> str:
        where = f" (clause {self.clause})" if self.clause else ""
        return f"{self.focus}{where}: {self.path or ''} {self.message}".strip()


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    return Graph().parse(SHAPES_FILE)


def validate_graph(graph: Graph) -> list[Violation]:
    """Every SHACL violation of ``graph``; an empty list when it conforms."""
    checker = _local_shapes()
    if checker is None:
        return validate_with_pyshacl(graph)
    return checker.check(graph)


def validate_with_pyshacl(graph: Graph, shapes: Graph | None = None) -> list[Violation]:
    """pySHACL's results for ``graph``: the reference the checker is tested against."""
    # inplace: the graph is only read (no inference), and pySHACL would otherwise copy it
    conforms, report, _ = validate(graph, shacl_graph=shapes or _shapes(), inference="none", advanced=True, inplace=True)
    if conforms:
        return []
    violations = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        component = report.value(result, SH.sourceConstraintComponent)
        violations.append(
            Violation(str(focus), str(path) if path else None, str(message or ""), _clause_of(graph, focus), _component_name(component))
        )
    return sorted(violations, key=_order)


def _component_name(component: Node | None) -> str:
    return str(component).rsplit("#", 1)[-1] if component is not None else ""


def _order(v: Violation) -> tuple[str, str, str, str]:
    return (v.clause or "", v.focus, v.path or "", v.component)


def _clause_of(graph: Graph, node) -> str | None:
    if (node, RDF.type, PK.Clause) in graph:
        return str(node)
    clause = graph.value(node, PK.clause) or graph.value(node, PK.definedIn)  # a fact's, a term's
    if clause is None and isinstance(node, URIRef):
        for candidate in graph.subjects(None, node):
            clause = graph.value(candidate, PK.clause) or (candidate if (candidate, RDF.type, PK.Clause) in graph else None)
            if clause is not None:
                break
    return str(clause) if clause is not None else None


# --- the checker --------------------------------------------------------------------------


class Unsupported(Exception):
    """The shapes use something the checker does not check: pySHACL validates instead."""


# What a property shape may say, and what a node shape may say besides its properties.
_PROPERTY_KEYS = {
    SH.path, SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH["in"], SH.nodeKind, SH.minLength,
    SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.lessThanOrEquals, SH.hasValue,
    SH.message, SH.name, SH.description, RDFS.comment,
}  # fmt: skip
_NODE_KEYS = {RDF.type, SH.targetClass, SH.targetSubjectsOf, SH.property, SH.sparql, RDFS.comment, RDFS.label, SH.message}
_SPARQL_KEYS = {SH.select, SH.message, RDFS.comment}
_RANGES = {
    SH.minInclusive: ("MinInclusiveConstraintComponent", lambda v, b: v >= b, "≥"),
    SH.maxInclusive: ("MaxInclusiveConstraintComponent", lambda v, b: v <= b, "≤"),
    SH.minExclusive: ("MinExclusiveConstraintComponent", lambda v, b: v > b, ">"),
    SH.maxExclusive: ("MaxExclusiveConstraintComponent", lambda v, b: v < b, "<"),
}


@dataclass
class PropertyShape:
    path: URIRef
    rules: dict[Node, Any]  # constraint parameter -> its value (sh:in: a list)
    message: str | None


@dataclass
class SparqlConstraint:
    query: Any  # a prepared rdflib query selecting $this
    message: str


@dataclass
class NodeShape:
    name: str
    classes: list[URIRef] = field(default_factory=list)  # sh:targetClass
    subjects_of: list[URIRef] = field(default_factory=list)  # sh:targetSubjectsOf
    properties: list[PropertyShape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)


class _Index:
    """A graph's triples read once: subject -> predicate -> objects, and the classes (with
    the data graph's own rdfs:subClassOf) of each node."""

    def __init__(self, graph: Graph) -> None:
        self.out: dict[Node, dict[Node, list[Node]]] = {}
        self.types: dict[Node, set[Node]] = {}
        self.by_predicate: dict[Node, set[Node]] = {}
        parents: dict[Node, set[Node]] = {}
        for s, p, o in graph:
            self.out.setdefault(s, {}).setdefault(p, []).append(o)
            self.by_predicate.setdefault(p, set()).add(s)
            if p == RDF.type:
                self.types.setdefault(s, set()).add(o)
            elif p == RDFS.subClassOf:
                parents.setdefault(s, set()).add(o)
        if parents:  # SHACL instances include those of subclasses
            for node, classes in self.types.items():
                todo, seen = list(classes), set(classes)
                while todo:
                    for parent in parents.get(todo.pop(), ()):
                        if parent not in seen:
                            seen.add(parent)
                            todo.append(parent)
                self.types[node] = seen

    def values(self, node: Node, path: Node) -> list[Node]:
        found = self.out.get(node, {}).get(path, [])
        return list(dict.fromkeys(found)) if len(found) > 1 else found

    def is_a(self, node: Node, cls: Node) -> bool:
        return cls in self.types.get(node, ())


class LocalShapes:
    """The shapes graph compiled once; ``check`` validates a data graph with it."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes: list[NodeShape] = [self._node_shape(shapes, node) for node in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str)]
        listed = {p for node in shapes.subjects(RDF.type, SH.NodeShape) for p in shapes.objects(node, SH.property)}
        if set(shapes.subjects(RDF.type, SH.PropertyShape)) - listed or set(shapes.subjects(SH.targetNode, None)):
            raise Unsupported("a shape the checker does not read")

    @staticmethod
    def _node_shape(shapes: Graph, node: Node) -> NodeShape:
        unknown = set(shapes.predicates(node, None)) - _NODE_KEYS
        if unknown:
            raise Unsupported(f"{node}: {sorted(map(str, unknown))}")
        shape = NodeShape(str(node))
        shape.classes = [c for c in shapes.objects(node, SH.targetClass) if isinstance(c, URIRef)]
        shape.subjects_of = [p for p in shapes.objects(node, SH.targetSubjectsOf) if isinstance(p, URIRef)]
        for prop in shapes.objects(node, SH.property):
            keys = set(shapes.predicates(prop, None)) - {RDF.type}
            if keys - _PROPERTY_KEYS:
                raise Unsupported(f"{node}: {sorted(map(str, keys - _PROPERTY_KEYS))}")
            path = shapes.value(prop, SH.path)
            if not isinstance(path, URIRef):
                raise Unsupported(f"{node}: a path that is not a predicate")
            rules: dict[Node, Any] = {}
            for key in keys - {SH.path, SH.message, SH.name, SH.description, RDFS.comment}:
                values = list(shapes.objects(prop, key))
                if len(values) != 1:
                    raise Unsupported(f"{node}: {key} given {len(values)} times in one property shape")
                rules[key] = list(Collection(shapes, values[0])) if key == SH["in"] else values[0]
            if SH.nodeKind in rules and rules[SH.nodeKind] not in _KINDS:
                raise Unsupported(f"{node}: node kind {rules[SH.nodeKind]}")
            message = shapes.value(prop, SH.message)
            shape.properties.append(PropertyShape(path, rules, str(message) if message is not None else None))
        for constraint in shapes.objects(node, SH.sparql):
            if set(shapes.predicates(constraint, None)) - _SPARQL_KEYS - {RDF.type}:
                raise Unsupported(f"{node}: a SPARQL constraint with more than a select")
            select = str(shapes.value(constraint, SH.select))
            query = prepareQuery(select.replace("$this", "?this"))
            message = shapes.value(constraint, SH.message)
            shape.sparql.append(SparqlConstraint(query, str(message or "SPARQL constraint")))
        return shape

    def check(self, graph: Graph) -> list[Violation]:
        index = _Index(graph)
        found: list[tuple[Node, str | None, str, str]] = []  # focus, path, message, component
        for shape in self.shapes:
            focus = self._focus_nodes(shape, index)
            for prop in shape.properties:
                for node in focus:
                    for message, component in _check_property(prop, index.values(node, prop.path), node, index):
                        found.append((node, str(prop.path), prop.message or message, component))
            for constraint in shape.sparql:
                # The select runs once with $this free, not once per focus node: the same
                # rows when $this is the subject of a pattern, as it is in our shapes
                for row in graph.query(constraint.query):
                    this = row[Variable("this")]  # type: ignore[index,call-overload]
                    if this in focus:
                        found.append((this, None, constraint.message, "SPARQLConstraintComponent"))
        violations = {Violation(str(f), path, message, _clause_of(graph, f), component) for f, path, message, component in found}
        return sorted(violations, key=_order)

    @staticmethod
    def _focus_nodes(shape: NodeShape, index: _Index) -> set[Node]:
        focus: set[Node] = set()
        for cls in shape.classes:
            focus.update(node for node, types in index.types.items() if cls in types)
        for predicate in shape.subjects_of:
            focus.update(index.by_predicate.get(predicate, ()))
        return focus


def _check_property(prop: PropertyShape, values: list[Node], node: Node, index: _Index) -> Iterable[tuple[str, str]]:
    """(message, component) of each constraint of ``prop`` the node's ``values`` break."""
    rules = prop.rules
    if SH.minCount in rules and len(values) < int(rules[SH.minCount]):
        yield f"{len(values)} values, at least {rules[SH.minCount]} required", "MinCountConstraintComponent"
    if SH.maxCount in rules and len(values) > int(rules[SH.maxCount]):
        yield f"{len(values)} values, at most {rules[SH.maxCount]} allowed", "MaxCountConstraintComponent"
    if SH.hasValue in rules and rules[SH.hasValue] not in values:
        yield f"does not have the value {rules[SH.hasValue]}", "HasValueConstraintComponent"
    if SH.lessThanOrEquals in rules:
        others = index.values(node, rules[SH.lessThanOrEquals])
        if any(not _compare(v, o, lambda a, b: a <= b) for v in values for o in others):
            yield f"a value is greater than {rules[SH.lessThanOrEquals]}", "LessThanOrEqualsConstraintComponent"
    for value in values:
        yield from _check_value(rules, value, index)


def _check_value(rules: dict[Node, Any], value: Node, index: _Index) -> Iterable[tuple[str, str]]:
    if SH.datatype in rules and not _has_datatype(value, rules[SH.datatype]):
        yield f"value {value!r} is not of datatype {rules[SH.datatype]}", "DatatypeConstraintComponent"
    if SH["class"] in rules and not index.is_a(value, rules[SH["class"]]):
        yield f"value {value} is not an instance of {rules[SH['class']]}", "ClassConstraintComponent"
    if SH["in"] in rules and value not in rules[SH["in"]]:
        yield f"value {value!r} not in list {[str(v) for v in rules[SH['in']]]}", "InConstraintComponent"
    if SH.nodeKind in rules and not _has_kind(value, rules[SH.nodeKind]):
        yield f"value {value!r} is not of node kind {rules[SH.nodeKind]}", "NodeKindConstraintComponent"
    if SH.minLength in rules and (isinstance(value, BNode) or len(str(value)) < int(rules[SH.minLength])):
        yield f"value {value!r} is shorter than {rules[SH.minLength]}", "MinLengthConstraintComponent"
    for key, (component, holds, sign) in _RANGES.items():
        if key in rules and not _compare(value, rules[key], holds):
            yield f"value {value!r} is not {sign} {rules[key]}", component


def _has_datatype(value: Node, datatype: Node) -> bool:
    if not isinstance(value, Literal) or getattr(value, "ill_typed", False):
        return False
    if datatype == RDF.langString:
        return value.language is not None
    if value.language is not None:
        return False
    return (value.datatype or XSD.string) == datatype


_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,), SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal), SH.IRIOrLiteral: (URIRef, Literal),
}  # fmt: skip


def _has_kind(value: Node, kind: Node) -> bool:
    return isinstance(value, _KINDS[kind])


def _compare(value: Node, bound: Node, holds) -> bool:
    """Whether ``holds(value, bound)`` on the literals' values; values that do not compare
    (a string against a number, an IRI) break the constraint, as in SHACL."""
    if not isinstance(value, Literal) or not isinstance(bound, Literal) or getattr(value, "ill_typed", False):
        return False
    try:
        return bool(holds(value.toPython(), bound.toPython()))
    except TypeError:
        return False


@lru_cache(maxsize=1)
def _local_shapes() -> LocalShapes | None:
    """The checker for ontology/shapes.ttl, built once per process; None when the shapes
    use what it does not check (pySHACL then validates)."""
    try:
        return LocalShapes(_shapes())
    except Unsupported:
        return None


__all__ = ["LocalShapes", "Unsupported", "Violation", "validate_graph", "validate_with_pyshacl"]
