"""Running SPARQL for the HTTP endpoint: read-only, with a time limit and a result-size
limit that really hold.

pyoxigraph has no query timeout of its own in Python, and a thread cannot be stopped, so
queries run in a worker process that is killed when its time is up (and started afresh for
the next query). Results are serialised in the worker with rdflib's result serialisers, by
the media type the client asked for."""
from __future__ import annotations

import multiprocessing
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

# Media types by query form; the first is the default.
SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}
# Generic types clients send, mapped to ours.
ALIASES = {"application/json": "application/sparql-results+json", "application/xml": "application/sparql-results+xml",
           "text/xml": "application/sparql-results+xml", "text/plain": "application/n-triples"}


class EndpointError(Exception):
    """A query the endpoint will not answer; ``status`` is the HTTP status to send."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str


def negotiate(accept: str | None, form: str) -> str:
    """The media type to answer a query of ``form`` (SELECT, ASK, CONSTRUCT, DESCRIBE) with,
    from an Accept header (highest q first; */* or nothing gives the default)."""
    offered = SELECT_TYPES if form in ("SELECT", "ASK") else GRAPH_TYPES
    wanted: list[tuple[float, int, str]] = []
    for n, part in enumerate((accept or "").split(",")):
        kind, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        wanted.append((-q, n, ALIASES.get(kind.lower(), kind.lower())))
    for _, _, kind in sorted(wanted):
        if kind in offered:
            return kind
        if kind in ("*/*", "application/*", "text/*", ""):
            return next(iter(offered))
    if not wanted:
        return next(iter(offered))
    raise EndpointError(f"cannot answer a {form} query as {accept}; use one of {', '.join(offered)}", status=406)


def _worker(folder: str, conn: Connection) -> None:
    """Worker process: answers (query, accept, max_results) requests until the pipe closes."""
    from kg.build import bind_prefixes
    from kg.queries import QueryError, graph_for_queries, query_graph

    graph = graph_for_queries(Path(folder))  # opened once: the store is read-only
    while True:
        try:
            query, accept, max_results = conn.recv()
        except EOFError:
            return
        try:
            result = query_graph(graph, query)
            media_type = negotiate(accept, result.type)
            if result.type == "SELECT":
                rows = list(result)
                if len(rows) > max_results:
                    raise EndpointError(f"the query returns more than {max_results} rows; narrow it or add LIMIT", status=413)
            elif result.type in ("CONSTRUCT", "DESCRIBE") and result.graph is not None and len(result.graph) > max_results:
                raise EndpointError(f"the query returns more than {max_results} triples; narrow it", status=413)
            formats = SELECT_TYPES if result.type in ("SELECT", "ASK") else GRAPH_TYPES
            if result.graph is not None:
                bind_prefixes(result.graph)  # Turtle written with pk:, dct: … as queries use them
            body = result.serialize(format=formats[media_type])
            conn.send(("ok", body if isinstance(body, bytes) else str(body).encode("utf-8"), media_type))
        except QueryError as problem:
            conn.send(("error", str(problem), 400))
        except EndpointError as problem:
            conn.send(("error", str(problem), problem.status))
        except Exception as problem:  # report any failure of one query to the client, keep serving
            conn.send(("error", f"the query failed: {problem}", 400))


class SparqlRunner:
    """One worker process for the graph in ``folder``; queries run one at a time."""

    def __init__(self, folder: Path, timeout_seconds: float, max_results: int) -> None:
        self.folder = folder
        self.timeout_seconds = timeout_seconds
        self.max_results = max_results
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")  # a clean interpreter: no store handles inherited
        parent, child = context.Pipe()
        self._process = context.Process(target=_worker, args=(str(self.folder), child), daemon=True)
        self._process.start()
        child.close()
        self._conn = parent

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def run(self, query: str, accept: str | None) -> Answer:
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._start()
            assert self._conn is not None
            self._conn.send((query, accept, self.max_results))
            if not self._conn.poll(self.timeout_seconds) and self._process.is_alive():
                self._stop()
                raise EndpointError(f"the query ran longer than {self.timeout_seconds:g} s and was stopped", status=503)
            try:
                status, payload, extra = self._conn.recv()
            except (EOFError, OSError):
                self._stop()
                raise EndpointError("the query worker stopped; try again", status=500) from None
        if status == "ok":
            return Answer(body=payload, media_type=extra)
        raise EndpointError(payload, status=extra)

    def close(self) -> None:
        with self._lock:
            self._stop()
