"""The ``policykg`` command run in-process on the shipped build: help, search output and
where the data folder comes from."""
from __future__ import annotations

import json

import pytest

from conftest import clause_containing, run_cli, says

COMMANDS = {
    "build": "Build graph and index from texts into a new generation of the data folder.",
    "status": "Show the current build: where it is and what it holds.",
    "search": "Find the clauses that answer a question, with their award parameters.",
    "export": "Write what a build holds, as JSON lines.",
}
EXPORT_COMMANDS = {
    "clauses": "Every clause with its text, path, document, source span, departments, awards and targets.",
    "documents": "Every document with its metadata and copies.",
    "problems": "Input files the current build skipped, with the reason.",
    "graph": "The whole graph, serialised.",
}

MPW_QUERY = "MPW流片费用能补贴多少"


def test_help_lists_every_command():
    result = run_cli(["--help"])
    assert result.exit_code == 0
    for name, summary in COMMANDS.items():
        assert says(result.stdout, f"{name} {summary}"), name


def test_export_help_lists_every_export():
    result = run_cli(["export", "--help"])
    assert result.exit_code == 0
    for name, summary in EXPORT_COMMANDS.items():
        assert says(result.stdout, f"{name} {summary}"), name


@pytest.mark.parametrize(
    ("args", "summary", "options"),
    [
        (["build"], COMMANDS["build"], ["--force", "paths"]),
        (["status"], COMMANDS["status"], []),
        (["search"], COMMANDS["search"], ["--batch", "--k", "--json", "query"]),
        (["export", "clauses"], EXPORT_COMMANDS["clauses"], ["--json"]),
        (["export", "documents"], EXPORT_COMMANDS["documents"], ["--json"]),
        (["export", "problems"], EXPORT_COMMANDS["problems"], []),
    ],
)
def test_command_help(args, summary, options):
    result = run_cli([*args, "--help"])
    assert result.exit_code == 0
    assert says(result.stdout, f"Usage: root {' '.join(args)} [OPTIONS]")
    assert says(result.stdout, summary)
    for option in options:
        assert option in result.stdout


def test_help_names_the_data_environment_variable():
    assert "POLICYKG_DATA" in run_cli(["--help"]).stdout


def test_search_batch_prints_one_json_line_per_query(built_data, tmp_path):
    queries = [MPW_QUERY, "本导则由哪个部门负责解释", "失业保险单位费率下调到多少"]
    batch = tmp_path / "queries.txt"
    batch.write_text(f"{queries[0]}\n\n{queries[1]}\n{queries[2]}\n", encoding="utf-8")  # blank lines skipped

    result = run_cli(["search", "--batch", str(batch), "--k", "3", "--json"], data=built_data)

    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == queries
    for line in lines:
        assert 1 <= len(line["hits"]) <= 3
        for hit in line["hits"]:
            assert {"clause_id", "score", "text", "document"} <= hit.keys()
            assert {"id", "title", "number"} <= hit["document"].keys()
    firsts = [line["hits"][0] for line in lines]
    assert [hit["clause_id"] for hit in firsts] == ["d8b79ebff25/3.1.2", "db3f060d893/ch7.art17", "d0592244cf7/3.10"]
    assert firsts[1]["text"] == "第十七条本导则由市工业和信息化局负责解释。"
    assert firsts[2]["text"].startswith("（十）实行从1.5%下调至0.8%的失业保险单位费率。")
    assert firsts[2]["document"]["title"] == "广州市人民政府关于落实广东省降低制造业企业成本若干政策措施的实施意见"
    scores = [hit["score"] for hit in lines[0]["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_mpw_question_finds_the_mpw_subsidy_first(built_data, clauses):
    result = run_cli(["search", MPW_QUERY, "--k", "3", "--json"], data=built_data)

    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    first = json.loads(line)["hits"][0]
    assert "对企业研发多项目晶圆（MPW）直接费用的80%给予补贴" in first["text"]
    assert first["clause_id"] == clause_containing(clauses, "多项目晶圆（MPW）")["clause_id"] == "d8b79ebff25/3.1.2"
    assert first["document"]["title"] == "黄埔区广州开发区促进IAB主导产业发展实施意见"
    assert first["path"] == ["三、政策支持", "（一）I（新一代信息技术产业）8项政策", "2.扶持集成电路产业发展"]


def test_search_wants_a_query_or_a_batch_not_both(built_data, tmp_path):
    batch = tmp_path / "q.txt"
    batch.write_text("集成电路\n", encoding="utf-8")
    result = run_cli(["search", "集成电路", "--batch", str(batch)], data=built_data)
    assert result.exit_code == 2
    assert says(result.stderr, "error: give a QUERY or --batch FILE (not both)")
    result = run_cli(["search"], data=built_data)  # filters alone would list clauses; nothing at all is an error
    assert result.exit_code == 2
    assert says(result.stderr, "error: give a QUERY, --batch FILE, or filters")


def test_data_folder_from_environment(built_data, documents):
    result = run_cli(["export", "documents"], env={"POLICYKG_DATA": str(built_data)})

    assert result.exit_code == 0
    exported = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["id"] for d in exported] == [d["id"] for d in documents]
    assert exported[-1]["number"] == "穗府办〔2022〕19号"


def test_data_option_wins_over_environment(built_data, tmp_path):
    result = run_cli(["export", "documents"], data=built_data, env={"POLICYKG_DATA": str(tmp_path / "elsewhere")})
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 9


def test_status_describes_the_current_generation(built_data, generation):
    result = run_cli(["status"], env={"POLICYKG_DATA": str(built_data)})

    assert result.exit_code == 0
    status = json.loads(result.stdout)
    assert status["generation"] == str(generation)
    assert (status["files"], status["documents"]) == (5, 9)
    assert status["problems"] == []
    assert {name[:3]: row["documents"] for name, row in status["per_file"].items()} == {
        "000": 1,
        "001": 1,
        "002": 5,
        "003": 1,
        "004": 1,
    }
    assert "fingerprint" not in status


def test_search_pages_through_the_hits(built_data):
    """--page N shows hits k(N-1)+1 … kN of the same ranking, and the cards say where they are."""
    first = json.loads(run_cli(["search", "补贴", "--k", "4", "--json"], data=built_data).stdout)
    second = json.loads(run_cli(["search", "补贴", "--k", "4", "--page", "2", "--json"], data=built_data).stdout)
    both = json.loads(run_cli(["search", "补贴", "--k", "8", "--json"], data=built_data).stdout)
    assert [h["rank"] for h in second["hits"]] == [5, 6, 7, 8]
    assert [h["clause_id"] for h in first["hits"] + second["hits"]] == [h["clause_id"] for h in both["hits"]]
    assert first["total"] == second["total"] > 8
    cards = run_cli(["search", "补贴", "--k", "4", "--page", "2"], data=built_data)
    assert cards.exit_code == 0 and says(cards.stdout, f"第 5–8 条，共 {second['total']} 条")
