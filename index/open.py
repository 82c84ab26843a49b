"""Open a build's search side: the keyword index, and the dense index with the encoder that
built it (a question must be embedded by the same model as the clauses)."""
from __future__ import annotations

import gc
import json
from zipfile import BadZipFile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from policykg.datadir import DataDirError

from .catalog import Catalog
from .dense import INDEX_DIR, DenseIndex, DenseIndexError
from .encoders import Encoder, QueryVectors, get_encoder, spec_of
from .search import Searcher, clause_of_unit

class BuildFileError(DataDirError):
    """A file of a build cannot be read: truncated or garbled after the build wrote it (a
    disk fault, a hand edit, a copy cut short). Said in one line naming the file, with what
    to do, instead of a parser's traceback. ``path`` is the damaged file, when one is, and
    ``reason`` the parser's word on it."""

    def __init__(self, message: str, path: Path | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason


@contextmanager
def reading_build(folder: Path) -> Iterator[None]:
    """Turn a parser's error while reading the build in ``folder`` into a ``BuildFileError``
    that names the damaged file (found by reading each file of the build again, which
    happens only on this failure path)."""
    try:
        yield
    except (ValueError, EOFError, KeyError, IndexError, BadZipFile, DenseIndexError) as problem:  # JSONDecodeError, UnicodeDecodeError, numpy's short read are ValueErrors; a cut .npz is a BadZipFile
        damaged = damaged_file(folder)
        if damaged is None:  # every file parses: the problem is what they say (e.g. another encoder's index)
            raise BuildFileError(f"cannot open the build in {folder}: {_reason(problem)}") from None
        reason = _reason(problem)
        raise BuildFileError(f"{damaged} is damaged ({reason}); rebuild with `policykg build --force`", damaged, reason) from None


@contextmanager
def collector_paused(collect_after: bool = False) -> Iterator[None]:
    """Python's cyclic garbage collector paused while a build is loaded (where it was
    running). Loading makes millions of objects that live as long as the build is served
    (records, facts, the vocabulary) and next to no garbage, and the collector, run every
    few hundred new objects and in full each time their number grew by a quarter, walked
    them again and again: 3 to 4 s of a server's start-up on the realcorpus (82k clauses).
    ``collect_after``: one collection at the end (0.7 s there), so that a server pays for
    the objects made meanwhile now, not on some request's time; a command that exits
    after one search need not. The pause is the process's: while a server opens a newer
    build, the requests it answers meanwhile leave their garbage cycles to that collection."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            if collect_after:
                gc.collect()
            gc.enable()


def _reason(problem: Exception) -> str:
    text = str(problem).strip().splitlines()[0] if str(problem).strip() else type(problem).__name__
    return text if len(text) <= 200 else text[:200] + "…"


def damaged_file(folder: Path) -> Path | None:
    """The first JSON, JSON-lines or NumPy file of the build in ``folder`` that does not
    parse (None when they all do)."""
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file() or "graph" in path.relative_to(folder).parts:
            continue  # the Oxigraph store checks its own files
        try:
            if path.suffix == ".json":
                json.loads(path.read_text(encoding="utf-8"))
            elif path.suffix == ".jsonl":
                with path.open(encoding="utf-8") as lines:
                    for line in lines:
                        if line.strip():
                            json.loads(line)
            elif path.suffix == ".npy":
                np.load(path, allow_pickle=False)
            elif path.suffix == ".npz":
                with np.load(path, allow_pickle=False) as arrays:
                    for name in arrays.files:
                        arrays[name]
        except (ValueError, OSError, EOFError, KeyError, BadZipFile):
            return path
    return None


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
    one already loaded, used if it is the model the build was embedded with. A damaged
    file of the build is a ``BuildFileError``."""
    with reading_build(folder), collector_paused():
        return _open_searcher(folder, threads, catalog, encoder)


def _open_searcher(folder: Path, threads: int, catalog: Catalog | None, encoder: Encoder | None) -> Searcher:
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

    return Searcher.open(folder, dense=dense, catalog=catalog, encoder=encoder.name, vectors=vectors)
