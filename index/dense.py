"""Dense side of search: passage vectors in a FAISS index, saved as plain files in the
generation next to the clause ids it ranks, with the name of the encoder that made them.

Vectors have unit length (see ``index.encoders``), so inner product is cosine. Up to
``EXACT_LIMIT`` vectors the index is exact (``Flat``); above it, an HNSW graph.

Why 100,000: exact search reads every vector for every query. Measured on this 2-core
machine with 384-d vectors it costs about 1.6 ms per query at 10k vectors, 9 ms at 50k and
42 ms at 200k, so up to ~100k it stays under ~20 ms, close to the cost of encoding the
query (e5 ~6 ms), and it is exact. HNSW answers in about 1 ms at any of these sizes, but
only approximately (recall@10 ≈ 0.92 at efSearch 256 on 60k clustered synthetic vectors;
real sentence embeddings usually do better), and it takes longer to build and more memory;
that trade is worth it only where exact search becomes slow. ``M=32`` neighbours per node
is FAISS's usual choice for vectors of a few hundred dimensions.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .openmp import openmp_environment

INDEX_DIR = "dense"
EXACT_LIMIT = 100_000
# HNSW: neighbours per node; candidates kept while building and while searching. Higher
# efSearch means better recall and slower queries; 256 measured ~1 ms per query.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 256

_FAISS_FILE = "vectors.faiss"
_IDS_FILE = "ids.json"
_META_FILE = "meta.json"


def _faiss_reason(problem: RuntimeError) -> str:
    """The end of a FAISS error, without its C++ source location:
    "write error in x.faiss: 102355 != 3072000 (No space left on device)"."""
    return str(problem).rsplit("failed: ", 1)[-1].rsplit("Error: ", 1)[-1].strip()


class DenseIndexError(Exception):
    """A dense index cannot be built, loaded or queried as asked (e.g. it was built by
    another encoder than the one given for queries)."""


def _faiss() -> Any:
    with openmp_environment():  # its OpenMP runtime waits without spinning (``index.openmp``)
        import faiss  # imported when an index is built or loaded, not with ``index``

    return faiss


def index_type(count: int) -> str:
    """The FAISS index (factory string) for ``count`` vectors.

    >>> index_type(5_000), index_type(EXACT_LIMIT), index_type(EXACT_LIMIT + 1)
    ('Flat', 'Flat', 'HNSW32')
    """
    return "Flat" if count <= EXACT_LIMIT else f"HNSW{HNSW_M}"


@dataclass(frozen=True)
class DenseMeta:
    """What ``meta.json`` records: who made the vectors and how they are indexed."""

    encoder_name: str
    dim: int
    count: int
    index_type: str


class DenseIndex:
    """Clause vectors in FAISS; ``search`` gives (clause id, cosine) best first."""

    def __init__(self, faiss_index: Any, ids: list[str], meta: DenseMeta) -> None:
        self.faiss_index = faiss_index
        self.ids = ids
        self.meta = meta

    @classmethod
    def build(cls, ids: list[str], vectors: np.ndarray, *, encoder_name: str) -> DenseIndex:
        """Index ``vectors`` (one unit-length row per id) made by the encoder named
        ``encoder_name``."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(ids):
            raise DenseIndexError(f"expected one vector per id ({len(ids)}), got an array of shape {vectors.shape}")
        if len(set(ids)) != len(ids):
            raise DenseIndexError("ids must be unique")
        faiss = _faiss()
        kind = index_type(len(ids))
        dim = vectors.shape[1]
        faiss_index = faiss.index_factory(dim, kind, faiss.METRIC_INNER_PRODUCT)
        if kind.startswith("HNSW"):
            faiss_index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            faiss_index.hnsw.efSearch = HNSW_EF_SEARCH
        if len(vectors):
            faiss_index.add(vectors)
        return cls(faiss_index, list(ids), DenseMeta(encoder_name=encoder_name, dim=dim, count=len(ids), index_type=kind))

    def save(self, folder: Path) -> None:
        """Write ``<folder>/dense/`` (the FAISS file, ids.json, meta.json)."""
        target = Path(folder) / INDEX_DIR
        target.mkdir(parents=True, exist_ok=True)
        # Written through a Python file, not faiss.write_index to a path: FAISS reports a
        # full disk as a C++ assertion, or only on stderr when the error comes at close,
        # and goes on. Streamed in FAISS's pieces rather than serialised whole first: a copy
        # of an index of 170k vectors is 400 MB more at the build's peak.
        faiss = _faiss()
        try:
            with open(target / _FAISS_FILE, "wb") as handle:
                writer = faiss.PyCallbackIOWriter(handle.write)
                faiss.write_index(self.faiss_index, writer)
                del writer  # hands over what it still holds before the file closes
        except OSError as problem:
            raise OSError(problem.errno, f"cannot write {target / _FAISS_FILE}: {problem.strerror}") from None
        (target / _IDS_FILE).write_text(json.dumps(self.ids, ensure_ascii=False), encoding="utf-8")
        (target / _META_FILE).write_text(json.dumps(asdict(self.meta), ensure_ascii=False, indent=1), encoding="utf-8")

    @staticmethod
    def read_meta(folder: Path) -> DenseMeta:
        """Which encoder built the index in ``folder``, without loading it."""
        path = Path(folder) / INDEX_DIR / _META_FILE
        if not path.exists():
            raise DenseIndexError(f"no dense index in {folder}")
        return DenseMeta(**json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def load(cls, folder: Path, encoder_name: str) -> DenseIndex:
        """The index in ``folder``, for queries encoded by the encoder named ``encoder_name``;
        refused if the index was built by another one (its vectors would not compare)."""
        meta = cls.read_meta(folder)
        if meta.encoder_name != encoder_name:
            raise DenseIndexError(
                f"the dense index in {folder} was built with encoder {meta.encoder_name!r}, "
                f"but queries would be encoded with {encoder_name!r}; rebuild with that encoder or query with {meta.encoder_name!r}"
            )
        target = Path(folder) / INDEX_DIR
        try:
            faiss_index = _faiss().read_index(str(target / _FAISS_FILE))
        except RuntimeError as problem:
            raise DenseIndexError(f"the dense index {target / _FAISS_FILE} cannot be read ({_faiss_reason(problem)}); rebuild with `policykg build --force`") from None
        if meta.index_type.startswith("HNSW"):
            faiss_index.hnsw.efSearch = HNSW_EF_SEARCH
        ids = json.loads((target / _IDS_FILE).read_text(encoding="utf-8"))
        if faiss_index.ntotal != len(ids) or faiss_index.d != meta.dim:
            raise DenseIndexError(f"the dense index in {folder} is inconsistent: {faiss_index.ntotal} vectors, {len(ids)} ids")
        return cls(faiss_index, ids, meta)

    def search(self, query_vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """(clause id, cosine) of the ``k`` clauses nearest to ``query_vector``, best first."""
        rows, scores = self.search_rows(query_vector, k)
        return [(self.ids[row], float(score)) for row, score in zip(rows, scores)]

    def search_rows(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows of ``ids`` and cosines of the ``k`` nearest vectors, best first, as arrays."""
        query = np.ascontiguousarray(query_vector, dtype=np.float32).reshape(1, -1)
        if query.shape[1] != self.meta.dim:
            raise DenseIndexError(f"query vector has {query.shape[1]} dimensions, the index {self.meta.dim}")
        k = min(k, len(self.ids))
        if k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        scores, rows = self.faiss_index.search(query, k)
        found = rows[0] >= 0
        return rows[0][found], scores[0][found]
