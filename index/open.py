"""Open a build's search side: the keyword index, and the dense index with the encoder that
built it (a question must be embedded by the same model as the clauses)."""
from __future__ import annotations

from pathlib import Path

from .dense import INDEX_DIR, DenseIndex
from .encoders import get_encoder, spec_of
from .search import Searcher


def open_searcher(folder: Path, threads: int = 1) -> Searcher:
    """A searcher over the build in ``folder``; keyword only when it has no dense index."""
    if not (folder / INDEX_DIR).exists():
        return Searcher.open(folder)
    meta = DenseIndex.read_meta(folder)
    encoder = get_encoder(spec_of(meta.encoder_name), threads)
    index = DenseIndex.load(folder, encoder.name)

    def dense(query: str, k: int) -> list[tuple[str, float]]:
        return index.search(encoder.encode_queries([query])[0], k)

    return Searcher.open(folder, dense=dense)
