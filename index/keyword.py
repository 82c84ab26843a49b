"""Keyword side of search: BM25 (bm25s) over character units (``corpus.words.char_units``),
saved as plain files in the data folder next to the clause ids it ranks.

A build does not tokenise the corpus again: each input file's worker counts the units of
its clauses once (``FileTerms``, kept with the file's cached work), and the index is
assembled from those counts (``KeywordIndex.from_terms``, ``index.assemble``): only the
corpus statistics (document frequencies, average length) and the score matrix are computed
over the whole corpus, in numpy, to the same scores bm25s computes from the texts."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policykg.corpus.models import Clause
from policykg.corpus.words import char_units

if TYPE_CHECKING:  # bm25s (with scipy) and numpy are imported where an index is built, loaded or searched:
    import bm25s  # the read model (index.catalog) reads only the ids, and must not pay for them
    import numpy as np

    from .assemble import TermTable

INDEX_DIR = "keyword"
# Length normalisation: clauses range from a heading-long item to a page-long one; less
# than bm25s' default 0.75 keeps long, complete clauses from being pushed down (chosen on
# the development queries with split-half checks).
K1 = 1.5
B = 0.5


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
        order as bm25s, so the scores are the same to the bit (``index.assemble``)."""
        from .assemble import TermTable, assemble_index

        table = parts if isinstance(parts, TermTable) else TermTable.assemble((str(n), part) for n, part in enumerate(parts))
        return assemble_index(table, chosen)

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
        best = top_k(scores, k)
        return [(self.ids[i], float(scores[i])) for i in best]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indexes of the ``k`` highest positive scores, best first, ties by index: the head
    of a stable sort of every score, without sorting them all (on the realcorpus's 82k
    clauses the full sort cost more than scoring).

    >>> import numpy as np
    >>> top_k(np.array([0.5, 2.0, 0.0, 2.0, 1.0]), 3).tolist()
    [1, 3, 4]
    """
    import numpy as np

    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:
        values = scores[positive]
        kth = np.partition(values, len(values) - k)[len(values) - k]  # the k-th highest score
        above = positive[values > kth]
        tied = positive[values == kth][: k - len(above)]  # the lowest indexes, as a stable sort keeps them
        positive = np.sort(np.concatenate([above, tied]))
    return positive[np.argsort(-scores[positive], kind="stable")]  # in index order before: ties stay by index
