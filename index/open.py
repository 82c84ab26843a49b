"""Open a build's search side: the keyword index, and the dense index with the encoder that
built it (a question must be embedded by the same model as the clauses)."""
from __future__ import annotations

from pathlib import Path

from .catalog import Catalog
from .dense import INDEX_DIR, DenseIndex
from .encoders import get_encoder, spec_of
from .search import Searcher, clause_of_unit

# How many units to ask for per clause wanted: a clause may be matched by several of its
# sentences; units come best first, so a clause's first unit is its best.
UNITS_PER_CLAUSE = 8


def open_searcher(folder: Path, threads: int = 1, catalog: Catalog | None = None) -> Searcher:
    """A searcher over the build in ``folder`` (reading ``catalog``, its read model, when
    the caller has it loaded); keyword only when the build has no dense index."""
    if not (folder / INDEX_DIR).exists():
        return Searcher.open(folder, catalog=catalog)
    meta = DenseIndex.read_meta(folder)
    encoder = get_encoder(spec_of(meta.encoder_name), threads)
    index = DenseIndex.load(folder, encoder.name)

    def dense(query: str, k: int) -> list[tuple[str, float]]:
        """Clauses by their best unit (the clause or one of its sentences)."""
        found = index.search(encoder.encode_queries([query])[0], k * UNITS_PER_CLAUSE)
        best: dict[str, float] = {}
        for unit_id, score in found:
            clause_id = clause_of_unit(unit_id)
            if clause_id not in best:
                best[clause_id] = score
        return list(best.items())[:k]

    return Searcher.open(folder, dense=dense, catalog=catalog, encoder=encoder.name)
