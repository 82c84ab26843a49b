"""Search filters over exported clause records: literal records for each rule, then facts
about the shipped corpus (who leads what, which awards, which documents are in force)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from policykg.index.filters import Filters, department_key, in_force, matches, parse_yuan
from policykg.kg.queries import awards_with_cap, graph_for_queries
from policykg.kg.models import Award, Responsibility
from policykg.kg.records import ClauseRecord, DocumentRef, Source, clause_records
from policykg.kg.vocabulary import AWARD_KINDS

TODAY = date(2026, 11, 22)

# Documents of the shipped corpus (ids are stable: they come from the documents' words).
HUANGPU_000 = "d8b79ebff25"  # 黄埔区…促进IAB主导产业发展实施意见 (no validity stated)
IAB_PLAN_001 = "d5630ed4b46"  # 广州市加快IAB产业发展五年行动计划, 穗府〔2018〕9号 (no validity stated)
IAB_PLAN_002_COPY = "d2ffbb9f323"  # the same plan printed again in the 002 compilation
SUPPORT_2018_15 = "dcbb7ece405"  # 穗府规〔2018〕15号, valid until 2021-08-27
AI_GUIDE_003 = "db3f060d893"  # 人工智能与数字经济试验区产业导则, valid until 2025-12-31


@pytest.fixture(scope="module")
def records(generation: Path) -> list[ClauseRecord]:
    """Clause records with their facts (what ``policykg export clauses`` prints)."""
    return list(clause_records(generation))


def kept(records: list[ClauseRecord], filters: Filters, today: date = TODAY) -> set[str]:
    return {r.clause_id for r in records if matches(r, filters, today)}


def by_id(records: list[ClauseRecord], clause_id: str) -> ClauseRecord:
    (record,) = [r for r in records if r.clause_id == clause_id]
    return record


# Literal records -------------------------------------------------------------------------

TEXT = "对企业研发多项目晶圆（MPW）直接费用的80%给予补贴，每家企业每年最高补贴600万元。（牵头单位：市工业和信息化委；配合单位：市财政局）"
RECORD = ClauseRecord(
    clause_id="doc/1",
    kind="item",
    number="2.",
    text=TEXT,
    text_original=TEXT,
    path=["三、政策支持", "（一）I（新一代信息技术产业）8项政策", "2.扶持集成电路产业发展"],
    document=DocumentRef(
        id="doc",
        title="广州市人民政府关于加快工业和信息化产业发展的扶持意见",
        number="穗府规〔2018〕15号",
        issuer="广州市人民政府",
        valid_until="2021-08-27",
    ),
    source=Source("f", 0, len(TEXT), []),
    departments=[
        Responsibility("guangzhou/gongxin-wei", "广州市工业和信息化委员会", ["市工业和信息化委", "市工信委"], role="lead"),
        Responsibility("guangzhou/caizheng-ju", "广州市财政局", ["市财政局"], role="cooperating"),
    ],
    awards=[Award("subsidy", rate=0.8, cap_yuan=6_000_000)],
)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), True),
        (Filters(document="doc"), True),  # the id
        (Filters(document="do"), False),  # an id is matched whole
        (Filters(document="工业和信息化产业"), True),  # a piece of the title
        (Filters(document="穗府规〔2018〕15号"), True),  # the 文号
        (Filters(document="IAB"), False),
        (Filters(issuer="广州市人民政府"), True),
        (Filters(issuer="廣州市人民政府"), True),  # Traditional input
        (Filters(issuer="工业和信息化局"), False),
        (Filters(issuer="广州市政府"), True),  # 人民政府 as people shorten it
        (Filters(issuer="廣州市政府辦公廳"), False),  # a piece the issuer does not hold
        (Filters(department="市工业和信息化委"), True),
        (Filters(department="广州市工业和信息化委员会", role="lead"), True),  # 广州市 prefix, 委员会 ~ 委
        (Filters(department="工业和信息化委"), True),  # no prefix at all
        (Filters(department="市工信委", role="lead"), True),  # a short form among the labels
        (Filters(department="市工業和資訊化委"), True),  # Traditional input
        (Filters(department="市工业和信息化委", role="cooperating"), False),  # it leads here
        (Filters(department="市财政局", role="cooperating"), True),
        (Filters(department="市财政局", role="lead"), False),
        (Filters(department="市工业和信息化局"), False),  # another body (its successor)
        (Filters(award_kind="subsidy"), True),
        (Filters(award_kind="reward"), False),
        (Filters(industry="集成电路"), True),  # in the heading path only
        (Filters(industry="MPW"), True),  # in the text
        (Filters(industry="mpw"), True),  # case-folded
        (Filters(industry="工业和信息化产业"), True),  # in the document title only
        (Filters(industry="生物医药"), False),
        (Filters(min_cap_yuan=6_000_000), True),  # at least: the cap itself passes
        (Filters(min_cap_yuan=6_000_001), False),
        (Filters(in_force_only=True), False),  # ended 2021-08-27
        (Filters(department="市工信委", award_kind="subsidy", min_cap_yuan=1_000_000), True),
        (Filters(department="市工信委", award_kind="reward"), False),  # every filter must hold
    ],
)
def test_rules_on_a_literal_record(filters: Filters, expected: bool) -> None:
    assert matches(RECORD, filters, TODAY) is expected


def test_missing_fields_fail_the_filters_that_need_them() -> None:
    bare = ClauseRecord("x/1", "item", None, [], "加强组织领导。", "加强组织领导。", DocumentRef("x"), Source("x", 0, 7, []))
    assert matches(bare, Filters(), TODAY)
    assert not matches(bare, Filters(in_force_only=True), TODAY)  # no stated end: unknown, not in force
    for filters in [Filters(issuer="广州市人民政府"), Filters(document="意见"), Filters(department="市财政局"),
                    Filters(award_kind="other"), Filters(min_cap_yuan=0), Filters(industry="集成电路")]:
        assert not matches(bare, filters, TODAY), filters


def test_in_force_on_the_last_day_and_after() -> None:
    document = DocumentRef("d", valid_until="2021-08-27")
    assert in_force(document, date(2021, 8, 27))
    assert not in_force(document, date(2021, 8, 28))
    assert not in_force(DocumentRef("d"), date(2099, 1, 1))  # unknown is not in force
    assert not in_force(DocumentRef("d", validity="有效期5年"), date(2019, 1, 1))  # no start date: unknown


def test_in_force_only_needs_today() -> None:
    with pytest.raises(ValueError, match="in_force_only: pass today's date"):
        matches(RECORD, Filters(in_force_only=True))


def test_department_key_is_the_evaluators() -> None:
    assert department_key("广州市工业和信息化委员会") == department_key("市工业和信息化委") == "工业和信息化委"
    assert department_key("广州市人民政府") == department_key("市政府") == "政府"
    assert department_key("各区人民政府") == "各区政府"


# Parsing CLI and HTTP strings ------------------------------------------------------------


def test_from_strings() -> None:
    assert Filters.from_strings(
        document=" 穗府规〔2018〕15号 ", issuer="", department="市工业和信息化委", role="Lead",
        award_kind="interest_subsidy", industry="集成电路", min_cap="1000万", in_force_only="true",
    ) == Filters(
        document="穗府规〔2018〕15号", issuer=None, department="市工业和信息化委", role="lead",
        award_kind="interest_subsidy", industry="集成电路", min_cap_yuan=10_000_000, in_force_only=True,
    )
    assert Filters.from_strings() == Filters()
    assert Filters.from_strings().is_empty
    assert not Filters.from_strings(in_force_only="1").is_empty


@pytest.mark.parametrize(
    ("text", "yuan"),
    [("1000万", 10_000_000), ("1000万元", 10_000_000), ("1,000万", 10_000_000), ("5亿", 500_000_000),
     ("1.5亿元", 150_000_000), ("10000000", 10_000_000), ("五百万", 5_000_000), ("１０００万", 10_000_000)],
)
def test_parse_yuan(text: str, yuan: float) -> None:
    assert parse_yuan(text) == yuan


@pytest.mark.parametrize(
    ("strings", "message"),
    [
        ({"min_cap": "很多"}, "min_cap: not an amount of money: '很多' (for example 1000万, 1000万元, 5亿 or 10000000)"),
        ({"min_cap": "1000万美元"}, "min_cap: not an amount of money: '1000万美元'"),
        ({"department": "市财政局", "role": "leader"}, "role: expected one of lead, cooperating, got 'leader'"),
        ({"role": "lead"}, "role: a role applies to a department; give department too"),
        ({"award_kind": "grant"}, f"award_kind: expected one of {', '.join(AWARD_KINDS)}, got 'grant'"),
        ({"in_force_only": "maybe"}, "in_force_only: expected true or false, got 'maybe'"),
    ],
)
def test_from_strings_errors(strings: dict, message: str) -> None:
    with pytest.raises(ValueError) as problem:
        Filters.from_strings(**strings)
    assert str(problem.value).startswith(message)


# Facts about the shipped corpus ----------------------------------------------------------


def test_department_and_role(records) -> None:
    led = kept(records, Filters(department="市工业和信息化委", role="lead"))
    cooperating = kept(records, Filters(department="市工业和信息化委", role="cooperating"))
    # 001 item 5 做大做强一批本地优势企业: 牵头单位：市发展改革委、工业和信息化委
    assert f"{IAB_PLAN_001}/4.2.5" in led
    assert f"{IAB_PLAN_001}/4.2.5" not in cooperating
    # 001 item 1 建设一批创新平台: 牵头单位：市科技创新委; 配合单位：…工业和信息化委…
    assert f"{IAB_PLAN_001}/4.1.1" not in led
    assert f"{IAB_PLAN_001}/4.1.1" in cooperating
    assert f"{IAB_PLAN_001}/4.1.1" in kept(records, Filters(department="市科技创新委", role="lead"))
    # the name as the evaluator accepts it, and in Traditional, finds the same clauses
    assert kept(records, Filters(department="广州市工业和信息化委员会", role="lead")) == led
    assert kept(records, Filters(department="市工業和資訊化委", role="lead")) == led
    # every kept clause names the commission as a lead
    for clause_id in led:
        roles = {d.role for d in by_id(records, clause_id).departments if d.label == "广州市工业和信息化委员会"}
        assert "lead" in roles, clause_id


def test_min_cap_agrees_with_the_graph_query(records, generation: Path) -> None:
    found = kept(records, Filters(min_cap_yuan=10_000_000))
    assert f"{HUANGPU_000}/3.1.1" in found  # I-1: 同一企业按差额补足方式最高奖励2亿元
    assert f"{HUANGPU_000}/3.2.3" in found  # 最高1000万元, exactly the minimum
    assert f"{HUANGPU_000}/3.1.7" not in found  # I-7 rent: caps of 100万 and 500万
    graph_clauses = {row.clause.split("/clause/", 1)[1] for row in awards_with_cap(graph_for_queries(generation), 10_000_000)}
    assert {c for c in found if by_id(records, c).kind != "segment"} == graph_clauses


def test_in_force_only(records) -> None:
    in_force_documents = {r.document.id for r in records if matches(r, Filters(in_force_only=True), TODAY)}
    # 穗府规〔2018〕15号 ended 2021-08-27, the AI guide 2025-12-31, and the plans' periods
    # (2018—2022, 2022—2025) are over; the others state no end: nothing is known to be in force
    assert in_force_documents == set()
    on_2024 = {r.document.id for r in records if matches(r, Filters(in_force_only=True), date(2024, 6, 1))}
    assert AI_GUIDE_003 in on_2024 and SUPPORT_2018_15 not in on_2024
    assert HUANGPU_000 not in on_2024  # 有效期5年 without a start date: unknown
    assert IAB_PLAN_001 not in on_2024  # plan period 2018—2022 over
    on_2019 = {r.document.id for r in records if matches(r, Filters(in_force_only=True), date(2019, 6, 1))}
    assert IAB_PLAN_001 in on_2019  # within its plan period
    # on the last day of its validity, 穗府规〔2018〕15号 is still in force
    on_last_day = {r.document.id for r in records if matches(r, Filters(in_force_only=True), date(2021, 8, 27))}
    assert SUPPORT_2018_15 in on_last_day


def test_award_kind(records) -> None:
    found = kept(records, Filters(award_kind="interest_subsidy"))
    assert f"{HUANGPU_000}/3.1.5" in found  # I-5: 按实际发生贷款额的1.5%（年利率）给予贴息
    assert f"{HUANGPU_000}/3.1.7" not in found  # I-7: rent subsidy only
    for clause_id in found:
        assert any(a.kind == "interest_subsidy" for a in by_id(records, clause_id).awards)


def test_industry(records) -> None:
    chips = kept(records, Filters(industry="集成电路"))
    assert f"{HUANGPU_000}/3.1.2" in chips  # 2.扶持集成电路产业发展 (its text)
    assert f"{HUANGPU_000}/3.1.2/s3" in chips  # the MPW sentences: only the heading says 集成电路
    assert f"{SUPPORT_2018_15}/2.14" in chips  # 对集成电路企业流片费用
    assert f"{HUANGPU_000}/3.1.1" not in chips
    ai = kept(records, Filters(industry="人工智能"))
    assert f"{HUANGPU_000}/3.2.6" in ai  # under （二）A（人工智能产业）8项政策
    assert f"{HUANGPU_000}/3.1.6" not in ai
    assert {r.clause_id for r in records if r.document.id == AI_GUIDE_003} <= ai  # by its title


def test_document_and_issuer(records) -> None:
    by_number = kept(records, Filters(document="穗府规〔2018〕15号"))
    assert by_number == {r.clause_id for r in records if r.document.id == SUPPORT_2018_15}
    assert kept(records, Filters(document=SUPPORT_2018_15)) == by_number
    iab = {by_id(records, c).document.id for c in kept(records, Filters(document="IAB"))}
    assert iab == {HUANGPU_000, IAB_PLAN_001, IAB_PLAN_002_COPY}
    issued = {by_id(records, c).document.id for c in kept(records, Filters(issuer="工业和信息化局"))}
    assert issued == {AI_GUIDE_003}


@pytest.mark.parametrize(
    ("written", "as_filtered"),
    [
        # any city's name, or the bare 市, is dropped: 深圳, 中山, 北京 as well as 广州
        ("深圳市工业和信息化局", "市工业和信息化局"),
        ("中山市科学技术局", "市科学技术局"),
        ("北京市经济和信息化局", "经济和信息化局"),
        ("深圳市市场监督管理局", "市场监督管理局"),
        ("市市场监管局", "市场监管局"),
        ("深圳市城市管理和综合执法局", "市城市管理和综合执法局"),
    ],
)
def test_department_key_drops_any_citys_prefix(written, as_filtered) -> None:
    assert department_key(written) == department_key(as_filtered)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("区城市管理局", "市城市管理局"),  # 城市 is part of the name, not a city
        ("市场监管局", "场监管局"),
        ("深圳市福田区科技创新局", "深圳市科技创新局"),  # a district's body is not the city's
    ],
)
def test_department_key_keeps_what_is_not_a_city(one, other) -> None:
    assert department_key(one) != department_key(other)
