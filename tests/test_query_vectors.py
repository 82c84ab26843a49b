"""Query vectors for a server: questions asked at the same time go to the encoder in one
batch, recent ones come from a cache, and either way a question gets the vector a fresh
encode gives it (e5, the default encoder, on the shipped corpus's questions)."""
from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from policykg.index.encoders import E5Encoder, QueryVectors, get_encoder
from policykg.index.open import open_searcher

QUESTIONS = [
    "MPW流片费用能补贴多少",
    "集成电路设计企业的流片费用有补贴吗",
    "人工智能企业租办公室有补贴吗",
    "新引进的高端人才有什么奖励",
    "首台套装备推广应用补助比例",
    "市科技局负责哪些工作",
]


@pytest.fixture(scope="module")
def e5() -> E5Encoder:
    encoder = get_encoder("e5", threads=os.cpu_count() or 1)
    assert isinstance(encoder, E5Encoder)
    return encoder


class Gated:
    """The e5 encoder, counting its calls; the first call waits until ``release`` is set,
    so questions asked meanwhile are sure to queue behind it (no timing involved)."""

    def __init__(self, inner: E5Encoder, fail_on: str | None = None) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self.calls: list[list[str]] = []
        self.release = threading.Event()
        self.fail_on = fail_on

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if len(self.calls) == 1:
            assert self.release.wait(60), "the test never released the encoder"
        if self.fail_on in texts:
            raise RuntimeError(f"cannot encode {self.fail_on}")
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_passages(texts)


def _queued(vectors: QueryVectors, count: int) -> None:
    """Wait until ``count`` questions wait for the encoder."""
    for _ in range(6000):
        with vectors._lock:
            if len(vectors._waiting) >= count:
                return
        threading.Event().wait(0.01)
    raise AssertionError(f"{count} questions never queued")


def test_questions_asked_together_are_encoded_in_one_batch_with_the_vectors_of_one_at_a_time(e5):
    alone = {q: e5.encode_queries([q])[0] for q in QUESTIONS}
    gated = Gated(e5)
    vectors = QueryVectors(gated, window_seconds=0)
    with ThreadPoolExecutor(len(QUESTIONS)) as pool:
        first = pool.submit(vectors.vector, QUESTIONS[0])
        while not gated.calls:
            threading.Event().wait(0.01)
        rest = [pool.submit(vectors.vector, q) for q in QUESTIONS[1:]]
        _queued(vectors, len(QUESTIONS) - 1)
        gated.release.set()
        found = {QUESTIONS[0]: first.result(60)} | {q: f.result(60) for q, f in zip(QUESTIONS[1:], rest)}
    assert gated.calls == [QUESTIONS[:1], QUESTIONS[1:]]
    for question in QUESTIONS:
        np.testing.assert_allclose(found[question], alone[question], rtol=0, atol=1e-6)


def test_a_cached_question_is_the_vector_a_fresh_encode_gives_and_costs_no_encoder_call(e5):
    gated = Gated(e5)
    gated.release.set()
    vectors = QueryVectors(gated, size=2, window_seconds=0)
    first = vectors.vector(QUESTIONS[0])
    again = vectors.vector(QUESTIONS[0])
    assert again is first and len(gated.calls) == 1
    np.testing.assert_allclose(again, e5.encode_queries([QUESTIONS[0]])[0], rtol=0, atol=1e-6)
    assert not again.flags.writeable  # shared by every caller: nobody may change it
    vectors.vector(QUESTIONS[1])
    vectors.vector(QUESTIONS[2])  # the cache holds two: the oldest question leaves it
    vectors.vector(QUESTIONS[0])
    assert [call for call in gated.calls] == [[QUESTIONS[0]], [QUESTIONS[1]], [QUESTIONS[2]], [QUESTIONS[0]]]


def test_a_long_question_is_cut_before_it_reaches_the_encoder(e5):
    gated = Gated(e5)
    gated.release.set()
    vectors = QueryVectors(gated, max_chars=20, window_seconds=0)
    long = "集成电路设计企业的流片费用有补贴吗" * 100
    vectors.vector(long)
    assert gated.calls == [[long[:20]]]


def test_the_same_question_asked_at_once_is_encoded_once(e5):
    gated = Gated(e5)
    vectors = QueryVectors(gated, window_seconds=0)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(vectors.vector, QUESTIONS[0])
        while not gated.calls:
            threading.Event().wait(0.01)
        same = [pool.submit(vectors.vector, QUESTIONS[1]) for _ in range(5)]
        _queued(vectors, 1)
        gated.release.set()
        found = [f.result(60) for f in same]
        first.result(60)
    assert gated.calls == [[QUESTIONS[0]], [QUESTIONS[1]]]
    assert all(vector is found[0] for vector in found)


def test_an_encoder_error_reaches_every_question_of_its_batch_and_the_next_question_is_answered(e5):
    gated = Gated(e5, fail_on=QUESTIONS[2])
    vectors = QueryVectors(gated, window_seconds=0)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(vectors.vector, QUESTIONS[0])
        while not gated.calls:
            threading.Event().wait(0.01)
        batch = [pool.submit(vectors.vector, q) for q in QUESTIONS[1:4]]
        _queued(vectors, 3)
        gated.release.set()
        first.result(60)
        for future in batch:
            with pytest.raises(RuntimeError, match="cannot encode"):
                future.result(60)
    np.testing.assert_allclose(vectors.vector(QUESTIONS[1]), e5.encode_queries([QUESTIONS[1]])[0], rtol=0, atol=1e-6)


def test_threads_searching_at_once_get_the_hits_of_searching_one_at_a_time(generation):
    """A handful of threads through one searcher (as the server's thread pool does): each
    question's hits, ranks and answer are those of a search done alone."""
    searcher = open_searcher(generation, threads=os.cpu_count() or 1)
    alone = {q: searcher.search(q, 10).to_dict() for q in QUESTIONS}
    fresh = open_searcher(generation, threads=os.cpu_count() or 1)  # an empty cache: the threads batch
    asked = QUESTIONS * 4
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda q: fresh.search(q, 10).to_dict(), asked))
    for question, result in zip(asked, together):
        assert result == alone[question]
        assert [h["clause_id"] for h in result["hits"]] == [h["clause_id"] for h in alone[question]["hits"]]


def test_a_question_embedded_ahead_is_searched_without_the_encoder_and_answers_as_one_searched_directly(generation):
    """The server embeds a new question in a worker thread (``embed_question``) and then
    searches on its event loop: that search must find the vector at hand (no encoder call,
    which would block the loop) and answer as a search that embedded it itself."""
    searcher = open_searcher(generation, threads=os.cpu_count() or 1)
    direct = open_searcher(generation, threads=os.cpu_count() or 1)
    assert searcher.vectors is not None
    question = "多项目晶圆流片能补贴多少"  # expanded with MPW before it is embedded
    assert searcher.waits_for_encoder(question)
    assert not searcher.waits_for_encoder(question, mode="keyword")
    searcher.embed_question(question)
    assert not searcher.waits_for_encoder(question)
    calls = searcher.vectors.batches
    assert searcher.search(question, 10).to_dict() == direct.search(question, 10).to_dict()
    assert searcher.vectors.batches == calls  # the search itself called no encoder
    assert not searcher.waits_for_encoder("   ")  # a blank question lists by filters: nothing to embed
