"""Estimates for an amount stated in a question, checked on the shipped corpus's awards:
the amount read from the question, and the value, cap and rule each award gives for it."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import clause_containing
from policykg.index.estimate import (
    CAVEAT,
    TOP_UP_NOTE,
    Estimate,
    StatedAmount,
    estimate,
    format_rate,
    format_yuan,
    stated_amount,
    stated_amounts,
)
from policykg.kg.models import Award, Tier
from policykg.kg.records import ClauseRecord, clause_records

MPW = "对企业研发多项目晶圆（MPW）直接费用的80%给予补贴"
I_1 = "固定资产投资总额达到1亿元、5亿元、10亿元、20亿元、30亿元、50亿元、100亿元的"
I_5 = "在政府引导区域内的建设项目按实际发生贷款额的2%"
I_7 = "按实际租金的50%给予补贴，补贴期限3年"
A_2 = "按每家企业10万元的标准，给予一次性奖励"
I_6 = "采用直接股权投资的方式给予支持，每家企业最高500万元"
TAPE_OUT = "对集成电路企业流片费用"


@pytest.fixture(scope="module")
def records(generation: Path) -> list[ClauseRecord]:
    """Clause records with their facts (what ``policykg export clauses`` prints)."""
    return list(clause_records(generation))


def award_of(records: list[ClauseRecord], anchor: str, **wanted) -> Award:
    """The one award of the clause holding ``anchor`` whose fields equal ``wanted``."""
    clause = clause_containing(records, anchor)
    found = [a for a in clause.awards if all(getattr(a, k) == v for k, v in wanted.items())]
    assert len(found) == 1, (clause.clause_id, clause.awards)
    return found[0]


@pytest.mark.parametrize(
    ("query", "yuan", "text"),
    [
        ("MPW花了500万能补多少", 5_000_000, "500万"),  # bare 万 is money in a question
        ("租金每年200万能补贴多少", 2_000_000, "200万"),
        ("流片费用1000万元", 10_000_000, "1000万元"),
        ("投资5亿元的项目能奖励多少", 500_000_000, "5亿元"),
        ("年收入3亿元", 300_000_000, "3亿元"),
        ("五百万的研发投入能补多少", 5_000_000, "五百万"),
        ("租金每年200萬能補貼多少", 2_000_000, "200萬"),  # Traditional, span as typed
        ("流片花了５００万", 5_000_000, "５００万"),  # full-width digits
        ("贷款1.2亿贴息多少", 120_000_000, "1.2亿"),
        ("花了500万块钱", 5_000_000, "500万"),
        ("2022年投资5亿能奖多少", 500_000_000, "5亿"),  # the year is not the amount
    ],
)
def test_stated_amount(query: str, yuan: float, text: str) -> None:
    found = stated_amount(query)
    assert found is not None
    assert (found.yuan, found.text, query[found.start : found.end]) == (yuan, text, text)


@pytest.mark.parametrize(
    "query",
    [
        "租办公室有补贴吗",
        "2022年有哪些政策",  # a year
        "补贴比例50%的条款",  # a percentage
        "培育100家企业的目标",  # a count
        "新增就业3万人",  # a count with a magnitude
        "有没有最高1000万的补贴",  # a ceiling asked about, not an amount spent
        "融资5亿美元",  # another currency
        "打造1000亿级产业集群",  # a scale
        "投资500的项目",  # no magnitude, no 元: not read as money
    ],
)
def test_not_a_stated_amount(query: str) -> None:
    assert stated_amount(query) is None


def test_every_stated_amount_in_order() -> None:
    assert stated_amounts("投资5亿元，其中设备2000万，招聘100人") == [
        StatedAmount(500_000_000, 2, 5, "5亿元"),
        StatedAmount(20_000_000, 10, 15, "2000万"),
    ]


@pytest.mark.parametrize(
    ("anchor", "wanted", "amount", "value", "capped", "kind"),
    [
        # 000 I-2 MPW: 80% of MPW direct costs, at most 600万 per firm per year
        (MPW, {"rate": 0.8}, 5_000_000, 4_000_000, False, "rate"),
        (MPW, {"rate": 0.8}, 7_500_000, 6_000_000, False, "rate"),  # exactly the cap
        (MPW, {"rate": 0.8}, 10_000_000, 6_000_000, True, "rate"),
        (MPW, {"rate": 0.4}, 10_000_000, 4_000_000, False, "rate"),  # MASK, same shared cap
        # 000 I-1: 1亿/5亿/10亿/20亿/30亿/50亿/100亿 → 500万/1000万/2000万/3000万/5000万/8000万/2亿
        (I_1, {}, 50_000_000, 0, False, "tier"),  # below the lowest tier
        (I_1, {}, 100_000_000, 5_000_000, False, "tier"),  # a threshold is reached when met
        (I_1, {}, 600_000_000, 10_000_000, False, "tier"),
        (I_1, {}, 4_000_000_000, 50_000_000, False, "tier"),
        (I_1, {}, 15_000_000_000, 200_000_000, False, "tier"),
        # 000 I-5: 2% (annual rate) interest subsidy, at most 100万 per firm per year, 3 years
        (I_5, {"rate": 0.02}, 30_000_000, 600_000, False, "rate"),
        (I_5, {"rate": 0.02}, 100_000_000, 1_000_000, True, "rate"),
        # 000 I-7: 50% of rent, at most 100万 per firm per year
        (I_7, {"rate": 0.5}, 2_000_000, 1_000_000, False, "rate"),
        (I_7, {"rate": 0.5}, 3_000_000, 1_000_000, True, "rate"),
        # 000 A-2: a fixed 10万 per firm, whatever the amount
        (A_2, {}, 5_000_000, 100_000, False, "fixed"),
        (A_2, {}, 50_000, 100_000, False, "fixed"),
        # 002 扶持意见（十四）tape-out: 30% of project investment, at most 500万
        (TAPE_OUT, {}, 10_000_000, 3_000_000, False, "rate"),
        (TAPE_OUT, {}, 20_000_000, 5_000_000, True, "rate"),
    ],
)
def test_estimate_on_corpus_awards(records, anchor, wanted, amount, value, capped, kind) -> None:
    found = estimate(award_of(records, anchor, **wanted), amount)
    assert found is not None
    assert (found.value_yuan, found.capped, found.kind) == (value, capped, kind)
    assert found.caveat == CAVEAT


def test_rules_say_how_the_estimate_was_made(records) -> None:
    mpw = award_of(records, MPW, rate=0.8)
    assert estimate(mpw, 5_000_000).rule == (
        "500万元 × 80% = 400万元，未超过上限600万元（每家企业每年），"
        "所述金额按企业研发多项目晶圆（MPW）直接费用计"
    )
    assert estimate(mpw, 10_000_000).rule == (
        "1000万元 × 80% = 800万元，超过上限600万元（每家企业每年），按上限计600万元，"
        "所述金额按企业研发多项目晶圆（MPW）直接费用计"
    )
    tiers = award_of(records, I_1)
    assert estimate(tiers, 600_000_000).rule == (
        f"6亿元达到5亿元档，对应1000万元，未超过上限2亿元（同一企业），{TOP_UP_NOTE}，所述金额按固定资产投资总额计"
    )
    assert estimate(tiers, 50_000_000).rule == "5000万元未达到最低档1亿元，按档位计为0元，所述金额按固定资产投资总额计"
    rent = award_of(records, I_7, rate=0.5)
    assert estimate(rent, 2_000_000).rule == (
        "200万元 × 50% = 100万元，未超过上限100万元（每家企业每年），期限3年，所述金额按实际租金计"
    )
    fixed = award_of(records, A_2)
    assert estimate(fixed, 5_000_000).rule == "固定金额10万元，与所述金额500万元无关"


def test_an_award_with_only_a_cap_gives_no_estimate(records) -> None:
    equity = award_of(records, I_6)  # 直接股权投资, 每家企业最高500万元: no rate, tier or amount
    assert (equity.kind, equity.cap_yuan) == ("equity_investment", 5_000_000)
    assert estimate(equity, 5_000_000) is None


def test_from_question_to_estimate(records) -> None:
    amount = stated_amount("MPW花了500万能补多少")
    assert amount is not None
    found = estimate(award_of(records, MPW, rate=0.8), amount.yuan)
    assert found is not None and found.value_yuan == 4_000_000


@pytest.mark.parametrize(
    ("award", "amount", "expected"),
    [
        (Award("subsidy", rate=0.3), 1_000_000, Estimate(300_000, "100万元 × 30% = 30万元，条款未写上限", False, "rate")),
        (
            Award("reward", amount_yuan=2_000_000, cap_yuan=1_000_000, per="每年每家企业"),
            1,
            Estimate(1_000_000, "固定金额200万元，与所述金额1元无关，按上限计100万元（每年每家企业）", True, "fixed"),
        ),
        (
            Award("reward", tiers=[Tier(500_000_000, 30_000_000), Tier(100_000_000, 20_000_000)], cap_yuan=25_000_000),
            600_000_000,
            Estimate(25_000_000, "6亿元达到5亿元档，对应3000万元，超过上限2500万元，按上限计2500万元", True, "tier"),
        ),
        (Award("funding", cap_yuan=5_000_000), 1_000_000, None),
        (Award("other"), 1_000_000, None),
    ],
)
def test_estimate_on_literal_awards(award: Award, amount: float, expected: Estimate | None) -> None:
    assert estimate(award, amount) == expected


@pytest.mark.parametrize(
    ("yuan", "text"),
    [(600_000_000, "6亿元"), (150_000_000, "1.5亿元"), (123_456_789, "12345.6789万元"), (10_000_000, "1000万元"),
     (49_950, "4.995万元"), (800, "800元"), (0, "0元")],
)
def test_format_yuan(yuan: float, text: str) -> None:
    assert format_yuan(yuan) == text


@pytest.mark.parametrize(("rate", "text"), [(0.8, "80%"), (0.015, "1.5%"), (1.0, "100%"), (0.05, "5%")])
def test_format_rate(rate: float, text: str) -> None:
    assert format_rate(rate) == text


# --- which awards get an estimate, over the shipped build ---------------------------------


@pytest.fixture(scope="module")
def searcher(generation):
    from policykg.index.open import open_searcher

    return open_searcher(generation, threads=2)


def test_an_amount_goes_only_to_the_awards_whose_base_the_question_names(searcher):
    result = searcher.search("流片花了300万能补多少", k=10)
    estimated = [(hit.awards[e["award"]].base or "", e) for hit in result.hits for e in hit.estimates]
    assert estimated, "no estimate"
    assert all("流片" in base for base, _ in estimated), [base for base, _ in estimated]
    assert not any("注册资本" in base for base, _ in estimated)


def test_unrelated_hits_get_no_estimate(searcher):
    for hit in searcher.search("MPW花了500万能补多少", k=10).hits:
        for e in hit.estimates:
            assert "MPW" in hit.awards[e["award"]].base, hit.clause_id


def test_a_question_naming_no_base_says_what_the_estimate_assumes(searcher):
    hits = [h for h in searcher.search("花了500万能补多少", k=10).hits if h.estimates]
    assert hits
    for hit in hits:
        for e in hit.estimates:
            base = hit.awards[e["award"]].base
            assert base is None or f"假设该金额即“{base}”" in e["rule"]


def test_a_loan_amount_is_not_estimated_as_interest_nor_interest_as_a_loan(searcher):
    """技改贷款额的50%贴息 is half the interest: a question stating the loan gets no
    estimate from it (500万 × 50% would be half the loan), and one stating the interest
    gets none from a rate on the loan amount (按贷款额的1.5%贴息)."""
    loan = searcher.search("技改贷款500万能补多少", k=10)
    interest = searcher.search("贷款利息100万能贴息多少", k=10)
    for result, stated_interest in ((loan, False), (interest, True)):
        estimated = [hit.awards[e["award"]].base or "" for hit in result.hits for e in hit.estimates]
        assert all(("利息" in base) == stated_interest for base in estimated), (result.query, estimated)
    assert any("利息" in hit.awards[e["award"]].base for hit in interest.hits for e in hit.estimates)
