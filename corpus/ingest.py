"""Read a set of input files into documents and clauses: the corpus stage end to end.

A file that cannot be read is reported by name with the reason and left out; the rest
goes on."""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .clauses import build_clauses
from .documents import document_sketches, link_copies, split_documents
from .errors import UnreadableSource
from .layout import NgramCounts, Unit, reading_order
from .models import Clause, Document, SourceText
from .read import list_sources, read_source, split_lines

SHIPPED_TEXTS = Path(__file__).resolve().parent / "texts"


@dataclass
class Corpus:
    """Everything the corpus stage hands to the graph and index stages."""

    sources: list[SourceText] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    problems: list[UnreadableSource] = field(default_factory=list)


def read_corpus(paths: Iterable[Path], progress: Callable[[str], None] | None = None) -> Corpus:
    """Read, clean and split every readable file under ``paths``, all in memory: for
    small corpora and benchmarks (``policykg build`` streams file by file instead)."""
    corpus = Corpus()
    for path in list_sources(paths):
        try:
            corpus.sources.append(read_source(path))
        except UnreadableSource as problem:
            corpus.problems.append(problem)
    texts: dict[str, str] = {}
    sketches: dict[str, list[int]] = {}
    for source in corpus.sources:
        if progress:
            progress(source.path.name)
        documents, clauses = split_source(source)
        corpus.documents += documents
        corpus.clauses += clauses
        pieces: dict[str, list[str]] = {document.id: [] for document in documents}
        for clause in clauses:  # one pass: a compilation of many documents stays linear
            pieces[clause.document].append(clause.text)
        for document in documents:
            texts[document.id] = "".join(pieces[document.id])
        sketches.update(document_sketches(clauses))
    link_copies(corpus.documents, texts, sketches)
    return corpus


class _SummedCounts:
    """Two n-gram counters read as their sum, without copying the larger one."""

    def __init__(self, base: Counter[str], own: Counter[str]) -> None:
        self.base = base
        self.own = own

    def __getitem__(self, gram: str) -> int:
        return self.base.get(gram, 0) + self.own.get(gram, 0)


@lru_cache(maxsize=1)
def reference_ngrams() -> tuple[NgramCounts, frozenset[str]]:
    """N-gram counts of the shipped policy texts, and their sha256 digests.

    Layout judges a junction by how often its characters occur together. It used to count
    them over the whole corpus being built, which made every file's clauses depend on every
    other file (no parallel or incremental build) and held a counter of the whole corpus
    in memory. A fixed reference of policy language plus the file's own text keeps each
    file independent; on the shipped corpus the counts are exactly those of before."""
    reference = NgramCounts()
    digests = set()
    for path in sorted(SHIPPED_TEXTS.glob("*.txt")):
        source = read_source(path)
        reference.add(source.text)
        digests.add(source.sha256)
    return reference, frozenset(digests)


def file_ngrams(source: SourceText) -> NgramCounts:
    """The counts layout reads for one file: the reference plus the file's own text (a
    shipped file is in the reference already)."""
    reference, shipped = reference_ngrams()
    if source.sha256 in shipped:
        return reference
    own = NgramCounts()
    own.add(source.text)
    summed = NgramCounts()
    summed.counts = _SummedCounts(reference.counts, own.counts)  # type: ignore[assignment]
    summed.total = reference.total + own.total
    return summed


def split_source(
    source: SourceText, ngrams: NgramCounts | None = None, lap: Callable[[str], None] | None = None
) -> tuple[list[Document], list[Clause]]:
    """Documents and clauses of one decoded file; ``ngrams`` defaults to ``file_ngrams``.
    ``lap(step)`` is called as each step ends ("layout", "clauses"), for timing."""
    order = reading_order(split_lines(source.text), ngrams if ngrams is not None else file_ngrams(source))
    if lap:
        lap("layout")
    lines = [line for unit in order.units for line in unit.lines]
    parts = split_documents(source.key, lines, order.layout.furniture, encoding=source.encoding)
    # which unit each piece of text came from, by offset (documents may cut a line in two)
    starts = sorted((line.start, line.end, k) for k, unit in enumerate(order.units) for line in unit.lines)
    keys = [s[0] for s in starts]
    documents, clauses = [], []
    for part in parts:
        units: list[Unit] = []
        last = None
        for line in part.body:
            at = bisect_right(keys, line.start) - 1
            if at < 0 or not starts[at][0] <= line.start < max(starts[at][1], starts[at][0] + 1):
                continue
            k = starts[at][2]
            if k == last:
                units[-1].lines.append(line)
            else:
                units.append(replace(order.units[k], lines=[line]))
            last = k
        documents.append(part.document)
        clauses += build_clauses(part.document.id, source.key, units, part.document.script)
    if lap:
        lap("clauses")
    return documents, clauses


__all__ = ["Corpus", "SHIPPED_TEXTS", "file_ngrams", "read_corpus", "reference_ngrams", "split_source"]
