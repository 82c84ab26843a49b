"""Tables of examples for abbreviation definitions (``kg.extract.abbreviations``), and facts
about the shipped corpus."""
from __future__ import annotations

import pytest

from policykg.kg.extract.abbreviations import find_abbreviations

from conftest import clause_containing


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        # full name first, Latin short form in brackets
        ("对企业研发多项目晶圆（MPW）直接费用的80%给予补贴", [("多项目晶圆", "MPW")]),
        ("对设计企业购买光罩（MASK）直接费用的40%给予补贴", [("光罩", "MASK")]),
        ("示范推广、电子设计自动化（EDA）等服务", [("电子设计自动化", "EDA")]),
        ("获得美国食品药品监督局（FDA）、欧盟药品质量指导委员会（EDQM）等国际市场准入许可",
         [("美国食品药品监督局", "FDA"), ("欧盟药品质量指导委员会", "EDQM")]),
        ("引入国际注册技术转移经理人认证（RTTP）", [("国际注册技术转移经理人认证", "RTTP")]),
        ("改造升级现有全球定位系统（GPS）", [("全球定位系统", "GPS")]),
        # Latin short form first, full name in brackets
        ("通过GLP（药品非临床研究质量管理规范）认证", [("药品非临床研究质量管理规范", "GLP")]),
        ("力争实现全市R&D（研究与试验发展）经费占GDP（国内生产总值）比重达到3.4%",
         [("研究与试验发展", "R&D"), ("国内生产总值", "GDP")]),
        ("推动面向5G（第五代移动通信技术）技术的物联网", [("第五代移动通信技术", "5G")]),
        ("稳步推进LoRa（易于建设部署的低功耗广域物联技术）物联传感网", [("易于建设部署的低功耗广域物联技术", "LoRa")]),
        ("聚焦“IAB”（新一代信息技术、人工智能、生物医药）", [("新一代信息技术、人工智能、生物医药", "IAB")]),
        ("制造业增加值占 GDP（地区\n生产总值）比重", [("地区生产总值", "GDP")]),
        # declared with 以下简称 / 简称
        ("广州人工智能与数字经济试验区（以下简称广州试验区）", [("广州人工智能与数字经济试验区", "广州试验区")]),
        ("为加快建设广州人工智能与数字经济试验区（以下简称“试验区”）",
         [("广州人工智能与数字经济试验区", "试验区")]),
        ("《广州市促进创新链产业链融合发展行动计划》（简称“行动计划”）", [("广州市促进创新链产业链融合发展行动计划", "行动计划")]),
    ],
)
def test_find_abbreviations(text, pairs):
    assert [(a.full, a.short) for a in find_abbreviations(text)] == pairs


@pytest.mark.parametrize(
    "text",
    [
        "（责任单位：市人力资源和社会保障局、各区政府）",
        "按建设期间贷款项目实际发生贷款额的1.5%（年利率）给予贴息",
        "广州市加快IAB产业发展五年行动计划（2018—2022年）",
        "支持超高清视频新型显示技术（含印刷显示、柔性显示）",
        "在社区中融合居住（Residence）、研发（Research）",  # English glosses
        "建设3D打印产业园（研发设计）",
        "网络、4G + 5G（第4代和第5代移动通讯技术）",  # the bracket explains 4G + 5G
        "对国际IAB顶尖人才（团队）来穗创新创业的",
        "I（新一代信息技术产业）8项政策",  # a one-letter label
    ],
)
def test_not_abbreviations(text):
    assert find_abbreviations(text) == []


def test_span_covers_the_definition():
    text = "对企业研发多项目晶圆（MPW）直接费用的80%给予补贴"
    (a,) = find_abbreviations(text)
    assert text[a.start:a.end] == "多项目晶圆（MPW）"


def test_mpw_clause_defines_mpw_and_mask(clauses):
    clause = clause_containing(clauses, "对企业研发多项目晶圆（MPW）直接费用的 80%给予补贴")
    assert [(a.full, a.short) for a in find_abbreviations(clause["text"])] == [
        ("多项目晶圆", "MPW"),
        ("光罩", "MASK"),
    ]


def test_pilot_zone_guideline_defines_its_short_name(clauses):
    clause = clause_containing(clauses, "以下简称广州试验区")
    assert ("广州人工智能与数字经济试验区", "广州试验区") in [(a.full, a.short) for a in find_abbreviations(clause["text"])]


def test_the_expander_counts_the_texts_holding_a_form_as_testing_each_text_does():
    """The expander's count of texts holding a form (one search over all texts at once)
    is the number of texts ``form in text`` is true for: a form twice in one text counts
    once, and no form is found across the end of one text and the start of the next."""
    from policykg.index.query import _TextCounter

    texts = ["多项目晶圆MPW流片，MPW补贴", "集成电路设计", "企业研发MP", "W直接费用", "多项目晶圆", "", "EDA服务平台"]
    counter = _TextCounter(texts, limit=100)
    for form in ["mpw", "多项目晶圆", "mpw直接", "pw", "eda服务平台", "集成电路", "补贴", "无此词"]:
        assert counter.holding(form) == sum(1 for t in texts if form in t.lower()), form
    assert _TextCounter(texts, limit=1).holding("多项目晶圆") == 2  # counting stops just past the limit
