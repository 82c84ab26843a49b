"""Documents of other cities and provinces, read from real text: their title, 文号, issuer,
date, validity and the place they speak for, and the search filters that find them.

The texts are excerpts of public documents (their head and foot kept whole, some articles
left out):

- ``data/xinyu_green_building_pkulaw.txt``: 新余市人民政府办公室关于印发《新余市绿色建筑管理
  办法》的通知 (余府发〔2012〕3号) as the pkulaw database gives it, taken from the public
  repository BU-Spark/ds-ciss-policy-docs (origin/规范性文件2/江西规范性文件/江西规范性文件2012/).
- ``data/shanghai_putuo_sponge_city.md``: 上海市普陀区人民政府办公室关于印发《普陀区海绵城市
  建设实施方案》的通知 (普府办〔2025〕1号), from the public repository
  zhiyao87/Shanghai-Gov-Docs-Index (docs/绿色低碳与节能/), which took it from shanghai.gov.cn.
- ``data/shenzhen_industrial_investment.txt``: a notice in the form of Shenzhen's.
- ``LINGANG`` below: the head of 关于修订《中国（上海）自由贸易试验区临港新片区扶持光伏发电项目
  操作办法》的通知 (沪自贸临管规范〔2023〕4号), from zhiyao87/Shanghai-Gov-Docs-Index, as a web
  copy that lost its signature.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from policykg.corpus.ingest import read_corpus
from policykg.corpus.models import Document
from policykg.corpus.read import list_sources
from policykg.kg.extract.registry import Registry
from policykg.kg.facts import document_context, extract_facts, jurisdiction

DATA = Path(__file__).parent / "data"
XINYU = DATA / "xinyu_green_building_pkulaw.txt"
PUTUO = DATA / "shanghai_putuo_sponge_city.md"
SHENZHEN = DATA / "shenzhen_industrial_investment.txt"


def _documents(path: Path) -> list[Document]:
    corpus = read_corpus(list_sources([path]))
    extract_facts(corpus.documents, corpus.clauses, Registry.load())  # sets each document's jurisdiction
    return corpus.documents


def test_a_database_copy_is_one_document_with_its_metadata():
    """The database's notes above the title (【法宝引证码】, 原文链接：https://…), the title
    printed twice, the 文号 in brackets and a date alone under the notice: one document."""
    (document,) = _documents(XINYU)
    assert document.title == "新余市人民政府办公室关于印发《新余市新余市绿色建筑管理办法》的通知"
    assert (document.number, document.issuer, document.date) == ("余府发〔2012〕3号", "新余市人民政府办公室", "2012-01-09")
    # 本办法自2012年2月1日至2017年1月31日施行: a period in force stated without 有效期
    assert document.valid_until == "2017-01-31"
    assert document.jurisdiction == "江西省新余市"


def test_the_source_notes_are_not_read_as_text():
    corpus = read_corpus(list_sources([XINYU]))
    texts = "".join(c.text for c in corpus.clauses)
    assert "pkulaw" not in texts and "法宝引证码" not in texts
    assert corpus.clauses[0].text.startswith("各县（区）人民政府")  # the reading order is the printed one


def test_a_district_document_speaks_for_its_district():
    (document,) = _documents(PUTUO)
    assert (document.issuer, document.date) == ("上海市普陀区人民政府办公室", "2025-01-03")
    assert document.jurisdiction == "上海市普陀区"  # a municipality is its own province


@pytest.mark.parametrize(
    ("issuer", "title", "place"),
    [
        ("深圳市人民政府", "深圳市人民政府关于印发深圳市促进工业投资若干措施的通知", "广东省深圳市"),
        ("中国（上海）自由贸易试验区临港新片区管理委员会", "关于修订《中国（上海）自由贸易试验区临港新片区扶持光伏发电项目操作办法》的通知", "上海市"),
        ("新疆维吾尔自治区质监局", "新疆维吾尔自治区质监局关于进一步加强新闻宣传工作的通知", "新疆维吾尔自治区"),
        (None, "海口市水务局关于生产建设项目水土保持方案审批决定的公告", "海南省海口市"),
        (None, "昆山市人民政府关于印发昆山市促进产业转型升级若干政策的通知", "江苏省昆山市"),
        # a place a title is about is not whose the document is
        ("国务院", "国务院关于支持深圳建设中国特色社会主义先行示范区的意见", None),
        (None, "中华人民共和国产品质量法", None),
    ],
)
def test_the_place_a_document_speaks_for(issuer, title, place):
    document = Document(id="d", file="f", title=title, issuer=issuer)
    assert jurisdiction(document_context(document, [], registry=Registry.load())) == place


def test_a_county_level_city_names_its_own_bureaus():
    """市财政局 in a 昆山市 notice is 昆山's bureau, not 苏州's."""
    document = Document(id="d", file="f", title="昆山市人民政府关于印发昆山市促进产业转型升级若干政策的通知")
    context = document_context(document, [], registry=Registry.load())
    assert (context.city, context.district, context.province) == ("昆山市", None, "江苏省")


def test_the_filters_find_another_citys_documents(tmp_path):
    """`search --issuer 深圳` and `--jurisdiction` over a build of two cities' texts: each
    finds its own city's clauses and no other's."""
    texts = tmp_path / "texts"
    texts.mkdir()
    for path in (SHENZHEN, PUTUO):
        (texts / path.name).write_bytes(path.read_bytes())
    data = tmp_path / "data"
    built = run_cli(["build", str(texts), "--model", "none"], data=data)
    assert built.exit_code == 0, built.stderr

    def listed(*options: str) -> set[str]:
        found = run_cli(["search", *options, "--k", "100", "--json", "--local"], data=data)
        assert found.exit_code == 0, found.stderr
        return {hit["document"]["title"] for hit in json.loads(found.stdout.splitlines()[0])["hits"]}

    shenzhen = {"深圳市人民政府关于印发深圳市促进工业投资若干措施的通知"}
    putuo = {"上海市普陀区人民政府办公室关于印发《普陀区海绵城市建设实施方案》的通知"}
    assert listed("--issuer", "深圳") == shenzhen
    assert listed("--jurisdiction", "深圳") == listed("--jurisdiction", "广东省") == shenzhen
    assert listed("--jurisdiction", "上海") == listed("--jurisdiction", "普陀区") == putuo
    assert listed("--jurisdiction", "北京") == set()
    documents = [json.loads(line) for line in run_cli(["export", "documents"], data=data).stdout.splitlines()]
    assert sorted(d["jurisdiction"] for d in documents) == ["上海市普陀区", "广东省深圳市"]
    # a body no clause names is read in the build's cities, not in Guangzhou: Shenzhen's
    # 经贸信息委, renamed in 2019 (the registry's shenzhen.ttl)
    body = run_cli(["departments", "市经贸信息委"], data=data)
    assert body.exit_code == 0, body.stderr
    assert "shenzhen/jingmao-xinxi-wei" in body.stdout


LINGANG = """关于修订《临港新片区扶持光伏发电项目操作办法》的通知
沪自贸临管规范〔2023〕4号

管委会各部门、各直属单位，临港新片区各镇、各开发公司、各有关单位:

为深入贯彻落实“双碳”发展要求，进一步促进临港新片区光伏持续健康发展，充分挖掘新片区存量屋顶资源，调动光伏项目建设积极性，现对《中国（上海）自由贸易试验区临港新片区扶持光伏发电项目操作办法》做如下修订：

一、在第六条（奖励标准）中将原奖励标准进行相应调整。
"""


def test_a_document_that_names_no_place_is_placed_by_its_number(tmp_path):
    """No issuer printed and no place in the title: the 文号's 发文机关代字 (沪) places it."""
    path = tmp_path / "lingang.txt"
    path.write_text(LINGANG, encoding="utf-8")
    (document,) = _documents(path)
    assert document.number == "沪自贸临管规范〔2023〕4号"
    assert (document.issuer, document.jurisdiction) == (None, "上海市")  # a committee's 文号 names no issuer


def test_a_governments_own_number_names_it_as_the_issuer(tmp_path):
    text = SHENZHEN.read_text(encoding="utf-8").replace("深圳市人民政府关于印发", "关于印发").replace("深圳市人民政府\n2021", "2021")
    path = tmp_path / "shenzhen_web_copy.txt"
    path.write_text(text, encoding="utf-8")
    (document,) = _documents(path)
    assert document.title == "关于印发深圳市促进工业投资若干措施的通知"
    assert (document.number, document.issuer, document.jurisdiction) == ("深府规〔2021〕9号", "深圳市人民政府", "广东省深圳市")
