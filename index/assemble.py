"""The keyword index of a whole build, assembled from the units each file's worker counted
(``index.keyword.FileTerms``) to the scores bm25s computes from the texts.

A generation keeps every file's units in a ``TermTable`` of append-only *segments*: a
rebuild maps only the new and changed files into one new segment and hard-links the
segments it keeps from the last generation, so the table (about 100 MB on 1,235 laws) is
neither read whole nor written again. What depends on the whole corpus (document
frequencies, average length, the column-ordered score matrix) is then computed with numpy
and scipy over the segments' arrays, with no Python loop over clauses or units.

This module is apart from ``index.keyword`` on purpose: the per-file fingerprint covers
what the workers run (``keyword.py``), not this, so a change here does not redo every
file's work."""
from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .keyword import B, K1, FileTerms, KeywordIndex

if TYPE_CHECKING:
    import numpy as np

SCORE_SLICE = 1 << 20  # entries worked on at a time, so temporaries stay small
# A table is written again as one segment when its segments are more than this many, or
# hold more clauses of files gone or changed than this share of the clauses in use.
MAX_SEGMENTS = 8
DEAD_SHARE = 0.25
_ARRAYS = ("bounds", "offsets", "terms", "counts", "lengths")
_STRINGS = "strings.json"
_LAYOUT = "layout.json"
_VOCAB = "vocab.json"


@dataclass
class Segment:
    """The counted units of some files' clauses, file after file, never changed once
    saved: file ``names[f]`` holds the clauses ``bounds[f]:bounds[f+1]`` of ``ids``,
    clause ``n`` the units ``terms[offsets[n]:offsets[n+1]]`` (indexes into its table's
    vocabulary), each ``counts`` times, ``lengths[n]`` in all."""

    name: str
    names: list[str]
    bounds: np.ndarray  # int64, len(names) + 1, into ids
    ids: list[str]
    offsets: np.ndarray  # int64, len(ids) + 1, into terms
    terms: np.ndarray  # int32
    counts: np.ndarray  # int32
    lengths: np.ndarray  # int64
    folder: Path | None = None  # where it is saved (its arrays memory-mapped from there)

    def save(self, folder: Path) -> None:
        """Plain .npy arrays and one JSON file of the strings; a segment saved before is
        hard-linked (its files never change), so keeping it costs no copy."""
        import numpy as np

        target = folder / self.name
        if self.folder is not None:
            target.mkdir(parents=True)
            for path in self.folder.iterdir():
                try:
                    os.link(path, target / path.name)
                except OSError:  # another file system: copied instead
                    shutil.copyfile(path, target / path.name)
            return
        target.mkdir(parents=True)
        for name in _ARRAYS:
            np.save(target / f"{name}.npy", getattr(self, name))
        strings = {"names": self.names, "ids": self.ids}
        (target / _STRINGS).write_text(json.dumps(strings, ensure_ascii=False), encoding="utf-8")
        self.folder = target

    @classmethod
    def load(cls, folder: Path) -> Segment:
        import numpy as np

        strings = json.loads((folder / _STRINGS).read_text(encoding="utf-8"))
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
        return cls(name=folder.name, names=strings["names"], ids=strings["ids"], folder=folder, **arrays)

    def clause_count(self, f: int) -> int:
        return int(self.bounds[f + 1] - self.bounds[f])


@dataclass
class TermTable:
    """Many files' counted units in one vocabulary: file ``n`` of the table is file
    ``files[n][1]`` of segment ``files[n][0]``. ``vocab`` may hold units no clause holds
    any more (of files changed or gone); the index ignores them."""

    vocab: list[str]
    segments: list[Segment]
    files: list[tuple[int, int]]

    @property
    def names(self) -> list[str]:
        return [self.segments[s].names[f] for s, f in self.files]

    @property
    def ids(self) -> list[str]:
        """Every clause's id, file after file."""
        ids: list[str] = []
        for s, f in self.files:
            segment = self.segments[s]
            ids += segment.ids[int(segment.bounds[f]) : int(segment.bounds[f + 1])]
        return ids

    @property
    def bounds(self) -> np.ndarray:
        """File ``n`` holds the clauses ``bounds[n]:bounds[n+1]`` of ``ids``."""
        import numpy as np

        bounds = np.zeros(len(self.files) + 1, dtype=np.int64)
        np.cumsum([self.segments[s].clause_count(f) for s, f in self.files], out=bounds[1:])
        return bounds

    def rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per clause, in order: its segment, the start and end of its entries there, and
        its length (units in all)."""
        import numpy as np

        parts: list[tuple[np.ndarray, ...]] = []
        for s, f in self.files:
            segment = self.segments[s]
            lo, hi = int(segment.bounds[f]), int(segment.bounds[f + 1])
            offsets = np.asarray(segment.offsets[lo : hi + 1])
            parts.append((np.full(hi - lo, s, dtype=np.int32), offsets[:-1], offsets[1:], np.asarray(segment.lengths[lo:hi])))
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return np.zeros(0, dtype=np.int32), empty, empty, empty
        return tuple(np.concatenate(column) for column in zip(*parts))  # type: ignore[return-value]

    @classmethod
    def assemble(
        cls, parts: Iterable[tuple[str, FileTerms | Callable[[], FileTerms]]], previous: TermTable | None = None, *, compact: bool | None = None
    ) -> TermTable:
        """The table of the files ``parts`` names, in order: a file ``previous`` holds is
        taken from it as it is (its name says its content: the build's entry names are
        content hashes); any other file's ``FileTerms`` (loaded only then, when given as a
        callable) is mapped into the vocabulary, its new units appended, into one new
        segment. ``previous``'s segments are kept as they are unless ``compact`` (default:
        when they would be too many or hold too many clauses no longer used): then every
        file is copied into one segment."""
        import numpy as np

        parts = list(parts)
        vocab = list(previous.vocab) if previous is not None else []
        index: dict[str, int] | None = None  # built when the first file must be mapped
        held: dict[str, tuple[int, int]] = {}
        if previous is not None:
            for s, f in previous.files:
                held[previous.segments[s].names[f]] = (s, f)
        kept = sorted({held[name] for name, _ in parts if name in held})
        if previous is not None and compact is None:
            used = sum(previous.segments[s].clause_count(f) for s, f in kept)
            segments_used = {s for s, _ in kept}
            dead = sum(len(previous.segments[s].ids) for s in segments_used) - used
            compact = len(segments_used) + 1 > MAX_SEGMENTS or dead > DEAD_SHARE * max(used, 1)
        copy_all = previous is None or bool(compact)
        writer = _SegmentWriter()
        order: list[tuple[int, int] | None] = []  # per file: where previous holds it, or None: in the new segment
        for name, part in parts:
            place = held.get(name)
            if place is not None and previous is not None:
                if copy_all:
                    writer.take_file(previous.segments[place[0]], place[1])
                    order.append(None)
                else:
                    order.append(place)
                continue
            units = part if isinstance(part, FileTerms) else part()
            if index is None:
                index = {word: n for n, word in enumerate(vocab)}
            mapping = np.fromiter((index.setdefault(w, len(index)) for w in units.vocab), dtype=np.int32, count=len(units.vocab))
            writer.add(name, units.ids, np.diff(units.offsets), mapping[units.terms], units.counts, units.lengths)
            order.append(None)
        if index is not None:
            vocab = list(index)  # dicts keep insertion order: the old units, then the new
        segments = [] if previous is None or copy_all else [previous.segments[s] for s in sorted({s for s, _ in kept})]
        renumber = {segment.name: n for n, segment in enumerate(segments)}
        added = iter(range(len(writer.names)))
        if writer.names:
            segments.append(writer.segment())
        files = [
            (len(segments) - 1, next(added)) if place is None else (renumber[previous.segments[place[0]].name], place[1])  # type: ignore[union-attr]
            for place in order
        ]
        return cls(vocab, segments, files)

    def save(self, folder: Path) -> None:
        """The table's segments (new ones written, kept ones hard-linked), the vocabulary
        and the order of the files."""
        folder.mkdir(parents=True, exist_ok=True)
        for segment in self.segments:
            segment.save(folder)
        (folder / _VOCAB).write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        layout = {"segments": [segment.name for segment in self.segments], "files": self.files}
        (folder / _LAYOUT).write_text(json.dumps(layout), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> TermTable:
        layout = json.loads((folder / _LAYOUT).read_text(encoding="utf-8"))
        vocab = json.loads((folder / _VOCAB).read_text(encoding="utf-8"))
        segments = [Segment.load(folder / name) for name in layout["segments"]]
        return cls(vocab, segments, [(s, f) for s, f in layout["files"]])


class _SegmentWriter:
    """Collects files' units for one new segment."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids: list[str] = []
        self.file_sizes: list[int] = []
        self.sizes: list[np.ndarray] = []
        self.terms: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []
        self.lengths: list[np.ndarray] = []

    def add(self, name: str, ids: list[str], sizes: np.ndarray, terms: np.ndarray, counts: np.ndarray, lengths: np.ndarray) -> None:
        self.names.append(name)
        self.ids += ids
        self.file_sizes.append(len(ids))
        self.sizes.append(sizes)
        self.terms.append(terms)
        self.counts.append(counts)
        self.lengths.append(lengths)

    def take_file(self, segment: Segment, f: int) -> None:
        import numpy as np

        lo, hi = int(segment.bounds[f]), int(segment.bounds[f + 1])
        start, end = int(segment.offsets[lo]), int(segment.offsets[hi])
        self.add(segment.names[f], segment.ids[lo:hi], np.diff(segment.offsets[lo : hi + 1]), segment.terms[start:end], segment.counts[start:end], segment.lengths[lo:hi])

    def segment(self) -> Segment:
        import numpy as np

        def joined(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype=dtype)

        bounds = np.zeros(len(self.names) + 1, dtype=np.int64)
        np.cumsum(self.file_sizes, out=bounds[1:])
        offsets = np.zeros(len(self.ids) + 1, dtype=np.int64)
        if self.sizes:
            np.cumsum(np.concatenate(self.sizes), out=offsets[1:])
        return Segment(
            uuid.uuid4().hex[:16], self.names, bounds, self.ids, offsets,
            joined(self.terms, np.int32), joined(self.counts, np.int32), joined(self.lengths, np.int64),
        )  # fmt: skip


def assemble_index(table: TermTable, chosen: Sequence[str] | None = None) -> KeywordIndex:
    """The index bm25s builds over the clauses ``chosen`` names, in that order (default:
    every clause of the table, in order), from their counted units: the same vocabulary
    (units numbered in the order they first occur), scores and column order.

    Big temporaries are few on purpose (page faults of fresh arrays cost more than the
    arithmetic here): the chosen clauses' entries are gathered once, in runs of
    consecutive clauses, in the order of ``chosen``; unit ids are renumbered in place,
    scores written over the counts they come from, and the columns (documents ascending)
    come from scipy's CSR-to-CSC conversion, a counting pass."""
    import bm25s
    import numpy as np
    import scipy.sparse as sp
    from bm25s.scoring import _select_idf_scorer, _select_tfc_scorer

    all_ids = table.ids
    ids = all_ids if chosen is None else list(chosen)
    n_docs = len(ids)
    if chosen is None:
        source = np.arange(n_docs, dtype=np.int64)
    else:
        row_of = {clause_id: n for n, clause_id in enumerate(all_ids)}
        missing = sum(1 for i in ids if i not in row_of)
        if missing:
            raise ValueError(f"{missing} of the chosen clauses have no counted units")
        source = np.fromiter((row_of[i] for i in ids), dtype=np.int64, count=n_docs)  # the table's row of each chosen clause
    row_segment, row_start, row_end, lengths = table.rows()
    in_segment, entry_start, entry_end = row_segment[source], row_start[source], row_end[source]
    sizes = entry_end - entry_start
    row_length = lengths[source]
    # runs of chosen clauses that follow each other in one segment: one slice each
    breaks = np.flatnonzero((in_segment[1:] != in_segment[:-1]) | (entry_start[1:] != entry_end[:-1])) + 1
    starts = np.concatenate(([0], breaks)).astype(np.int64) if n_docs else np.zeros(0, dtype=np.int64)
    ends = np.concatenate((breaks, [n_docs])).astype(np.int64) if n_docs else np.zeros(0, dtype=np.int64)
    spans = list(zip(in_segment[starts].tolist(), entry_start[starts].tolist(), entry_end[ends - 1].tolist()))
    del in_segment, entry_start, entry_end

    def gathered(field: str, dtype: type) -> np.ndarray:
        values = [getattr(table.segments[s], field) for s in range(len(table.segments))]
        return np.concatenate([values[s][lo:hi] for s, lo, hi in spans]).astype(dtype, copy=False) if spans else np.zeros(0, dtype=dtype)

    unit = gathered("terms", np.int32)
    tf = gathered("counts", np.int32)
    n_entries = len(unit)
    # the units the chosen clauses hold, numbered in the order they first occur (the
    # table may also hold units of clauses left out or of files gone)
    first = np.full(len(table.vocab), n_entries, dtype=np.int64)
    for start in range(0, n_entries, SCORE_SLICE):  # in slices: a 10 M-entry arange costs more in page faults than the work
        end = min(start + SCORE_SLICE, n_entries)
        np.minimum.at(first, unit[start:end], np.arange(start, end, dtype=np.int64))
    used = np.flatnonzero(first < n_entries)
    used = used[np.argsort(first[used], kind="stable")]
    del first
    renumber = np.full(len(table.vocab), -1, dtype=np.int32)
    renumber[used] = np.arange(len(used), dtype=np.int32)
    for start in range(0, n_entries, SCORE_SLICE):  # in place, in slices: no second array of every entry
        unit[start : start + SCORE_SLICE] = renumber[unit[start : start + SCORE_SLICE]]
    term = unit
    del renumber
    words = table.vocab
    vocab = {words[u]: n for n, u in enumerate(used.tolist())}
    n_vocab = len(vocab)

    retriever = bm25s.BM25(k1=K1, b=B)
    avg_doc_len = row_length.mean() if n_docs else 0.0
    df = np.zeros(n_vocab, dtype=np.int64)
    for start in range(0, n_entries, SCORE_SLICE):  # in slices: bincount reads int32 as a copy in int64
        df += np.bincount(term[start : start + SCORE_SLICE], minlength=n_vocab)
    idf_of = _select_idf_scorer(retriever.idf_method)
    idf_by_df = {int(d): idf_of(int(d), N=n_docs) for d in np.unique(df)}
    idf = np.array([idf_by_df[int(d)] for d in df], dtype=retriever.dtype)
    tfc_of = _select_tfc_scorer(retriever.method)
    index_type = np.int32 if n_entries < 2**31 else np.int64
    indptr = np.zeros(n_docs + 1, dtype=index_type)
    np.cumsum(sizes, out=indptr[1:])
    scores = tf.view(np.float32) if np.dtype(retriever.dtype) == np.float32 else np.empty(n_entries, dtype=retriever.dtype)
    # in slices of whole clauses, so the float64 temporaries and each entry's clause length stay small;
    # each slice's counts are read before its scores are written over them
    cuts = np.unique(np.searchsorted(indptr, np.arange(0, n_entries, SCORE_SLICE), side="right") - 1).tolist() + [n_docs]
    for lo, hi in zip(cuts, cuts[1:]):
        part = slice(int(indptr[lo]), int(indptr[hi]))
        l_d = np.repeat(row_length[lo:hi], sizes[lo:hi])
        tfc = tfc_of(tf_array=tf[part].astype(retriever.dtype), l_d=l_d, l_avg=avg_doc_len, k1=K1, b=B)
        scores[part] = idf[term[part]] * tfc
    del tf
    matrix = sp.csr_matrix((scores, term, indptr), shape=(n_docs, n_vocab))
    del scores, term
    columns = matrix.tocsc()  # each column's documents ascending, as bm25s keeps them
    del matrix
    retriever.scores = {
        "data": columns.data.astype(retriever.dtype, copy=False),
        "indices": columns.indices.astype(retriever.int_dtype, copy=False),
        "indptr": columns.indptr.astype(np.int64, copy=False),  # as scipy's CSC gives it to bm25s
        "num_docs": n_docs,
    }
    vocab[""] = n_vocab  # bm25s's empty token, as ``index`` adds it
    retriever.vocab_dict = vocab
    retriever.nonoccurrence_array = None
    retriever.unique_token_ids_set = set(vocab.values())
    return KeywordIndex(retriever, ids)
