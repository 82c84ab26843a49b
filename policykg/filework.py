"""The work done for one input file, start to end, in a worker process: read → layout →
documents and clauses → facts → triples → SHACL. Its result is a folder on disk (an
*entry*) that the build streams from and that later builds reuse.

An entry is keyed by the file's bytes (sha256), its name (document ids derive from it) and
the fingerprint of everything that shapes the result (``policykg.fingerprint``), so a
rebuild re-processes only files that are new or changed. An entry is written into a
temporary folder and renamed into place when complete: a killed build leaves no half entry.

    <cache>/files/<fingerprint>/<entry>/
        meta.json       FileMeta: counts, documents, citations, body labels, violations, times
        clauses.jsonl   one Clause per line (corpus/artifacts.py's shape)
        facts.jsonl     one ClauseFacts per line (kg/artifacts.py's shape)
        triples.nt      the file's own part of the graph (kg.build.file_graph), N-Triples:
                        the triples about its documents and clauses (and their facts and
                        spans, whose IRIs extend the clauses'), which no other file states
        shared.nt       the rest of its graph: bodies, issuers, terms, vocabulary concepts,
                        which other files may state too (kg.store.split_owned)
        keyword.npz     its clauses' keyword units, counted (index.keyword.FileTerms)
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from policykg.corpus.artifacts import write_jsonl
from policykg.corpus.documents import document_sketches
from policykg.corpus.errors import UnreadableSource
from policykg.corpus.ingest import split_source
from policykg.corpus.models import Document, Span
from policykg.corpus.read import open_regular_file, read_source
from policykg.kg.artifacts import fact_row
from policykg.kg.build import cited_titles, file_graph, take_agent_labels
from policykg.kg.extract.registry import Registry
from policykg.kg.facts import extract_facts
from policykg.kg.store import split_owned
from policykg.kg.validate import validate_graph
from policykg.index.keyword import FileTerms, searched_text

META = "meta.json"
CLAUSES = "clauses.jsonl"
FACTS = "facts.jsonl"
TRIPLES = "triples.nt"
SHARED = "shared.nt"
TERMS = "keyword.npz"
# The steps timed in every worker, in the order they run.
STEPS = ("read", "layout", "clauses", "facts", "triples", "validate", "write", "keyword")


@dataclass
class FileMeta:
    """What the build needs of a file without reading its clauses: counts, its documents
    (before copies are linked), what it cites, the labels it gives bodies, its SHACL
    violations and the CPU seconds each step took."""

    path: str
    key: str
    sha256: str
    encoding: str = ""
    chars: int = 0
    documents: list[dict] = field(default_factory=list)
    lengths: dict[str, int] = field(default_factory=dict)  # document id -> characters of its clauses
    sketches: dict[str, list[int]] = field(default_factory=dict)  # document id -> content_sketch, for copies
    clauses: int = 0
    triples: int = 0
    citations: list[tuple[str, str]] = field(default_factory=list)  # (citing document id, folded title)
    agent_labels: dict[str, str] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    problem: str | None = None  # why the file was skipped, when it was
    retry: bool = False  # skipped for a fault of ours, not of the file: try it again next build
    seconds: dict[str, float] = field(default_factory=dict)

    def to_documents(self) -> list[Document]:
        documents = []
        for row in self.documents:
            row = dict(row)
            span = row.pop("span", None)
            documents.append(Document(**row, span=Span(**span) if span else None))
        return documents


def entry_name(path: Path, sha256: str) -> str:
    """The entry of a file: its content hash and a hash of its name."""
    return f"{sha256[:32]}-{hashlib.sha256(path.stem.encode('utf-8')).hexdigest()[:12]}"


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in blocks; an unreadable file hashes as its name
    (``process_file`` then reports why it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open_regular_file(path) as fh:  # a FIFO named *.txt must not hang the build
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except (OSError, UnreadableSource):
        digest.update(b"unreadable:" + str(path).encode("utf-8"))
    return digest.hexdigest()


def load_meta(entry: Path) -> FileMeta:
    row = json.loads((entry / META).read_text(encoding="utf-8"))
    row["citations"] = [tuple(c) for c in row["citations"]]
    return FileMeta(**row)


@lru_cache(maxsize=1)
def _registry() -> Registry:
    """The department registry, loaded once per worker process."""
    return Registry.load()


class _Clock:
    """CPU seconds of this process per step: ``lap(step)`` closes the step that just ran.
    CPU time, not wall time, so the figures hold on a machine shared with other work."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.process_time()

    def lap(self, step: str) -> None:
        now = time.process_time()
        self.seconds[step] = round(self.seconds.get(step, 0.0) + now - self._last, 4)
        self._last = now


def process_file(path: Path, sha256: str, entry: Path) -> FileMeta:
    """Do one file's work and write its entry at ``entry`` (replacing nothing: the caller
    asks only for missing entries). A file that cannot be read gets an entry too, with the
    reason, so it is not read again until it changes."""
    clock = _Clock()
    meta = FileMeta(path=str(path), key=path.stem, sha256=sha256)
    building = entry.with_name(f".tmp-{entry.name}-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    try:
        try:
            source = read_source(path)
        except UnreadableSource as problem:
            meta.problem = problem.reason
            source = None
        clock.lap("read")
        if source is not None:
            _process_source(source, meta, building, clock)
        meta.seconds = clock.seconds
        (building / META).write_text(json.dumps(asdict(meta), ensure_ascii=False), encoding="utf-8")
        try:
            os.rename(building, entry)
        except OSError:
            if not (entry / META).exists():  # another build wrote the same entry meanwhile: keep theirs
                raise
            shutil.rmtree(building, ignore_errors=True)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return meta


def _process_source(source, meta: FileMeta, folder: Path, clock: _Clock) -> None:
    meta.encoding = source.encoding
    meta.chars = len(source.text)
    documents, clauses = split_source(source, lap=clock.lap)
    facts = extract_facts(documents, clauses, _registry())
    clock.lap("facts")
    graph = file_graph(documents, clauses, facts)
    clock.lap("triples")
    meta.violations = [str(v) for v in validate_graph(graph)]
    clock.lap("validate")
    meta.agent_labels = take_agent_labels(graph)
    meta.triples = len(graph)
    meta.documents = [d.to_dict() for d in documents]
    meta.lengths = {d.id: 0 for d in documents}
    for clause in clauses:
        meta.lengths[clause.document] = meta.lengths.get(clause.document, 0) + len(clause.text)
    meta.clauses = len(clauses)
    meta.sketches = document_sketches(clauses)
    meta.citations = cited_titles(clauses)
    write_jsonl(folder / CLAUSES, (c.to_dict() for c in clauses))
    write_jsonl(folder / FACTS, (fact_row(found) for found in facts.values()))
    owned, shared = split_owned(graph.serialize(format="nt", encoding="utf-8"))
    (folder / TRIPLES).write_bytes(owned)
    (folder / SHARED).write_bytes(shared)
    clock.lap("write")
    titles = {d.id: d.title for d in documents}
    FileTerms.count([c.id for c in clauses], (searched_text(c, titles.get(c.document)) for c in clauses)).save(folder / TERMS)
    clock.lap("keyword")


__all__ = ["FileMeta", "STEPS", "entry_name", "file_sha256", "load_meta", "process_file"]
