"""HTTP hygiene (issue 12, findings 5 and 9): a body limit that holds for announced and
streamed bodies, security headers on every answer, HEAD wherever GET is, redirects that
never carry the request's Host header, and one status for every refused update."""
from __future__ import annotations

import httpx
import pytest

from policykg.settings import Settings

from conftest import live_server

# The machine may be busy (other builds, the test itself): give every answer time.
http = httpx.Client(timeout=120)

CLAUSE = "d8b79ebff25/3.1.2"


@pytest.fixture(scope="module")
def base(built_data):
    settings = Settings(data=built_data, threads=1, max_body_bytes=10_000, follow_seconds=0)
    with live_server(settings) as url:
        yield url


def test_a_body_over_the_limit_is_refused_before_it_is_read(base):
    announced = http.post(f"{base}/sparql", content=b"x" * 10_001, headers={"Content-Type": "application/sparql-query"})
    assert announced.status_code == 413 and "at most 10000 bytes" in announced.json()["message"]

    def chunks():  # no Content-Length: the limit counts what arrives
        for _ in range(20):
            yield b"y" * 1000

    streamed = http.post(f"{base}/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert streamed.status_code == 413 and "at most 10000 bytes" in streamed.json()["message"]
    small = http.post(f"{base}/sparql", content="ASK { ?s ?p ?o }", headers={"Content-Type": "application/sparql-query"})
    assert small.status_code == 200 and small.json()["boolean"] is True


@pytest.mark.parametrize("path", ["/", "/ui/documents", "/search?q=MPW", "/documents", "/static/style.css", "/openapi.json"])
def test_security_headers_on_pages_json_and_files(base, path):
    headers = http.get(base + path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "style-src 'self'" in policy


def test_errors_carry_the_headers_too(base):
    missing = http.get(f"{base}/clauses/nope/1")
    assert missing.status_code == 404 and missing.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", f"/ui/clauses/{CLAUSE}", "/search?q=MPW", f"/clauses/{CLAUSE}", "/static/style.css"])
def test_head_is_answered_wherever_get_is(base, path):
    get = http.get(base + path)
    head = http.head(base + path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_head_where_there_is_no_get_is_still_refused(base):
    assert http.head(f"{base}/nowhere").status_code == 404


def test_redirects_are_relative_whatever_the_host_header_says(base):
    for path, accept in [(f"/id/clause/{CLAUSE}", "text/html"), (f"/id/clause/{CLAUSE}", "application/json"), ("/ui", "*/*")]:
        answer = http.get(base + path, headers={"Host": "evil.example", "Accept": accept})
        assert answer.status_code in (303, 307)
        assert answer.headers["location"].startswith("/"), answer.headers["location"]
        assert "evil.example" not in answer.headers["location"]


def test_every_refused_update_answers_403(base):
    update = "DELETE WHERE { ?s ?p ?o }"
    answers = [
        http.post(f"{base}/sparql", data={"update": update}),
        http.post(f"{base}/sparql", content=update, headers={"Content-Type": "application/sparql-update"}),
        http.get(f"{base}/sparql", params={"query": update}),
        http.post(f"{base}/sparql", data={"query": update}),
        http.get(f"{base}/ui/sparql", params={"query": update}),
    ]
    assert [a.status_code for a in answers] == [403] * 5
    assert all("read-only" in a.text for a in answers)


def test_head_answers_as_get_on_every_get_route_the_app_has(base):
    """Every GET route of the app, the pages' and the docs' included, read from its routes
    (so a route added later is covered), its path parameters filled with real ids."""
    from policykg.api.app import ROUTERS, create_app

    department = http.get(f"{base}/departments").json()["data"][0]["id"]
    ids = {"clause_id": CLAUSE, "document_id": CLAUSE.split("/")[0], "department_id": department, "path": "style.css"}
    app_routes = create_app(Settings(data="/nonexistent")).routes  # /openapi.json, /docs …; the routers' are theirs
    routes = [r for r in [*app_routes, *(r for router in ROUTERS for r in router.routes)] if "GET" in (getattr(r, "methods", None) or ())]
    assert len(routes) > 20
    for path in [route.path for route in routes] + ["/static/{path}"]:
        template = path
        for name, value in ids.items():
            path = path.replace("{" + name + "}", value).replace("{" + name + ":path}", value)
        assert "{" not in path, f"no id to fill {template} with"
        get = http.get(base + path, headers={"Accept": "application/json"})
        head = http.head(base + path, headers={"Accept": "application/json"})
        assert head.status_code == get.status_code, (path, head.status_code, get.status_code)
        assert head.content == b"", path
        assert head.headers.get("content-type") == get.headers.get("content-type"), path
        assert head.headers.get("location") == get.headers.get("location"), path
