"""Running SPARQL over the built graph, with our prefixes predefined, read-only."""
from __future__ import annotations

from pathlib import Path

from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result

from .build import bind_prefixes
from .store import open_graph


class QueryError(ValueError):
    """A query that cannot run: a syntax error, or an update."""


def run_query(folder: Path, text: str) -> Result:
    graph = open_graph(folder)
    bind_prefixes(graph)
    namespaces = dict(graph.namespaces())
    try:
        prepared = prepareQuery(text, initNs=namespaces)
    except Exception as problem:  # rdflib raises pyparsing errors and others
        raise QueryError(f"not a SPARQL query: {problem}") from None
    return graph.query(prepared)
