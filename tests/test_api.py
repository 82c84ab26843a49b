"""The HTTP API over the shipped build: every route answers with the facts of the corpus,
errors are JSON envelopes, and clauses and documents negotiate RDF."""
from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import get_args

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF

from policykg.api import create_app
from policykg.api.deps import get_searcher
from policykg.api.schemas import Mode, Role
from policykg.index.search import MODES, Searcher
from policykg.kg.iris import clause_iri, document_iri
from policykg.kg.namespace import PK
from policykg.kg.vocabulary import ROLES
from policykg.datadir import NoBuild
from policykg.settings import Settings

from conftest import run_cli, says

MPW = "d8b79ebff25/3.1.2"  # 2.扶持集成电路产业发展 … MPW直接费用的80%给予补贴 … 最高补贴600万元
IAB = "d8b79ebff25"  # 黄埔区广州开发区促进IAB主导产业发展实施意见
COMMISSION = "guangzhou/gongxin-wei"  # 广州市工业和信息化委员会 (2018)
BUREAU = "guangzhou/gongxin-ju"  # 广州市工业和信息化局, its successor (2019)


@pytest.fixture(scope="module")
def client(built_data):
    with TestClient(create_app(Settings(data=built_data))) as client:
        yield client


# --- search -----------------------------------------------------------------------------


def test_search_finds_the_mpw_subsidy_first(client):
    body = client.get("/search", params={"q": "MPW流片费用能补贴多少"}).json()
    first = body["hits"][0]
    assert (first["clause_id"], first["rank"]) == (MPW, 1)
    mpw = [a for a in first["awards"] if a["base"] == "企业研发多项目晶圆（MPW）直接费用"]
    assert [(a["kind"], a["rate"], a["cap_yuan"], a["per"]) for a in mpw] == [("subsidy", 0.8, 6_000_000, "每家企业每年")]
    assert first["document"]["title"] == "黄埔区广州开发区促进IAB主导产业发展实施意见"
    assert body["mode"] == "hybrid" and len(body["hits"]) == 10


def test_search_estimates_the_amount_a_question_states(client):
    body = client.get("/search", params={"q": "MPW花了500万能补多少", "k": 1}).json()
    assert body["stated_amount_yuan"] == 5_000_000
    (hit,) = body["hits"]
    assert hit["clause_id"] == MPW
    (found,) = hit["estimates"]
    assert (found["award"], found["value_yuan"], found["capped"]) == (2, 4_000_000, False)  # 500万 × 80%
    assert found["rule"].startswith("500万元 × 80% = 400万元")


def test_search_answers_as_the_cli_prints(client, built_data):
    query = "MPW花了500万能补多少"
    printed = run_cli(["search", query, "--k", "5", "--json"], data=built_data)
    assert printed.exit_code == 0, printed.stderr
    assert client.get("/search", params={"q": query, "k": 5}).json() == json.loads(printed.stdout)


def test_search_filters_as_the_cli_does(client):
    params = {"q": "租办公室有补贴吗", "department": "市科技局", "in_force": "true", "on": "2024-06-01", "min_cap": "100万", "mode": "keyword"}
    body = client.get("/search", params=params).json()
    assert body["mode"] == "keyword"
    assert [h["clause_id"] for h in body["hits"]][:2] == ["db227312ece/2.1.1", "db227312ece/2.2.5"]
    for hit in body["hits"]:
        assert any(a["cap_yuan"] is not None and a["cap_yuan"] >= 1_000_000 for a in hit["awards"]), hit["clause_id"]
        assert "市科技局" in [label for d in hit["departments"] for label in d["labels"]], hit["clause_id"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "补贴", "k": 51}, "k: Input should be less than or equal to 50"),
        ({"q": "补贴", "k": 0}, "k: Input should be greater than or equal to 1"),
        ({"q": "补贴", "mode": "fast"}, "mode: Input should be 'hybrid', 'keyword' or 'dense'"),
        ({}, "q: Field required"),
        ({"q": "补贴", "min_cap": "很多"}, "min_cap: not an amount of money: '很多' (for example 1000万, 1000万元, 5亿 or 10000000)"),
        ({"q": "补贴", "role": "lead"}, "role: a role applies to a department; give department too"),
        ({"q": "补贴", "on": "2.220446049250313e-16"}, "on: String should match pattern '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'"),  # not a Unix time
        ({"q": "补贴", "on": "2024-02-30"}, "on: '2024-02-30' is not a day of the calendar (YYYY-MM-DD)"),
        ({"q": "补贴", "award_kind": "gift"}, "award_kind: expected one of subsidy, reward, interest_subsidy, equity_investment, matching_fund, funding, other, got 'gift'"),
    ],
)
def test_bad_search_parameters_are_422_with_the_reason(client, params, message):
    response = client.get("/search", params=params)
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert response.json()["status"] == 422


def test_the_searcher_is_a_dependency_tests_can_swap(built_data, generation):
    app = create_app(Settings(data=built_data))
    keyword_only = Searcher.open(generation)  # a build without the dense side
    app.dependency_overrides[get_searcher] = lambda: keyword_only
    with TestClient(app) as client:
        response = client.get("/search", params={"q": "MPW流片费用能补贴多少", "mode": "dense"})
        assert (response.status_code, response.json()["message"]) == (
            422, "this build has no dense index: rebuild with an encoder, or use --mode keyword"
        )
        body = client.get("/search", params={"q": "MPW流片费用能补贴多少"}).json()
        assert (body["mode"], body["hits"][0]["clause_id"]) == ("keyword", MPW)


# --- clauses ----------------------------------------------------------------------------


def test_a_clause_with_its_facts_and_neighbours(client):
    body = client.get(f"/clauses/{MPW}").json()
    assert body["neighbours"] == {"previous": "d8b79ebff25/3.1.1", "next": "d8b79ebff25/3.1.3"}
    assert body["path"] == ["三、政策支持", "（一）I（新一代信息技术产业）8项政策", "2.扶持集成电路产业发展"]
    assert body["text"].startswith("2.扶持集成电路产业发展。") and body["text"].endswith("每家企业每年累计最高补贴600万元。")
    assert body["text_original"].startswith("2. 扶持集成电路产业发展。")
    assert body["source"]["file"] == "000_黄埔区广州开发区促进IAB主导产业发展实施意见"
    assert (body["source"]["start"], body["source"]["end"]) == (4021, 4351)
    assert body["document"]["id"] == IAB
    assert [a["cap_yuan"] for a in body["awards"]] == [3_000_000, 50_000_000, 6_000_000, 6_000_000, 6_000_000]
    assert body["segments"] == [f"{MPW}/s1", f"{MPW}/s2", f"{MPW}/s3"]


def test_a_segment_points_to_its_clause_and_sibling_segments(client):
    body = client.get(f"/clauses/{MPW}/s2").json()
    assert (body["kind"], body["parent"]) == ("segment", MPW)
    assert body["neighbours"] == {"previous": f"{MPW}/s1", "next": f"{MPW}/s3"}
    assert body["text"].startswith("对当年主营业务收入达到1亿元")


def test_the_first_clause_of_a_document_has_no_previous(client):
    first = client.get(f"/documents/{IAB}").json()["clause_ids"][0]
    assert client.get(f"/clauses/{first}").json()["neighbours"] == {"previous": None, "next": "d8b79ebff25/1.p"}


def test_an_unknown_clause_is_404_json(client):
    response = client.get("/clauses/d8b79ebff25/9.9.9")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "message": "no clause with id 'd8b79ebff25/9.9.9'", "errors": []}


def test_a_clause_as_turtle(client):
    response = client.get(f"/clauses/{MPW}", headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.headers["vary"] == "Accept"
    graph = Graph().parse(data=response.text, format="turtle")
    clause = clause_iri(MPW)
    assert (clause, RDF.type, PK.Clause) in graph
    assert (clause_iri("d8b79ebff25/3.1.1"), None, None) not in graph  # its neighbour is not described
    mpw = next(graph.subjects(PK.base, Literal("企业研发多项目晶圆（MPW）直接费用", lang="zh")))
    assert (mpw, PK.clause, clause) in graph
    assert graph.value(mpw, PK.rate).toPython() == Decimal("0.8")


def test_a_clause_as_json_ld_through_its_iri(client):
    iri = clause_iri(MPW)
    path = str(iri).removeprefix("https://w3id.org/policykg")
    response = client.get(path, headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"] == "application/ld+json"
    graph = Graph().parse(data=response.text, format="json-ld")
    assert (iri, RDF.type, PK.Clause) in graph
    assert (iri, PK.text, None) in graph


# --- documents --------------------------------------------------------------------------


def test_documents_list_every_document_with_its_copies(client):
    body = client.get("/documents").json()
    assert body["count"] == 9
    by_id = {d["id"]: d for d in body["data"]}
    plan = by_id["d5630ed4b46"]
    assert (plan["number"], plan["issuer"], plan["date"]) == ("穗府〔2018〕9号", "广州市人民政府", "2018-03-22")
    assert (plan["copies"], plan["preferred"]) == (["d2ffbb9f323"], True)
    assert (by_id["d2ffbb9f323"]["copies"], by_id["d2ffbb9f323"]["preferred"]) == (["d5630ed4b46"], False)


def test_documents_are_paged(client):
    everything = [d["id"] for d in client.get("/documents").json()["data"]]
    page = client.get("/documents", params={"limit": 3, "offset": 3}).json()
    assert (page["count"], [d["id"] for d in page["data"]]) == (9, everything[3:6])
    too_many = client.get("/documents", params={"limit": 201})
    assert (too_many.status_code, too_many.json()["message"]) == (422, "limit: Input should be less than or equal to 200")


def test_a_document_with_its_clause_ids_in_reading_order(client):
    body = client.get(f"/documents/{IAB}").json()
    assert body["title"] == "黄埔区广州开发区促进IAB主导产业发展实施意见"
    assert body["validity"] == "有效期5年"
    ids = body["clause_ids"]
    assert ids[:3] == ["d8b79ebff25/p", "d8b79ebff25/1.p", "d8b79ebff25/1.b1"]
    assert ids.index("d8b79ebff25/3.1.1") + 1 == ids.index(MPW) == ids.index("d8b79ebff25/3.1.3") - 1


def test_an_unknown_document_is_404_json(client):
    response = client.get("/documents/nope", headers={"Accept": "text/turtle"})
    assert (response.status_code, response.json()["message"]) == (404, "no document with id 'nope'")


def test_a_document_as_turtle_through_its_iri(client):
    redirect = client.get(f"/id/doc/{IAB}", follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["location"].endswith(f"/documents/{IAB}")
    response = client.get(f"/id/doc/{IAB}", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.text, format="turtle")
    document = document_iri(IAB)
    assert (document, RDF.type, PK.Document) in graph
    assert str(graph.value(document, DCTERMS.title)) == "黄埔区广州开发区促进IAB主导产业发展实施意见"
    assert (clause_iri(MPW), None, document) in graph
    assert (clause_iri(MPW), PK.text, None) not in graph  # its clauses are linked, not described


# --- departments ------------------------------------------------------------------------


def test_departments_with_their_clause_counts(client):
    body = client.get("/departments", params={"limit": 200}).json()
    assert body["count"] == len(body["data"]) == 54
    by_id = {d["id"]: d for d in body["data"]}
    commission = by_id[COMMISSION]
    assert commission["label"] == "广州市工业和信息化委员会"
    assert {"市工信委", "市工业和信息化委", "廣州市工業和資訊化委員會"} <= set(commission["labels"])
    assert commission["clauses"] == {"lead": 51, "cooperating": 39}
    assert by_id[BUREAU]["clauses"] == {"lead": 7, "cooperating": 7}
    assert body["data"][0]["id"] == "generic/all-districts"  # 各区政府, named by most clauses


def test_a_department_with_its_successor(client):
    body = client.get(f"/departments/{COMMISSION}").json()
    assert (body["jurisdiction"], body["known"], body["generic"]) == ("广州市", True, False)
    assert body["successors"] == [{"id": BUREAU, "label": "广州市工业和信息化局"}]
    assert body["predecessors"] == []
    assert client.get(f"/departments/{BUREAU}").json()["predecessors"] == [{"id": COMMISSION, "label": "广州市工业和信息化委员会"}]


def test_a_department_the_registry_does_not_know(client):
    body = client.get("/departments/guangzhou/jiaotong-jituan-baea").json()
    assert (body["label"], body["jurisdiction"], body["known"]) == ("广州交通集团", "广州市", False)
    assert body["clauses"] == {"lead": 0, "cooperating": 1}


def test_an_organization_iri_redirects_to_its_department(client):
    body = client.get(f"/id/org/{BUREAU}").json()
    assert body["id"] == BUREAU and body["label"] == "广州市工业和信息化局"


def test_clauses_led_by_the_bureau_alone(client):
    body = client.get(f"/departments/{BUREAU}/clauses", params={"role": "lead"}).json()
    assert body["count"] == 7
    assert "db3f060d893/ch6.art12" in [r["clause_id"] for r in body["data"]]  # 第十二条 … 市工业和信息化局牵头
    assert {(r["role"], r["department"]["id"]) for r in body["data"]} == {("lead", BUREAU)}


def test_the_bureau_inherits_the_clauses_its_predecessor_led(client):
    params = {"role": "lead", "include_predecessors": "true", "limit": 200}
    body = client.get(f"/departments/{BUREAU}/clauses", params=params).json()
    assert body["count"] == 58  # its own 7 and the commission's 51
    by_clause = {r["clause_id"]: r for r in body["data"]}
    inherited = by_clause["d0592244cf7/6.19"]  # （十九）… （责任单位：市工业和信息化委、财政局、金融局，各区政府）
    assert inherited["department"] == {"id": COMMISSION, "label": "广州市工业和信息化委员会"}
    assert "db3f060d893/ch6.art12" in by_clause
    for row in body["data"]:
        assert row["role"] == "lead"
        assert re.search(r"工业和信息化(委|局)|工信", row["text"]), row["clause_id"]
    # from the other end, the successor's clauses come with include_successors
    forward = client.get(f"/departments/{COMMISSION}/clauses", params={"role": "lead", "include_successors": "true", "limit": 1}).json()
    assert forward["count"] == 58


def test_department_clauses_of_an_unknown_department_is_404(client):
    response = client.get("/departments/nowhere/nobody/clauses")
    assert (response.status_code, response.json()["message"]) == (404, "no department with id 'nowhere/nobody'")


# --- awards -----------------------------------------------------------------------------


def test_awards_of_at_least_ten_million_largest_first(client):
    body = client.get("/awards", params={"min_cap": "1000万", "limit": 200}).json()
    first = body["data"][0]
    assert (first["cap_yuan"], first["clause_id"], first["award"], first["top_up"]) == (200_000_000, "d8b79ebff25/3.1.1", 0, True)
    assert first["document"]["title"] == "黄埔区广州开发区促进IAB主导产业发展实施意见"
    caps = [row["cap_yuan"] for row in body["data"]]
    assert body["count"] == len(caps) == 26
    assert caps == sorted(caps, reverse=True) and min(caps) >= 10_000_000


def test_awards_by_kind_and_industry(client):
    body = client.get("/awards", params={"industry": "集成电路", "kind": "subsidy"}).json()
    assert [(r["clause_id"], r["award"], r["rate"], r["cap_yuan"]) for r in body["data"]] == [
        ("db227312ece/2.2.4", 0, None, 30_000_000),
        (MPW, 2, 0.8, 6_000_000),  # MPW直接费用的80% (the award a search estimate names 2)
        (MPW, 3, 0.4, 6_000_000),  # 光罩（MASK）直接费用的40%
        (MPW, 4, 0.3, 6_000_000),  # 工程片、试流片加工费用的30%
        ("dcbb7ece405/2.14", 0, 0.3, 5_000_000),
    ]
    assert {r["kind"] for r in body["data"]} == {"subsidy"}
    assert body["count"] == 5


def test_bad_award_parameters_are_422(client):
    response = client.get("/awards", params={"kind": "gift"})
    assert response.status_code == 422
    assert response.json()["message"].startswith("kind: expected one of subsidy, reward")


# --- the app ----------------------------------------------------------------------------


def test_openapi_lists_every_route(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/search", "/clauses/{clause_id}", "/documents", "/documents/{document_id}", "/departments",
        "/departments/{department_id}", "/departments/{department_id}/clauses", "/awards",
    } <= set(paths)
    described = paths["/search"]["get"]["parameters"]
    assert {p["name"]: p["schema"].get("maximum") for p in described}["k"] == 50
    assert "text/turtle" in paths["/clauses/{clause_id}"]["get"]["responses"]["200"]["content"]
    assert "policykg" in client.get("/docs").text


def test_literal_parameters_match_the_library():
    assert get_args(Mode) == MODES
    assert get_args(Role) == tuple(ROLES)


def test_an_unknown_route_is_404_json(client):
    assert client.get("/nothing/here").json() == {"status": 404, "message": "Not Found", "errors": []}


def test_creating_the_app_loads_nothing(tmp_path):
    app = create_app(Settings(data=tmp_path))  # no build there: nothing is opened yet
    with pytest.raises(NoBuild):
        with TestClient(app):
            pass


def test_cors_is_off_unless_origins_are_given(tmp_path):
    origin = {"Origin": "https://example.org"}
    closed = TestClient(create_app(Settings(data=tmp_path))).get("/openapi.json", headers=origin)
    assert "access-control-allow-origin" not in closed.headers
    opened = TestClient(create_app(Settings(data=tmp_path), cors_origins=["https://example.org"])).get("/openapi.json", headers=origin)
    assert opened.headers["access-control-allow-origin"] == "https://example.org"


def test_serve_without_a_build_says_so(tmp_path):
    result = run_cli(["serve"], data=tmp_path)
    assert result.exit_code == 1
    assert says(result.stderr, "run `policykg build` first")
