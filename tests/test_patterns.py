"""Tables of examples for the named patterns in ``corpus.patterns``, for ``normalize`` and
for the page-furniture classifier, on literal snippets from policy texts."""
from __future__ import annotations

import re
from decimal import Decimal

import cn2an
import pytest

from policykg.corpus.clean import classify
from policykg.corpus.convert import normalize
from policykg.corpus.patterns import (
    PAGE_NUMBER,
    Marker,
    chinese_number,
    find_marker,
    is_sentence_end,
    numeral_value,
    phrase_end,
    phrase_start,
    open_brackets,
    unmatched_close_before_open,
)
from policykg.corpus.read import split_lines


@pytest.mark.parametrize(
    ("line", "marker"),
    [
        ("（一）主导产业汇聚工程。", Marker("cn_paren", "（一）", 1, 3)),
        ("（十一）推进基本医疗保险城乡一体化", Marker("cn_paren", "（十一）", 11, 4)),
        ("(三)半角括号", Marker("cn_paren", "(三)", 3, 3)),
        ("一、总体目标", Marker("cn", "一、", 1, 2)),
        ("十二、保障措施", Marker("cn", "十二、", 12, 3)),
        ("1.支持重大产业项目集聚。", Marker("arabic", "1.", 1, 2)),
        ("1．发展目标。", Marker("arabic", "1．", 1, 2)),
        ("2、重点领域", Marker("arabic", "2、", 2, 2)),
        ("13.深化民生领域的推广应用", Marker("arabic", "13.", 13, 3)),
        ("（1）集成电路", Marker("arabic_paren", "（1）", 1, 3)),
        ("①智能装备", Marker("circled", "①", 1, 1)),
        ("⑫新材料", Marker("circled", "⑫", 12, 1)),
        ("——聚集一批领军人才。", Marker("dash", "——", None, 2)),
        ("第十二条建立由分管市领导负责", Marker("article", "第十二条", 12, 4)),
        ("第3条 本办法", Marker("article", "第3条", 3, 3)),
        ("### 第三章 产业布局与产业导入", Marker("chapter", "第三章", 3, 3)),
        ("第二节 支持政策", Marker("section", "第二节", 2, 3)),
        ("**一、总体要求**", Marker("cn", "一、", 1, 2)),
    ],
)
def test_find_marker(line, marker):
    assert find_marker(line) == marker


@pytest.mark.parametrize(
    "line",
    [
        "1.5%（年利率）给予贴息",  # a decimal, not item 1
        "2020年，全市IAB产业规模",  # a year
        "一、二、三产业融合发展",  # a list of numerals
        "十大价值创新园区",  # a numeral in a word
        "1、2号线延伸段",  # a list of numbers
        "———",  # a rule, not a bullet
        "33",  # a page number
        "在广州股权交易中心挂牌的",  # prose
    ],
)
def test_find_marker_ignores_non_markers(line):
    assert find_marker(line) is None


@pytest.mark.parametrize("line", ["33", "8 9", "52 53", "- 12 -", "－ 5 －", "第 3 页", "第3页，共20页", "3/20"])
def test_page_number(line):
    assert PAGE_NUMBER.match(line)


@pytest.mark.parametrize("line", ["2020年", "12.5%", "1 亿元", "33 万元", "第三章", "8 9 10", "12345"])
def test_not_a_page_number(line):
    assert PAGE_NUMBER.match(line) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("三十二", 32),
        ("两", 2),
        ("一百", 100),
        ("一百零五", 105),
        ("〇", 0),
        ("12", 12),
        ("第一", None),
        ("I", None),
    ],
)
def test_chinese_number(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一千二百零三", Decimal(1203)),  # 第一千二百零三条
        ("二〇二三", Decimal(2023)),
        ("二零二三", Decimal(2023)),
        ("二○二三", Decimal(2023)),  # a circle for 〇
        ("两百万", Decimal(2_000_000)),
        ("兩萬", Decimal(20_000)),
        ("三点五", Decimal("3.5")),
        ("1.5亿", Decimal(150_000_000)),
        ("1.3 万亿", Decimal(1_300_000_000_000)),
        ("5,000", Decimal(5000)),
        ("二十二点五万", Decimal(225_000)),
        ("百强", None),
        ("十三五", None),
        ("万", None),
    ],
)
def test_numeral_value(text, value):
    assert numeral_value(text) == value


# Forms corpus.patterns reads with code of its own, as they stand in the realcorpus laws: cn2an
# (any mode) refuses each of them. Where this test fails, cn2an has learnt the form and our
# code for it can go.
@pytest.mark.parametrize("text", ["5,000", "50,000", "1.3万亿", "1.5千万", "二十二点五万", "二○二三"])
def test_cn2an_refuses_the_forms_we_read_ourselves(text):
    for mode in ("strict", "normal", "smart"):
        with pytest.raises(ValueError):
            cn2an.cn2an(text, mode)


def test_cn2an_answers_plain_digits_as_floats():
    """Why Arabic numerals are read as Decimals of our own: cn2an's smart mode turns 2000
    into a float, and exact amounts of money need exact arithmetic."""
    assert isinstance(cn2an.cn2an("2000", "smart"), float)


PHRASE_BREAKS = re.compile(r"[，,；;：:。！？!?\n]")


@pytest.mark.parametrize(
    ("text", "word", "bracketed", "phrase"),
    [
        ("对于企业，营业收入达到1亿元的，给予奖励", "1亿元", False, "营业收入达到1亿元的"),
        # a comma inside brackets does not end the phrase when brackets count
        ("按投资额（含设备，软件）的10%给予补助，最高500万元", "10%", True, "按投资额（含设备，软件）的10%给予补助"),
        ("按投资额（含设备，软件）的10%给予补助，最高500万元", "10%", False, "软件）的10%给予补助"),
        ("补贴600万元", "600万元", False, "补贴600万元"),  # no break: the whole text
    ],
)
def test_phrase_around_a_word(text, word, bracketed, phrase):
    at = text.index(word)
    start = phrase_start(text, at, 0, PHRASE_BREAKS, bracketed=bracketed)
    end = phrase_end(text, at, len(text), PHRASE_BREAKS, bracketed=bracketed)
    assert text[start:end] == phrase


def test_phrase_stays_within_its_floor_and_ceiling():
    text = "甲，乙丙丁，戊"
    assert (phrase_start(text, 4, 3, PHRASE_BREAKS), phrase_end(text, 3, 4, PHRASE_BREAKS)) == (3, 4)


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("每家企业每年累计最高补贴600万元。", True),
        ("实施阶段性下调措施；", True),
        ("支持的主要方向包括：", True),
        ("“两高四新”企业清单。”", True),  # closing quote after the full stop
        ("（责任单位：市金融局、财政局）", True),  # a balanced bracket closes the item
        ("（牵头单位：市科技创新委；配合单位：市财政局）", True),
        ("对企业研发多项目晶圆（MPW）直接费用的80%给予补贴，", False),
        ("同一企业按差额补足", False),
        ("（责任单位：市国", False),
        ("", False),
    ],
)
def test_is_sentence_end(text, ends):
    assert is_sentence_end(text) is ends


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("", 0),
        ("（责任单位：市国", 1),
        ("（责任单位：市金融局、财政局）", 0),
        ("（牵头单位：市科技创新委（", 2),
        ("IP（知识产权模块）授权或购置（", 1),
        ("工商局配合）（", 1),  # a close with nothing open is not counted below zero
        ("half (width", 1),
    ],
)
def test_open_brackets(text, depth):
    assert open_brackets(text) == depth


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("工商局配合）", 5),
        ("市财政局）（责任单位", 4),
        ("（一）加强组织领导）", 9),
        ("（责任单位：市金融局、财政局）", None),
        ("没有括号", None),
        (")", 0),
    ],
)
def test_unmatched_close_before_open(text, offset):
    assert unmatched_close_before_open(text) == offset


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("資訊", "信息"),  # a Taiwan phrase, not just characters
        ("積體電路", "集成电路"),
        ("工業和資訊化局", "工业和信息化局"),
        ("軟體與資訊服務", "软件与信息服务"),
        ("積體電路 1 億元", "集成电路1亿元"),
        ("ＭＰＷ１２３％", "MPW123%"),  # full-width letters, digits and signs
        ("（一）主导产业，“8588”计划。", "（一）主导产业，“8588”计划。"),  # Chinese punctuation stays full-width
        ("IAB 主导产业", "IAB主导产业"),  # spaces next to Chinese go
        ("1 亿元、3 亿元", "1亿元、3亿元"),
        ("2.33 分 / 千瓦时", "2.33分/千瓦时"),
        ("Value Park", "Value Park"),  # spaces between Latin words stay
        ("\u3000全角空格\u3000", "全角空格"),
    ],
)
def test_normalize(text, normalised):
    assert normalize(text) == normalised


@pytest.mark.parametrize(
    "text",
    ["关键核心技术", "探索建立IAB产业统计", "创新能力显著增强", "一批覆盖创新全链条", "开展智慧社区试点", "法定程序和文件"],
)
def test_normalize_keeps_simplified_words(text):
    """Taiwan phrase conversion must not rewrite Simplified text (核心 → 内核, 建立 → 创建)."""
    assert normalize(text) == text


def test_classify_leaves_page_furniture_out_of_a_broken_sentence():
    """A page break in 000: the sentence goes on after the page number and running header."""
    text = (
        "经认定，分别给予 2000 万元、2500 万元、3000 万元、5000 万元奖励，同一企业按差额补足\n"
        "\n"
        "33\n"
        "金镶玉2.0系列政策\n"
        "\n"
        "\n"
        "\n"
        "方式最高奖励 5000 万元。\n"
    )
    layout = classify(split_lines(text))
    assert [line.text for line in layout.furniture] == ["33", "金镶玉2.0系列政策"]
    assert [line.text for line in layout.content] == [
        "经认定，分别给予 2000 万元、2500 万元、3000 万元、5000 万元奖励，同一企业按差额补足",
        "方式最高奖励 5000 万元。",
    ]
    assert layout.tables == []


def test_classify_leaves_a_spread_header_out():
    """A spread in 002: running title, compilation header and the pair of page numbers."""
    text = (
        "给予 100 万元的一次性补贴；对进入广\n"
        "\n"
        "\n"
        "\n"
        "广州市人民政府关于落实广东省降低制造业企业成本\n"
        "若干政策措施的实施意见\n"
        "\n"
        "广州市工信领域重点政策汇编\n"
        "\n"
        "8 9\n"
        "\n"
        "州股权交易中心挂牌交易的我市股份制企业给予每家 30 万元的一次性补贴。\n"
    )
    layout = classify(split_lines(text))
    assert [line.number for line in layout.furniture] == [5, 6, 8, 10]
    assert [line.text for line in layout.content] == [
        "给予 100 万元的一次性补贴；对进入广",
        "州股权交易中心挂牌交易的我市股份制企业给予每家 30 万元的一次性补贴。",
    ]


def test_classify_leaves_a_running_title_with_its_years_out():
    """002's spread 38 39: the running title of the IAB plan keeps its years in brackets
    ("（2018-2022年）"), and is page furniture all the same; a line of prose with a place
    in brackets next to a page number is not."""
    text = (
        "——以产业集聚为支撑，打造十大价值创新园区，搭建产业平台，建设集聚集约集成、\n"
        "高端高质高新的 IAB 产业集聚区。\n"
        "广州市加快 IAB产业发展五年行动计划（2018-2022年）\n"
        "广州市工信领域重点政策汇编\n"
        "38 39\n"
        "积极推动华南（广州）技术转移中心建设\n"
    )
    layout = classify(split_lines(text))
    assert [line.number for line in layout.furniture] == [3, 4, 5]
    assert layout.content[-1].text == "积极推动华南（广州）技术转移中心建设"


@pytest.mark.parametrize("title", ["杭州市数字经济促进办法（试行）", "成都市制造业发展规划（2021—2025年）"])
def test_classify_reads_other_running_titles_with_a_note(title):
    text = f"对首次认定为高新技术企业的，给予一次性奖励。\n{title}\n12\n对重新认定的，给予奖励。\n"
    layout = classify(split_lines(text))
    assert [line.text for line in layout.furniture] == [title, "12"]
