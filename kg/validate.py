"""SHACL validation of the data graph (pySHACL, shapes in ontology/shapes.ttl), reported
per violation with the clause it concerns, so a broken fact can be traced to its words.

A build validates each input file's graph on its own, in the worker that built it: every
shape here reads only a node and its neighbours, and all of those a file's graph states
itself (its documents, clauses, facts, spans and the bodies they name). The links only the
whole corpus knows (copies, citations) join documents the build itself found."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from .namespace import PK, SHAPES_FILE


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    clause: str | None  # the clause the focus node belongs to, when it belongs to one

    def __str__(self) -> str:
        where = f" (clause {self.clause})" if self.clause else ""
        return f"{self.focus}{where}: {self.path or ''} {self.message}".strip()


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    return Graph().parse(SHAPES_FILE)


def validate_graph(graph: Graph) -> list[Violation]:
    """Every SHACL violation of ``graph``; an empty list when it conforms."""
    # inplace: the graph is only read (no inference), and pySHACL would otherwise copy it
    conforms, report, _ = validate(graph, shacl_graph=_shapes(), inference="none", advanced=True, inplace=True)
    if conforms:
        return []
    violations = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        violations.append(Violation(str(focus), str(path) if path else None, str(message or ""), _clause_of(graph, focus)))
    return sorted(violations, key=lambda v: (v.clause or "", v.focus))


def _clause_of(graph: Graph, node) -> str | None:
    if (node, RDF.type, PK.Clause) in graph:
        return str(node)
    clause = graph.value(node, PK.clause)
    if clause is None and isinstance(node, URIRef):
        for candidate in graph.subjects(None, node):
            clause = graph.value(candidate, PK.clause) or (candidate if (candidate, RDF.type, PK.Clause) in graph else None)
            if clause is not None:
                break
    return str(clause) if clause is not None else None
