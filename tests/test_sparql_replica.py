"""SPARQL through a store replica: one ``oxigraph serve-read-only`` over a copy of the
shipped build's store, and the API configured to send user queries there
(``POLICYKG_SPARQL_UPSTREAM``) answers exactly as the API running them in its own workers —
same status, media type and bytes — with the same refusals, and passes the W3C protocol tests.
The deployment (``deploy/``) runs several such replicas behind nginx;
``benchmarks/replicas.py`` kills one under load."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from policykg.api import create_app
from policykg.datadir import DataDir
from policykg.kg.store import STORE_DIR
from policykg.settings import Settings

from test_sparql_protocol import BY_KIND, ENDPOINT_PATH, ProtocolTest, check, protocol_data, send


def oxigraph_executable() -> str | None:
    """The ``oxigraph`` CLI (PyPI ``oxigraph``, in the test extra): beside this Python, or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


OXIGRAPH = oxigraph_executable()
pytestmark = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph executable is missing: pip install oxigraph (the test extra has it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def data(built_data, tmp_path_factory) -> Path:
    """A copy of the shipped build with the W3C protocol tests' graphs in its store."""
    return protocol_data(built_data, tmp_path_factory.mktemp("replica-data"))


@pytest.fixture(scope="module")
def replica(data):
    """One read-only Oxigraph server over the build's store on a loopback port; its query URL."""
    assert OXIGRAPH is not None
    port = free_port()
    store = DataDir(data).require_current() / STORE_DIR
    server = subprocess.Popen(
        [OXIGRAPH, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}", "--timeout-s", "10"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=2)
            break
        except httpx.TransportError:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else "oxigraph exited"
            assert time.monotonic() < deadline, "the replica did not start"
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(10)


SETTINGS = dict(threads=1, follow_seconds=0, sparql_workers=1, sparql_max_results=500)


@pytest.fixture(scope="module")
def local(data):
    with TestClient(create_app(Settings(data=data, **SETTINGS))) as client:
        yield client


@pytest.fixture(scope="module")
def remote(data, replica):
    with TestClient(create_app(Settings(data=data, sparql_upstream=replica, **SETTINGS))) as client:
        yield client


PREFIXED = "SELECT ?d ?t ?n WHERE { ?d a pk:Document ; dct:title ?t . OPTIONAL { ?d eli:id_local ?n } } ORDER BY ?d"
CASES = [
    # (method, parameters or body, Accept)
    ("GET", {"query": PREFIXED}, "application/sparql-results+json"),
    ("GET", {"query": PREFIXED}, "application/sparql-results+xml"),
    ("GET", {"query": PREFIXED}, "text/csv"),
    ("GET", {"query": "SELECT (COUNT(?c) AS ?n) (AVG(1.5) AS ?x) WHERE { ?c a pk:Clause }"}, None),
    ("GET", {"query": "ASK { ?c a pk:Clause ; pk:text ?t FILTER(CONTAINS(?t, 'MPW')) }"}, None),
    ("POST", "CONSTRUCT { ?d dct:title ?t } WHERE { ?d a pk:Document ; dct:title ?t }", "text/turtle"),
    ("POST", "DESCRIBE <https://w3id.org/policykg/id/doc/db3f060d893>", "application/n-triples"),
    ("GET", {"query": "SELECT ?l WHERE { ?x skos:prefLabel ?l FILTER(LANG(?l) = 'zh') } ORDER BY ?l LIMIT 20"}, None),
    ("GET", {"query": "SELECT (COUNT(*) AS ?n) FROM <http://kasei.us/2009/09/sparql/data/data1.rdf> WHERE { ?s ?p ?o }"}, None),
    ("GET", {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": "http://kasei.us/2009/09/sparql/data/data2.rdf"}, None),
    ("POST", "CONSTRUCT { <s> <p> 'x'@zh } WHERE {}", "application/n-triples"),
    # refusals: the same status from either
    ("GET", {"query": "SELECT * WHERE { ?s ?p ?o }"}, None),  # over the result limit: 413
    ("GET", {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}, None),  # 400
    ("POST", "INSERT DATA { <http://x/s> <http://x/p> 1 }", None),  # 403
    ("GET", {"query": "SELECT * WHERE { ?s ?p "}, None),  # 400
]


def ask(client: TestClient, method: str, what, accept: str | None):
    headers = {"Accept": accept} if accept else {}
    if method == "GET":
        return client.get(ENDPOINT_PATH, params=what, headers=headers)
    return client.post(ENDPOINT_PATH, content=what.encode("utf-8"), headers={**headers, "Content-Type": "application/sparql-query"})


@pytest.mark.parametrize("method, what, accept", CASES)
def test_the_replica_answers_as_the_api_itself(local, remote, method, what, accept):
    here, there = ask(local, method, what, accept), ask(remote, method, what, accept)
    assert (there.status_code, there.headers["content-type"]) == (here.status_code, here.headers["content-type"])
    if here.status_code == 200:
        if here.headers["content-type"].startswith("application/n-triples"):
            assert sorted(there.text.splitlines()) == sorted(here.text.splitlines()) and here.text
        else:
            assert there.content == here.content and here.content
    else:
        assert there.json()["status"] == here.json()["status"]


def test_refusals_through_the_replica(remote):
    statuses = [ask(remote, m, w, a).status_code for m, w, a in CASES[-4:]]
    assert statuses == [413, 400, 403, 400]


@pytest.mark.parametrize("test", BY_KIND["query"] + BY_KIND["bad_query"] + BY_KIND["bad_update"], ids=lambda t: t.name)
def test_w3c_protocol_through_the_replica(remote, test: ProtocolTest):
    for request in test.requests:
        check(send(remote, request), request)


def test_a_replica_that_is_gone_is_503(data):
    settings = Settings(data=data, sparql_upstream=f"http://127.0.0.1:{free_port()}/query", **SETTINGS)
    with TestClient(create_app(settings)) as client:
        response = client.get(ENDPOINT_PATH, params={"query": "ASK {}"})
    assert response.status_code == 503
    assert "did not answer" in response.json()["message"]
