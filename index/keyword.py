"""Keyword side of search: BM25 (bm25s) over character units (``corpus.words.char_units``),
saved as plain files in the data folder next to the clause ids it ranks."""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from policykg.corpus.words import char_units

if TYPE_CHECKING:  # bm25s (with scipy) and numpy are imported where an index is built, loaded or searched:
    import bm25s  # the read model (index.catalog) reads only the ids, and must not pay for them

INDEX_DIR = "keyword"
# Length normalisation: clauses range from a heading-long item to a page-long one; less
# than bm25s' default 0.75 keeps long, complete clauses from being pushed down (chosen on
# the development queries with split-half checks).
K1 = 1.5
B = 0.5


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
