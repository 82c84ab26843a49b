"""Shared fixtures: the shipped corpus built once per session, its exported records, and
helpers to find a clause by its words and to run the CLI in-process.

The shipped build costs a few seconds, so it happens once (``built_data``); tests that
need a build of their own copy one small file into a temporary folder instead.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
import uvicorn
from typer.testing import CliRunner, Result

from corpus.artifacts import load_clauses, load_documents
from corpus.convert import normalize
from corpus.ingest import SHIPPED_TEXTS
from corpus.models import Clause, Document
from kg.records import ClauseRecord, as_json
from policykg.build import EMBEDDING_CACHE, build
from policykg.cli import app
from policykg.datadir import DataDir
from policykg.settings import Settings

C = TypeVar("C", dict, ClauseRecord)
_WHITE_SPACE = re.compile(r"\s+")
_PANEL_BORDER = re.compile(r"[│]")


def shipped_file(prefix: str) -> Path:
    """The shipped text whose name starts with ``prefix`` ("000" … "004")."""
    (path,) = SHIPPED_TEXTS.glob(f"{prefix}_*.txt")
    return path


def squeeze(text: str) -> str:
    """Text without any white space, for comparing PDF-wrapped text."""
    return _WHITE_SPACE.sub("", text)


def clause_containing(clauses: Sequence[C], snippet: str) -> C:
    """The shortest clause (an exported dict or a ``ClauseRecord``) whose text contains
    ``snippet``, both compared normalised and without white space (as the evaluators match
    answers).

    Fails the test, naming the snippet, when no clause contains it."""
    wanted = squeeze(normalize(snippet))
    found = [c for c in clauses if wanted in squeeze(_text(c))]
    if not found:
        pytest.fail(f"no clause contains {snippet!r}")
    return min(found, key=lambda c: len(_text(c)))


def _text(clause: dict | ClauseRecord) -> str:
    return clause["text"] if isinstance(clause, dict) else clause.text


def run_cli(args: Sequence[str], data: Path | None = None, env: Mapping[str, str | None] | None = None) -> Result:
    """Run ``policykg [--data DATA] ARGS`` in-process and return its result
    (``exit_code``, ``stdout``, ``stderr``)."""
    prefix = ["--data", str(data)] if data is not None else []
    return CliRunner(env=dict(env or {})).invoke(app, [*prefix, *args])


def says(output: str, message: str) -> bool:
    """Whether console output contains ``message``, however rich wrapped its lines
    (inside help panels too, whose borders are dropped)."""
    return squeeze(message) in _PANEL_BORDER.sub("", squeeze(output))


@contextmanager
def live_server(settings: Settings) -> Iterator[str]:
    """``policykg serve``'s app over ``settings``, run by uvicorn in a thread on a free
    loopback port; yields its base URL (http://127.0.0.1:PORT) once it answers."""
    from api.app import create_app  # the API is the last stage; most tests never start it

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


# Passage vectors of the shipped corpus outlive a test session here, so only the first
# session on a machine pays for embedding it (minutes with e5 on two cores). A vector is
# keyed by its passage's text, so a changed clause is embedded again and nothing stale is used.
TEST_EMBEDDINGS = Path(os.environ.get("POLICYKG_TEST_EMBEDDINGS", Path.home() / ".cache" / "policykg-tests" / "embeddings"))


def _copy_files(source: Path, target: Path) -> None:
    if source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        for path in source.glob("*.npz"):
            shutil.copyfile(path, target / f".{path.name}.part")
            os.replace(target / f".{path.name}.part", target / path.name)


# The shipped corpus's e5 vectors, in the repository (float16, ~1 MB): a fresh machine's
# first session adds them to the cache instead of embedding for minutes. Passages whose
# text changed since (tests/data/make_embeddings.py writes the file) are embedded as usual.
SHIPPED_EMBEDDINGS = Path(__file__).resolve().parent / "data" / "embeddings-e5.npz"


def _seed_embeddings(folder: Path) -> None:
    """Add the shipped vectors the cache in ``folder`` lacks (a vector it has stays)."""
    import numpy as np

    from index.embed_cache import EmbeddingCache

    if not SHIPPED_EMBEDDINGS.exists():
        return
    with np.load(SHIPPED_EMBEDDINGS) as shipped:
        encoder, keys, vectors = str(shipped["encoder"]), shipped["keys"], shipped["vectors"].astype(np.float32)
    cache = EmbeddingCache(folder, encoder, vectors.shape[1])
    cache.add([k.decode("ascii") for k in keys], vectors)
    cache.save()


@pytest.fixture(scope="session")
def built_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Root of a data folder holding a build of the shipped corpus (built once)."""
    root = tmp_path_factory.mktemp("shipped-data")
    _copy_files(TEST_EMBEDDINGS, root / EMBEDDING_CACHE)
    _seed_embeddings(root / EMBEDDING_CACHE)
    build(DataDir(root), [SHIPPED_TEXTS], model="e5", threads=os.cpu_count() or 1)
    _copy_files(root / EMBEDDING_CACHE, TEST_EMBEDDINGS)
    return root


@pytest.fixture(scope="session")
def generation(built_data: Path) -> Path:
    """The shipped build's current generation folder."""
    return DataDir(built_data).require_current()


@pytest.fixture(scope="session")
def corpus_documents(generation: Path) -> list[Document]:
    return load_documents(generation)


@pytest.fixture(scope="session")
def corpus_clauses(generation: Path) -> list[Clause]:
    """The shipped build's clauses as ``Clause`` objects (with ``order``)."""
    return load_clauses(generation)


@pytest.fixture(scope="session")
def documents(corpus_documents: list[Document]) -> list[dict]:
    """What ``policykg export documents`` prints, one dict per document."""
    return [d.to_dict() for d in corpus_documents]


@pytest.fixture(scope="session")
def clauses(corpus_clauses: list[Clause], corpus_documents: list[Document]) -> list[dict]:
    """What ``policykg export clauses --json`` prints, one dict per clause."""
    by_id = {d.id: d for d in corpus_documents}
    return [as_json(ClauseRecord.of(c, by_id[c.document])) for c in corpus_clauses]
