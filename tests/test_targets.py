"""Tables of examples for counted quantities (``kg.extract.amounts.find_counts``) and target
extraction (``kg.extract.targets``), and facts about the targets of the shipped corpus."""
from __future__ import annotations

import pytest

from policykg.kg.extract.amounts import find_counts
from policykg.kg.extract.targets import extract_table_targets, extract_targets, target_year

from conftest import clause_containing


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("建成100家IAB重点创新平台", [(100, None, "家")]),
        ("培育100家具有领先优势的重点企业", [(100, None, "家")]),  # 家具有, not 家具
        ("组织实施IAB重大创新成果转化项目超1000项", [(1000, None, "项")]),
        ("新增就业岗位3万人", [(30_000, None, "人")]),
        ("新增就业岗位6.6万人", [(66_000, None, "人")]),
        ("吸引1 - 3家世界500强医药企业", [(1, 3, "家")]),
        ("培育3-5个重大品种", [(3, 5, "个")]),
        ("建设100个人工智能应用场景示范项目", [(100, None, "个")]),
        ("培育发展五十家企业", [(50, None, "家")]),
        ("引进至少14名院士专家", [(14, None, "名")]),
        ("一批龙头企业", []),
        ("2个百分点", []),
        ("3个月", []),
        ("5个人", []),
        ("家电企业", []),
        ("2022年", []),
        ("第10.5代", []),
    ],
)
def test_find_counts(text, counts):
    assert [(c.value, c.high, c.unit) for c in find_counts(text)] == counts


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("到2022年，成为影响全球、引领全国的IAB产业集聚区", 2022),
        ("到2019年底，形成完善的产业配套体系", 2019),
        ("2025年，全市战略性新兴产业增加值突破1.2万亿元", 2025),
        ("到2020年，…；到2025年，主营业务收入达到2000亿元", 2025),
        ("从2018年至2022年底，分组织实施、中期评估、总结示范三个阶段", None),  # a span
        ("上市高新技术企业数量在2020年基础上翻番", None),  # a base year
        ("比2015年下降12.5%", None),
        ("力争2019年6月开始试产", None),  # a date
        ("临近产业园的虎门二桥将于2019年建成通车", None),  # an event
        ("2023—2025年对每家符合条件的企业可给予累计最高600万元", None),
    ],
)
def test_target_year(text, year):
    assert target_year(text) == year


def _row(t):
    return (t.value, t.unit, t.year, t.bound)


@pytest.mark.parametrize(
    ("text", "targets"),
    [
        ("到2022年，建成100家IAB重点创新平台。", [(100, "家", 2022, "min")]),
        ("到2022年，全市签约IAB重点项目不少于100个，落地项目不少于50个。",
         [(100, "个", 2022, "min"), (50, "个", 2022, "min")]),
        # one year for a list, 分别 giving three targets, a growth rate
        ("到2022年，全市IAB产业规模年均增长15%以上，总规模超10000亿元。其中，新一代信息技术、人工智能、生物医药产业规模分别超"
         "7000亿元、1200亿元、1800亿元。",
         [(0.15, "ratio", 2022, "min"), (1e12, "yuan", 2022, "min"), (7e11, "yuan", 2022, "min"),
          (1.2e11, "yuan", 2022, "min"), (1.8e11, "yuan", 2022, "min")]),
        # the year changes mid-sentence
        ("到2020年，主营业务收入达到1000亿元，新增就业岗位3万人，到2025年，主营业务收入达到2000亿元，新增就业岗位6.6万人。",
         [(1e11, "yuan", 2020, "min"), (30_000, "人", 2020, "min"), (2e11, "yuan", 2025, "min"), (66_000, "人", 2025, "min")]),
        # ratios; exact (左右) and maximum bounds
        ("到2025年，力争实现全市R&D（研究与试验发展）经费占GDP（国内生产总值）比重达到3.4%，全市战略性新兴产业增加值突破1.2万亿元。",
         [(0.034, "ratio", 2025, "min"), (1.2e12, "yuan", 2025, "min")]),
        ("到2019年底，生产性服务业增加值达到1.3万亿元左右。", [(1.3e12, "yuan", 2019, "exact")]),
        ("到2025年，单位产值能耗控制在0.3吨以下，PM2.5年均浓度不超过25%。", [(0.25, "ratio", 2025, "max")]),
        # a year opening the sentence
        ("2020年力促项目达产，实现年产值1000亿元，实现15000名面板产业相关高技术人员就业。",
         [(1e11, "yuan", 2020, "min"), (15_000, "名", 2020, "min")]),
    ],
)
def test_extract_targets(text, targets):
    assert [_row(t) for t in extract_targets(text)] == targets


@pytest.mark.parametrize(
    "text",
    [
        # no year governs the quantity
        "全市IAB产业规模年均增长15%以上，总规模超10000亿元。",
        "加大人工智能应用场景开放力度，建设100个人工智能应用场景示范项目。",
        # a year, but eligibility thresholds, attributive amounts, awards, budgets, selections
        "到2022年，实现主营业务收入5亿元以上的IAB企业研发机构全覆盖。",
        "到2020年，各园区组建规模不小于10亿元的产业发展基金。",
        "到2022年，对成功实施技术改造的企业给予最高500万元补助。",
        "2022年从国资收益中安排不低于1亿元，专项支持企业发展重大科技创新产业项目。",
        "到2022年，每年择优遴选10家左右企业。",
        # quoted names, a count opening its segment, a change of a rate, a base year
        "到2022年，实现“8千亿规模”、实现“5个一批”。",
        "到2020年，10个价值创新园区基本建成产业特色明显的发展体系。",
        "将职工社会医疗保险单位缴费费率在2020年之前从8%逐步降到6.5%左右。",
        "从2018年至2022年底，分组织实施、中期评估、总结示范三个阶段。",
    ],
)
def test_not_targets(text):
    assert extract_targets(text) == []


def test_inherited_year_applies_where_the_clause_states_none():
    text = "全市IAB产业规模年均增长15%以上，总规模超10000亿元。"
    assert [_row(t) for t in extract_targets(text, year=2022)] == [
        (0.15, "ratio", 2022, "min"),
        (1e12, "yuan", 2022, "min"),
    ]
    # the clause's own year wins over the inherited one
    assert [t.year for t in extract_targets("到2019年底，产值达到1200亿元。", year=2022)] == [2019]


def test_respective_metrics_are_named_one_by_one():
    targets = extract_targets("到2022年，新一代信息技术、人工智能、生物医药产业规模分别超7000亿元、1200亿元、1800亿元。")
    assert [t.metric for t in targets] == ["新一代信息技术产业规模", "人工智能产业规模", "生物医药产业规模"]


def test_metric_takes_the_verb_and_object_when_nothing_precedes():
    (t,) = extract_targets("到2022年，建成100家IAB重点创新平台。")
    assert t.metric == "建成IAB重点创新平台"
    assert t.text == "建成100家IAB重点创新平台"


TABLE = """广州建设“中国制造 2025”试点示范城市主要目标体系
类别 目标 单位 2018 年 2019 年 牵头单位
规模
结构
规模以上工业总产值 万亿元 2.15 2.3 市工业和信息化委
制造业增加值占 GDP（地区
生产总值）比重
% 23.5 25 市工业和信息化委
工业全员劳动生产率 万元/人 39 40 市工业和信息化委
绿色
发展
单位工业增加值用水量下降
幅度
%
比 2015 年下降
16.5%
比 2015 年下降
22.5%
市水务局"""


def test_indicator_table_gives_one_target_per_row_and_year():
    assert [(t.metric, t.value, t.unit, t.year) for t in extract_table_targets(TABLE)] == [
        ("规模以上工业总产值", 2.15e12, "yuan", 2018),
        ("规模以上工业总产值", 2.3e12, "yuan", 2019),
        ("制造业增加值占GDP（地区生产总值）比重", 0.235, "ratio", 2018),
        ("制造业增加值占GDP（地区生产总值）比重", 0.25, "ratio", 2019),
        ("工业全员劳动生产率", 390_000, "yuan/人", 2018),
        ("工业全员劳动生产率", 400_000, "yuan/人", 2019),
        ("单位工业增加值用水量下降幅度（比2015年下降）", 0.165, "ratio", 2018),
        ("单位工业增加值用水量下降幅度（比2015年下降）", 0.225, "ratio", 2019),
    ]
    assert extract_targets(TABLE) == extract_table_targets(TABLE)


def test_prose_with_a_department_and_a_year_is_not_a_table():
    text = "将职工社会医疗保险单位缴费费率在2020年之前从8%逐步降到6.5%左右。（责任单位：市人力资源和社会保障局、各区政府）"
    assert extract_table_targets(text) == []


# -- the shipped corpus ----------------------------------------------------------------


def test_iab_plan_scale_targets_take_the_year_of_their_preamble(clauses):
    preamble = clause_containing(clauses, "到2022年，成为影响全球、引领全国的IAB产业集聚区")
    clause = clause_containing(clauses, "总规模超10000亿元")
    assert extract_targets(clause["text"]) == []  # the year is stated above the clause
    year = target_year(preamble["text"])
    assert year == 2022
    assert [(t.metric, t.value, t.unit, t.year) for t in extract_targets(clause["text"], year=year)] == [
        ("全市IAB产业规模年均增长", 0.15, "ratio", 2022),
        ("总规模", 1e12, "yuan", 2022),
        ("新一代信息技术产业规模", 7e11, "yuan", 2022),
        ("人工智能产业规模", 1.2e11, "yuan", 2022),
        ("生物医药产业规模", 1.8e11, "yuan", 2022),
    ]


def test_platform_clause_gives_one_count_target(clauses):
    clause = clause_containing(clauses, "到2022年，建成100家IAB重点创新平台")
    # 主营业务收入5亿元以上 is an eligibility threshold
    assert [(t.value, t.unit, t.year) for t in extract_targets(clause["text"])] == [(100, "家", 2022)]


def test_project_clause_gives_two_minimums(clauses):
    clause = clause_containing(clauses, "全市签约IAB重点项目不少于100个")
    assert [(t.value, t.unit, t.year, t.bound) for t in extract_targets(clause["text"])] == [
        (100, "个", 2022, "min"),
        (50, "个", 2022, "min"),
    ]


def test_manufacturing_2025_table_row(clauses):
    clause = clause_containing(clauses, "规模以上工业总产值 万亿元 2.15 2.3")
    targets = extract_targets(clause["text"])
    assert len(targets) == 22  # 11 rows, 2018 and 2019
    assert [(t.value, t.unit, t.year) for t in targets if t.metric == "规模以上工业总产值"] == [
        (2.15e12, "yuan", 2018),
        (2.3e12, "yuan", 2019),
    ]


def test_unemployment_insurance_rate_cut_is_no_target(clauses):
    clause = clause_containing(clauses, "实行从 1.5％下调至 0.8％的失")
    assert extract_targets(clause["text"]) == []
