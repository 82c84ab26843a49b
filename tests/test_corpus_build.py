"""Facts about the shipped corpus as ``policykg build`` turns it into documents and clauses:
how many documents each file holds, where clauses start and end, what page furniture is
left out, how Traditional text is normalised, and where every clause came from."""
from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest

from conftest import clause_containing, shipped_file, squeeze
from policykg.corpus.artifacts import load_clauses, load_documents
from policykg.corpus.ingest import SHIPPED_TEXTS
from policykg.index.search import Searcher
from policykg.kg.records import ClauseRecord, as_json, clause_records, exported
from policykg.build import build
from policykg.datadir import DataDir

# (file, 文号, title) of every document, in export order.
EXPECTED_DOCUMENTS = [
    ("000", None, "黄埔区广州开发区促进IAB主导产业发展实施意见"),
    ("001", "穗府〔2018〕9号", "广州市人民政府关于印发广州市加快IAB产业发展五年行动计划（2018—2022年）的通知"),
    ("002", None, "广州市人民政府关于落实广东省降低制造业企业成本若干政策措施的实施意见"),
    ("002", "穗府〔2018〕7号", "广州市建设“中国制造2025”试点示范城市实施方案"),
    ("002", "穗府〔2018〕9号", "广州市加快IAB产业发展五年行动计划（2018-2022年）"),
    ("002", "穗府规〔2018〕15号", "广州市人民政府关于加快工业和信息化产业发展的扶持意见"),
    ("002", "穗府办函〔2018〕105号", "广州市价值创新园区建设三年行动方案（2018-2020年）"),
    ("003", None, "广州人工智能与数字经济试验区产业导则"),
    ("004", "穗府办〔2022〕19号", "广州市人民政府办公厅关于印发广州市促进创新链产业链融合发展行动计划（2022—2025年）的通知"),
]

# Lines the PDFs print on every page or spread: running headers and page numbers.
RUNNING_HEADERS = ["广州市工信领域重点政策汇编", "金镶玉2.0系列政策"]
SPREAD_NUMBERS = ["8 9", "24 25", "38 39", "52 53"]
# Furniture lines as they stand alone in the files (000 prints "33" above its header).
FURNITURE_LINES = {"000": ["33", "金镶玉2.0系列政策"], "002": ["广州市工信领域重点政策汇编", *SPREAD_NUMBERS]}

MPW = "对企业研发多项目晶圆（MPW）直接费用的80%给予补贴"

# Markdown decoration the clause text leaves out ("——**珠江南岸…**" in 003).
_MARKDOWN = re.compile(r"\*\*|^#{1,6}", re.MULTILINE)


def _prefix(file_key: str) -> str:
    return file_key[:3]


def _documents_of(documents: list[dict], prefix: str) -> list[dict]:
    return [d for d in documents if _prefix(d["file"]) == prefix]


def _clauses_of(clauses: list[dict], prefix: str) -> list[dict]:
    return [c for c in clauses if _prefix(c["source"]["file"]) == prefix]


# ---- documents ------------------------------------------------------------------------


def test_documents_per_file(documents):
    assert Counter(_prefix(d["file"]) for d in documents) == {"000": 1, "001": 1, "002": 5, "003": 1, "004": 1}


def test_document_numbers_and_titles(documents):
    assert [(_prefix(d["file"]), d["number"], d["title"]) for d in documents] == EXPECTED_DOCUMENTS


def test_compilation_members_in_printed_order(documents):
    assert [d["number"] for d in _documents_of(documents, "002")] == [
        None,
        "穗府〔2018〕7号",
        "穗府〔2018〕9号",
        "穗府规〔2018〕15号",
        "穗府办函〔2018〕105号",
    ]


# ---- page furniture ---------------------------------------------------------------------


@pytest.mark.parametrize("header", RUNNING_HEADERS)
def test_running_header_never_inside_a_clause(clauses, header):
    inside = [c["clause_id"] for c in clauses if header in squeeze(c["text"]) or header in squeeze(c["text_original"])]
    assert inside == []


@pytest.mark.parametrize("spread", SPREAD_NUMBERS)
def test_spread_page_numbers_never_inside_a_clause(clauses, spread):
    assert [c["clause_id"] for c in clauses if spread in c["text_original"]] == []


@pytest.mark.parametrize("prefix", sorted(FURNITURE_LINES))
def test_no_clause_span_covers_a_furniture_line(clauses, prefix):
    """The furniture lines of the file lie outside every span of every clause."""
    text = shipped_file(prefix).read_text(encoding="utf-8")
    furniture, offset = [], 0
    for line in text.split("\n"):
        if line.strip() in FURNITURE_LINES[prefix]:
            start = offset + len(line) - len(line.lstrip())
            furniture.append((start, start + len(line.strip()), line.strip()))
        offset += len(line) + 1
    assert {f[2] for f in furniture} == set(FURNITURE_LINES[prefix])  # the lines are really there
    covered = [
        (c["clause_id"], name)
        for c in _clauses_of(clauses, prefix)
        for span in c["source"]["spans"]
        for start, end, name in furniture
        if span["start"] < end and start < span["end"]
    ]
    assert covered == []


def test_sentence_broken_by_page_furniture_is_joined(clauses):
    """000 prints "33" and "金镶玉2.0系列政策" between "同一企业按差额补足" and "方式最高奖励"."""
    clause = clause_containing(clauses, "同一企业按差额补足方式最高奖励5000万元。对企业研发多项目晶圆")
    assert clause["clause_id"] == "d8b79ebff25/3.1.2"


# ---- clause boundaries ------------------------------------------------------------------


def test_mpw_sentence_belongs_to_its_item(clauses):
    clause = clause_containing(clauses, MPW)
    assert clause["clause_id"] == "d8b79ebff25/3.1.2"
    assert _prefix(clause["source"]["file"]) == "000"
    assert clause["kind"] == "item"
    assert clause["number"] == "2."
    assert clause["path"] == ["三、政策支持", "（一）I（新一代信息技术产业）8项政策", "2.扶持集成电路产业发展"]
    assert clause["text"].startswith("2.扶持集成电路产业发展。")
    assert clause["text"].endswith("每家企业每年累计最高补贴600万元。")


def test_last_article_of_003_is_its_last_clause(corpus_clauses):
    guideline = [c for c in corpus_clauses if c.spans and _prefix(c.spans[0].file) == "003"]
    last = max(guideline, key=lambda c: c.order)
    assert last.id == "db3f060d893/ch7.art18"
    assert last.number == "第十八条"
    assert last.text == "第十八条本导则自印发之日起施行，有效期至2025年12月31日。"
    assert last.path[0] == "第七章附则"


def test_dash_bullet_ends_before_the_next_bullet(clauses):
    clause = clause_containing(clauses, "——聚集一批领军人才")
    assert clause["clause_id"] == "d8b79ebff25/1.b4"
    assert clause["path"] == ["一、总体目标", "——聚集一批领军人才"]
    assert clause["text"].endswith("实现人才引领产业和产业集聚人才的互动循环。")
    assert "——建设一批创新中心" not in clause["text"]


def test_item_continued_on_an_earlier_printed_page(clauses):
    """002 prints the end of （十八） on a page before its start; the clause is whole."""
    clause = clause_containing(clauses, "（十八）对在境内外证券市场新上")
    assert clause["number"] == "（十八）"
    assert "对进入广州股权交易中心挂牌交易的我市股份制企业给予每家30万元的一次性补贴" in squeeze(clause["text"])
    assert clause["text"].endswith("（责任单位：市金融局、财政局）")
    assert "（十九）" not in clause["text"]
    # read in printed order, the start comes from the later offsets
    assert [s["start"] for s in clause["source"]["spans"]] == sorted((s["start"] for s in clause["source"]["spans"]), reverse=True)


def test_item_18_belongs_to_the_cost_reduction_opinion(clauses):
    """（十八） is item 18 of 广州市人民政府关于落实广东省降低制造业企业成本若干政策措施的实施意见,
    printed under 六、降低企业融资成本 after （十七）."""
    clause = clause_containing(clauses, "（十八）对在境内外证券市场新上")
    assert clause["document"]["title"] == "广州市人民政府关于落实广东省降低制造业企业成本若干政策措施的实施意见"
    seventeen = clause_containing(clauses, "（十七）对科技型中小企业，已完成企业股份制改造的")
    assert seventeen["document"]["id"] == clause["document"]["id"]


def test_title_only_heading_is_a_path_not_a_clause(clauses):
    heading = "（一）I（新一代信息技术产业）8项政策"
    assert [c["clause_id"] for c in clauses if squeeze(c["text"]).startswith(heading)] == []
    under = [c["clause_id"] for c in clauses if heading in c["path"]]
    assert under == [f"d8b79ebff25/3.1.{n}" for n in range(1, 9)]


# ---- Traditional Chinese ----------------------------------------------------------------


def test_traditional_document_is_marked_zh_hant(documents):
    (document,) = _documents_of(documents, "004")
    assert document["script"] == "zh-Hant"
    assert {d["script"] for d in documents if _prefix(d["file"]) != "004"} == {"zh-Hans"}


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [("工業和資訊化局", "工业和信息化局"), ("資訊", "信息"), ("積體電路", "集成电路"), ("半導體", "半导体")],
)
def test_traditional_clauses_are_searchable_in_simplified(clauses, traditional, simplified):
    """Every 004 clause printing the Traditional term holds the Simplified one in
    ``text`` and keeps the Traditional one in ``text_original``."""
    printed = [c for c in _clauses_of(clauses, "004") if traditional in c["text_original"]]
    assert printed, f"004 prints {traditional} somewhere"
    assert [c["clause_id"] for c in printed if simplified not in c["text"] or traditional in c["text"]] == []


def test_traditional_clause_text_named(clauses):
    clause = clause_containing(clauses, "統籌布局建設人類細胞譜系")  # searched in Simplified
    assert clause["clause_id"] == "db227312ece/2.1.1"
    assert clause["text"].startswith("1.发挥重大创新平台引领产业发展作用。")
    assert squeeze(clause["text_original"]).startswith("1.發揮重大創新平臺引領產業發展作用。")


# ---- identity and provenance ------------------------------------------------------------


def test_clause_ids_are_unique(clauses):
    duplicated = [cid for cid, n in Counter(c["clause_id"] for c in clauses).items() if n > 1]
    assert duplicated == []


def test_clause_ids_are_stable_across_builds(clauses, tmp_path):
    """Building one file alone, from another folder, gives its clauses the same ids."""
    texts = tmp_path / "texts"
    texts.mkdir()
    shutil.copy(shipped_file("003"), texts)
    build(DataDir(tmp_path / "data"), [texts])
    generation = DataDir(tmp_path / "data").require_current()
    documents = {d.id: d for d in load_documents(generation)}
    again = [ClauseRecord.of(c, documents[c.document]) for c in load_clauses(generation)]
    assert [(c.clause_id, c.text) for c in again] == [(c["clause_id"], c["text"]) for c in _clauses_of(clauses, "003")]
    assert len(again) == 43


def test_every_clause_span_points_into_its_file(clauses):
    """The file's text at the clause's first span starts with the clause's first
    characters, and [start, end) contains them (white space and markdown ``**`` aside)."""
    texts = {path.stem: path.read_text(encoding="utf-8") for path in SHIPPED_TEXTS.glob("*.txt")}
    wrong = []
    for clause in clauses:
        source = clause["source"]
        head = squeeze(clause["text_original"])[:5]
        text = texts[source["file"]]
        first = source["spans"][0]
        whole = squeeze(_MARKDOWN.sub("", text[source["start"] : source["end"]]))
        at_first = squeeze(_MARKDOWN.sub("", text[first["start"] : first["end"]]))
        if head not in whole or not at_first.startswith(head):
            wrong.append(clause["clause_id"])
    assert wrong == []


# ---- copies of one work -----------------------------------------------------------------


def test_iab_plan_copies_share_a_work(documents):
    copies = [d for d in documents if d["number"] == "穗府〔2018〕9号"]
    assert [_prefix(d["file"]) for d in copies] == ["001", "002"]
    assert copies[0]["work"] == copies[1]["work"]
    assert [d["preferred"] for d in copies] == [True, False]
    assert copies[0]["copies"] == [copies[1]["id"]]
    assert copies[1]["copies"] == [copies[0]["id"]]


def test_search_returns_one_copy_of_a_clause(clauses, documents, generation):
    """"IAB重点创新平台" is printed in both copies of the IAB plan; search shows 001's."""
    preferred = {d["id"] for d in documents if d["preferred"]}
    in_001 = clause_containing(_clauses_of(clauses, "001"), "建成100家IAB重点创新平台")
    in_002 = clause_containing(_clauses_of(clauses, "002"), "建成100家IAB重点创新平台")
    assert in_001["clause_id"] == "d5630ed4b46/4.1.1"
    assert in_002["document"]["id"] == "d2ffbb9f323"
    hits = Searcher.open(generation).search("IAB重点创新平台", k=10, mode="keyword").hits
    ids = [h.clause_id for h in hits]
    assert in_001["clause_id"] in ids[:3]
    assert in_002["clause_id"] not in ids
    assert [h.clause_id for h in hits if h.document.id not in preferred] == []


# ---- lead-ins, running titles, preambles cited by their paragraph ------------------------


def test_lead_in_after_the_last_bullet_is_its_own_clause(clauses):
    """000 二、主要任务: "围绕 IAB 主导产业发展领域及方向，实施 8大工程：" follows the last ——
    bullet and introduces （一）…（八）; it is neither the bullet's text nor lost."""
    bullet = clause_containing(clauses, "——生物医药产业领域：聚焦医药制造")
    assert bullet["text"].endswith("基因检测、高端医疗等。")
    lead = clause_containing(clauses, "围绕IAB主导产业发展领域及方向")
    assert (lead["kind"], lead["text"], lead["path"]) == ("preamble", "围绕IAB主导产业发展领域及方向，实施8大工程：", ["二、主要任务"])


def test_running_title_with_its_years_is_left_out(clauses):
    """002's spread 38 39 prints the IAB plan's title with "（2018-2022年）" beside the page numbers."""
    bullet = clause_containing(clauses, "——以产业集聚为支撑，打造十大价值创新园区")
    assert bullet["text"].endswith("高端高质高新的IAB产业集聚区。")
    title = squeeze("广州市加快IAB产业发展五年行动计划（2018-2022年）")
    assert [c["clause_id"] for c in clauses if c["kind"] != "preamble" and title in squeeze(c["text"])] == []


def test_a_preamble_cited_by_its_paragraph_is_whole(generation):
    """000 一、总体目标: the shortest exported row holding the paragraph's opening words (as a
    preamble is cited, without its title) is the preamble with its lead-in, not the segment
    of it that states targets."""
    rows = [as_json(record) for record in exported(clause_records(generation))]
    preamble = clause_containing(rows, "大力实施IAB主导产业“8588”计划")
    assert preamble["kind"] == "preamble"
    assert preamble["text"].endswith("实现“五个一批”：")


def test_short_first_line_cut_from_its_column_goes_on_with_its_sentence(clauses):
    """002 IAB plan 五(一)5: "5. 对 IAB 领域的发明专利创造进行资金扶持，市重点产业知识产权运营
    基金重点支" is one printed line followed by another column's text; once that is taken
    away it is short enough to look like a heading, but it was printed running on, and its
    sentence goes on at "持 IAB 领域核心专利…" 89 lines later."""
    item = clause_containing(clauses, "5.对IAB领域的发明专利创造进行资金扶持")
    assert "重点支持IAB领域核心专利和高价值专利组合" in item["text"]
    assert item["text"].endswith("各区政府）")


def test_closing_paragraph_of_a_document_is_its_own_clause(clauses):
    """002's 降成本实施意见 ends with what the opinion asks of its lead units ("各牵头单位（第一个
    责任单位为牵头单位）要在本实施意见印发之日起1个月内…"), printed after item （三十三）."""
    item = clause_containing(clauses, "（三十三）将我市财政资金扶持技术改造项目申报门槛")
    assert item["text"].endswith("（责任单位：市工业和信息化委、财政局，各区政府）")
    closing = clause_containing(clauses, "各牵头单位（第一个责任单位为牵头单位）")
    assert (closing["kind"], closing["path"]) == ("preamble", [])
    assert closing["text"].endswith("市政府视情况对各区、各部门开展专项督查。")


def test_a_sentence_above_a_title_block_is_not_part_of_the_title(clauses):
    """002 L2364-2371: the preamble of the value-park plan's 二、重点建设园区 ("围绕《…行动计划
    （2018—2022 年）》和广州建设“中") was printed just above the next member's title and 文号,
    and was read as a title line; its sentence goes on at "国制造 2025”…" 80 lines later,
    and （一）海珠琶洲互联网价值创新园 then keeps its five items."""
    preamble = clause_containing(clauses, "围绕《广州市加快IAB产业发展五年行动计划")
    assert preamble["path"] == ["二、重点建设园区"]
    assert preamble["text"].endswith("建设10个价值创新园区。")
    goal = clause_containing(clauses, "1.发展目标。到2020年，琶洲“互联网+”总部示范区")
    assert goal["path"][1].startswith("（一）海珠琶洲互联网价值创新园")
    assert not any("~" in c["clause_id"] for c in clauses if c["path"][:1] == ["二、重点建设园区"] and "琶洲" in c["text"])
