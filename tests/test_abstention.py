"""Search says when no clause answers: ``answered`` on every result (CLI --json, API), the
nearest clauses still listed; calibrated on questions the shipped corpus answers and on
questions it cannot (benchmarks/queries/unanswerable.jsonl)."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from conftest import run_cli
from policykg.index.open import open_searcher

QUERIES = Path(__file__).resolve().parent.parent / "benchmarks" / "queries"


def questions(name: str) -> list[str]:
    return [json.loads(line)["query"] for line in (QUERIES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def held_out(name: str) -> list[str]:
    """The half of a set the thresholds were not chosen on (benchmarks/abstention.py splits
    each set by the parity of a hash of the id)."""
    rows = [json.loads(line) for line in (QUERIES / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["query"] for r in rows if hashlib.sha1(r["id"].encode()).digest()[0] % 2 == 1]


@pytest.fixture(scope="module")
def searcher(generation):
    return open_searcher(generation, threads=2)


def test_a_question_the_corpus_cannot_answer_is_not_answered_but_shows_the_nearest(searcher):
    result = searcher.search("养猪场有补贴吗", k=5)
    assert result.answered is False
    assert len(result.hits) == 5  # the nearest clauses, for whoever wants them
    assert result.evidence["cover"] < 0.5
    # and the documents to read around the question: those of the nearest clauses, nearest first
    ids = [d.id for d in result.nearest_documents]
    assert ids and len(ids) == len(set(ids)) <= 5
    assert ids[0] == result.hits[0].document.id
    assert set(ids) >= {h.document.id for h in result.hits[:3]}


def test_an_answered_question_offers_no_nearest_documents(searcher):
    assert searcher.search("MPW流片费用能补贴多少", k=5).nearest_documents == []


def test_the_mpw_question_is_answered(searcher):
    result = searcher.search("MPW流片费用能补贴多少", k=5)
    assert result.answered is True
    assert result.hits[0].clause_id == "d8b79ebff25/3.1.2"


def test_most_unanswerable_questions_abstain_and_most_answerable_ones_answer(searcher):
    """Both rates, on the questions written for this (their figures are in the README)."""
    unanswerable = [searcher.search(q, k=10).answered for q in questions("unanswerable.jsonl")]
    paraphrases = [searcher.search(q, k=10).answered for q in questions("paraphrases.jsonl")]
    assert unanswerable.count(False) / len(unanswerable) >= 0.7
    assert paraphrases.count(True) / len(paraphrases) >= 0.85


def test_held_out_questions_get_the_rates_the_readme_reports(searcher):
    """On the halves the thresholds were not chosen on: questions no clause answers (about
    pets, weddings, gyms, …) abstain, paraphrases in a firm's words answer."""
    unanswerable = [searcher.search(q, k=10).answered for q in held_out("unanswerable.jsonl")]
    paraphrases = [searcher.search(q, k=10).answered for q in held_out("paraphrases.jsonl")]
    assert len(unanswerable) >= 20 and len(paraphrases) >= 10
    assert unanswerable.count(False) / len(unanswerable) >= 0.8
    assert paraphrases.count(True) / len(paraphrases) >= 0.9


def test_a_question_in_another_language_about_farming_is_not_answered(searcher):
    result = searcher.search("Is there a grant for organic vegetable farms?", k=3)
    assert result.answered is False
    assert result.evidence["cover"] == 0.0


def test_a_paraphrase_sharing_few_words_with_the_text_is_answered_on_similarity(searcher):
    """Few of its words are in the answering clause (cover is low); the dense side's
    similarity answers it, and the clause that lists the ten parks (the IAB plan's task 8,
    as p032 is judged; fusion leans on the dense side for such a question) comes first, or
    right after the value-park plan's own paragraph on the ten parks ("…分批建设价值创新园区。
    …建设10个价值创新园区。", the preamble of its 二、重点建设园区, which layout read as a
    title line before issue 11's review and no search could return)."""
    result = searcher.search("广州重点建设的那十个创新园区都叫什么名字", k=5)
    assert result.evidence["cover"] < 0.5
    assert result.answered is True
    first, second = result.hits[0].text, result.hits[1].text
    assert "近期重点建设十大价值创新园区" in first or (
        first.startswith("二、重点建设园区围绕") and "近期重点建设十大价值创新园区" in second
    )


def test_keyword_search_decides_on_cover_alone(searcher):
    assert searcher.search("养猪场有补贴吗", k=3, mode="keyword").answered is False
    assert searcher.search("首台套装备推广应用补助比例", k=3, mode="keyword").answered is True


def test_every_json_line_says_whether_it_is_answered(built_data, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_text("MPW流片费用能补贴多少\n离婚后孩子的抚养权归谁\n", encoding="utf-8")
    printed = run_cli(["search", "--batch", str(batch), "--k", "3", "--json"], data=built_data)
    assert printed.exit_code == 0, printed.stderr
    lines = [json.loads(line) for line in printed.stdout.splitlines()]
    assert [line["answered"] for line in lines] == [True, False]
    assert all(line["hits"] for line in lines)
    assert lines[0]["nearest_documents"] == [] and lines[1]["nearest_documents"][0]["title"]


def test_the_terminal_says_no_clause_answers(built_data):
    printed = run_cli(["search", "离婚后孩子的抚养权归谁", "--k", "2"], data=built_data)
    assert printed.exit_code == 0, printed.stderr
    assert "语料中没有条款回答这个问题" in printed.stdout
    assert "可能相关的文件" in printed.stdout
    assert re.search(r"\[d[0-9a-f]{10}\]", printed.stdout)  # each document's id, to open it
