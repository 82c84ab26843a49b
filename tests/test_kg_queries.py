"""Named SPARQL queries a researcher or officer would run, each row checked against the
words of its clause."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from policykg.corpus.convert import normalize
from policykg.kg.queries import awards_with_cap, clauses_by_department, graph_for_queries, targets_for_year


@pytest.fixture(scope="module")
def graph(generation):
    return graph_for_queries(generation)


def test_clauses_led_by_the_industry_commission_and_its_successor(graph):
    rows = clauses_by_department(graph, "市工业和信息化委")
    bodies = {(r.department_label, r.role) for r in rows}
    # the 2018 commission and the 2019 bureau that inherited its duties, in both roles
    assert {("广州市工业和信息化委员会", "lead"), ("广州市工业和信息化局", "lead")} <= bodies
    for row in rows:  # every clause names the body (or its short form) in its words
        assert re.search(r"工业和信息化(委|局)|工信", row.text), row.clause
    led_by_bureau = {r.clause.rsplit("/", 1)[-1] for r in rows if r.department_label == "广州市工业和信息化局" and r.role == "lead"}
    assert "ch6.art12" in led_by_bureau  # 第十二条 … 市工业和信息化局牵头、相关部门配合


def test_the_successor_name_finds_the_predecessor_too(graph):
    by_old = {(r.clause, r.role, r.department) for r in clauses_by_department(graph, "市工业和信息化委")}
    by_new = {(r.clause, r.role, r.department) for r in clauses_by_department(graph, "市工业和信息化局")}
    assert by_old == by_new


def test_awards_with_a_cap_of_at_least_ten_million(graph, clauses):
    rows = awards_with_cap(graph, 10_000_000)
    assert rows[0].cap_yuan == Decimal(200_000_000)  # 同一企业按差额补足方式最高奖励2亿元
    assert rows[0].title == "黄埔区广州开发区促进IAB主导产业发展实施意见"
    texts = {c["clause_id"]: c["text"] for c in clauses}
    for row in rows:
        assert row.cap_yuan >= 10_000_000
        text = texts[row.clause.split("/clause/", 1)[1]]
        amounts = [_yuan(n, unit) for n, unit in re.findall(r"(\d+(?:\.\d+)?)(亿元|万元)", text)]
        assert row.cap_yuan in amounts, row.award  # the cap is a figure printed in the clause


def test_targets_for_2022(graph, clauses):
    rows = targets_for_year(graph, 2022)
    scale = [r for r in rows if r.metric == "总规模" and r.clause.endswith("d5630ed4b46/2.b1")]
    assert [(r.value, r.unit) for r in scale] == [(Decimal("1000000000000"), "yuan")]  # 总规模超10000亿元
    texts = {c["clause_id"]: c["text"] for c in clauses}
    years = {c["clause_id"]: c["text"] for c in clauses if c["kind"] == "preamble"}
    for row in rows:
        clause_id = row.clause.split("/clause/", 1)[1]
        own = texts[clause_id]
        above = years.get(clause_id.rsplit(".", 1)[0] + ".p", "") if "." in clause_id else ""
        assert "2022" in own or "2022" in above or "2022" in normalize(own), clause_id


def _yuan(number: str, unit: str) -> Decimal:
    return Decimal(number) * (Decimal(100_000_000) if unit == "亿元" else Decimal(10_000))
