"""Search over the shipped build: the answers, their parameters, modes, filters and estimates."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import run_cli
from policykg.index.filters import Filters
from policykg.corpus.convert import normalize
from policykg.index.open import open_searcher
from policykg.index.search import LEAN_DENSE_WEIGHT, WEIGHTS

MPW = "MPW流片费用能补贴多少"


@pytest.fixture(scope="module")
def searcher(generation):
    return open_searcher(generation, threads=2)


def test_the_mpw_question_finds_the_mpw_clause_first_with_its_parameters(searcher):
    result = searcher.search(MPW, k=5)
    first = result.hits[0]
    assert first.clause_id == "d8b79ebff25/3.1.2"
    mpw = [a for a in first.awards if a.base and "MPW" in a.base]
    assert [(a.rate, a.cap_yuan, a.per) for a in mpw] == [(0.8, 6_000_000, "每家企业每年")]
    assert first.document.title == "黄埔区广州开发区促进IAB主导产业发展实施意见"
    assert first.match is not None and "MPW" in first.match.text


def test_the_tape_out_clause_of_the_support_opinion_is_in_the_top_five(searcher):
    hits = searcher.search(MPW, k=5).hits
    numbers = [h.document.number for h in hits if "流片" in h.text]
    assert "穗府规〔2018〕15号" in numbers


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_every_mode_answers(searcher, mode):
    result = searcher.search(MPW, k=10, mode=mode)
    assert result.mode == mode
    assert "d8b79ebff25/3.1.2" in [h.clause_id for h in result.hits]
    if mode != "keyword":
        assert any("dense" in h.ranks for h in result.hits)


def test_a_stated_amount_gets_an_estimate_for_the_award_it_names(searcher):
    first = searcher.search("MPW花了500万能补多少", k=1).hits[0]
    assert first.clause_id == "d8b79ebff25/3.1.2"
    (estimate,) = first.estimates
    assert estimate["value_yuan"] == 4_000_000  # 500万 × 80%, under the 600万 cap
    assert estimate["kind"] == "rate" and not estimate["capped"]
    over = searcher.search("MPW花了1000万能补多少", k=1).hits[0].estimates[0]
    assert (over["value_yuan"], over["capped"]) == (6_000_000, True)


def test_traditional_question_finds_what_the_simplified_one_finds(searcher):
    simplified = [h.clause_id for h in searcher.search("广州人工智能与数字经济试验区总面积多大", k=3).hits]
    traditional = [h.clause_id for h in searcher.search("廣州人工智慧與數位經濟試驗區總面積多大", k=3).hits]
    assert simplified[0] == traditional[0]


def test_filters_narrow_the_answers(searcher):
    kept = searcher.search("补贴", k=50, filters=Filters(department="市科技创新委", role="lead"), mode="keyword").hits
    assert kept and all(
        any(d.role == "lead" and "科技创新" in "".join([d.label, *d.labels]) for d in h.departments) for h in kept
    )
    capped = searcher.search("奖励", k=50, filters=Filters(min_cap_yuan=50_000_000), mode="keyword").hits
    assert capped and all(any((a.cap_yuan or 0) >= 50_000_000 for a in h.awards) for h in capped)


def test_copies_answer_once(searcher):
    hits = searcher.search("IAB重点创新平台", k=10).hits
    texts = [h.text for h in hits]
    assert len(texts) == len(set(texts))


def test_cli_search_with_filters_and_modes(built_data):
    result = run_cli(["search", MPW, "--k", "3", "--json", "--mode", "keyword", "--award-kind", "subsidy"], data=built_data)
    assert result.exit_code == 0
    hits = json.loads(result.stdout)["hits"]
    assert hits and all(any(a["kind"] == "subsidy" for a in h["awards"]) for h in hits)
    bad = run_cli(["search", MPW, "--mode", "fuzzy"], data=built_data)
    assert bad.exit_code == 2 and "unknown search mode" in bad.stderr
    bad_cap = run_cli(["search", MPW, "--min-cap", "很多"], data=built_data)
    assert bad_cap.exit_code == 2


def test_an_abbreviation_the_texts_define_expands_the_question(searcher):
    result = searcher.search("EDA服务平台有没有奖励", k=3)
    assert "电子设计自动化" in result.normalized  # 电子设计自动化（EDA） is defined in 000
    assert result.hits[0].clause_id == "d8b79ebff25/3.1.3"
    assert "IAB" not in result.normalized.replace(result.query, "")  # too common to expand


def test_a_question_in_traditional_script_ranks_like_its_simplified_twin(searcher):
    pairs = [("租办公室有补贴吗", "租辦公室有補貼嗎"), ("企业电费能便宜多少", "企業電費能便宜多少")]
    for simplified, traditional in pairs:
        assert [h.clause_id for h in searcher.search(simplified, k=5).hits] == [
            h.clause_id for h in searcher.search(traditional, k=5).hits
        ]



PARAPHRASES = Path(__file__).resolve().parent.parent / "benchmarks" / "queries" / "paraphrases.jsonl"


def _weights(searcher, question: str):
    normalized = searcher.expander.expand(normalize(question))
    rankings = {"keyword": [c for c, _ in searcher.keyword.search(normalized, 100)], "dense": []}
    return searcher.fusion_weights(searcher.question_words(normalized), rankings)


def test_fusion_leans_on_the_dense_side_only_when_the_keyword_side_covers_little(searcher):
    """A question in the texts' words keeps the fixed weights; one in a firm's words (its
    rare words are not in the keyword side's best hits) gets the dense side's lean weight."""
    assert _weights(searcher, MPW)["dense"] == WEIGHTS["dense"]
    assert _weights(searcher, "给芯片设计公司提供设计软件工具服务的平台，政府给不给钱")["dense"] == LEAN_DENSE_WEIGHT
    assert LEAN_DENSE_WEIGHT > WEIGHTS["dense"]


def _first_answer(hits, item) -> float:
    anchors = [normalize(r["anchor"]) for r in item["relevant"] if int(r["grade"]) >= 2]
    return next((1 / n for n, h in enumerate(hits, start=1) if any(a in normalize(h.text) for a in anchors)), 0.0)


def test_leaning_on_the_dense_side_ranks_paraphrases_better_and_leaves_the_texts_words_alone(searcher):
    """Over the judged paraphrases (a firm's words), the mean reciprocal rank of the first
    answering clause is higher with the adaptive weights than with the fixed ones; the MPW
    question, in the texts' words, ranks the same either way."""
    fixed = replace(searcher, lean_cover=0.0)
    items = [json.loads(line) for line in PARAPHRASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    adaptive = sum(_first_answer(searcher.search(i["query"], k=10).hits, i) for i in items) / len(items)
    before = sum(_first_answer(fixed.search(i["query"], k=10).hits, i) for i in items) / len(items)
    assert adaptive > before + 0.02
    assert [h.clause_id for h in searcher.search(MPW, k=10).hits] == [h.clause_id for h in fixed.search(MPW, k=10).hits]


def test_an_item_of_a_list_is_shown_after_the_sentence_that_introduces_it(searcher):
    # 一、总体目标 ends its paragraph with "：" and the five ——bullets are its list
    hits = searcher.search("建设一批创新中心 国家制造业创新中心", k=10, mode="keyword").hits
    hit = next(h for h in hits if "——建设一批创新中心" in h.text)
    record = searcher.records[hit.clause_id]
    assert hit.lead is not None and hit.lead.startswith("一、总体目标") and hit.lead.endswith("：")
    assert hit.text == f"{hit.lead}\n{record.text}"
    assert hit.match is not None and hit.text[hit.match.start : hit.match.end] == hit.match.text
    # a clause that is no item of an introduced list is shown as it is
    first = searcher.search(MPW, k=1).hits[0]
    assert first.lead is None and first.text == searcher.records[first.clause_id].text


def test_a_law_item_is_shown_with_its_article_and_nested_leads(tmp_path):
    from policykg.build import build
    from policykg.datadir import DataDir

    law = tmp_path / "texts" / "劳动合同法(节选).md"
    law.parent.mkdir()
    law.write_text(
        "\n\n".join(
            [
                "# 中华人民共和国劳动合同法（节选）",
                "第三十九条 劳动者有下列情形之一的，用人单位可以解除劳动合同：",
                "（一）在试用期间被证明不符合录用条件的；",
                "（二）严重违反用人单位的规章制度的；",
                "（三）严重失职，营私舞弊，给用人单位造成重大损害的；",
                "第四十条 有下列情形之一的，用人单位提前三十日以书面形式通知劳动者本人后，可以解除劳动合同：",
                "（一）劳动者患病或者非因工负伤，在规定的医疗期满后不能从事原工作，也不能从事由用人单位另行安排的工作的；",
                "（二）劳动合同订立时所依据的客观情况发生重大变化，包括下列情形：",
                "1.企业迁移的；",
                "2.企业被兼并的。",
                "第四十一条 用人单位应当向劳动者支付经济补偿。",
            ]
        ),
        encoding="utf-8",
    )
    data = DataDir(tmp_path / "data")
    build(data, [law.parent], model="none", workers=1)
    found = open_searcher(data.require_current(), threads=1)
    hit = found.search("严重失职 营私舞弊", k=1).hits[0]
    assert hit.text == "第三十九条劳动者有下列情形之一的，用人单位可以解除劳动合同：\n（三）严重失职，营私舞弊，给用人单位造成重大损害的；"
    nested = found.search("企业被兼并", k=1).hits[0]
    assert nested.text.split("\n") == [
        "第四十条有下列情形之一的，用人单位提前三十日以书面形式通知劳动者本人后，可以解除劳动合同：",
        "（二）劳动合同订立时所依据的客观情况发生重大变化，包括下列情形：",
        "2.企业被兼并的。",
    ]
    article = found.search("支付经济补偿", k=1).hits[0]
    assert article.lead is None and article.text.startswith("第四十一条")
    # a listing without a question keeps each clause's own text
    listed = found.search("", k=20, filters=Filters(document=hit.document.id)).hits
    assert all(h.lead is None and h.text == found.records[h.clause_id].text for h in listed)
