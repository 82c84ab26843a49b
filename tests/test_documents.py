"""Document splitting and metadata, checked against facts printed in the shipped texts."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from policykg.corpus.convert import normalize
from policykg.corpus.documents import (
    DocumentPart,
    document_number,
    find_validity,
    link_copies,
    parse_date,
    split_documents,
    title_key,
)
from policykg.corpus.models import Document, Line

TEXTS = Path(__file__).resolve().parent.parent / "corpus" / "texts"
FILES = {path.name[:3]: path for path in sorted(TEXTS.glob("*.txt"))}

# Just enough furniture detection for these tests (the real pipeline does better): page
# numbers, and the block a page break leaves — the lines after two or more blank lines up to
# a page number a few lines on (running title, running header, page number).
PAGE_NUMBER = re.compile(r"^\d{1,3}( \d{1,3})?$")
FURNITURE_BLOCK_LINES = 4


def physical_lines(text: str) -> list[Line]:
    """Every physical line as a Line (blank ones included, text stripped)."""
    lines, offset = [], 0
    for number, raw in enumerate(text.split("\n"), start=1):
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        lines.append(Line(number, offset + lead, offset + lead + len(stripped), stripped, lead > 0))
        offset += len(raw) + 1
    return lines


def content_and_furniture(text: str) -> tuple[list[Line], list[Line]]:
    lines = physical_lines(text)
    furniture: set[int] = set()
    blank_run = 0
    for i, line in enumerate(lines):
        if not line.text:
            blank_run += 1
            continue
        if PAGE_NUMBER.match(line.text):
            furniture.add(i)
        if blank_run >= 2:
            block = [j for j in range(i, len(lines)) if lines[j].text][:FURNITURE_BLOCK_LINES]
            ends = [k for k, j in enumerate(block) if PAGE_NUMBER.match(lines[j].text)]
            if ends:
                furniture.update(block[: ends[0] + 1])
        blank_run = 0
    content = [line for i, line in enumerate(lines) if line.text and i not in furniture]
    return content, [lines[i] for i in sorted(furniture)]


def split_file(seed: str) -> list[DocumentPart]:
    path = FILES[seed]
    content, furniture = content_and_furniture(path.read_text("utf-8"))
    return split_documents(path.stem, content, furniture)


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[DocumentPart]]:
    return {seed: split_file(seed) for seed in FILES}


def lines_of(texts: list[str], start_number: int = 1) -> list[Line]:
    """Literal lines as Lines, as if the file held them one per line."""
    lines, offset = [], 0
    for number, text in enumerate(texts, start=start_number):
        lines.append(Line(number, offset, offset + len(text), text))
        offset += len(text) + 1
    return lines


# ---------------------------------------------------------------------------- shipped corpus


def test_document_counts(corpus: dict[str, list[DocumentPart]]) -> None:
    assert {seed: len(parts) for seed, parts in corpus.items()} == {
        "000": 1,
        "001": 1,
        "002": 5,
        "003": 1,
        "004": 1,
    }


def test_compilation_members(corpus: dict[str, list[DocumentPart]]) -> None:
    docs = [part.document for part in corpus["002"]]
    assert [doc.number for doc in docs] == [
        None,
        "穗府〔2018〕7号",
        "穗府〔2018〕9号",
        "穗府规〔2018〕15号",
        "穗府办函〔2018〕105号",
    ]
    assert [(doc.title, doc.title_source) for doc in docs] == [
        ("广州市人民政府关于落实广东省降低制造业企业成本若干政策措施的实施意见", "running-title"),
        ("广州市建设“中国制造2025”试点示范城市实施方案", "text"),
        ("广州市加快IAB产业发展五年行动计划（2018-2022年）", "text"),
        ("广州市人民政府关于加快工业和信息化产业发展的扶持意见", "text"),
        ("广州市价值创新园区建设三年行动方案（2018-2020年）", "text"),
    ]
    assert [(doc.issuer, doc.date) for doc in docs] == [
        ("广州市人民政府", "2018-01-26"),
        (None, None),
        (None, None),
        ("广州市人民政府", "2018-08-28"),
        (None, None),
    ]
    # 穗府规〔2018〕15号 (三十五): "自印发之日起施行，有效期 3 年", signed 2018-08-28.
    assert [(doc.validity, doc.valid_until) for doc in docs][3] == ("有效期3年", "2021-08-27")
    assert all(doc.validity is None for i, doc in enumerate(docs) if i != 3)


def test_compilation_member_boundaries(corpus: dict[str, list[DocumentPart]]) -> None:
    parts = corpus["002"]
    first_body = [(part.body[0].number, part.body[-1].number) for part in parts]
    assert first_body == [(1, 282), (293, 1459), (1466, 2124), (2133, 2366), (2373, 3170)]
    assert [line.number for line in parts[0].header] == [284, 286]  # signature
    assert [line.number for line in parts[3].header] == [2126, 2127, 2129, 2131, 2277, 2279]
    assert parts[2].header[0].text == "广州市加快 IAB产业发展五年行动计划"


def test_notice_with_repeated_title_and_attached_plan(corpus: dict[str, list[DocumentPart]]) -> None:
    (part,) = corpus["001"]
    doc = part.document
    assert doc.title == "广州市人民政府关于印发广州市加快IAB产业发展五年行动计划（2018—2022年）的通知"
    assert (doc.number, doc.issuer, doc.date) == ("穗府〔2018〕9号", "广州市人民政府", "2018-03-22")
    assert (doc.validity, doc.valid_until) == (None, None)
    # title, 文号, repeated title, addressee, signature, the plan's own title and years
    assert [line.number for line in part.header] == [1, 2, 3, 4, 6, 7, 8, 9]
    assert part.body[0].text.startswith("现将《广州市加快IAB产业发展五年行动计划")


def test_untitled_file_takes_its_file_name(corpus: dict[str, list[DocumentPart]]) -> None:
    (part,) = corpus["000"]
    doc = part.document
    assert (doc.title, doc.title_source) == ("黄埔区广州开发区促进IAB主导产业发展实施意见", "file-name")
    assert (doc.number, doc.issuer, doc.date) == (None, None, None)
    # "本实施意见自公布之日起实施，有效期 5年" with no date of issue printed
    assert (doc.validity, doc.valid_until) == ("有效期5年", None)
    assert part.header == []


def test_markdown_guideline_after_its_notice(corpus: dict[str, list[DocumentPart]]) -> None:
    (part,) = corpus["003"]
    doc = part.document
    assert (doc.title, doc.title_source) == ("广州人工智能与数字经济试验区产业导则", "text")
    assert (doc.number, doc.issuer, doc.date) == (None, "广州市工业和信息化局", "2021-05-29")
    assert (doc.validity, doc.valid_until) == ("有效期至2025年12月31日", "2025-12-31")
    assert [line.number for line in part.header] == [3, 7, 9, 11]


def test_traditional_notice(corpus: dict[str, list[DocumentPart]]) -> None:
    (part,) = corpus["004"]
    doc = part.document
    assert doc.title == "广州市人民政府办公厅关于印发广州市促进创新链产业链融合发展行动计划（2022—2025年）的通知"
    assert (doc.number, doc.issuer, doc.date) == ("穗府办〔2022〕19号", "广州市人民政府办公厅", "2022-07-29")
    assert doc.script == "zh-Hant"
    assert [line.number for line in part.header] == [3, 4, 6, 8, 12, 14, 16]


def test_metadata_plumbing(corpus: dict[str, list[DocumentPart]]) -> None:
    part = corpus["002"][2]
    doc = part.document
    assert doc.file == FILES["002"].stem
    assert doc.script == "zh-Hans" and doc.encoding == "utf-8"
    lines = part.header + part.body
    assert (doc.span.start, doc.span.end) == (min(l.start for l in lines), max(l.end for l in lines))
    ids = [p.document.id for parts in (corpus["001"], corpus["002"]) for p in parts]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"d[0-9a-f]{10}", i) for i in ids)
    # same work for the two copies of 穗府〔2018〕9号, stable across runs
    assert corpus["001"][0].document.work == doc.work
    assert split_file("002")[2].document.id == doc.id


def test_same_plan_in_two_files_is_one_work(corpus: dict[str, list[DocumentPart]]) -> None:
    parts = [part for seed in sorted(corpus) for part in corpus[seed]]
    documents = [part.document for part in parts]
    texts = {part.document.id: normalize("".join(line.text for line in part.body)) for part in parts}
    link_copies(documents, texts)
    alone, member = corpus["001"][0].document, corpus["002"][2].document
    assert alone.work == member.work
    assert (alone.copies, member.copies) == ([member.id], [alone.id])
    assert (alone.preferred, member.preferred) == (True, False)
    others = [doc for doc in documents if doc not in (alone, member)]
    assert all(doc.copies == [] and doc.preferred for doc in others)
    assert len({doc.work for doc in documents}) == len(documents) - 1


# ---------------------------------------------------------------------------- other layouts


def test_half_width_notice_with_attachment() -> None:
    lines = lines_of([
        "广州市人民政府办公厅关于印发广州市软件产业实施细则(2019-2021年)的通知",
        "穗府办[2019]12号",
        "各区人民政府,市政府各部门:",
        "现将《广州市软件产业实施细则(2019-2021年)》印发给你们,请认真组织实施。",
        "广州市人民政府办公厅",
        "2019年5月6日",
        "广州市软件产业实施细则",
        "(2019-2021年)",
        "一、总体要求",
        "本细则自印发之日起施行。",
    ])
    (part,) = split_documents("x", lines, [])
    doc = part.document
    assert doc.title == "广州市人民政府办公厅关于印发广州市软件产业实施细则(2019-2021年)的通知"
    assert (doc.number, doc.issuer, doc.date) == ("穗府办〔2019〕12号", "广州市人民政府办公厅", "2019-05-06")
    assert (doc.validity, doc.valid_until) == ("自印发之日起施行", None)
    assert [line.number for line in part.header] == [1, 2, 3, 5, 6, 7, 8]


def test_document_on_one_line() -> None:
    text = (
        "广州市人民政府关于印发广州市数据条例实施办法的通知 穗府[2019]3号 各区人民政府,市政府各部门:"
        "现将《广州市数据条例实施办法》印发给你们,请认真贯彻执行。广州市人民政府 2019年1月2日 "
        "广州市数据条例实施办法 第一条 为规范数据管理,制定本办法。第二条 本办法自2019年2月1日起施行,有效期5年。"
    )
    (line,) = lines_of([text])
    (part,) = split_documents("x", [line], [])
    doc = part.document
    assert doc.title == "广州市人民政府关于印发广州市数据条例实施办法的通知"
    assert (doc.number, doc.issuer, doc.date) == ("穗府〔2019〕3号", "广州市人民政府", "2019-01-02")
    # five years from the day it takes effect, not from the day it was signed
    assert (doc.validity, doc.valid_until) == ("有效期5年", "2024-01-31")
    assert [piece.text for piece in part.header] == [
        "广州市人民政府关于印发广州市数据条例实施办法的通知",
        "穗府[2019]3号",
        "各区人民政府,市政府各部门:",
    ]
    assert [text[piece.start : piece.end] for piece in part.header + part.body] == [
        piece.text for piece in part.header + part.body
    ]
    assert part.body[0].text.startswith("现将《广州市数据条例实施办法》")


def test_banner_and_number_above_the_title() -> None:
    lines = lines_of([
        "广州市人民政府文件",
        "穗府〔2019〕9号",
        "广州市人民政府关于加快软件产业发展的若干措施",
        "各区人民政府：",
        "为加快软件产业发展，制定以下措施。",
        "广州市人民政府",
        "二〇一九年一月十五日",
    ])
    (part,) = split_documents("x", lines, [])
    doc = part.document
    assert (doc.title, doc.number, doc.date) == (
        "广州市人民政府关于加快软件产业发展的若干措施",
        "穗府〔2019〕9号",
        "2019-01-15",
    )
    assert [line.number for line in part.body] == [5]


def test_markdown_compilation_and_cited_titles() -> None:
    lines = lines_of([
        "## 广州市促进软件产业发展若干措施",
        "第一条 依据本市有关规定制定本措施。",
        "第二条 各区应当落实",
        "依照《广州市软件产业促进条例》制定的实施细则",
        "穗府〔2019〕5号",
        "第三条 本措施自2019年1月1日起实施。",
        "**广州市促进集成电路产业发展实施办法**",
        "第一条 为促进集成电路产业发展，制定本办法。",
        "### 第二章 保障措施",
        "第二条 本办法有效期为三年。",
    ])
    parts = split_documents("x", lines, [])
    assert [part.document.title for part in parts] == [
        "广州市促进软件产业发展若干措施",
        "广州市促进集成电路产业发展实施办法",
    ]
    # a cited title is not a title block, and a 文号 line far from any title is body text
    assert [line.number for line in parts[0].body] == [2, 3, 4, 5, 6]
    assert parts[0].document.number is None
    assert (parts[1].document.validity, parts[1].document.valid_until) == ("有效期为三年", None)
    assert [part.document.issuer for part in parts] == [None, None]


def test_title_on_the_first_line_needs_no_number() -> None:
    lines = lines_of(["广州市软件产业三年行动计划", "（2019-2021 年）", "一、总体要求", "到2021年，产业规模超千亿元。"])
    (part,) = split_documents("007_软件", lines, [])
    assert (part.document.title, part.document.title_source) == ("广州市软件产业三年行动计划（2019-2021年）", "text")
    assert [line.number for line in part.header] == [1, 2]


def test_running_title_from_furniture_pair() -> None:
    lines = lines_of(["（十）实行失业保险费率下调。", "广州市人民政府", "2018年1月26日"], start_number=10)
    furniture = lines_of(["广州市人民政府关于落实降低企业成本", "若干政策措施的实施意见", "政策汇编", "8 9"])
    furniture = [Line(l.number + 2 * i, l.start + 5, l.end + 5, l.text) for i, l in enumerate(furniture)]
    (part,) = split_documents("002_汇编", lines, furniture)
    assert (part.document.title, part.document.title_source) == (
        "广州市人民政府关于落实降低企业成本若干政策措施的实施意见",
        "running-title",
    )
    (part,) = split_documents("002_汇编", lines, [])
    assert (part.document.title, part.document.title_source) == ("汇编", "file-name")


def test_same_title_twice_in_one_file_keeps_ids_distinct() -> None:
    block = ["广州市人民政府关于加快软件产业发展的若干措施", "各区人民政府：", "正文。"]
    parts = split_documents("x", lines_of(block + ["第二段。"] + block), [])
    assert len(parts) == 2
    assert parts[0].document.id != parts[1].document.id
    assert parts[0].document.work == parts[1].document.work


# ---------------------------------------------------------------------------- link_copies


def doc(id: str, file: str, number: str | None, title: str) -> Document:
    return Document(id=id, file=file, number=number, title=title)


def test_copies_by_title_ignore_spaces_dashes_and_bracket_width() -> None:
    docs = [
        doc("a", "compilation", None, "广州市XX行动计划（2018—2022 年）"),
        doc("b", "compilation", None, "其他方案"),
        doc("c", "single", None, "广州市XX行动计划(2018-2022年)"),
    ]
    link_copies(docs, {"a": "长" * 50, "b": "x", "c": "短"})
    a, b, c = docs
    assert a.work == c.work != b.work
    assert (a.copies, c.copies, b.copies) == (["c"], ["a"], [])
    # alone in its file beats longer text
    assert (a.preferred, c.preferred, b.preferred) == (False, True, True)


def test_copies_prefer_longer_text_then_id() -> None:
    docs = [doc("a", "f1", "穗府〔2018〕9号", "甲"), doc("b", "f1", "穗府〔2018〕9号", "乙"), doc("c", "f2", "穗府〔2018〕9号", "丙"), doc("d", "f2", None, "丁")]
    link_copies(docs, {"a": "短", "b": "长长", "c": "长长", "d": ""})
    assert [d.preferred for d in docs] == [False, True, False, True]
    assert docs[0].copies == ["b", "c"]


def test_different_numbers_are_different_works() -> None:
    docs = [doc("a", "f1", "穗府〔2018〕9号", "同名办法"), doc("b", "f2", "穗府〔2019〕1号", "同名办法")]
    link_copies(docs, {})
    assert docs[0].work != docs[1].work and docs[0].copies == [] and docs[1].preferred


def test_copies_need_their_texts() -> None:
    docs = [doc("a", "f1", "穗府〔2018〕9号", "甲"), doc("b", "f2", "穗府〔2018〕9号", "甲")]
    with pytest.raises(KeyError, match="no text given"):
        link_copies(docs, {"a": "x"})


# ---------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018 年 1 月 26 日", "2018-01-26"),
        ("2022年7月29日", "2022-07-29"),
        ("二〇一八年一月二十六日", "2018-01-26"),
        ("二○二一年十二月三十一日", "2021-12-31"),
        ("２０２１年５月２９日", "2021-05-29"),
        ("发布日期：2019-03-05", "2019-03-05"),
        ("2019年2月30日前完成，2019年3月1日", "2019-03-01"),
        ("2018年3月", None),
        ("穗府〔2018〕9号", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "issued", "expected"),
    [
        ("本导则自印发之日起施行，有效期至 2025 年 12 月 31 日。", "2021-05-29", ("有效期至2025年12月31日", "2025-12-31")),
        ("本意见自印发之日起施行，有效期 3 年。", "2018-08-28", ("有效期3年", "2021-08-27")),
        ("本实施意见自公布之日起实施，有效期 5年。", None, ("有效期5年", None)),
        ("本办法自2020年1月1日起施行，有效期五年。", "2019-12-20", ("有效期五年", "2024-12-31")),
        ("本意見自印發之日起施行，有效期3年。", "2020-02-29", ("有效期3年", "2023-02-27")),
        ("本方案有效期为两年。", "2019-03-01", ("有效期为两年", "2021-02-28")),
        ("有效期自2018年1月1日至2022年12月31日止。", None, ("有效期自2018年1月1日至2022年12月31日止", "2022-12-31")),
        ("本通知自公布之日起施行。", "2019-01-01", ("自公布之日起施行", None)),
        # a period in force without 有效期 (a 新余 rule), and a notice extending a rule's period
        ("本办法自2012年2月1日至2017年1月31日施行。", "2012-01-09", ("自2012年2月1日至2017年1月31日施行", "2017-01-31")),
        ("暂行规定需要继续实施，有效期延长至2026年11月1日。本规定自2024年11月1日起实施，有效期二年。", None,
         ("有效期延长至2026年11月1日", "2026-11-01")),
        ("企业资质有效期内给予支持。", "2019-01-01", (None, None)),
    ],
)
def test_find_validity(text: str, issued: str | None, expected: tuple[str | None, str | None]) -> None:
    assert find_validity(text, issued) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("穗府〔2018〕9 号", "穗府〔2018〕9号"),
        ("穗府辦〔2022〕19號", "穗府办〔2022〕19号"),
        ("穗府规〔2018〕15 号", "穗府规〔2018〕15号"),
        ("穗府[2018]9号", "穗府〔2018〕9号"),
        ("穗府办函［2018］105号", "穗府办函〔2018〕105号"),
        ("（国发〔2016〕48 号）", "国发〔2016〕48号"),
        ("根据国发〔2016〕48号文件", "国发〔2016〕48号"),
        ("（2018-2022 年）", None),
        ("2018年9号文", None),
    ],
)
def test_document_number(text: str, expected: str | None) -> None:
    assert document_number(text) == expected


def test_title_key_folds_presentation_only() -> None:
    assert title_key("广州市加快 IAB产业发展五年行动计划（2018—2022年）") == title_key(
        "广州市加快IAB产业发展五年行动计划(2018-2022 年)"
    )
    assert title_key("广州市加快IAB产业发展五年行动計畫") == title_key("广州市加快IAB产业发展五年行动计划")
