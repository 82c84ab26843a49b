"""Keyword side of search: BM25 (bm25s) over character units (``corpus.words.char_units``),
saved as plain files in the data folder next to the clause ids it ranks.

A build does not tokenise the corpus again: each input file's worker counts the units of
its clauses once (``FileTerms``, kept with the file's cached work), and the index is
assembled from those counts (``KeywordIndex.from_terms``): only the corpus statistics
(document frequencies, average length) and the score matrix are computed over the whole
corpus, in numpy, to the same scores bm25s computes from the texts."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policykg.corpus.models import Clause
from policykg.corpus.words import char_units

if TYPE_CHECKING:  # bm25s (with scipy) and numpy are imported where an index is built, loaded or searched:
    import bm25s  # the read model (index.catalog) reads only the ids, and must not pay for them
    import numpy as np

INDEX_DIR = "keyword"
# Length normalisation: clauses range from a heading-long item to a page-long one; less
# than bm25s' default 0.75 keeps long, complete clauses from being pushed down (chosen on
# the development queries with split-half checks).
K1 = 1.5
B = 0.5
SCORE_SLICE = 1 << 20  # entries scored at a time when the index is assembled


def searched_text(clause: Clause, title: str | None = None) -> str:
    """What keyword search reads of a clause: its document's title, its heading path, then
    its text. Titles and headings carry the topic an item's own words often leave out
    (人工智能 › 4.鼓励技术应用推广 › …)."""
    return " ".join([title or "", *clause.path, clause.text]).strip()


@dataclass
class FileTerms:
    """The units of one file's clauses, counted: clause ``n`` holds the units
    ``vocab[terms[offsets[n]:offsets[n+1]]]``, each ``counts`` times, ``lengths[n]`` in all."""

    ids: list[str]
    vocab: list[str]
    offsets: np.ndarray  # int64, len(ids) + 1
    terms: np.ndarray  # int32, indexes into vocab
    counts: np.ndarray  # int32
    lengths: np.ndarray  # int64

    @classmethod
    def count(cls, ids: Sequence[str], texts: Iterable[str]) -> FileTerms:
        import numpy as np

        vocab: dict[str, int] = {}
        offsets: list[int] = [0]
        terms: list[int] = []
        counts: list[int] = []
        lengths: list[int] = []
        for text in texts:
            units = Counter(vocab.setdefault(unit, len(vocab)) for unit in char_units(text))
            terms += units.keys()
            counts += units.values()
            offsets.append(len(terms))
            lengths.append(sum(units.values()))
        return cls(
            list(ids), list(vocab), np.array(offsets, dtype=np.int64), np.array(terms, dtype=np.int32),
            np.array(counts, dtype=np.int32), np.array(lengths, dtype=np.int64),
        )  # fmt: skip

    def save(self, path: Path) -> None:
        import numpy as np

        with path.open("wb") as fh:
            np.savez(
                fh, ids=np.array(json.dumps(self.ids, ensure_ascii=False)), vocab=np.array(json.dumps(self.vocab, ensure_ascii=False)),
                offsets=self.offsets, terms=self.terms, counts=self.counts, lengths=self.lengths,
            )  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> FileTerms:
        import numpy as np

        with np.load(path) as data:
            return cls(
                json.loads(str(data["ids"])), json.loads(str(data["vocab"])), data["offsets"], data["terms"], data["counts"], data["lengths"]
            )


@dataclass
class TermTable:
    """The counted units of many files' clauses in one vocabulary, file after file: file
    ``names[f]`` holds the clauses ``bounds[f]:bounds[f+1]``, clause ``n`` the units
    ``vocab[terms[offsets[n]:offsets[n+1]]]``, each ``counts`` times. A generation keeps
    its table, so the next build maps only the units of the files that changed into it
    (new units are appended); merging every file's vocabulary is what a clean build pays."""

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
        callable) is mapped into the vocabulary."""
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
                terms_of = part if isinstance(part, FileTerms) else part()
                if index is None:
                    index = {word: n for n, word in enumerate(vocab)}
                mapping = np.fromiter((index.setdefault(w, len(index)) for w in terms_of.vocab), dtype=np.int32, count=len(terms_of.vocab))
                ids += terms_of.ids
                sizes.append(np.diff(terms_of.offsets))
                terms.append(mapping[terms_of.terms])
                counts.append(terms_of.counts)
                lengths.append(terms_of.lengths)
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

    def save(self, path: Path) -> None:
        """One uncompressed .npz: the arrays as they are, the strings as UTF-8 JSON bytes."""
        import numpy as np

        def text(value: list[str]) -> np.ndarray:
            return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)

        with path.open("wb") as fh:
            np.savez(
                fh, names=text(self.names), ids=text(self.ids), vocab=text(self.vocab), bounds=self.bounds,
                offsets=self.offsets, terms=self.terms, counts=self.counts, lengths=self.lengths,
            )  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> TermTable:
        import numpy as np

        with np.load(path) as data:

            def text(key: str) -> list[str]:
                return json.loads(data[key].tobytes().decode("utf-8"))

            return cls(
                text("names"), data["bounds"], text("ids"), text("vocab"), data["offsets"], data["terms"], data["counts"], data["lengths"]
            )


class KeywordIndex:
    """BM25 over clause texts; the splitter is corpus.words.char_units, for texts and
    queries alike."""

    def __init__(self, retriever: bm25s.BM25, ids: list[str]) -> None:
        self.retriever = retriever
        self.ids = ids

    @classmethod
    def build(cls, ids: list[str], texts: Iterable[str]) -> KeywordIndex:
        """Index ``texts`` (one per id, read once, in order). Each text's units become
        vocabulary ids as it is read: a corpus of millions of characters is never held as
        millions of small strings (bm25s's own tokenizing path holds them all)."""
        import bm25s

        vocab: dict[str, int] = {}
        corpus_ids = [[vocab.setdefault(unit, len(vocab)) for unit in char_units(text)] for text in texts]
        retriever = bm25s.BM25(k1=K1, b=B)
        retriever.index((corpus_ids, vocab), show_progress=False)
        return cls(retriever, ids)

    @classmethod
    def from_terms(cls, parts: Iterable[FileTerms] | TermTable, chosen: Sequence[str] | None = None) -> KeywordIndex:
        """The index ``build`` makes of the same clauses, assembled from their counted units
        (by file, or already in one ``TermTable``): the clauses ``chosen`` names, in that
        order (default: every clause, in order). Same formulas, number types and vocabulary
        order as bm25s, so the scores are the same to the bit."""
        table = parts if isinstance(parts, TermTable) else TermTable.assemble((str(n), part) for n, part in enumerate(parts))
        return cls.from_table(table, chosen)

    @classmethod
    def from_table(cls, table: TermTable, chosen: Sequence[str] | None = None) -> KeywordIndex:
        """``from_terms`` over a ``TermTable``: only numpy over the table's arrays and one
        dict of the chosen clauses' units, so a rebuild that reuses the last table pays
        little more than the score formula."""
        import bm25s
        import numpy as np
        from bm25s.scoring import _select_idf_scorer, _select_tfc_scorer

        if chosen is None:
            ids = list(table.ids)
            places = np.arange(len(ids), dtype=np.int64)
        else:
            ids = list(chosen)
            position = {clause_id: n for n, clause_id in enumerate(ids)}
            places = np.fromiter((position.get(i, -1) for i in table.ids), dtype=np.int64, count=len(table.ids))
        keep = places >= 0
        found = int(keep.sum())
        if found != len(ids):
            raise ValueError(f"{len(ids) - found} of the chosen clauses have no counted units")
        sizes = np.diff(table.offsets)
        kept_entries = np.repeat(keep, sizes)
        doc = np.repeat(places[keep], sizes[keep])
        unit = table.terms[kept_entries]  # the table's unit ids
        tf = table.counts[kept_entries]
        length = np.zeros(len(ids), dtype=np.int64)
        length[places[keep]] = table.lengths[keep]
        # the vocabulary bm25s would make: the units the kept clauses hold, numbered in the
        # order they first occur reading the files in order (the table may also hold units
        # of clauses left out or of files gone)
        first = np.full(len(table.vocab), len(unit), dtype=np.int64)
        np.minimum.at(first, unit, np.arange(len(unit), dtype=np.int64))
        used = np.flatnonzero(first < len(unit))
        used = used[np.argsort(first[used], kind="stable")]
        renumber = np.full(len(table.vocab), -1, dtype=np.int32)
        renumber[used] = np.arange(len(used), dtype=np.int32)
        term = renumber[unit]
        del unit, kept_entries, first
        words = table.vocab
        vocab = {words[u]: n for n, u in enumerate(used.tolist())}
        retriever = bm25s.BM25(k1=K1, b=B)
        n_docs, n_vocab = len(ids), len(vocab)
        avg_doc_len = length.mean() if n_docs else 0.0
        df = np.bincount(term, minlength=n_vocab)
        idf_of = _select_idf_scorer(retriever.idf_method)
        idf_by_df = {int(d): idf_of(int(d), N=n_docs) for d in np.unique(df)}
        idf = np.array([idf_by_df[int(d)] for d in df], dtype=retriever.dtype)
        tfc_of = _select_tfc_scorer(retriever.method)
        # in slices, so the float64 temporaries of the formula stay small
        scores = np.empty(len(term), dtype=retriever.dtype)
        for start in range(0, len(term), SCORE_SLICE):
            part_slice = slice(start, start + SCORE_SLICE)
            tfc = tfc_of(tf_array=tf[part_slice].astype(retriever.dtype), l_d=length[doc[part_slice]], l_avg=avg_doc_len, k1=K1, b=B)
            scores[part_slice] = idf[term[part_slice]] * tfc
        del tf
        order = np.lexsort((doc, term))  # column by column (CSC), documents ascending
        indptr = np.zeros(n_vocab + 1, dtype=np.int64)  # as scipy's CSC gives it to bm25s
        np.cumsum(df, out=indptr[1:])
        retriever.scores = {"data": scores[order], "indices": doc[order].astype(retriever.int_dtype), "indptr": indptr, "num_docs": n_docs}
        vocab[""] = n_vocab  # bm25s's empty token, as ``index`` adds it
        retriever.vocab_dict = vocab
        retriever.nonoccurrence_array = None
        retriever.unique_token_ids_set = set(vocab.values())
        return cls(retriever, ids)

    def save(self, folder: Path) -> None:
        target = folder / INDEX_DIR
        self.retriever.save(str(target))
        (target / "ids.json").write_text(json.dumps(self.ids, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(folder / INDEX_DIR)), cls.read_ids(folder))

    @staticmethod
    def read_ids(folder: Path) -> list[str]:
        """The ids of the clauses the index ranks: the clauses search shows, as the build chose them."""
        return json.loads((folder / INDEX_DIR / "ids.json").read_text(encoding="utf-8"))

    def document_frequency(self, unit: str) -> int:
        """How many clauses hold the unit (a character, a pair, a Latin run): the length
        of its column in the BM25 score matrix; 0 for a unit no clause has."""
        column = self.retriever.vocab_dict.get(unit)
        if column is None:
            return 0
        indptr = self.retriever.scores["indptr"]
        return int(indptr[column + 1] - indptr[column])

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(clause id, score) of the best k clauses with a positive score."""
        words = [w for w in char_units(query) if w in self.retriever.vocab_dict]
        if not words or not self.ids:
            return []
        import numpy as np

        scores = self.retriever.get_scores(words)
        best = np.argsort(-scores, kind="stable")[: min(k, len(self.ids))]
        return [(self.ids[i], float(scores[i])) for i in best if scores[i] > 0]
