"""A server keeps serving across rebuilds (issue 12, finding 4): it switches to each new
build once it is complete, no build deletes the generation it serves, and SPARQL answers
through any number of rebuilds and query timeouts."""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import httpx

from corpus.artifacts import load_documents
from policykg.build import build
from policykg.datadir import DataDir
from policykg.settings import Settings

from conftest import live_server, shipped_file

# The machine may be busy (other builds, the test itself): give every answer time.
http = httpx.Client(timeout=120)

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TITLES = "PREFIX dct: <http://purl.org/dc/terms/> PREFIX pk: <https://w3id.org/policykg/ontology#> SELECT ?t WHERE { ?d a pk:Document ; dct:title ?t } ORDER BY ?t"


def _titles(base: str) -> list[str]:
    answer = http.get(f"{base}/sparql", params={"query": TITLES}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text  # never a 5xx, whatever the builds do
    return [b["t"]["value"] for b in answer.json()["results"]["bindings"]]


def _wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the server did not switch to the new build"
        time.sleep(0.2)


def test_the_server_follows_rebuilds_and_keeps_what_it_serves(tmp_path: Path):
    texts = tmp_path / "texts"
    texts.mkdir()
    shutil.copy(shipped_file("003"), texts)
    data = DataDir(tmp_path / "data")
    build(data, [texts], model="none")
    settings = Settings(data=data.root, threads=1, follow_seconds=0.2, sparql_timeout_seconds=2)
    with live_server(settings) as base:
        assert _titles(base) == ["广州人工智能与数字经济试验区产业导则"]
        documents = http.get(f"{base}/documents").json()["count"]

        # Requests keep coming while builds run; none may fail.
        failures: list[str] = []
        stop = threading.Event()

        def load() -> None:
            while not stop.is_set():
                answer = http.get(f"{base}/search", params={"q": "人工智能", "k": 1})
                if answer.status_code != 200:
                    failures.append(answer.text)

        loader = threading.Thread(target=load)
        loader.start()
        try:
            shutil.copy(shipped_file("000"), texts)
            build(data, [texts], model="none")
            _wait_for(lambda: len(_titles(base)) == 2)
            assert http.get(f"{base}/documents").json()["count"] > documents

            # A query is stopped at its limit; the next one runs on the new build.
            stopped = http.get(f"{base}/sparql", params={"query": ENDLESS})
            assert stopped.status_code == 503
            assert len(_titles(base)) == 2

            # Two more builds prune old generations, never the one being served.
            for name in ("001", "002"):
                shutil.copy(shipped_file(name), texts)
                build(data, [texts], model="none")
            newest = {d.title for d in load_documents(data.require_current()) if d.title}
            _wait_for(lambda: set(_titles(base)) == newest)
        finally:
            stop.set()
            loader.join()
        assert failures == []
    # With the server gone, its leases are released: the next build prunes as usual.
    (texts / shipped_file("002").name).unlink()
    build(data, [texts], model="none")
    assert len(data.generations()) == 2
