"""Passage embeddings kept between builds, so a rebuild encodes only texts it has not seen.

Embedding is the slow part of a build (e5 manages some tens of passages a second on two
cores), and generations are rebuilt whole; this cache lives outside them, in a folder the
caller gives (e.g. ``<data>/cache/embeddings``), which several encoders may share.

Vectors are keyed by the encoder's name and the sha256 of the exact passage text. Each
encoder has one file in the folder, ``<cache_folder_name(name)>.npz`` (``keys``: hex
digests, ``vectors``: float32 rows, ``encoder``: the name), rewritten whole through a
temporary file and ``os.replace``: a write killed half way leaves the previous file
untouched and a stray temporary file, which is never read and is removed by the next
save. Builds do not run concurrently (the build lock), so one writer is assumed.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .encoders import Encoder

# Texts handed to the encoder at a time: large enough for the engines' batching to pay,
# small enough that a checkpoint is never far away.
BATCH_SIZE = 64
# A first embedding of a large corpus takes many minutes; saving at least this often
# means an interrupted build loses at most this much work.
CHECKPOINT_SECONDS = 60.0


class EmbeddingCacheError(Exception):
    """The cache file cannot be used (unreadable, or written by another encoder)."""


def text_key(text: str) -> str:
    """The cache key of a passage: sha256 of its UTF-8 text, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_folder_name(encoder_name: str) -> str:
    """A file-system-safe file or folder name for an encoder: its name with unsafe
    characters replaced, plus a short hash of the full name so two names never collide.

    >>> cache_folder_name("st:BAAI/bge-small-zh-v1.5")
    'st_BAAI_bge-small-zh-v1.5-1b4e0257'
    """
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", encoder_name).strip("._") or "encoder"
    return f"{safe[:80]}-{hashlib.sha256(encoder_name.encode('utf-8')).hexdigest()[:8]}"


def cache_file_name(encoder_name: str) -> str:
    """The file holding one encoder's vectors in a cache folder."""
    return f"{cache_folder_name(encoder_name)}.npz"


class EmbeddingCache:
    """Vectors of one encoder by text key, loaded from its file in ``folder`` (empty if
    there is none yet). ``add`` collects new vectors in memory; ``save`` writes them out."""

    def __init__(self, folder: Path, encoder_name: str, dim: int) -> None:
        self.folder = Path(folder)
        self.encoder_name = encoder_name
        self.dim = dim
        self._rows: dict[str, int] = {}
        self._blocks: list[np.ndarray] = [np.empty((0, dim), dtype=np.float32)]
        self._size = 0
        self._unsaved = 0
        self._load()

    def __len__(self) -> int:
        return self._size

    @property
    def path(self) -> Path:
        return self.folder / cache_file_name(self.encoder_name)

    @property
    def _temp_prefix(self) -> str:
        return f".{self.path.stem}-"

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            with np.load(self.path, allow_pickle=False) as stored:
                encoder = str(stored["encoder"])
                keys = stored["keys"]
                vectors = stored["vectors"]
        except Exception as problem:  # any unreadable file gets the same clear message
            raise EmbeddingCacheError(
                f"embedding cache {self.path} cannot be read ({problem}); delete it and it will be rebuilt"
            ) from problem
        if encoder != self.encoder_name:
            raise EmbeddingCacheError(f"embedding cache {self.path} holds vectors of {encoder!r}, not {self.encoder_name!r}")
        if vectors.dtype != np.float32 or vectors.ndim != 2 or vectors.shape != (len(keys), self.dim):
            raise EmbeddingCacheError(
                f"embedding cache {self.path} holds {vectors.shape} {vectors.dtype} vectors for {len(keys)} keys, "
                f"expected {self.dim}-d float32; delete it and it will be rebuilt"
            )
        self._rows = {key.decode("ascii"): row for row, key in enumerate(keys)}
        self._blocks = [vectors]
        self._size = len(keys)

    def _matrix(self) -> np.ndarray:
        if len(self._blocks) > 1:
            self._blocks = [np.concatenate(self._blocks)]
        return self._blocks[0]

    def get(self, keys: Sequence[str]) -> list[np.ndarray | None]:
        """The cached vector of each key, or None."""
        matrix = self._matrix()
        return [matrix[self._rows[k]] if k in self._rows else None for k in keys]

    def rows(self, keys: Sequence[str]) -> np.ndarray:
        """The vectors of ``keys`` as one float32 matrix, in their order (one copy, no
        row objects: a corpus has hundreds of thousands). A key not cached is a KeyError."""
        return self._matrix()[np.fromiter((self._rows[k] for k in keys), dtype=np.int64, count=len(keys))]

    def __contains__(self, key: str) -> bool:
        return key in self._rows

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Remember vectors (one row per key) until the next ``save``."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.shape != (len(keys), self.dim):
            raise ValueError(f"expected {len(keys)} vectors of {self.dim} dimensions, got {vectors.shape}")
        fresh = [i for i, key in enumerate(keys) if key not in self._rows]
        for i in fresh:
            self._rows[keys[i]] = self._size
            self._size += 1
        self._blocks.append(vectors[fresh])
        self._unsaved += len(fresh)

    def save(self) -> None:
        """Write the cache atomically (temporary file, fsync, ``os.replace``); a no-op
        when nothing was added."""
        if not self._unsaved:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob(f"{self._temp_prefix}*"):  # left by a killed save
            stale.unlink(missing_ok=True)
        keys = np.array([k.encode("ascii") for k in sorted(self._rows, key=self._rows.__getitem__)], dtype="S64")
        handle, temp = tempfile.mkstemp(prefix=self._temp_prefix, suffix=".npz", dir=self.folder)
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, encoder=np.array(self.encoder_name), keys=keys, vectors=self._matrix())
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        self._unsaved = 0


@dataclass
class Embedded:
    """Passage vectors in input order; ``encoded`` distinct texts were encoded by this
    call, the other ``reused`` texts were in the cache already."""

    vectors: np.ndarray
    reused: int
    encoded: int


def embed_passages(
    encoder: Encoder,
    texts: Sequence[str],
    folder: Path,
    *,
    batch_size: int = BATCH_SIZE,
    checkpoint_seconds: float = CHECKPOINT_SECONDS,
    progress: Callable[[str], None] | None = None,
    advance: Callable[[int, int], None] | None = None,
) -> Embedded:
    """Vectors of ``texts`` as ``encoder.encode_passages`` gives them, encoding only the
    texts whose vectors the cache in ``folder`` does not hold yet, and saving those there.
    ``advance(encoded, to_encode)`` is called after each batch, for progress."""
    cache = EmbeddingCache(folder, encoder.name, encoder.dim)
    keys = [text_key(t) for t in texts]
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts):
        if key not in cache and key not in missing:
            missing[key] = text
    todo = list(missing.items())
    if todo and progress:
        progress(f"embedding {len(todo)} passages with {encoder.name} ({len(cache)} in the cache)")
    last_save = time.monotonic()
    try:
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            vectors = encoder.encode_passages([text for _, text in batch])
            cache.add([key for key, _ in batch], vectors)
            if advance:
                advance(start + len(batch), len(todo))
            if time.monotonic() - last_save >= checkpoint_seconds:
                cache.save()
                last_save = time.monotonic()
    finally:
        cache.save()  # what was encoded before an error or an interrupt is kept
    matrix = cache.rows(keys)  # every key was cached or has just been encoded
    return Embedded(vectors=matrix, reused=sum(1 for k in keys if k not in missing), encoded=len(todo))
