"""The structure of any Chinese normative text: 编/章/节/条/款/项, numerals of any size,
inserted articles, lead sentences and headings that keep their words, attachments as
back-matter, and a layout stage whose work grows linearly with its input. Inputs are
literal snippets written for these tests and the realcorpus/shipped texts."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.corpus import layout
from policykg.corpus.ingest import read_corpus
from policykg.corpus.patterns import chinese_number, find_marker

REALCORPUS = Path(__file__).resolve().parents[2] / "shared" / "realcorpus" / "laws"  # ../shared beside the checkout


def _clauses(tmp_path: Path, text: str, name: str = "law.md") -> dict[str, object]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    corpus = read_corpus([path])
    return {clause.id.split("/", 1)[1]: clause for clause in corpus.clauses}


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一千", 1000), ("一千零一", 1001), ("一千二百零三", 1203), ("两百", 200), ("九百九十九", 999), ("二〇一八", 2018), ("十", 10)],
)
def test_numerals_of_any_size(numeral, value):
    assert chinese_number(numeral) == value


def test_numerals_refuse_what_is_not_one():
    assert chinese_number("百百") is None
    assert chinese_number("总体") is None


def test_thousand_articles_are_articles(tmp_path):
    text = "\n\n".join(
        [
            "# 示例法典",
            "第九百九十九条 为公共利益实施新闻报道、舆论监督等行为的，可以合理使用民事主体的姓名。",
            "第一千条 行为人因侵害人格权承担消除影响、恢复名誉、赔礼道歉等民事责任的，应当与行为的具体方式和造成的影响范围相当。",
            "第一千二百零三条 因产品存在缺陷造成他人损害的，被侵权人可以向产品的生产者请求赔偿。",
        ]
    )
    clauses = _clauses(tmp_path, text)
    assert {"art999", "art1000", "art1203"} <= set(clauses)
    assert clauses["art1000"].text.startswith("第一千条行为人")
    assert "第一千二百零三条" not in clauses["art1000"].text


def test_parts_chapters_sections_articles_paragraphs_items(tmp_path):
    text = "\n\n".join(
        [
            "# 示例条例",
            "## 第一编 总则",
            "### 第一章 一般规定",
            "#### 第一节 适用范围",
            "第一条 为了规范管理，制定本条例。",
            "本条例适用于本市行政区域。",  # 第二款: stays in its article
            "第二条 有下列情形之一的，不予登记：",
            "（一）申请材料不齐全的；",
            "（二）逾期未补正的。",
            "#### 第二节 监督检查",
            "第三条 主管部门应当加强监督检查。",
        ]
    )
    clauses = _clauses(tmp_path, text)
    first = clauses["pt1.ch1.s1.art1"]
    assert first.text == "第一条为了规范管理，制定本条例。本条例适用于本市行政区域。"
    assert first.path[:3] == ["第一编总则", "第一章一般规定", "第一节适用范围"]
    assert clauses["pt1.ch1.s1.art2.2"].text == "（二）逾期未补正的。"
    assert clauses["pt1.ch1.s2.art3"].path[2] == "第二节监督检查"


def test_inserted_article_keeps_its_own_id(tmp_path):
    text = "\n\n".join(
        [
            "第二百三十六条 以暴力、胁迫或者其他手段强奸妇女的，处三年以上十年以下有期徒刑。",
            "第二百三十六条之一 对已满十四周岁不满十六周岁的未成年女性负有特殊职责的人员，与该未成年女性发生性关系的，处三年以下有期徒刑。",
            "第二百三十七条 以暴力、胁迫或者其他方法强制猥亵他人的，处五年以下有期徒刑或者拘役。",
        ]
    )
    assert find_marker("第二百三十六条之一 对已满").inserted == 1
    clauses = _clauses(tmp_path, text)
    assert clauses["art236-1"].number == "第二百三十六条之一"
    assert clauses["art236-1"].text.startswith("第二百三十六条之一对已满")
    assert "art236~2" not in clauses


def test_lead_sentence_of_a_list_article_is_in_its_clause(tmp_path):
    # 刑法第二百三十六条: the article's first sentence stands before its items
    text = "\n\n".join(
        [
            "第二百三十六条 以暴力、胁迫或者其他手段强奸妇女的，处三年以上十年以下有期徒刑。",
            "奸淫不满十四周岁的幼女的，以强奸论，从重处罚。",
            "强奸妇女、奸淫幼女，有下列情形之一的，处十年以上有期徒刑、无期徒刑或者死刑：",
            "（一）强奸妇女、奸淫幼女情节恶劣的；",
            "（二）强奸妇女、奸淫幼女多人的。",
            "第二百三十七条 以暴力、胁迫或者其他方法强制猥亵他人的，处五年以下有期徒刑或者拘役。",
        ]
    )
    clauses = _clauses(tmp_path, text)
    article = clauses["art236"]
    assert article.kind == "item"
    assert article.text.startswith("第二百三十六条以暴力、胁迫或者其他手段强奸妇女的")
    assert article.text.endswith("无期徒刑或者死刑：")
    assert clauses["art236.1"].text == "（一）强奸妇女、奸淫幼女情节恶劣的；"


def test_short_lead_sentence_without_body_is_a_clause(tmp_path):
    text = "\n\n".join(
        [
            "一、监督管理",
            "（一）有下列情形之一的，由主管部门责令改正：",
            "1.未按照规定报告的；",
            "2.拒绝接受监督检查的。",
        ]
    )
    clauses = _clauses(tmp_path, text)
    assert clauses["1.1"].text == "（一）有下列情形之一的，由主管部门责令改正："
    assert "1" not in clauses  # 一、监督管理 only titles its items


def test_title_keeps_its_words_in_the_paragraph_under_it(tmp_path):
    text = "\n\n".join(
        [
            "一、总体目标",
            "到2025年，全市集成电路产业规模超过1000亿元。",
            "（一）产业规模。培育一批龙头企业。",
            "（二）创新能力。建成一批创新平台。",
        ]
    )
    clauses = _clauses(tmp_path, text)
    preamble = clauses["1.p"]
    assert preamble.kind == "preamble"
    assert preamble.text == "一、总体目标到2025年，全市集成电路产业规模超过1000亿元。"
    assert preamble.paragraphs == [len("一、总体目标")]


def test_attachment_list_is_back_matter_not_items(tmp_path):
    text = "\n".join(
        [
            "一、总体要求",
            "（一）加强组织领导。各区要建立工作机制。",
            "（二）开展督促评估。将项目纳入年度考核。",
            "附件：1.重点发展领域及方向",
            "　　　2.重点价值创新园区",
        ]
    )
    clauses = _clauses(tmp_path, text)
    assert clauses["1.2"].text == "（二）开展督促评估。将项目纳入年度考核。"
    assert clauses["att"].text == "附件：1.重点发展领域及方向2.重点价值创新园区"
    assert clauses["att"].path == ["附件：1.重点发展领域及方向"]
    assert not any(key.startswith("1.2.") for key in clauses)


def test_numbered_attachment_content_nests_under_the_attachment(tmp_path):
    text = "\n\n".join(
        [
            "第二十三条 本条例自1985年4月1日起施行。",
            "附件1",
            "禁止倾倒的物质",
            "一、含有机卤素化合物的废弃物。",
            "二、强放射性废弃物。",
            "附件2",
            "需要获得特别许可证才能倾倒的物质",
            "一、含弱放射性物质的废弃物。",
        ]
    )
    clauses = _clauses(tmp_path, text)
    assert clauses["art23"].text == "第二十三条本条例自1985年4月1日起施行。"
    assert clauses["att1.1"].path == ["附件1", "一、含有机卤素化合物的废弃物"]
    assert clauses["att2.1"].text == "一、含弱放射性物质的废弃物。"
    assert find_marker("附件所列的物质") is None  # prose, not a label


def test_dash_bullet_stays_under_its_own_heading():
    """000's 一、总体目标 ends with a —— bullet printed right before 二、主要任务: a finished
    paragraph reads on into the item printed after it, not to the next number."""
    corpus = read_corpus([Path(__file__).resolve().parents[1] / "corpus" / "texts" / "000_黄埔区广州开发区促进IAB主导产业发展实施意见.txt"])
    bullet = next(c for c in corpus.clauses if c.text.startswith("——建设一批创新中心"))
    assert bullet.path == ["一、总体目标", "——建设一批创新中心"]


def _count_scores(monkeypatch, tmp_path: Path, text: str) -> int:
    calls = 0
    original = layout._Scorer.score

    def counted(self, i, j):
        nonlocal calls
        calls += 1
        return original(self, i, j)

    monkeypatch.setattr(layout._Scorer, "score", counted)
    path = tmp_path / f"law{len(text)}.md"
    path.write_text(text, encoding="utf-8")
    read_corpus([path])
    return calls


def _law(articles: int, separator: str) -> str:
    return separator.join(
        f"第{k}条 本条例所称单位，是指从事相关活动的机关和其他组织（第{k}项）。{separator}有下列情形之一的，责令改正：{separator}（一）未按照规定报告的；"
        for k in range(1, articles + 1)
    )


@pytest.mark.parametrize("separator", ["\n", ""], ids=["lines", "one-line"])
def test_layout_work_grows_linearly(monkeypatch, tmp_path, separator):
    """Candidate successors come from a bounded window, so twice the text costs about
    twice the scoring, also when a whole law is saved on one line (before, every unit was
    scored against every other: four times)."""
    small = _count_scores(monkeypatch, tmp_path, _law(1000, separator))
    large = _count_scores(monkeypatch, tmp_path, _law(2000, separator))
    assert small > 0
    assert large <= 2.2 * small


@pytest.mark.skipif(not REALCORPUS.is_dir(), reason="the realcorpus is not beside the project")
def test_civil_code_style_numbering_in_a_real_law():
    """A real law with 编/章/条 and inserted numbering reads every article as one clause."""
    path = next(REALCORPUS.glob("*专利法实施细则(2010-01-09).md"), None)
    if path is None:
        pytest.skip("that law is not in this realcorpus")
    corpus = read_corpus([path])
    articles = [c for c in corpus.clauses if c.number and c.number.startswith("第") and c.number.endswith("条")]
    assert len(articles) >= 100
    assert all(len(c.text) < 1500 for c in articles)


SHIPPED = Path(__file__).resolve().parents[1] / "corpus" / "texts"


def _gbk_and_big5(tmp_path: Path, name: str) -> tuple[list, list]:
    import opencc

    text = (SHIPPED / name).read_text(encoding="utf-8")
    (tmp_path / "copy_gbk.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "copy_big5.txt").write_bytes(opencc.OpenCC("s2tw").convert(text).encode("big5"))
    corpus = read_corpus([tmp_path])
    return corpus.documents, corpus.clauses


def test_gbk_and_big5_copies_are_one_work_by_their_content(tmp_path):
    """000 has no title and no 文号: only its sentences say that the GBK file and its Big5
    Traditional copy are one text (before, they were two works and answered twice)."""
    documents, _ = _gbk_and_big5(tmp_path, "000_黄埔区广州开发区促进IAB主导产业发展实施意见.txt")
    assert sorted(d.encoding for d in documents) == ["big5", "gb18030"]
    assert len({d.work for d in documents}) == 1
    assert sum(d.preferred for d in documents) == 1


def test_traditional_copy_is_split_like_its_simplified_text(tmp_path):
    """003 numbers its articles 第X条; its Traditional copy prints 第X條 and 第X節."""
    documents, clauses = _gbk_and_big5(tmp_path, "003_广州人工智能与数字经济试验区产业导则.txt")
    by_doc = {d.encoding: [c.id.split("/", 1)[1] for c in clauses if c.document == d.id] for d in documents}
    assert "ch1.art1" in by_doc["gb18030"]
    assert by_doc["big5"] == by_doc["gb18030"]


def test_amended_versions_are_not_copies():
    from policykg.corpus.documents import content_sketch, link_copies
    from policykg.corpus.models import Document

    text = "第一条 为了规范管理，制定本条例。第二条 主管部门负责监督管理工作。第三条 本条例自公布之日起施行。"
    docs = [Document(id="a", file="a", title="甲条例", date="2017-03-01"), Document(id="b", file="b", title="乙条例", date="2023-07-20")]
    link_copies(docs, {"a": text, "b": text}, {"a": content_sketch(text), "b": content_sketch(text)})
    assert docs[0].work != docs[1].work
    docs[1].date = "2017-03-01"
    link_copies(docs, {"a": text, "b": text}, {"a": content_sketch(text), "b": content_sketch(text)})
    assert docs[0].work == docs[1].work


def test_lead_in_after_a_bullet_list_is_a_clause_of_its_own(tmp_path):
    """A paragraph ending with a colon, printed after the last bullet and before items of
    another kind, introduces those items: it is not the bullet's text, nor lost (the wording
    of 000's 二、主要任务, in another city's words)."""
    text = "\n".join(
        [
            "二、主要任务",
            "——集成电路产业领域：重点发展芯片设计、制造、封装测试。",
            "——生物医药产业领域：聚焦创新药、高端医疗器械和精准医疗。",
            "围绕上述产业领域，实施六大工程：",
            "（一）产业集聚工程。推进重点园区规划建设。",
            "（二）企业培育工程。建立重点企业培育库。",
        ]
    )
    clauses = _clauses(tmp_path, text, "plan.txt")
    assert clauses["2.b2"].text == "——生物医药产业领域：聚焦创新药、高端医疗器械和精准医疗。"
    lead = clauses["2.1.lead"]
    assert (lead.kind, lead.text, lead.path) == ("preamble", "围绕上述产业领域，实施六大工程：", ["二、主要任务"])
    assert clauses["2.1"].text == "（一）产业集聚工程。推进重点园区规划建设。"


def test_lead_in_of_an_items_own_list_stays_in_the_item(tmp_path):
    """The colon paragraph that opens an item's own sub-items belongs to that item."""
    text = "\n".join(
        [
            "（三）加大财政支持。",
            "市财政每年安排专项资金。",
            "资金主要用于以下方面：",
            "1.支持重大项目建设；",
            "2.支持公共平台建设。",
        ]
    )
    clauses = _clauses(tmp_path, text, "plan.txt")
    assert clauses["3.p"].text == "（三）加大财政支持。市财政每年安排专项资金。资金主要用于以下方面："
    assert not any(key.endswith(".lead") for key in clauses)


def test_closing_paragraph_is_not_the_last_items_text(tmp_path):
    """What a document says of itself after its last item (002's 降成本实施意见 ends so: "各牵头
    单位…要在本实施意见印发之日起1个月内制定具体实施细则…") is a clause of its own."""
    text = "\n".join(
        [
            "（十二）简化企业投资项目审批流程。（责任单位：市发展改革委，各区政府）",
            "各责任单位要在本方案印发之日起2个月内制定配套细则，并按季度报送落实情况，",
            "市发展改革委汇总后报市政府。",
            "成都市人民政府办公厅",
            "2023年6月1日",
        ]
    )
    clauses = _clauses(tmp_path, text, "plan.txt")
    assert clauses["12"].text == "（十二）简化企业投资项目审批流程。（责任单位：市发展改革委，各区政府）"
    closing = clauses["end"]
    assert (closing.kind, closing.path) == ("preamble", [])
    assert closing.text.startswith("各责任单位要在本方案印发之日起2个月内") and closing.text.endswith("报市政府。")


def test_last_article_keeps_its_paragraphs(tmp_path):
    """A law's last article keeps its second paragraph (款) even when it speaks of the law."""
    text = "\n\n".join(
        [
            "第三十条 本办法由市人民政府负责解释。",
            "本办法自2024年1月1日起施行。",
        ]
    )
    clauses = _clauses(tmp_path, text)
    assert clauses["art30"].text == "第三十条本办法由市人民政府负责解释。本办法自2024年1月1日起施行。"
    assert "end" not in clauses
