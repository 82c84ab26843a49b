"""The graph on disk: an Oxigraph store in the generation folder, opened through rdflib
(``Graph(store=OxigraphStore(...))``), so SPARQL runs in Oxigraph and the programming
interface stays rdflib's.

A build hands the store N-Triples files (one per input file, written by the workers) and
Oxigraph's bulk loader reads them one after another as a single stream: the corpus never
passes through rdflib or sits in memory whole."""
from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph
from oxrdflib import OxigraphStore
from rdflib import Graph

from .namespace import GRAPH

STORE_DIR = "graph"


class _Concatenated(io.RawIOBase):
    """Several files and byte strings read as one stream, each opened only when reached."""

    def __init__(self, parts: Iterable[Path | bytes]) -> None:
        self._parts = iter(parts)
        self._current: io.BufferedIOBase | io.BytesIO | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            if self._current is None:
                part = next(self._parts, None)
                if part is None:
                    return 0
                self._current = io.BytesIO(part) if isinstance(part, bytes) else open(part, "rb")
            n = self._current.readinto(buffer)
            if n:
                return n
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
        super().close()


def load_ntriples(folder: Path, parts: Iterable[Path | bytes]) -> int:
    """Bulk-load N-Triples ``parts`` (files or bytes, each ending with a line break) into
    a new Oxigraph store under ``folder``; returns the number of triples stored."""
    store = pyoxigraph.Store(str(folder / STORE_DIR))
    with io.BufferedReader(_Concatenated(parts), buffer_size=1 << 20) as stream:
        store.bulk_load(stream, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(str(GRAPH)))
    store.flush()
    count = len(store)
    del store
    return count


def write_graph(folder: Path, graph: Graph) -> Path:
    """Bulk-load an in-memory ``graph`` into a new Oxigraph store under ``folder``."""
    load_ntriples(folder, [graph.serialize(format="nt", encoding="utf-8")])
    return folder / STORE_DIR


def open_graph(folder: Path) -> Graph:
    """The built graph, read-only: safe while another process reads or builds."""
    store = pyoxigraph.Store.read_only(str(folder / STORE_DIR))
    return Graph(store=OxigraphStore(store=store), identifier=GRAPH)


def open_store(folder: Path) -> pyoxigraph.Store:
    """The built store itself, read-only, for callers that need Oxigraph's own query options
    (the protocol's dataset, a base IRI) that rdflib's interface does not pass on."""
    return pyoxigraph.Store.read_only(str(folder / STORE_DIR))
