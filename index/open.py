"""Open a build's search side: the keyword index, and the dense index with the encoder that
built it (a question must be embedded by the same model as the clauses)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .catalog import Catalog
from .dense import INDEX_DIR, DenseIndex
from .encoders import Encoder, QueryVectors, get_encoder, spec_of
from .search import Searcher, clause_of_unit

# How many units to ask for per clause wanted: a clause may be matched by several of its
# sentences; units come best first, so a clause's first unit is its best.
UNITS_PER_CLAUSE = 8


def open_encoder(folder: Path, threads: int = 1, reuse: Encoder | None = None) -> Encoder | None:
    """The encoder that embedded the build in ``folder`` (None without a dense index):
    ``reuse`` when it is that model, so a server switching builds does not load it twice."""
    if not (folder / INDEX_DIR).exists():
        return None
    name = DenseIndex.read_meta(folder).encoder_name
    if reuse is not None and reuse.name == name:
        return reuse
    return get_encoder(spec_of(name), threads)


def open_searcher(folder: Path, threads: int = 1, catalog: Catalog | None = None, encoder: Encoder | None = None) -> Searcher:
    """A searcher over the build in ``folder`` (reading ``catalog``, its read model, when
    the caller has it loaded); keyword only when the build has no dense index. ``encoder``:
    one already loaded, used if it is the model the build was embedded with."""
    encoder = open_encoder(folder, threads, reuse=encoder)
    if encoder is None:
        return Searcher.open(folder, catalog=catalog)
    index = DenseIndex.load(folder, encoder.name)
    vectors = QueryVectors(encoder)
    # Each FAISS row's clause as a number, computed once: a query then maps its hundreds of
    # units to clauses with numpy rather than a string split per unit.
    clause_ids = list(dict.fromkeys(clause_of_unit(unit) for unit in index.ids))
    ordinal = {clause_id: n for n, clause_id in enumerate(clause_ids)}
    clause_of_row = np.array([ordinal[clause_of_unit(unit)] for unit in index.ids], dtype=np.int64)

    def dense(query: str, k: int) -> list[tuple[str, float]]:
        """Clauses by their best unit (the clause or one of its sentences)."""
        rows, scores = index.search_rows(vectors.vector(query), k * UNITS_PER_CLAUSE)
        clauses = clause_of_row[rows]
        _, first = np.unique(clauses, return_index=True)  # units come best first
        best = np.sort(first)[:k]
        return [(clause_ids[clauses[n]], float(scores[n])) for n in best]

    return Searcher.open(folder, dense=dense, catalog=catalog, encoder=encoder.name)
