"""The W3C SPARQL 1.1 Protocol tests (``sparql/sparql11/protocol/manifest.ttl`` of
w3c/rdf-tests, vendored in ``tests/data/w3c-protocol`` with its licence and commit) run
against ``/sparql`` of the app over the shipped build.

Which tests apply to a read-only endpoint:

- the 13 query tests, the 6 dataset tests among them: the endpoint supports the protocol's
  ``default-graph-uri`` / ``named-graph-uri``, so the graphs the tests name (``data1.nt`` …,
  under their labels) are loaded as named graphs into a copy of the build's store;
- the 7 malformed-query tests and the 7 malformed-update tests, which expect a 4xx;
- not the 7 update tests, which expect the update to succeed: here each must be refused
  with 403 (one status for every refused update) and leave the graph as it was.

The requests are sent as the manifest writes them (method, path, headers, body); its
``/sparql/`` path prefix is replaced by ``/sparql``, as the manifest says a runner must."""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from policykg.api import create_app
from policykg.datadir import CURRENT, GENERATIONS, DataDir
from policykg.kg.store import STORE_DIR
from policykg.settings import Settings

W3C = Path(__file__).resolve().parent / "data" / "w3c-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
ENDPOINT_PATH = "/sparql"

RESULT_FORMATS = {
    "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
    "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
    "text/csv": pyoxigraph.QueryResultsFormat.CSV,
    "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
}
RDF_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld"}


@dataclass(frozen=True)
class ProtocolRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]  # "2xx", "3xx", "4xx"
    boolean: bool | None
    format: str | None  # "boolean", "tabular", "RDF"


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    requests: list[ProtocolRequest]
    graphs: dict[str, str] = field(default_factory=dict)  # graph IRI → data file

    @property
    def kind(self) -> str:
        """query, bad_query, update or bad_update, as the manifest names its tests."""
        if self.name.startswith("bad_"):
            return "bad_update" if "update" in self.name else "bad_query"
        return "update" if self.name.startswith("update") else "query"


def _request(manifest: Graph, node) -> ProtocolRequest:
    headers = {}
    for header in Collection(manifest, manifest.value(node, HT.headers)) if manifest.value(node, HT.headers) else []:
        headers[str(manifest.value(header, HT.fieldName))] = str(manifest.value(header, HT.fieldValue))
    body_node = manifest.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(manifest.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(manifest.value(body_node, CNT.chars)).encode(encoding)
    response = manifest.value(node, HT.resp)
    statuses = frozenset(str(s).removeprefix(STATUS) for s in manifest.objects(response, MF.expectedStatus))
    boolean = manifest.value(response, MF.expectedBoolean)
    shape = manifest.value(response, MF.expectedFormat)
    path = str(manifest.value(node, HT.absolutePath))
    assert path.startswith("/sparql/")
    return ProtocolRequest(
        method=str(manifest.value(node, HT.methodName)),
        path=ENDPOINT_PATH + path.removeprefix("/sparql/"),
        headers=headers,
        body=body,
        statuses=statuses,
        boolean=None if boolean is None else bool(boolean.toPython()),
        format=None if shape is None else str(shape),
    )


def load_tests() -> list[ProtocolTest]:
    manifest = Graph().parse(W3C / "manifest.ttl", format="turtle", publicID=(W3C / "manifest.ttl").as_uri())
    root = next(manifest.subjects(RDF.type, MF.Manifest))
    tests = []
    seen = set()
    for test in Collection(manifest, manifest.value(root, MF.entries)):
        name = str(test).rsplit("#", 1)[1]
        if name in seen:  # the manifest lists none twice; keep it so
            continue
        seen.add(name)
        action = manifest.value(test, MF.action)
        requests = [_request(manifest, r) for r in Collection(manifest, manifest.value(action, HT.requests))]
        graphs = {
            str(manifest.value(data, RDFS.label)): Path(str(manifest.value(data, UT.graph)).removeprefix("file://")).name
            for data in manifest.objects(test, UT.graphData)
        }
        tests.append(ProtocolTest(name=name, requests=requests, graphs=graphs))
    return tests


TESTS = load_tests()
BY_KIND = {kind: [t for t in TESTS if t.kind == kind] for kind in ("query", "bad_query", "update", "bad_update")}


def test_the_manifest_has_the_tests_the_issue_names():
    """13 query tests (6 of them on the dataset), 7 malformed queries; 7 updates and 7
    malformed updates, all of them read."""
    assert {kind: len(tests) for kind, tests in BY_KIND.items()} == {"query": 13, "bad_query": 7, "update": 7, "bad_update": 7}
    assert len(TESTS) == 34
    assert sum(1 for t in BY_KIND["query"] if t.graphs) == 6


def protocol_data(built_data: Path, target: Path) -> Path:
    """A data folder holding a copy of the shipped build whose store also holds the graphs
    the protocol tests name (``data1.nt`` … under their IRIs), as named graphs."""
    generation = DataDir(built_data).require_current()
    copy = target / GENERATIONS / generation.name
    shutil.copytree(generation, copy)
    (target / CURRENT).symlink_to(Path(GENERATIONS) / generation.name)
    store = pyoxigraph.Store(str(copy / STORE_DIR))
    for iri, file in {iri: f for t in TESTS for iri, f in t.graphs.items()}.items():
        store.load(path=str(W3C / file), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(iri))
    store.flush()
    del store
    return target


@pytest.fixture(scope="module")
def client(built_data, tmp_path_factory):
    data = protocol_data(built_data, tmp_path_factory.mktemp("protocol-data"))
    with TestClient(create_app(Settings(data=data, threads=1, follow_seconds=0))) as client:
        yield client


def send(client: TestClient, request: ProtocolRequest):
    return client.request(request.method, request.path, content=request.body, headers=request.headers)


def check(response, request: ProtocolRequest) -> None:
    """The response as the manifest expects it: status class, and the results' shape."""
    assert f"{response.status_code // 100}xx" in request.statuses, (response.status_code, response.text[:300])
    if request.format is None:
        return
    media_type = response.headers["content-type"].split(";")[0]
    if request.format in ("boolean", "tabular"):
        assert media_type in RESULT_FORMATS, media_type
        parsed = pyoxigraph.parse_query_results(response.content, RESULT_FORMATS[media_type])
        if request.format == "boolean":
            assert isinstance(parsed, pyoxigraph.QueryBoolean)
            if request.boolean is not None:
                assert bool(parsed) is request.boolean
        else:
            assert isinstance(parsed, pyoxigraph.QuerySolutions)
            assert [str(row[0]) for row in parsed] == ['"1"^^<http://www.w3.org/2001/XMLSchema#integer>']
    else:
        assert media_type in RDF_FORMATS, media_type
        Graph().parse(data=response.content, format=RDF_FORMATS[media_type])


@pytest.mark.parametrize("test", BY_KIND["query"] + BY_KIND["bad_query"] + BY_KIND["bad_update"], ids=lambda t: t.name)
def test_w3c_protocol(client, test: ProtocolTest):
    for request in test.requests:
        check(send(client, request), request)


@pytest.mark.parametrize("test", BY_KIND["update"], ids=lambda t: t.name)
def test_w3c_update_is_refused_and_changes_nothing(client, test: ProtocolTest):
    """The update tests expect an update to succeed; a read-only endpoint refuses it with
    403 and the graph keeps every triple."""
    count = {"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}
    before = client.get(ENDPOINT_PATH, params=count, headers={"Accept": "text/csv"}).text
    update = test.requests[0]
    assert update.method == "POST" and (b"update=" in (update.body or b"") or "sparql-update" in update.headers.get("content-type", ""))
    response = send(client, update)
    assert response.status_code == 403, response.text
    assert "read-only" in response.json()["message"]
    after = client.get(ENDPOINT_PATH, params=count, headers={"Accept": "text/csv"}).text
    assert after == before and int(after.split()[1]) > 10_000


def test_dataset_parameters_choose_the_graphs(client):
    """Beyond the W3C tests' ASKs: the protocol's default graph replaces the built graph, and
    a query's own FROM is read when the request names no dataset."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    csv = {"Accept": "text/csv"}

    def n(params) -> int:
        response = client.get(ENDPOINT_PATH, params=params, headers=csv)
        assert response.status_code == 200, response.text
        return int(response.text.split()[1])

    built = n({"query": count})
    assert built > 10_000
    assert n({"query": count, "default-graph-uri": "http://kasei.us/2009/09/sparql/data/data1.rdf"}) == 1
    assert n({"query": count.replace("WHERE", "FROM <http://kasei.us/2009/09/sparql/data/data2.rdf> WHERE")}) == 1
    both = [("query", count), ("default-graph-uri", "http://kasei.us/2009/09/sparql/data/data1.rdf"),
            ("default-graph-uri", "http://kasei.us/2009/09/sparql/data/data3.rdf")]
    assert n(both) == 2
    bad = client.get(ENDPOINT_PATH, params={"query": count, "default-graph-uri": "not an iri"}, headers=csv)
    assert bad.status_code == 400


def test_relative_iris_resolve_against_the_endpoint(client):
    response = client.post(ENDPOINT_PATH, content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                           headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
    assert response.status_code == 200, response.text
    assert response.text.startswith("<http://testserver/s> <http://testserver/p> ")
