"""What an officer asks of the CLI: which departments the texts name and what each leads or
cooperates on (with the duties inherited from renamed bodies), and clauses listed by
filters without a question."""
from __future__ import annotations

import json

import pytest

from policykg.index.catalog import Catalog
from policykg.kg.records import as_json
from conftest import run_cli

BUREAU = "guangzhou/gongxin-ju"  # 广州市工业和信息化局 (2019)
COMMISSION = "guangzhou/gongxin-wei"  # 广州市工业和信息化委员会, its predecessor


@pytest.fixture(scope="module")
def client_catalog(generation) -> Catalog:
    return Catalog.load(generation)


def lines(printed) -> list[dict]:
    assert printed.exit_code == 0, printed.stderr
    return [json.loads(line) for line in printed.stdout.splitlines()]


def test_departments_lists_every_body_with_its_counts(built_data, client_catalog):
    rows = lines(run_cli(["departments", "--json"], data=built_data))
    assert rows == [as_json(department) for department in client_catalog.departments()]
    assert {r["id"] for r in rows} >= {COMMISSION}


def test_a_department_by_any_name_with_its_predecessors(built_data, client_catalog):
    (own,) = lines(run_cli(["departments", "市工业和信息化局", "--json"], data=built_data))
    (wider,) = lines(run_cli(["departments", "市工信局", "--include-predecessors", "--json"], data=built_data))
    assert own["id"] == wider["id"] == BUREAU
    assert wider["clauses"] == [as_json(row) for row in client_catalog.department_clauses(BUREAU, predecessors=True)]
    assert len(wider["clauses"]) > len(own["clauses"])
    assert {c["department"]["id"] for c in wider["clauses"]} >= {COMMISSION}
    assert [stage["bodies"][0]["id"] for stage in wider["lineage"]][:2] == [COMMISSION, BUREAU]


def test_a_department_by_role_in_a_table(built_data):
    printed = run_cli(["departments", "市工业和信息化委", "--role", "lead"], data=built_data)
    assert printed.exit_code == 0, printed.stderr
    assert "广州市工业和信息化委员会" in printed.stdout and "配合" not in printed.stdout.split("clauses", 1)[1]


def test_filters_without_a_question_list_the_clauses_they_select(built_data, client_catalog):
    listed = lines(run_cli(["search", "--department", "市工业和信息化委", "--role", "lead", "--k", "100", "--json"], data=built_data))[0]
    expected = [r.clause_id for r in client_catalog.department_clauses(COMMISSION, "lead")]
    assert listed["mode"] == "list" and listed["answered"] is True
    assert sorted(h["clause_id"] for h in listed["hits"]) == sorted(set(expected))
    assert listed["total"] == len(set(expected))


def test_search_by_a_renamed_body_includes_its_predecessors_when_asked(built_data):
    own = lines(run_cli(["search", "--department", "市工业和信息化局", "--k", "100", "--json"], data=built_data))[0]
    wider = lines(run_cli(["search", "--department", "市工业和信息化局", "--include-predecessors", "--k", "100", "--json"], data=built_data))[0]
    assert wider["total"] > own["total"]
    named = {d["id"] for h in wider["hits"] for d in h["departments"]}
    assert COMMISSION in named


def test_a_bare_search_is_a_clear_error(built_data):
    printed = run_cli(["search"], data=built_data)
    assert printed.exit_code == 2
    assert "give a QUERY" in printed.stderr
