"""Build the data folder from input texts: corpus → (graph, later) → index, written into a
new generation that becomes current only when complete."""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.artifacts import write_corpus
from corpus.errors import CorpusError
from corpus.ingest import read_corpus
from corpus.read import list_sources
from index.dense import DenseIndex
from index.embed_cache import embed_passages
from index.encoders import get_encoder
from index.search import build_index, dense_units
from kg.artifacts import write_facts
from kg.build import build_graph, load_ontology
from kg.extract.registry import Registry
from kg.facts import extract_facts
from kg.store import write_graph
from kg.validate import validate_graph

from .datadir import DataDir

MANIFEST = "manifest.json"
EMBEDDING_CACHE = "cache/embeddings"  # under the data folder: shared by all generations
_CODE_DIRS = ("corpus", "kg", "index", "policykg")


class BuildError(CorpusError):
    """The build could not produce anything usable; the previous build stays current."""


@dataclass
class BuildReport:
    generation: Path
    up_to_date: bool = False
    files: int = 0
    documents: int = 0
    clauses: int = 0
    indexed: int = 0
    triples: int = 0
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[dict] = field(default_factory=list)
    per_file: dict[str, dict] = field(default_factory=dict)


NO_MODEL = "none"


def build(
    data: DataDir,
    paths: list[Path],
    *,
    model: str = "e5",
    threads: int = 1,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build graph and index for the texts under ``paths``; ``model`` names the encoder of
    the dense index ("none" for keyword search only).

    A rebuild of unchanged inputs with unchanged code and model returns at once; passage
    embeddings are cached across builds, so a changed corpus re-embeds only what changed."""
    started = time.perf_counter()
    sources = list_sources(paths)
    encoder = None if model == NO_MODEL else get_encoder(model, threads)
    fingerprint = _fingerprint(sources, encoder.name if encoder else NO_MODEL)
    current = data.current()
    if current is not None and not force:
        manifest = read_manifest(current)
        if manifest.get("fingerprint") == fingerprint:
            return BuildReport(generation=current, up_to_date=True, **_counts(manifest))

    with data.new_generation() as folder:
        corpus = read_corpus(sources, progress=progress)
        if not corpus.sources:
            reasons = "; ".join(str(p) for p in corpus.problems) or "no .txt or .md files found"
            raise BuildError(f"nothing to build: {reasons}")
        write_corpus(folder, corpus)
        if progress:
            progress("the graph")
        registry = Registry.load()
        facts = extract_facts(corpus.documents, corpus.clauses, registry)
        write_facts(folder, facts)
        graph = build_graph(corpus.documents, corpus.clauses, facts)
        graph += registry.graph
        violations = [str(v) for v in validate_graph(graph)]
        graph += load_ontology()  # so queries can read the labels of roles and kinds
        write_graph(folder, graph)
        if progress:
            progress("the index")
        chosen = build_index(folder, corpus.clauses, corpus.documents)
        indexed = len(chosen)
        if encoder is not None:
            units = [unit for clause in chosen for unit in dense_units(clause)]
            embedded = embed_passages(encoder, [text for _, text in units], data.root / EMBEDDING_CACHE, progress=progress)
            DenseIndex.build([unit_id for unit_id, _ in units], embedded.vectors, encoder_name=encoder.name).save(folder)
        per_file: dict[str, dict] = {}
        for source in corpus.sources:
            docs = [d for d in corpus.documents if d.file == source.key]
            n = sum(1 for c in corpus.clauses if c.spans and c.spans[0].file == source.key)
            per_file[source.path.name] = {"encoding": source.encoding, "documents": len(docs), "clauses": n}
        report = BuildReport(
            generation=folder,
            files=len(corpus.sources),
            documents=len(corpus.documents),
            clauses=len(corpus.clauses),
            indexed=indexed,
            triples=len(graph),
            violations=violations,
            problems=[{"file": str(p.path), "reason": p.reason} for p in corpus.problems],
            per_file=per_file,
            seconds=round(time.perf_counter() - started, 2),
        )
        manifest = {
            "fingerprint": fingerprint,
            "inputs": [str(p) for p in sources],
            "files": report.files,
            "documents": report.documents,
            "clauses": report.clauses,
            "indexed": report.indexed,
            "model": encoder.name if encoder else NO_MODEL,
            "triples": report.triples,
            "violations": report.violations,
            "problems": report.problems,
            "per_file": per_file,
            "seconds": report.seconds,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    report.generation = data.current() or report.generation
    return report


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _counts(manifest: dict) -> dict:
    keys = ("files", "documents", "clauses", "indexed", "triples", "violations", "problems", "per_file", "seconds")
    return {k: manifest[k] for k in keys if k in manifest}


def _fingerprint(sources: list[Path], model: str) -> str:
    """Hash of the inputs' names and bytes, the encoder and our own code: a change to any
    means a new build."""
    digest = hashlib.sha256(model.encode())
    for path in sources:
        digest.update(str(path).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"")
    root = Path(__file__).resolve().parent.parent
    for name in _CODE_DIRS:
        for code in sorted((root / name).glob("**/*.py")):
            digest.update(code.read_bytes())
    return digest.hexdigest()
