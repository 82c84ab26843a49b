"""The keyword index of a whole build, assembled from the units each file's worker counted
(``index.keyword.FileTerms``) to the scores bm25s computes from the texts.

A generation keeps every file's units in one ``TermTable``, so the next build maps only
the new and changed files into it; what depends on the whole corpus (document frequencies,
average length, the column-ordered score matrix) is then computed with numpy and scipy
over the table's arrays, with no Python loop over clauses or units.

This module is apart from ``index.keyword`` on purpose: the per-file fingerprint covers
what the workers run (``keyword.py``), not this, so a change here does not redo every
file's work."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .keyword import B, K1, FileTerms, KeywordIndex

if TYPE_CHECKING:
    import numpy as np

SCORE_SLICE = 1 << 20  # entries worked on at a time, so temporaries stay small
_ARRAYS = ("bounds", "offsets", "terms", "counts", "lengths")
_STRINGS = "strings.json"


@dataclass
class TermTable:
    """The counted units of many files' clauses in one vocabulary, file after file: file
    ``names[f]`` holds the clauses ``bounds[f]:bounds[f+1]``, clause ``n`` the units
    ``vocab[terms[offsets[n]:offsets[n+1]]]``, each ``counts`` times, ``lengths[n]`` in all."""

    names: list[str]
    bounds: np.ndarray  # int64, len(names) + 1, into ids
    ids: list[str]
    vocab: list[str]  # may hold units no clause holds any more (of files changed or gone)
    offsets: np.ndarray  # int64, len(ids) + 1, into terms
    terms: np.ndarray  # int32, indexes into vocab
    counts: np.ndarray  # int32
    lengths: np.ndarray  # int64

    @classmethod
    def assemble(cls, parts: Iterable[tuple[str, FileTerms | Callable[[], FileTerms]]], previous: TermTable | None = None) -> TermTable:
        """The table of the files ``parts`` names, in order: a file ``previous`` holds is
        taken from it as it is (its name says its content: the build's entry names are
        content hashes); any other file's ``FileTerms`` (loaded only then, when given as a
        callable) is mapped into the vocabulary, its new units appended."""
        import numpy as np

        vocab = list(previous.vocab) if previous is not None else []
        index: dict[str, int] | None = None  # built when the first file must be mapped
        held = {name: f for f, name in enumerate(previous.names)} if previous is not None else {}
        names: list[str] = []
        bounds: list[int] = [0]
        ids: list[str] = []
        sizes, terms, counts, lengths = [], [], [], []
        for name, part in parts:
            f = held.get(name)
            if f is not None and previous is not None:
                lo, hi = int(previous.bounds[f]), int(previous.bounds[f + 1])
                start, end = int(previous.offsets[lo]), int(previous.offsets[hi])
                ids += previous.ids[lo:hi]
                sizes.append(np.diff(previous.offsets[lo : hi + 1]))
                terms.append(previous.terms[start:end])
                counts.append(previous.counts[start:end])
                lengths.append(previous.lengths[lo:hi])
            else:
                units = part if isinstance(part, FileTerms) else part()
                if index is None:
                    index = {word: n for n, word in enumerate(vocab)}
                mapping = np.fromiter((index.setdefault(w, len(index)) for w in units.vocab), dtype=np.int32, count=len(units.vocab))
                ids += units.ids
                sizes.append(np.diff(units.offsets))
                terms.append(mapping[units.terms])
                counts.append(units.counts)
                lengths.append(units.lengths)
            names.append(name)
            bounds.append(len(ids))
        if index is not None:
            vocab = list(index)  # dicts keep insertion order: the old units, then the new
        offsets = np.zeros(len(ids) + 1, dtype=np.int64)
        if sizes:
            np.cumsum(np.concatenate(sizes), out=offsets[1:])

        def joined(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype=dtype)

        return cls(
            names, np.array(bounds, dtype=np.int64), ids, vocab, offsets,
            joined(terms, np.int32), joined(counts, np.int32), joined(lengths, np.int64),
        )  # fmt: skip

    def save(self, folder: Path) -> None:
        """A folder of plain .npy arrays (read back memory-mapped) and one JSON file of the
        strings: no zip to inflate or checksum on either side."""
        import numpy as np

        folder.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))
        strings = {"names": self.names, "ids": self.ids, "vocab": self.vocab}
        (folder / _STRINGS).write_text(json.dumps(strings, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> TermTable:
        import numpy as np

        strings = json.loads((folder / _STRINGS).read_text(encoding="utf-8"))
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
        return cls(names=strings["names"], ids=strings["ids"], vocab=strings["vocab"], **arrays)


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

    ids = list(table.ids) if chosen is None else list(chosen)
    n_docs = len(ids)
    if chosen is None:
        source = np.arange(n_docs, dtype=np.int64)
    else:
        row_of = {clause_id: n for n, clause_id in enumerate(table.ids)}
        missing = sum(1 for i in ids if i not in row_of)
        if missing:
            raise ValueError(f"{missing} of the chosen clauses have no counted units")
        source = np.fromiter((row_of[i] for i in ids), dtype=np.int64, count=n_docs)  # the table's row of each chosen clause
    offsets = np.asarray(table.offsets)
    sizes = offsets[source + 1] - offsets[source]
    row_length = np.asarray(table.lengths)[source]
    # runs of chosen clauses that are consecutive in the table: one slice each
    breaks = np.flatnonzero(np.diff(source) != 1) + 1
    starts = np.concatenate(([0], breaks)).astype(np.int64) if n_docs else np.zeros(0, dtype=np.int64)
    ends = np.concatenate((breaks, [n_docs])).astype(np.int64) if n_docs else np.zeros(0, dtype=np.int64)
    spans = list(zip(offsets[source[starts]].tolist(), offsets[source[ends - 1] + 1].tolist()))

    def gathered(values: np.ndarray, dtype: type) -> np.ndarray:
        return np.concatenate([values[lo:hi] for lo, hi in spans]).astype(dtype, copy=False) if spans else np.zeros(0, dtype=dtype)

    unit = gathered(table.terms, np.int32)
    tf = gathered(table.counts, np.int32)
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
