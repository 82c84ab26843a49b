"""Where a user's SPARQL query runs: the generation's own Oxigraph store opened read-only
in-process (``StoreSource``), or a read-only SPARQL endpoint serving the same generation
elsewhere (``UpstreamSource``), such as ``oxigraph serve-read-only`` replicas behind a load
balancer (the ``POLICYKG_SPARQL_UPSTREAM`` setting).

Both give the same rdflib ``Result`` for the same query over the same store: an upstream's
answer is read with pyoxigraph's own parsers and turned into rdflib terms by the same
converter the in-process store uses (oxrdflib's), so serialisation, limits and refusals,
which the endpoint applies afterwards, do not depend on where the query ran. Both predefine
the same prefixes (``pk:``, ``dct:`` …) and resolve relative IRIs against the same base.

The dataset a query reads (SPARQL 1.1 Protocol §2.1.4, Query §13.2): the protocol's
``default-graph-uri`` / ``named-graph-uri`` when the request gives any (they override the
query's own), else the query's ``FROM`` / ``FROM NAMED``, else the built graph as default
graph with every named graph available."""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar, cast

import pyoxigraph
from oxrdflib._converter import from_ox  # the in-process store's own term conversion
from rdflib import Graph, Variable
from rdflib.query import Result
from rdflib.term import Identifier, Node

from .build import bind_prefixes
from .federation import answers_with_a_graph, names_dataset
from .namespace import GRAPH
from .store import open_store

# What an upstream is asked for: results it can write and pyoxigraph can read back; a graph
# for CONSTRUCT and DESCRIBE (Virtuoso would write one as results).
UPSTREAM_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
UPSTREAM_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
UPSTREAM_FORMATS = {"application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
                    "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
                    "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV}
UPSTREAM_GRAPH_FORMATS = {"application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
                          "text/turtle": pyoxigraph.RdfFormat.TURTLE}


T = TypeVar("T")


class SourceUnavailable(Exception):
    """The upstream endpoint did not answer (down, overloaded, or it stopped the query)."""


@dataclass(frozen=True)
class Dataset:
    """The protocol's dataset: ``default-graph-uri`` and ``named-graph-uri`` values, as given."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def given(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def query_prefixes() -> dict[str, str]:
    """The prefixes every user query may use without declaring them (``pk:``, ``dct:`` …)."""
    graph = Graph()
    bind_prefixes(graph)
    return {prefix: str(namespace) for prefix, namespace in graph.namespaces()}


class Source(Protocol):
    def query(self, text: str, dataset: Dataset, base: str | None) -> Result: ...

    def close(self) -> None: ...


class StoreSource:
    """The generation's Oxigraph store, opened read-only in this process."""

    def __init__(self, folder: Path) -> None:
        self.store = open_store(folder)
        self.prefixes = query_prefixes()

    def query(self, text: str, dataset: Dataset, base: str | None) -> Result:
        """Raises ``SyntaxError`` (or ``ValueError`` for a graph name that is no IRI) as
        Oxigraph does."""
        if dataset.given:
            answer = self.store.query(
                text, base_iri=base, prefixes=self.prefixes,
                default_graph=[pyoxigraph.NamedNode(g) for g in dataset.default_graphs],
                named_graphs=[pyoxigraph.NamedNode(g) for g in dataset.named_graphs],
            )
        elif names_dataset(text):
            answer = self.store.query(text, base_iri=base, prefixes=self.prefixes)
        else:
            answer = self.store.query(text, base_iri=base, prefixes=self.prefixes, default_graph=pyoxigraph.NamedNode(str(GRAPH)))
        if isinstance(answer, pyoxigraph.QueryTriples):
            return graph_result(answer)
        return solutions_result(answer)

    def close(self) -> None:
        del self.store


class UpstreamSource:
    """A SPARQL 1.1 Protocol endpoint (``…/query`` of ``oxigraph serve-read-only``) serving
    the same store. Only this class talks to it, and only with what the endpoint accepted:
    the caller has refused ``SERVICE`` and updates before a query gets here."""

    def __init__(self, url: str, timeout_seconds: float = 30.0) -> None:
        self.url = url
        self.timeout_seconds = timeout_seconds
        self.prefixes = query_prefixes()

    def query(self, text: str, dataset: Dataset, base: str | None) -> Result:
        """Raises ``SyntaxError`` with the upstream's message for a query it refuses (4xx),
        ``SourceUnavailable`` when it cannot answer."""
        # Our prefixes and base go first: a query's own declarations come later and win.
        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in self.prefixes.items())
        if base is not None:
            prologue = f"BASE <{base}>\n" + prologue
        fields = [("query", prologue + text)]
        if dataset.given:
            fields += [("default-graph-uri", g) for g in dataset.default_graphs]
            fields += [("named-graph-uri", g) for g in dataset.named_graphs]
        elif not names_dataset(text):
            fields.append(("default-graph-uri", str(GRAPH)))
        request = urllib.request.Request(
            self.url, data=urllib.parse.urlencode(fields).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Accept": UPSTREAM_GRAPH_ACCEPT if answers_with_a_graph(text) else UPSTREAM_ACCEPT},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                body = response.read()
                media_type = response.headers.get_content_type()
        except urllib.error.HTTPError as problem:
            message = problem.read().decode("utf-8", "replace").strip()
            if 400 <= problem.code < 500 and problem.code not in (408, 429):
                raise SyntaxError(message or f"the SPARQL store refused the query ({problem.code})") from None
            raise SourceUnavailable(f"the SPARQL store answered {problem.code}: {message}") from None
        except (urllib.error.URLError, OSError) as problem:
            raise SourceUnavailable(f"the SPARQL store at {self.url} did not answer: {problem}") from None
        if body.rstrip().endswith(CANCELLED):
            raise SourceUnavailable("the SPARQL store stopped the query at its time limit")
        if media_type in UPSTREAM_GRAPH_FORMATS:
            quads = pyoxigraph.parse(body, format=UPSTREAM_GRAPH_FORMATS[media_type])
            return graph_result(_cut_short(quad.triple for quad in quads))
        if media_type not in UPSTREAM_FORMATS:
            raise SourceUnavailable(f"the SPARQL store answered in {media_type}, which is not SPARQL results")
        return solutions_result(pyoxigraph.parse_query_results(body, format=UPSTREAM_FORMATS[media_type]), _cut_short)

    def close(self) -> None:
        pass


# What ``oxigraph serve-read-only`` writes into a stream it stops at its --timeout-s: the
# status (200) and the first results are already sent, so the body just ends with this.
CANCELLED = b"The SPARQL operation has been cancelled"


def _cut_short(items: Iterable[T]) -> Iterator[T]:
    """``items`` parsed from an upstream's 200 answer; a body that stops being SPARQL results
    was cut short by the store, which is not a bad query: ``SourceUnavailable``."""
    try:
        yield from items
    except SyntaxError as problem:
        raise SourceUnavailable(f"the SPARQL store's answer was cut short: {problem}") from None


def open_source(where: str) -> Source:
    """``where`` is an http(s) URL of an upstream endpoint or a generation folder."""
    if where.startswith(("http://", "https://")):
        return UpstreamSource(where)
    return StoreSource(Path(where))


def solutions_result(
    answer: pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean,
    wrap: Callable[[Iterable[pyoxigraph.QuerySolution]], Iterable[pyoxigraph.QuerySolution]] = iter,
) -> Result:
    """An rdflib ``Result`` of a SELECT or ASK answer, built as oxrdflib's store builds it;
    ``wrap`` is put around the solutions as they are read."""
    if isinstance(answer, pyoxigraph.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    result = Result("SELECT")
    variables = [Variable(v.value) for v in answer.variables]
    result.vars = variables
    # A generator, as oxrdflib's: a caller that counts rows against a limit stops reading early.
    result.bindings = (
        {var: cast(Identifier, from_ox(value)) for var, value in zip(variables, solution) if value is not None}
        for solution in wrap(answer)
    )
    return result


def graph_result(triples: Iterable[pyoxigraph.Triple]) -> Result:
    """An rdflib ``Result`` of a CONSTRUCT or DESCRIBE answer (rdflib names both CONSTRUCT)."""
    result = Result("CONSTRUCT")
    graph = Graph()
    for triple in triples:
        graph.add(cast(tuple[Node, Node, Node], from_ox(triple)))
    result.graph = graph
    return result
