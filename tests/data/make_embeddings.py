"""Write ``tests/data/embeddings-e5.npz``: the e5 passage vectors of the shipped corpus, so
a fresh machine's first test session does not spend ten minutes embedding it.

    python tests/data/make_embeddings.py DATA   # DATA: a data folder after `policykg build` (e5)

Only the vectors of the current build's passages are kept, in float16 (a few MB; the
cosines they give differ from float32's in the fourth decimal). ``tests/conftest.py`` adds
them to the embedding cache before it builds; a passage whose text changed has no vector
here and is embedded as usual, so the fixture can only save time, never change what is
tested. Rerun this after changing what is embedded (``index.search.dense_passages``).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from policykg.corpus.artifacts import load_clauses, load_documents  # noqa: E402
from policykg.index.embed_cache import EmbeddingCache, text_key  # noqa: E402
from policykg.index.encoders import get_encoder  # noqa: E402
from policykg.index.search import dense_passages, searchable  # noqa: E402
from policykg.build import EMBEDDING_CACHE  # noqa: E402
from policykg.datadir import DataDir  # noqa: E402

FIXTURE = HERE / "embeddings-e5.npz"
ENCODER = "e5:multilingual-e5-small"


def main(data: Path) -> None:
    folder = DataDir(data).require_current()
    documents = load_documents(folder)
    keys = sorted({text_key(text) for _, text in dense_passages(searchable(load_clauses(folder), documents), documents)})
    dim = get_encoder("e5", 1).dim
    cache = EmbeddingCache(data / EMBEDDING_CACHE, ENCODER, dim)
    vectors = cache.get(keys)
    missing = sum(v is None for v in vectors)
    if missing:
        raise SystemExit(f"{missing} of {len(keys)} passages have no vector in {data / EMBEDDING_CACHE}: build with e5 first")
    np.savez_compressed(
        FIXTURE, encoder=np.array(ENCODER), keys=np.array([k.encode("ascii") for k in keys], dtype="S64"),
        vectors=np.stack(vectors).astype(np.float16),
    )
    print(f"{FIXTURE}: {len(keys)} vectors, {FIXTURE.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
