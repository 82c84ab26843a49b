"""SPARQL over the built graph: user queries (read-only) and named queries (``kg/sparql/*.rq``)
behind typed functions, with values passed as bindings, never pasted into query text.

Queries run in Oxigraph through rdflib. Bindings become a ``VALUES`` block at the start of
the query's WHERE clause, written with rdflib's own term serialisation (``Literal.n3``)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.query import Result, ResultRow

from .build import bind_prefixes
from .federation import ServiceRefused, check_services
from .sources import Dataset, Source, SourceUnavailable, StoreSource
from .store import open_graph

QUERIES = Path(__file__).resolve().parent / "sparql"


class QueryError(ValueError):
    """A query that cannot run: a syntax error, or an update."""


class UpdateRefused(QueryError):
    """An update sent where only queries are answered."""


def graph_for_queries(folder: Path) -> Graph:
    graph = open_graph(folder)
    bind_prefixes(graph)
    return graph


def run_query(folder: Path, text: str, allowed_services: Sequence[str] = ()) -> Result:
    """Run a user's SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) with our prefixes, as
    the endpoint runs it (a ``FROM`` in the query is read)."""
    return query_source(StoreSource(folder), text, allowed_services)


def query_graph(graph: Graph, text: str, allowed_services: Sequence[str] = ()) -> Result:
    """Run a user's query on an opened graph (see ``run_query``). Oxigraph parses it; an
    update is refused (the store is opened read-only as well), and so is a ``SERVICE`` call
    to an endpoint not in ``allowed_services`` (``kg.federation``)."""
    try:
        check_services(text, allowed_services)
    except ServiceRefused as problem:
        raise QueryError(str(problem)) from None
    try:
        return graph.query(text)
    except Exception as problem:  # Oxigraph raises SyntaxError, rdflib its own errors
        if is_update(text):
            raise UpdateRefused("SPARQL updates are refused: the graph is read-only (rebuild it with `policykg build`)") from None
        raise QueryError(f"not a SPARQL query: {problem}") from None


def query_source(source: Source, text: str, allowed_services: Sequence[str] = (), dataset: Dataset = Dataset(), base: str | None = None) -> Result:
    """Run a user's query where ``source`` says (the store in process, or an upstream
    endpoint of the same generation, ``kg.sources``) over the protocol's ``dataset``, with
    the refusals of ``query_graph``; ``SourceUnavailable`` when an upstream cannot answer."""
    try:
        check_services(text, allowed_services)
    except ServiceRefused as problem:
        raise QueryError(str(problem)) from None
    try:
        return source.query(text, dataset, base)
    except SourceUnavailable:
        raise
    except Exception as problem:  # Oxigraph's SyntaxError, a graph name that is no IRI
        if is_update(text):
            raise UpdateRefused("SPARQL updates are refused: the graph is read-only (rebuild it with `policykg build`)") from None
        raise QueryError(f"not a SPARQL query: {problem}") from None


def is_update(text: str) -> bool:
    """Whether ``text`` parses as a SPARQL update (so it is refused, not run)."""
    try:
        parseUpdate(text)
    except Exception:  # not an update either
        return False
    return True


@lru_cache(maxsize=None)
def named_query(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def run_named(graph: Graph, query: str, /, **bindings: Literal | URIRef) -> Result:
    """Run kg/sparql/<query>.rq with ``bindings`` as a VALUES block."""
    text = named_query(query)
    if bindings:
        names = " ".join(f"?{k}" for k in bindings)
        values = " ".join(v.n3() for v in bindings.values())
        text = text.replace("WHERE {", f"WHERE {{\n  VALUES ({names}) {{ ({values}) }}", 1)
    return graph.query(text)


def select_named(graph: Graph, query: str, /, **bindings: Literal | URIRef) -> list[ResultRow]:
    """The rows of a named SELECT query (rdflib types a result's items as rows, booleans or
    triples, whatever the query form)."""
    return [row for row in run_named(graph, query, **bindings) if isinstance(row, ResultRow)]


@dataclass(frozen=True)
class DepartmentClause:
    clause: str
    role: str  # "lead" or "cooperating"
    department: str  # the body's IRI (the named one, a predecessor or a successor)
    department_label: str
    text: str
    document: str


def clauses_by_department(graph: Graph, name: str) -> list[DepartmentClause]:
    """Clauses a department leads or cooperates on, with the bodies it was renamed from or
    into (市工业和信息化委 → 市工业和信息化局)."""
    rows = select_named(graph, "clauses_by_department", name=Literal(name))
    return [
        DepartmentClause(str(r.clause), str(r.role), str(r.agent), str(r.agentLabel), str(r.text), str(r.document))
        for r in rows
    ]


@dataclass(frozen=True)
class AwardRow:
    award: str
    kind: str
    cap_yuan: Decimal
    rate: Decimal | None
    per: str | None
    clause: str
    title: str


def awards_with_cap(graph: Graph, minimum_yuan: int | Decimal) -> list[AwardRow]:
    """Award rules whose cap is at least ``minimum_yuan``, largest first."""
    rows = select_named(graph, "awards_with_cap", minimum=Literal(Decimal(minimum_yuan), datatype=XSD.decimal))
    return [
        AwardRow(str(r.award), str(r.kind), cast(Literal, r.cap).toPython(), cast(Literal, r.rate).toPython() if r.rate is not None else None,
                 str(r.per) if r.per is not None else None, str(r.clause), str(r.title))
        for r in rows
    ]


@dataclass(frozen=True)
class TargetRow:
    target: str
    metric: str
    value: Decimal
    unit: str
    bound: str
    clause: str


def targets_for_year(graph: Graph, year: int) -> list[TargetRow]:
    rows = select_named(graph, "targets_for_year", year=Literal(str(year), datatype=XSD.gYear))
    return [TargetRow(str(r.target), str(r.metric), cast(Literal, r.value).toPython(), str(r.unit), str(r.bound), str(r.clause)) for r in rows]
