"""Open a build's search side: the keyword index, and the dense index with the encoder that
built it (the query must be embedded by the same model)."""
from __future__ import annotations

from pathlib import Path

from .search import Searcher


def open_searcher(folder: Path) -> Searcher:
    return Searcher.open(folder)
