"""The SPARQL endpoint, tested with real clients (SPARQLWrapper and rdflib's SPARQLStore)
against a live server on loopback, including a query that would run for minutes."""
from __future__ import annotations

import time

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from policykg.api.present import sparql_formats, sparql_refusal
from policykg.kg.endpoint import EndpointError, Formats, Refusal
from policykg.settings import Settings

from conftest import live_server

PREFIXES = "PREFIX pk: <https://w3id.org/policykg/ontology#> PREFIX dct: <http://purl.org/dc/terms/> PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 16k³ rows: minutes


@pytest.fixture(scope="module")
def endpoint(built_data):
    """A live server over the shipped build, with a 3 s query limit; its /sparql URL."""
    settings = Settings(data=built_data, threads=1, sparql_timeout_seconds=3, sparql_max_results=5000)
    with live_server(settings) as base:
        yield f"{base}/sparql"


def test_sparqlwrapper_select_json(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setQuery(PREFIXES + "SELECT ?number WHERE { ?d a pk:Document ; eli:id_local ?number } ORDER BY ?number")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["number"]["value"] for r in rows][:2] == ["穗府〔2018〕7号", "穗府〔2018〕9号"]


def test_sparqlwrapper_post_csv_and_construct_turtle(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setMethod("POST")
    client.setQuery(PREFIXES + "SELECT (COUNT(?c) AS ?n) WHERE { ?c a pk:Clause }")
    client.setReturnFormat(CSV)
    csv = client.query().convert().decode("utf-8").splitlines()
    assert csv[0] == "n" and int(csv[1]) > 400
    client.setQuery(PREFIXES + "CONSTRUCT { ?d dct:title ?t } WHERE { ?d a pk:Document ; dct:title ?t }")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 9


def test_rdflib_sparqlstore_reads_the_endpoint(endpoint):
    store = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = list(store.query(PREFIXES + "SELECT ?t WHERE { <https://w3id.org/policykg/id/doc/db3f060d893> dct:title ?t }"))
    assert [str(r[0]) for r in rows] == ["广州人工智能与数字经济试验区产业导则"]
    assert (URIRef("https://w3id.org/policykg/id/doc/db3f060d893"), None, None) in store


def test_a_query_that_would_run_for_minutes_is_stopped(endpoint):
    started = time.monotonic()
    response = httpx.get(endpoint, params={"query": ENDLESS}, timeout=60)
    assert response.status_code == 503
    assert "stopped" in response.json()["message"]
    assert time.monotonic() - started < 30
    # the endpoint answers the next query (a fresh worker)
    after = httpx.get(endpoint, params={"query": PREFIXES + "ASK { ?c a pk:Clause }"}, headers={"Accept": "application/sparql-results+json"},
                      timeout=120)  # a busy machine may take a while to start the fresh worker
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_updates_too_large_results_and_bad_queries_are_refused(endpoint):
    update = httpx.post(endpoint, data={"update": "DELETE WHERE { ?s ?p ?o }"})
    assert update.status_code == 403
    typed = httpx.post(endpoint, content="DELETE WHERE { ?s ?p ?o }", headers={"Content-Type": "application/sparql-update"})
    assert typed.status_code == 403
    as_query = httpx.get(endpoint, params={"query": "DELETE WHERE { ?s ?p ?o }"})
    assert as_query.status_code == 403 and "read-only" in as_query.json()["message"]  # one status for every refused update
    big = httpx.get(endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert big.status_code == 413
    bad = httpx.get(endpoint, params={"query": "SELEKT nothing"})
    assert bad.status_code == 400
    unacceptable = httpx.get(endpoint, params={"query": PREFIXES + "ASK { ?c a pk:Clause }"}, headers={"Accept": "image/png"})
    assert unacceptable.status_code == 406


# --- content negotiation and refusals, as api.present reads them ------------------------------


@pytest.mark.parametrize(
    ("accept", "table", "graph"),
    [
        (None, "json", "turtle"),
        ("*/*", "json", "turtle"),
        ("text/csv", "csv", None),
        ("application/json", "json", None),  # an alias of SPARQL JSON
        ("text/plain", None, "nt"),  # an alias of N-Triples
        ("text/turtle;q=0.5, text/tab-separated-values", "tsv", "turtle"),
        ("application/ld+json, application/sparql-results+xml;q=0.9", "xml", "json-ld"),
        ("text/*", "json", "turtle"),  # a wildcard takes the default of each form
        ("image/png", None, None),
    ],
)
def test_sparql_formats_by_accept(accept, table, graph):
    assert sparql_formats(accept) == Formats(table=table, graph=graph)


def test_refusals_as_http():
    busy = EndpointError("busy", Refusal.BUSY, retry_after=8)
    unacceptable = EndpointError("cannot write a SELECT result in a format the request accepts", Refusal.NOT_ACCEPTABLE, form="SELECT")
    assert sparql_refusal(busy) == (503, "busy", {"Retry-After": "8"})
    status, message, headers = sparql_refusal(unacceptable)
    assert (status, headers) == (406, {})
    assert message.endswith("use one of application/sparql-results+json, application/sparql-results+xml, text/csv, text/tab-separated-values")
    assert {reason: sparql_refusal(EndpointError("x", reason))[0] for reason in Refusal} == {
        Refusal.BAD_QUERY: 400, Refusal.READ_ONLY: 403, Refusal.NOT_ACCEPTABLE: 406, Refusal.TOO_LARGE: 413,
        Refusal.CLIENT_LIMIT: 429, Refusal.BUSY: 503, Refusal.TIMED_OUT: 503, Refusal.UNAVAILABLE: 503,
    }
