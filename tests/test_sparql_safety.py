"""The SPARQL endpoint under abuse (issue 12): no outbound calls through SERVICE on any
route, a bounded pool of workers that refuses what it cannot take, per-client limits,
workers that end themselves, and query-length limits."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import psutil
import pytest

from policykg.api.present import sparql_formats, sparql_refusal
from policykg.kg.endpoint import EndpointError, Formats, Limits, Refusal, SparqlPool, _Worker
from policykg.kg.federation import ServiceRefused, check_services, services
from policykg.kg.sources import Dataset
from policykg.settings import Settings

from conftest import live_server, run_cli

# The machine may be busy (other builds, the test itself): give every answer time.
http = httpx.Client(timeout=120)

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # minutes
ASK = "ASK { ?c a pk:Clause }"
JSON_RESULTS = "application/sparql-results+json"


# --- finding 1: SERVICE ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }", ["<http://127.0.0.1:9/x>"]),
        ("select * where { service silent <http://10.0.0.1/> { ?s ?p ?o } }", ["<http://10.0.0.1/>"]),
        ("SELECT * { ?s ?p 1.SERVICE<http://x/>{} }", ["<http://x/>"]),  # no space needed around it
        ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", ["?endpoint"]),
        ("SELECT * { SERVICE ex:endpoint { ?s ?p ?o } }", ["ex:endpoint"]),
        (r"SELECT * { \u0053ERVICE <http://e/> { } }", ["<http://e/>"]),  # read as SERVICE by SPARQL
        ("SELECT * { SERVICE # a comment\n <http://c/> { } }", ["<http://c/>"]),
        # not calls: a variable, prefixed names, strings, an IRI and a comment that say SERVICE
        ("SELECT ?service WHERE { ?service ex:SERVICE 'SERVICE <http://a/> {}' }", []),
        ('SELECT * { ?s ?p """SERVICE <http://b/> { }""" . ?s <http://x/SERVICE> ?o } # SERVICE <http://c/> {}', []),
        ("SELECT * { ?s SERVICE:x ?o }", []),
    ],
)
def test_service_calls_are_found_however_written(query, named):
    assert list(services(query)) == named


def test_only_allowed_services_pass():
    query = "SELECT * { SERVICE <https://query.example.org/sparql> { ?s ?p ?o } }"
    with pytest.raises(ServiceRefused, match="no outbound calls"):
        check_services(query, allowed=())
    check_services(query, allowed=("https://query.example.org/sparql",))
    with pytest.raises(ServiceRefused, match="not among the allowed"):
        check_services(query.replace("query.example", "other.example"), allowed=("https://query.example.org/sparql",))
    with pytest.raises(ServiceRefused, match="full IRI"):
        check_services("SELECT * { SERVICE ?s { } }", allowed=("https://query.example.org/sparql",))


class _Recorder(BaseHTTPRequestHandler):
    """A SPARQL endpoint on loopback that counts the requests it gets."""

    hits: list[str] = []

    def do_POST(self) -> None:  # noqa: N802
        _Recorder.hits.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "federated"}}]}})
        self.send_response(200)
        self.send_header("Content-Type", JSON_RESULTS)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def outside():
    """The URL of a loopback HTTP server that records every request made to it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()


def test_service_is_refused_on_every_route_and_nothing_is_called(built_data, outside):
    _Recorder.hits.clear()
    query = f"SELECT ?x WHERE {{ SERVICE <{outside}> {{ ?x ?p ?o }} }}"
    settings = Settings(data=built_data, threads=1, sparql_timeout_seconds=5, follow_seconds=0)
    with live_server(settings) as base:
        answers = [
            http.get(f"{base}/sparql", params={"query": query}),
            http.post(f"{base}/sparql", data={"query": query}),
            http.post(f"{base}/sparql", content=query, headers={"Content-Type": "application/sparql-query"}),
        ]
        page = http.get(f"{base}/ui/sparql", params={"query": query})
    assert [a.status_code for a in answers] == [400, 400, 400]
    assert all("SERVICE is refused" in a.json()["message"] for a in answers)
    assert page.status_code == 400 and "SERVICE is refused" in page.text
    cli = run_cli(["sparql", query], data=built_data)
    assert cli.exit_code == 2 and "SERVICE is refused" in cli.stderr
    assert _Recorder.hits == []  # the server never called out


def test_an_allowed_service_is_called(built_data, outside):
    _Recorder.hits.clear()
    settings = Settings(data=built_data, threads=1, sparql_allowed_services=[outside], follow_seconds=0)
    with live_server(settings) as base:
        answer = http.get(f"{base}/sparql", params={"query": f"SELECT ?x WHERE {{ SERVICE <{outside}> {{ ?x ?p ?o }} }}"})
    assert answer.status_code == 200
    assert [b["x"]["value"] for b in answer.json()["results"]["bindings"]] == ["federated"]
    assert _Recorder.hits == ["/sparql"]


# --- finding 2: isolation -------------------------------------------------------------------

def _pool(generation: Path, **limits) -> SparqlPool:
    return SparqlPool(Limits(**{"timeout_seconds": 3, "max_results": 100, **limits}))


def test_a_full_pool_refuses_at_once_with_retry_after(generation):
    async def scenario() -> list:
        pool = _pool(generation, workers=1, queue=1, per_client=5)
        try:
            running = [asyncio.ensure_future(pool.run(generation, ENDLESS, Formats(), f"client{n}")) for n in range(2)]
            await asyncio.sleep(0)  # both admitted: one runs, one waits
            with pytest.raises(EndpointError) as refused:
                await pool.run(generation, "PREFIX pk: <https://w3id.org/policykg/ontology#> " + ASK, sparql_formats(JSON_RESULTS), "client9")
            outcomes = await asyncio.gather(*running, return_exceptions=True)
            after = await pool.run(generation, "PREFIX pk: <https://w3id.org/policykg/ontology#> " + ASK, sparql_formats(JSON_RESULTS), "client9")
            return [refused.value, outcomes, after]
        finally:
            pool.close()

    refused, outcomes, after = asyncio.run(scenario())
    assert refused.reason == Refusal.BUSY and refused.retry_after == 3
    assert sparql_refusal(refused)[0::2] == (503, {"Retry-After": "3"})
    assert [o.reason for o in outcomes] == [Refusal.TIMED_OUT] * 2  # both stopped at the time limit
    assert [sparql_refusal(o)[0] for o in outcomes] == [503, 503]
    assert json.loads(after.body)["boolean"] is True  # and the pool serves again


# Every row of a cross product kept for its sort: 2.2 GB in a worker's first 10 s.
HUNGRY = "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY STR(?c) STR(?f) LIMIT 1"


def test_a_query_past_the_memory_bound_ends_its_worker_with_503(generation):
    async def scenario() -> tuple[EndpointError, float, object]:
        pool = _pool(generation, timeout_seconds=300, workers=1, max_memory_mb=300)
        try:
            started = time.monotonic()
            with pytest.raises(EndpointError) as refused:
                await pool.run(generation, HUNGRY, Formats(), "me")
            seconds = time.monotonic() - started
            after = await pool.run(generation, "PREFIX pk: <https://w3id.org/policykg/ontology#> " + ASK, sparql_formats(JSON_RESULTS), "me")
            return refused.value, seconds, after
        finally:
            pool.close()

    refused, seconds, after = asyncio.run(scenario())
    assert refused.reason == Refusal.UNAVAILABLE and sparql_refusal(refused)[0] == 503, refused
    assert seconds < 300  # the memory bound ended it, not the time limit
    assert json.loads(after.body)["boolean"] is True  # a new worker serves the next query


def test_one_client_cannot_take_every_place(generation):
    async def scenario() -> EndpointError:
        pool = _pool(generation, workers=2, queue=4, per_client=1)
        try:
            first = asyncio.ensure_future(pool.run(generation, ENDLESS, Formats(), "10.0.0.1"))
            await asyncio.sleep(0)
            with pytest.raises(EndpointError) as refused:
                await pool.run(generation, ENDLESS, Formats(), "10.0.0.1")
            await asyncio.gather(first, return_exceptions=True)
            return refused.value
        finally:
            pool.close()

    refused = asyncio.run(scenario())
    assert refused.reason == Refusal.CLIENT_LIMIT
    assert sparql_refusal(refused)[0::2] == (429, {"Retry-After": "3"})


def test_search_and_pages_answer_while_sparql_is_saturated(built_data):
    settings = Settings(data=built_data, threads=1, sparql_timeout_seconds=8, sparql_workers=1, sparql_queue=2, follow_seconds=0)
    with live_server(settings) as base:
        finished: list[str] = []

        def sparql() -> None:
            http.get(f"{base}/sparql", params={"query": ENDLESS})
            finished.append("sparql")

        threads = [threading.Thread(target=sparql) for _ in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        refused = http.get(f"{base}/sparql", params={"query": ENDLESS})
        search = http.get(f"{base}/search", params={"q": "MPW流片费用能补贴多少", "k": 1})
        page = http.get(f"{base}/ui/documents")
        answered_while_busy = not finished
        for thread in threads:
            thread.join()
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "8"
    assert search.status_code == 200 and search.json()["hits"][0]["awards"]
    assert page.status_code == 200 and "广州人工智能与数字经济试验区产业导则" in page.text
    assert answered_while_busy


def test_a_worker_ends_itself_after_its_deadline(generation):
    worker = _Worker()
    worker.start()
    try:
        assert worker.conn is not None and worker.process is not None
        # Sent straight to the worker, so no server is there to stop it: its own alarm must.
        worker.conn.send((str(generation), ENDLESS, Formats(), 10, [], 1.0, Dataset(), None))
        worker.process.join(30)
        assert worker.process.exitcode == -signal.SIGALRM
    finally:
        worker.stop()


SERVER_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from policykg.kg.endpoint import Formats, Limits, SparqlPool

    async def main():
        pool = SparqlPool(Limits(timeout_seconds=600, workers=1))
        job = asyncio.ensure_future(pool.run(Path(sys.argv[1]), sys.argv[2], Formats(), "me"))
        while not pool._threads._threads:
            await asyncio.sleep(0.05)
        await asyncio.sleep(3)
        print("running", flush=True)
        await job

    asyncio.run(main())
    """
)


def test_no_worker_outlives_a_killed_server(generation):
    server = subprocess.Popen([sys.executable, "-c", SERVER_SCRIPT, str(generation), ENDLESS], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "running"
        workers = _children(server.pid)
        assert workers, "the pool started no worker"
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        deadline = time.monotonic() + 20
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(pid) for pid in workers)
    finally:
        server.kill()


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid``."""
    return [c.pid for c in psutil.Process(pid).children()]


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# --- finding 3: lengths ---------------------------------------------------------------------

def test_long_queries_are_refused_with_their_limit(built_data):
    settings = Settings(data=built_data, threads=1, max_q_chars=50, sparql_max_query_chars=200, follow_seconds=0)
    with live_server(settings) as base:
        long_q = http.get(f"{base}/search", params={"q": "补贴" * 26})
        fine_q = http.get(f"{base}/search", params={"q": "补贴" * 25, "k": 1})
        page_q = http.get(f"{base}/", params={"q": "补贴" * 26})
        long_sparql = http.get(f"{base}/sparql", params={"query": "ASK {}" + " " * 200})
    assert long_q.status_code == 422 and "at most 50" in long_q.json()["message"]
    assert fine_q.status_code == 200
    assert page_q.status_code == 422 and "最多 50 个字" in page_q.text
    assert long_sparql.status_code == 413 and "at most 200" in long_sparql.json()["message"]
