"""Tables of examples for money/rate/period parsing (``kg.extract.amounts``) and award
extraction (``kg.extract.awards``), on literal snippets of policy texts, and facts about
the awards of the shipped corpus."""
from __future__ import annotations

from decimal import Decimal

import pytest

from policykg.kg.extract.amounts import find_money, find_periods, find_rates, parse_number
from policykg.kg.extract.awards import extract_awards
from policykg.kg.models import Tier

from conftest import clause_containing


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("600", Decimal("600")),
        ("1.2万亿", Decimal("1200000000000")),
        ("2,000", Decimal("2000")),
        ("500万", Decimal("5000000")),
        ("五百万", Decimal("5000000")),
        ("两千", Decimal("2000")),
        ("一亿五千万", Decimal("150000000")),
        ("十五", Decimal("15")),
        ("零点五", Decimal("0.5")),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_parse_number_refuses_words():
    with pytest.raises(ValueError, match="not a numeral"):
        parse_number("百强")


@pytest.mark.parametrize(
    ("text", "money"),
    [
        ("每家企业每年累计最高补贴600万元", [(None, 6_000_000)]),
        ("给予五百万元补贴", [(None, 5_000_000)]),
        ("总规模超1.2万亿元", [(None, 1_200_000_000_000)]),
        ("规模以上工业总产值2.15万亿元", [(None, 2_150_000_000_000)]),
        ("总规模超10000亿元", [(None, 1_000_000_000_000)]),
        ("最高奖励2亿元", [(None, 200_000_000)]),
        ("给予100—200万元资金补助", [(1_000_000, 2_000_000)]),
        ("给予100-200万元资金补助", [(1_000_000, 2_000_000)]),
        ("100万元至200万元", [(1_000_000, 2_000_000)]),
        ("5000万—1亿元", [(50_000_000, 100_000_000)]),
        ("达到1亿元、3亿元", [(None, 100_000_000), (None, 300_000_000)]),
        ("一次性奖励二十万元", [(None, 200_000)]),
        ("十亿元", [(None, 1_000_000_000)]),
        ("1,000万元", [(None, 10_000_000)]),
        ("给予100万美元", []),  # not yuan
        ("降低2.33分/千瓦时", []),
        ("2023—2025年", []),
        ("“8千亿规模”", []),  # no 元
    ],
)
def test_find_money(text, money):
    assert [(m.low_yuan, m.yuan) for m in find_money(text)] == money


def test_money_span():
    text = "每家企业每年累计最高补贴600万元。"
    (m,) = find_money(text)
    assert (m.start, m.end, text[m.start:m.end]) == (12, 17, "600万元")


@pytest.mark.parametrize(
    ("text", "rates"),
    [
        ("按实际租金的50%给予补贴", [0.5]),
        ("1.5%（年利率）", [0.015]),
        ("获奖金额的100%", [1.0]),
        ("百分之三十", [0.3]),
        ("百分之十五", [0.15]),
        ("八成以上企业", [0.8]),
        ("１５％", [0.15]),  # full width, before normalisation
        ("50%、50%、30%", [0.5, 0.5, 0.3]),
        ("一成不变", []),
        ("建成一批", []),
        ("提高2个百分点", []),
    ],
)
def test_find_rates(text, rates):
    assert [r.value for r in find_rates(text)] == rates


def test_rate_range_keeps_low_end():
    (r,) = find_rates("按10%—30%给予补贴")
    assert (r.low, r.value) == (0.1, 0.3)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("补贴期限3年", [3.0]),
        ("补贴期限三年", [3.0]),
        ("贴息期最长3年", [3.0]),
        ("贴息期最长不超过3年", [3.0]),
        ("贴息年限最长3年", [3.0]),
        ("贴息期限最多不超过2年", [2.0]),
        ("从项目完工下一年起连续3年", [3.0]),
        ("连续资助不超过3年", [3.0]),
        ("连续奖励两年", [2.0]),
        ("为期三年", [3.0]),
        ("贴息最长3年", [3.0]),
        ("扶持期限6个月", [0.5]),
        ("一年期（含）以上并购贷款", []),
        ("2023—2025年", []),
        ("力争3年内", []),
    ],
)
def test_find_periods(text, years):
    assert [p.years for p in find_periods(text)] == years


def _row(a):
    tiers = [(t.threshold_yuan, t.amount_yuan) for t in a.tiers] if a.tiers else None
    return (a.kind, a.rate, a.cap_yuan, a.amount_yuan, a.per, a.period_years, tiers, a.top_up)


@pytest.mark.parametrize(
    ("text", "awards"),
    [
        # a rate, its base and a ceiling per firm and year
        ("给予买方企业当年购买总额的5%补贴，每家企业每年最高补贴300万元。",
         [("subsidy", 0.05, 3e6, None, "每家企业每年", None, None, False)]),
        # one ceiling shared by three rates
        ("对企业研发多项目晶圆（MPW）直接费用的80%给予补贴，对设计企业购买光罩（MASK）直接费用的40%给予补贴，"
         "对设计企业工程片、试流片加工费用的30%给予补贴，每家企业每年累计最高补贴600万元。",
         [("subsidy", 0.8, 6e6, None, "每家企业每年", None, None, False),
          ("subsidy", 0.4, 6e6, None, "每家企业每年", None, None, False),
          ("subsidy", 0.3, 6e6, None, "每家企业每年", None, None, False)]),
        # two annual interest rates sharing a period and a ceiling across ；
        ("按建设期间贷款项目实际发生贷款额的1.5%（年利率）给予贴息；在政府引导区域内的建设项目按实际发生贷款额的2%"
         "（年利率）给予贴息，补贴期限3年，每家企业每年最高补贴100万元。",
         [("interest_subsidy", 0.015, 1e6, None, "每家企业每年", 3.0, None, False),
          ("interest_subsidy", 0.02, 1e6, None, "每家企业每年", 3.0, None, False)]),
        # tiers, paid as the difference, with a ceiling
        ("对当年主营业务收入达到1亿元、3亿元、5亿元、10亿元的集成电路设计或封测企业，经认定，分别给予2000万元、"
         "2500万元、3000万元、5000万元奖励，同一企业按差额补足方式最高奖励5000万元。",
         [("reward", None, 5e7, None, "同一企业", None,
           [(1e8, 2e7), (3e8, 2.5e7), (5e8, 3e7), (1e9, 5e7)], True)]),
        ("对年营业收入首次突破10亿元、50亿元、100亿元的企业，分别给予100万元、300万元、500万元奖励。",
         [("reward", None, None, None, None, None, [(1e9, 1e6), (5e9, 3e6), (1e10, 5e6)], False)]),
        # an eligibility threshold, then an award named without a number and its ceiling
        ("对上年度主营业务收入1000万元以上的中小微新一代信息技术企业，每年择优遴选10家左右，采用直接股权投资的方式给予支持，"
         "每家企业最高500万元。",
         [("equity_investment", None, 5e6, None, "每家企业", None, None, False)]),
        # fixed amounts, one by one and as a list
        ("已完成企业股份制改造的，给予20万元补贴；已完成股份制改造并与证券公司签订推荐挂牌协议的，给予50万元补贴；",
         [("subsidy", None, None, 2e5, None, None, None, False),
          ("subsidy", None, None, 5e5, None, None, None, False)]),
        ("对获得国家级奖项一等奖、二等奖、三等奖的，分别给予200万元、100万元、50万元奖励，获得国际大奖的，给予获奖金额的100%奖励。",
         [("reward", None, None, 2e6, None, None, None, False),
          ("reward", None, None, 1e6, None, None, None, False),
          ("reward", None, None, 5e5, None, None, None, False),
          ("reward", 1.0, None, None, None, None, None, False)]),
        ("对新认定的省级“专精特新”中小企业一次性奖励20万元。", [("reward", None, None, 2e5, None, None, None, False)]),
        ("按每家企业10万元的标准，给予一次性奖励。", [("reward", None, None, 1e5, "每家企业", None, None, False)]),
        ("给予每品种200万元的资金支持。", [("funding", None, None, 2e6, "每品种", None, None, False)]),
        # ceilings as awards of their own, a list of ceilings, a range read as its ceiling
        ("对符合条件的事项最高补助3000万元。", [("subsidy", None, 3e7, None, None, None, None, False)]),
        ("按国家级、省级、市级分别给予最高1亿元、2000万元和800万元资金支持。",
         [("funding", None, 1e8, None, None, None, None, False),
          ("funding", None, 2e7, None, None, None, None, False),
          ("funding", None, 8e6, None, None, None, None, False)]),
        ("对绩效考评优秀的技术转移示范机构，给予100—200万元资金补助。",
         [("subsidy", None, 2e6, None, None, None, None, False)]),
        ("2023—2025年对每家符合条件的企业可给予累计最高600万元的财政经费支持。",
         [("funding", None, 6e6, None, "每家符合条件的企业", None, None, False)]),
        # a ceiling inside the award phrase; matching funds
        ("按国家实际到位经费的10%给予最高100万元地方配套。", [("matching_fund", 0.1, 1e6, None, None, None, None, False)]),
        ("按照实际到账投资额的15%给予每年最高500万元的奖励支持。", [("reward", 0.15, 5e6, None, "每年", None, None, False)]),
        # a rate, then 或 another award with its own ceiling; the rate's kind refined by the ceiling's word
        ("按不高于固定资产投资额的30%给予补助，最高不超过500万元（事后奖补等普惠性政策除外），或给予直接股权投资支持，"
         "单个企业扶持金额最高不超过1亿元。",
         [("subsidy", 0.3, 5e6, None, None, None, None, False),
          ("equity_investment", None, 1e8, None, "单个企业", None, None, False)]),
        ("按项目设备投资额的20%给予支持，单个项目最高补助额不超过500万元，对企业固定资产投资给予贴息，贴息年限最长3年，"
         "单个项目贴息金额累计不超过500万元。",
         [("subsidy", 0.2, 5e6, None, "单个项目", None, None, False),
          ("interest_subsidy", None, 5e6, None, "单个项目", 3.0, None, False)]),
        # a second ceiling of the same award is not a new award
        ("按兼并重组时发生的中介费用的50%给予补贴，单个项目最高补贴50万元，每家企业每年最高补贴200万元。",
         [("subsidy", 0.5, 5e5, None, "单个项目", None, None, False)]),
        # one ceiling per award word: 股权投资 and 补助
        ("采用直接股权投资或补助的方式给予支持，直接股权投资单个项目最高不超过3000万元，补助单个项目最高不超过500万元。",
         [("equity_investment", None, 3e7, None, "单个项目", None, None, False),
          ("subsidy", None, 5e6, None, "单个项目", None, None, False)]),
        # a leading period and a list of rates sharing one award word
        ("从项目完工下一年起连续3年，按对财政贡献增量额度中省级分成部分的60%、市级分成部分的50%、区级分成部分的40%实行以奖代补。",
         [("reward", 0.6, None, None, None, 3.0, None, False),
          ("reward", 0.5, None, None, None, 3.0, None, False),
          ("reward", 0.4, None, None, None, 3.0, None, False)]),
        # a ceiling in the next sentence, shared by the rates before it
        ("分别按照不高于单台（套）或单批次销售价格的50%、50%、30%给予补助。同一家企业每年度累计获得市级财政资金推广补助"
         "最高不超过1000万元。",
         [("subsidy", 0.5, 1e7, None, "同一家企业每年度", None, None, False),
          ("subsidy", 0.5, 1e7, None, "同一家企业每年度", None, None, False),
          ("subsidy", 0.3, 1e7, None, "同一家企业每年度", None, None, False)]),
        # a rate named by the award word before it; a rate without 的
        ("给予项目贷款贴息，贴息比例不超过贷款利息的50%。", [("interest_subsidy", 0.5, None, None, None, None, None, False)]),
        ("对新发行债券的企业给予发行费用10%的一次性补贴，最高不超过50万元。",
         [("subsidy", 0.1, 5e5, None, None, None, None, False)]),
        ("按百分之十五给予补贴。", [("subsidy", 0.15, None, None, None, None, None, False)]),
        ("按年化担保额的1%给予风险补偿。", [("other", 0.01, None, None, None, None, None, False)]),
        ("单个项目支持额度最高可达项目投资额的30%。", [("funding", 0.3, None, None, "单个项目", None, None, False)]),
        ("项目贷款贴息比例最高为50%，贴息期限不超过3年，每年贴息金额不超过200万元。",
         [("interest_subsidy", 0.5, 2e6, None, "每年", 3.0, None, False)]),
        ("给予不超过实际支出50%、最高200万元的补助。", [("subsidy", 0.5, 2e6, None, None, None, None, False)]),
        # two awards phrased alike, each with its own ceiling
        ("对新获批的国家级制造业创新中心，给予最高3000万元支持；对省级制造业创新中心，给予最高1000万元支持。",
         [("funding", None, 3e7, None, None, None, None, False), ("funding", None, 1e7, None, None, None, None, False)]),
        ("按照每人每月1000元的标准给予生活补贴，补贴期限最长2年。", [("subsidy", None, None, 1000, "每人", 2.0, None, False)]),
        ("对租用办公用房的，第一年按100%、第二年按50%、第三年按30%给予租金补贴。",
         [("subsidy", 1.0, None, None, None, None, None, False), ("subsidy", 0.5, None, None, None, None, None, False),
          ("subsidy", 0.3, None, None, None, None, None, False)]),
        # a rate stated once for a list of ceilings applies to each of them
        ("对新认定的国家级、省级、市级研发机构，按其研发设备购置费用的50%给予补贴，分别最高不超过200万元、300万元、500万元。",
         [("subsidy", 0.5, 2e6, None, None, None, None, False), ("subsidy", 0.5, 3e6, None, None, None, None, False),
          ("subsidy", 0.5, 5e6, None, None, None, None, False)]),
        ("按其认定当年研发投入的10%分别给予最高500万元、200万元奖励。",
         [("reward", 0.1, 5e6, None, None, None, None, False), ("reward", 0.1, 2e6, None, None, None, None, False)]),
        # as many rates as ceilings pair up
        ("对国家级、省级中心分别按投入的30%、20%给予资助，分别最高不超过300万元、100万元。",
         [("funding", 0.3, 3e6, None, None, None, None, False), ("funding", 0.2, 1e6, None, None, None, None, False)]),
        # other cities' wording: a rate right after its base, 资助比例可提高到, 支持不超过…的20%
        ("按最高不超过投资额10%给予资助，单个项目最高500万元。",
         [("funding", 0.1, 5e6, None, "单个项目", None, None, False)]),
        ("对智能制造示范项目，资助比例可提高到20%，单个项目最高500万元。",
         [("funding", 0.2, 5e6, None, "单个项目", None, None, False)]),
        ("同一项目支持不超过项目实际建设投入的20%且不超过300万元。",
         [("funding", 0.2, 3e6, None, "同一项目", None, None, False)]),
        ("拟根据完成投资额给予不超过50%的资助，单个项目累计资助额度最高不超过2000万元。",
         [("funding", 0.5, 2e7, None, "单个项目", None, None, False)]),
        ("按照设备投资额不超过10%、最高不超过1000万元的标准给予补助。",
         [("subsidy", 0.1, 1e7, None, None, None, None, False)]),
        ("按国家实际到位资金的30%给予配套扶持，单个项目最高扶持500万元。",
         [("matching_fund", 0.3, 5e6, None, "单个项目", None, None, False)]),
        # a ceiling stated before the rate it bounds
        ("单个项目原则上补贴金额最高不超过5000万元，按当年对新区地方经济贡献100%给予奖励。",
         [("reward", 1.0, 5e7, None, "单个项目", None, None, False)]),
        # an amount per unit, named by 给予一次性补助, and its ceiling
        ("按每平方米1000元给予一次性补助，最高补助1000万元。",
         [("subsidy", None, 1e7, 1000, "每平方米", None, None, False)]),
        # an amount per unit after the award word and its recipient
        ("一次性奖励企业100元/亩；对新发展的500亩以上的基地，一次性奖励企业200元/亩。",
         [("reward", None, None, 100, None, None, None, False), ("reward", None, None, 200, None, None, None, False)]),
        # parallel tiers whose thresholds end in 以上 rather than 的
        ("新纳入统计的，一次性给予5万元奖励；年地方经济贡献额达到30万元以上，一次性给予10万元奖励；达到50万元以上，一次性给予20万元奖励。",
         [("reward", None, None, 5e4, None, None, None, False),
          ("reward", None, None, None, None, None, [(3e5, 1e5), (5e5, 2e5)], False)]),
        # thresholds, then a rate with a list of ceilings: the ceilings bound the rate, no tiers
        ("对年度营业收入首次达到2亿元、5亿元的企业，按其营业收入增量的2%给予奖励，分别最高不超过200万元、400万元。",
         [("reward", 0.02, 2e6, None, None, None, None, False), ("reward", 0.02, 4e6, None, None, None, None, False)]),
        # a rate named before it by its award (贴息率…计算), and an equity investment's share
        ("给予项目贷款贴息，贴息率按照同期贷款市场报价利率的40%计算，每个项目累计贴息不超过800万元。",
         [("interest_subsidy", 0.4, 8e6, None, "每个项目", None, None, False)]),
        ("市产业基金可采取股权投资方式给予支持，出资额原则上不超过项目总投资的25%，单个项目最高不超过3亿元。",
         [("equity_investment", 0.25, 3e8, None, "单个项目", None, None, False)]),
        # tiers written as parallel phrases
        ("企业年产值首次超过5亿元的，奖励50万元；首次超过10亿元的，奖励100万元；首次超过50亿元的，奖励300万元。",
         [("reward", None, None, None, None, None, [(5e8, 5e5), (1e9, 1e6), (5e9, 3e6)], False)]),
    ],
)
def test_extract_awards(text, awards):
    assert [_row(a) for a in extract_awards(text)] == awards


@pytest.mark.parametrize(
    "text",
    [
        # price and fee cuts
        "大工业用电电价和一般工商业用电电价统一降低2.33分/千瓦时。",
        "实行从1.5%下调至0.8%的失业保险单位费率。",
        "电网企业收取的高可靠性供电费用在现有标准基础上降低30%。",
        # land prices and quotas
        "工业用地出让价格按不低于所在地土地等别相对应工业用地出让最低价标准的70%执行。",
        "配套设施建筑面积占项目总建筑面积的比例可从14%提高到15%。",
        # eligibility thresholds, attributive amounts
        "将申报门槛从“总投资额500万元以上”下调为“设备投资额150万元以上”。",
        "引进一批骨干企业（产品/服务年销售收入2500万元以上）。",
        "各园区至少组建1个规模不小于10亿元的产业发展基金。",
        "对年营业收入不超过2000万元的小微企业给予房租补贴。",
        # budgets and fund sizes
        "2022—2025年每年安排财政经费1亿元，用于奖励大赛获奖企业。",
        "每年投入财政经费不超过2亿元作为风险补偿资金，力争撬动合作银行为科技型企业放贷超过2000亿元。",
        "将设立总规模为100亿元、首期规模为50亿元的人工智能产业母基金。",
        # targets, headcounts, awards without numbers
        "到2022年，全市IAB产业总规模超10000亿元。",
        "每年奖励20名杰出产业人才、500名产业高端人才。",
        "按有关规定对企业实施的技术改造项目给予资金支持。",
        "采取股权投资、补助、风险补偿等方式给予扶持。",
        "引导各级政府性融资担保机构担保费率不超过1%。",
        # a rate that is a condition of the award, not its rate
        "对研发投入占比达到5%的企业给予奖励。",
        "对年营业收入增长20%给予奖励的企业，不再重复支持。",
    ],
)
def test_not_awards(text):
    assert extract_awards(text) == []


def test_award_text_and_span():
    text = "对本区企业使用经认定的技术平台服务的，按其使用费的30%给予奖励，每家企业每年最高奖励200万元。"
    (a,) = extract_awards(text)
    assert a.base == "使用费"
    assert a.text == "按其使用费的30%给予奖励，每家企业每年最高奖励200万元"
    assert text[a.start:a.end] == a.text


# -- the shipped corpus ----------------------------------------------------------------


def test_mpw_clause_gives_three_subsidies_sharing_the_ceiling(clauses):
    clause = clause_containing(clauses, "对企业研发多项目晶圆（MPW）直接费用的 80%给予补贴")
    mpw = [a for a in extract_awards(clause["text"]) if a.kind == "subsidy"]
    assert [(a.rate, a.cap_yuan, a.per) for a in mpw] == [
        (0.8, 6_000_000, "每家企业每年"),
        (0.4, 6_000_000, "每家企业每年"),
        (0.3, 6_000_000, "每家企业每年"),
    ]
    assert [a.base for a in mpw] == [
        "企业研发多项目晶圆（MPW）直接费用",
        "设计企业购买光罩（MASK）直接费用",
        "设计企业工程片、试流片加工费用",
    ]


def test_major_project_clause_gives_seven_tiers_topped_up(clauses):
    clause = clause_containing(clauses, "新一代信息技术重大产业项目，按项目投资协议")
    (award,) = extract_awards(clause["text"])
    assert award.kind == "reward"
    assert award.base == "固定资产投资总额"
    assert award.tiers == [
        Tier(100_000_000, 5_000_000),
        Tier(500_000_000, 10_000_000),
        Tier(1_000_000_000, 20_000_000),
        Tier(2_000_000_000, 30_000_000),
        Tier(3_000_000_000, 50_000_000),
        Tier(5_000_000_000, 80_000_000),
        Tier(10_000_000_000, 200_000_000),
    ]
    assert (award.top_up, award.cap_yuan, award.per) == (True, 200_000_000, "同一企业")


def test_ic_clause_reads_reward_tiers_and_subsidies(clauses):
    clause = clause_containing(clauses, "对当年主营业务收入达到 1 亿元、3 亿元")
    assert [(a.kind, a.rate, a.cap_yuan, len(a.tiers or []), a.top_up) for a in extract_awards(clause["text"])] == [
        ("reward", 0.05, 3_000_000, 0, False),  # 实缴注册资本2000万元以上 is the threshold, not an award
        ("reward", None, 50_000_000, 4, True),
        ("subsidy", 0.8, 6_000_000, 0, False),
        ("subsidy", 0.4, 6_000_000, 0, False),
        ("subsidy", 0.3, 6_000_000, 0, False),
    ]


def test_loan_interest_clause_gives_two_rates_with_period_and_ceiling(clauses):
    clause = clause_containing(clauses, "在政府引导区域内的建设项目")
    assert [(a.kind, a.rate, a.period_years, a.cap_yuan) for a in extract_awards(clause["text"])] == [
        ("interest_subsidy", 0.015, 3, 1_000_000),
        ("interest_subsidy", 0.02, 3, 1_000_000),
    ]


def test_price_cut_clause_gives_no_award(clauses):
    clause = clause_containing(clauses, "统一降低 2.33 分/千瓦时")
    assert extract_awards(clause["text"]) == []


def test_technology_upgrade_clause_gives_three_awards(clauses):
    clause = clause_containing(clauses, "鼓励中小企业实施技术改造，按不高于技改贷款额的")
    assert [(a.kind, a.rate, a.cap_yuan, a.per) for a in extract_awards(clause["text"])] == [
        ("subsidy", 0.3, 5_000_000, None),
        ("equity_investment", None, 100_000_000, "单个企业"),
        ("interest_subsidy", 0.5, 1_000_000, None),
    ]


@pytest.mark.parametrize(
    ("text", "rate", "base"),
    [
        # a share of a loan above any interest rate is a share of its interest
        ("按不高于技改贷款额的50%给予贴息支持，最高不超过100万元。", 0.5, "技改贷款利息"),
        ("最高不超过项目固定资产投资贷款利息额50%给予贴息，累计最高贴息1500万元。", 0.5, "项目固定资产投资贷款利息额"),
        ("给予项目贷款贴息，贴息比例不超过贷款利息的50%。", 0.5, "贷款利息"),
        # annual rate points of the loan stay a rate of the loan
        ("按实际发生贷款额的1.5%（年利率）给予贴息，每家企业每年最高补贴100万元。", 0.015, "实际发生贷款额"),
    ],
)
def test_loan_interest_rules_read_the_interest(text, rate, base):
    (award,) = extract_awards(text)
    assert (award.kind, award.rate, award.base) == ("interest_subsidy", rate, base)


def test_technology_upgrade_loan_is_read_as_interest(clauses):
    clause = clause_containing(clauses, "鼓励中小企业实施技术改造，按不高于技改贷款额的")
    (interest,) = [a for a in extract_awards(clause["text"]) if a.kind == "interest_subsidy"]
    assert (interest.rate, interest.base, interest.cap_yuan) == (0.5, "技改贷款利息", 1_000_000)
