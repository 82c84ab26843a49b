"""The e5 vectors shipped in tests/data (so a fresh machine's first test session does not
embed the corpus for minutes) must cover every passage the build embeds: a change to what
is embedded, or to the shipped texts, fails here until tests/data/make_embeddings.py is
rerun — the fixture never goes quietly stale."""
from __future__ import annotations

import numpy as np

from policykg.corpus.artifacts import load_clauses, load_documents
from policykg.index.embed_cache import EmbeddingCache, text_key
from policykg.index.search import dense_passages, searchable
from policykg.build import EMBEDDING_CACHE

from conftest import SHIPPED_EMBEDDINGS


def test_the_shipped_vectors_cover_every_passage_of_the_build(generation):
    with np.load(SHIPPED_EMBEDDINGS) as shipped:
        keys = {k.decode("ascii") for k in shipped["keys"]}
        assert shipped["vectors"].dtype == np.float16 and shipped["vectors"].shape == (len(keys), 384)
    documents = load_documents(generation)
    wanted = {text_key(text) for _, text in dense_passages(searchable(load_clauses(generation), documents), documents)}
    assert not wanted - keys, f"{len(wanted - keys)} passages lack a shipped vector: run tests/data/make_embeddings.py"


def test_the_shipped_vectors_are_the_encoders_own(built_data):
    """Rounded to float16, each shipped vector is the one e5 gave (the cache of the test
    build holds e5's own vectors for any passage it embedded; seeded ones match to 1e-3)."""
    with np.load(SHIPPED_EMBEDDINGS) as shipped:
        keys = [k.decode("ascii") for k in shipped["keys"]]
        vectors = shipped["vectors"].astype(np.float32)
    cache = EmbeddingCache(built_data / EMBEDDING_CACHE, "e5:multilingual-e5-small", 384)
    found = cache.get(keys)
    assert all(v is not None for v in found)
    assert np.abs(np.stack(found) - vectors).max() < 1e-3
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-2)
