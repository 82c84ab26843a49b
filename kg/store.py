"""The graph on disk: an Oxigraph store in the generation folder, opened through rdflib
(``Graph(store=OxigraphStore(...))``), so SPARQL runs in Oxigraph and the programming
interface stays rdflib's.

A clean build hands the store N-Triples files (one per input file, written by the workers)
and Oxigraph's bulk loader reads them one after another, some tens of MB per call
(``LOAD_CHUNK_BYTES``): the corpus never passes through rdflib or sits in memory whole.

A rebuild after a few files changed does not load the corpus again (``update_store``): it
takes a backup of the last generation's store (Oxigraph hard-links its immutable files, so
this costs next to nothing and leaves that generation as it was) and applies the change.
That change is exact because a file's triples are split in two (``split_owned``): those
about its own documents and clauses (IRIs under id/doc/<document> and id/clause/<document>/,
which no other file mints), removed and added per file; and the rest (bodies, issuers,
terms, vocabulary), which several files may state, taken as one set over the corpus with
what only the whole corpus knows, and changed by the difference of the old and new sets."""
from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from .namespace import GRAPH, ID

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


# N-Triples handed to Oxigraph's bulk loader in one call. The loader sorts what one call
# reads in memory, up to about 2 GB per thread (Oxigraph's BulkLoader), so one call for a
# whole corpus grew with the corpus: the realcorpus's 227 MB of triples peaked at 1.3 GB
# resident, in 32 MB calls at 0.28 GB for 20 % more CPU (8 MB: 0.10 GB, 27 %). A part
# larger than this is loaded alone, so memory is bounded by the largest file's triples.
LOAD_CHUNK_BYTES = 32 << 20


def load_ntriples(folder: Path, parts: Iterable[Path | bytes], chunk_bytes: int = LOAD_CHUNK_BYTES) -> int:
    """Bulk-load N-Triples ``parts`` (files or bytes, each ending with a line break) into
    a new Oxigraph store under ``folder``, ``chunk_bytes`` of them per call of the bulk
    loader (never splitting a part: a blank node's label holds within one part only);
    returns the number of triples stored."""
    store = pyoxigraph.Store(str(folder / STORE_DIR))
    graph = pyoxigraph.NamedNode(str(GRAPH))
    for chunk in _chunks(parts, chunk_bytes):
        with io.BufferedReader(_Concatenated(chunk), buffer_size=1 << 20) as stream:
            store.bulk_load(stream, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=graph)
    store.flush()
    count = len(store)
    del store
    return count


def _chunks(parts: Iterable[Path | bytes], size: int) -> Iterable[list[Path | bytes]]:
    """``parts`` in order, grouped into lists of about ``size`` bytes (a larger part alone)."""
    chunk: list[Path | bytes] = []
    held = 0
    for part in parts:
        length = len(part) if isinstance(part, bytes) else part.stat().st_size
        if chunk and held + length > size:
            yield chunk
            chunk, held = [], 0
        chunk.append(part)
        held += length
    if chunk:
        yield chunk


_OWNED = (f"<{ID}doc/".encode(), f"<{ID}clause/".encode())


def split_owned(ntriples: bytes) -> tuple[bytes, bytes]:
    """N-Triples of one file's graph split into (triples whose subject is one of its
    documents, clauses or their parts; the rest)."""
    owned: list[bytes] = []
    shared: list[bytes] = []
    for line in ntriples.splitlines(keepends=True):
        if line.strip():
            (owned if line.startswith(_OWNED) else shared).append(line)
    return b"".join(owned), b"".join(shared)


def ntriples_lines(data: bytes) -> set[bytes]:
    """The distinct triples of N-Triples ``data``, one line each (as rdflib writes them)."""
    return {line.rstrip(b"\r\n") + b"\n" for line in data.splitlines() if line.strip()}


_BLANK_OBJECT = re.compile(rb"\s_:\S+\s*\.\s*$")


def has_blank_node(line: bytes) -> bool:
    """Whether an N-Triples line has a blank node as subject or object."""
    return line.startswith(b"_:") or _BLANK_OBJECT.search(line) is not None


def update_store(previous: Path, folder: Path, remove: Iterable[Path | bytes], add: Iterable[Path | bytes], count: int | None = None) -> int:
    """A new store under ``folder``: the store of generation ``previous`` (read only,
    never changed) with the triples of ``remove`` taken out, then those of ``add`` put in;
    returns the number of triples stored. Given ``count``, the triples of the previous
    store, the number is that changed by the triples actually taken out and put in
    (counting a store of a million triples scans it all: about a second)."""
    source = pyoxigraph.Store.read_only(str(previous / STORE_DIR))
    source.backup(str(folder / STORE_DIR))
    del source
    store = pyoxigraph.Store(str(folder / STORE_DIR))
    graph = pyoxigraph.NamedNode(str(GRAPH))
    removed = 0
    with io.BufferedReader(_Concatenated(remove), buffer_size=1 << 20) as stream:
        for triple in pyoxigraph.parse(stream, format=pyoxigraph.RdfFormat.N_TRIPLES):
            quad = pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, graph)
            if quad in store:
                store.remove(quad)
                removed += 1
    with io.BufferedReader(_Concatenated(add), buffer_size=1 << 20) as stream:
        new = {
            quad: None
            for triple in pyoxigraph.parse(stream, format=pyoxigraph.RdfFormat.N_TRIPLES)
            if (quad := pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, graph)) not in store
        }
    store.extend(new)
    store.flush()
    total = count - removed + len(new) if count is not None else len(store)
    del store
    return total


def open_graph(folder: Path) -> Graph:
    """The built graph, read-only: safe while another process reads or builds."""
    from oxrdflib import OxigraphStore  # here, not at the top: it imports rdflib's SPARQL engine (about 1 s), which a build does not use

    store = pyoxigraph.Store.read_only(str(folder / STORE_DIR))
    return Graph(store=OxigraphStore(store=store), identifier=GRAPH)


def open_store(folder: Path) -> pyoxigraph.Store:
    """The built store itself, read-only, for callers that need Oxigraph's own query options
    (the protocol's dataset, a base IRI) that rdflib's interface does not pass on."""
    return pyoxigraph.Store.read_only(str(folder / STORE_DIR))
