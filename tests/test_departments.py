"""Responsible departments: the patterns that name them, the registry that resolves them,
and what the shipped corpus says (kg/extract/departments.py, kg/extract/registry.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import ORG, RDF

from policykg.kg.extract.departments import document_convention, extract_departments
from policykg.kg.extract.registry import ORG_BASE, Change, Registry, RegistryError
from policykg.kg.models import DocumentContext
from conftest import clause_containing


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


def read(registry: Registry, text: str, city: str = "广州市", district: str | None = None, first: bool | None = None):
    context = DocumentContext("doc", city=city, district=district, first_listed_leads=first)
    return extract_departments(text, context, registry)


def roles(found) -> list[tuple[str, str]]:
    return [(r.mention, r.role) for r in found]


# --- patterns --------------------------------------------------------------------------------

SNIPPETS = [
    pytest.param(
        "推进。（牵头单位：市科技创新委；配合单位：市发展改革委、工业和信息化委、教育局等，各区政府）",
        [("市科技创新委", "lead"), ("市发展改革委", "cooperating"), ("市工业和信息化委", "cooperating"),
         ("市教育局", "cooperating"), ("各区政府", "cooperating")],
        id="labelled-lead-and-cooperating",
    ),
    pytest.param(
        "推进。(牵头单位:市国土规划委,配合单位:市工业和信息化委、各区政府)",
        [("市国土规划委", "lead"), ("市工业和信息化委", "cooperating"), ("各区政府", "cooperating")],
        id="labelled-half-width",
    ),
    pytest.param(
        "加快建设。（责任单位：市发展改革委、工业和信息化委、教育局，各区政府）",
        [("市发展改革委", "lead"), ("市工业和信息化委", "cooperating"), ("市教育局", "cooperating"),
         ("各区政府", "cooperating")],
        id="responsible-units-first-leads",
    ),
    pytest.param(
        "加快建设。(责任单位:市发展改革委,工业和信息化委;各区政府)",
        [("市发展改革委", "lead"), ("市工业和信息化委", "cooperating"), ("各区政府", "cooperating")],
        id="responsible-units-half-width",
    ),
    pytest.param(
        "推进。（市工业和信息化委牵头，市发展改革委、科技创新委，各区政府配合）",
        [("市工业和信息化委", "lead"), ("市发展改革委", "cooperating"), ("市科技创新委", "cooperating"),
         ("各区政府", "cooperating")],
        id="lead-verb-and-cooperate-verb",
    ),
    pytest.param("推进。（市工业和信息化委牵头）", [("市工业和信息化委", "lead")], id="lead-verb-alone"),
    pytest.param(
        "推进。（各区政府牵头，市住房城乡建设委、财政局配合）",
        [("各区政府", "lead"), ("市住房城乡建设委", "cooperating"), ("市财政局", "cooperating")],
        id="generic-group-made-lead",
    ),
    pytest.param(
        "加快建设。（市科技局、发展改革委，相关区政府）",
        [("市科技局", "lead"), ("市发展改革委", "cooperating"), ("相关区政府", "cooperating")],
        id="bare-list-traditional-origin",
    ),
    pytest.param(
        "推进（市委组织部，市人力资源社会保障局、科技局）",
        [("市委组织部", "lead"), ("市人力资源社会保障局", "cooperating"), ("市科技局", "cooperating")],
        id="bare-list-party-organ-first",
    ),
    pytest.param("（团市委、市科技局）", [("团市委", "lead"), ("市科技局", "cooperating")], id="bare-list-known-unprefixed"),
    pytest.param(
        "（牵头单位：市委政法委，市法院、检察院等，各区政府）",
        [("市委政法委", "lead"), ("市法院", "lead"), ("市检察院", "lead"), ("各区政府", "lead")],
        id="prefix-distributes-after-party-organ",
    ),
    pytest.param(
        "（责任单位：各区政府，发展改革委）",
        [("各区政府", "lead"), ("发展改革委", "cooperating")],
        id="generic-group-stops-the-prefix",
    ),
    pytest.param(
        "（牵头单位：市财政局、区发展改革局、财政局）",
        [("市财政局", "lead"), ("区发展改革局", "lead"), ("区财政局", "lead")],
        id="new-prefix-takes-over",
    ),
    pytest.param(
        "（牵头单位：市交委、环保局等；配合单位：市水务局，广州交通集团、广州地铁集团等，各区政府）",
        [("市交委", "lead"), ("市环保局", "lead"), ("市水务局", "cooperating"), ("广州交通集团", "cooperating"),
         ("广州地铁集团", "cooperating"), ("各区政府", "cooperating")],
        id="enterprises-listed-as-units",
    ),
    pytest.param(
        "（牵头单位：市科技创新委；配合单位：市发展改革委）。另行研究（牵头单位：市国土规划委；配合单位：市科技创新委）",
        [("市科技创新委", "lead"), ("市发展改革委", "cooperating"), ("市国土规划委", "lead"),
         ("市科技创新委", "cooperating")],
        id="every-bracket-counts",
    ),
    pytest.param(
        "（市科技局、相关区政府）推进。（市科技局）",
        [("市科技局", "lead"), ("相关区政府", "cooperating")],
        id="same-body-same-role-once",
    ),
    pytest.param(
        "责任单位：市发展改革委（牵头）、市财政局、市科技局",
        [("市发展改革委", "lead"), ("市财政局", "cooperating"), ("市科技局", "cooperating")],
        id="role-marked-on-an-item",
    ),
    pytest.param(
        "【牵头单位】市工业和信息化局【配合单位】市财政局、市商务局",
        [("市工业和信息化局", "lead"), ("市财政局", "cooperating"), ("市商务局", "cooperating")],
        id="labels-in-lenticular-brackets",
    ),
    pytest.param(
        "（三十三）下调申报门槛。责任单位：市工业和信息化委，各区政府要抓紧落实。",
        [("市工业和信息化委", "lead")],
        id="label-outside-brackets-ends-with-the-list",
    ),
    pytest.param(
        "由区经济和信息化局会同有关部门推进新一代信息技术产业发展实施，区科技创新局会同有关部门推进人工智能产业发展实施。",
        [("区经济和信息化局", "lead"), ("有关部门", "cooperating"), ("区科技创新局", "lead")],
        id="prose-convene",
    ),
    pytest.param(
        "市工业和信息化委、发展改革委会同各区研究制定产业园区发展规划。",
        [("市工业和信息化委", "lead"), ("市发展改革委", "lead"), ("各区", "cooperating")],
        id="prose-convene-list",
    ),
    pytest.param(
        "建立由分管市领导负责，市工业和信息化局牵头、相关部门配合的工作机制。各片区同步成立职能部门牵头、相关部门配合的工作机制。",
        [("市工业和信息化局", "lead"), ("相关部门", "cooperating")],
        id="prose-lead-cooperate-generic-only-sentence-skipped",
    ),
    pytest.param("第十七条本导则由市工业和信息化局负责解释。", [("市工业和信息化局", "lead")], id="prose-responsible"),
    pytest.param(
        "由市商务局牵头，市发展改革委、市财政局按职责分工负责。",
        [("市商务局", "lead"), ("市发展改革委", "cooperating"), ("市财政局", "cooperating")],
        id="prose-others-responsible-for-their-part",
    ),
    pytest.param(
        "市工业和信息化委牵头，各区政府配合。（含上级部门要求区里配套的资金）",
        [("市工业和信息化委", "lead"), ("各区政府", "cooperating")],
        id="prose-when-brackets-name-no-units",
    ),
    pytest.param(
        "（牵头单位：市科技创新委）。市国土规划委会同各区研究制定控制性详细规划。",
        [("市科技创新委", "lead")],
        id="a-list-outranks-prose",
    ),
    pytest.param(
        "类别 目标 单位 2018 年 2019 年 牵头单位\n规模以上工业总产值 万亿元 2.15 2.3 市工业和信息化委\n% 48 49 市科技创新委",
        [("市工业和信息化委", "lead"), ("市科技创新委", "lead")],
        id="table-role-column",
    ),
    pytest.param(
        "序号 任务 牵头单位 配合单位\n1 建设平台 市科技局 市财政局、各区政府",
        [("市科技局", "lead"), ("市财政局", "cooperating"), ("各区政府", "cooperating")],
        id="table-two-role-columns",
    ),
    pytest.param("支持企业申报《广州市工业和信息化局关于开展试点的通知》，对中山大学、华为公司给予支持。", [], id="titles-and-prose-names-are-not-units"),
    pytest.param("对在本区牵头成立行业协会的，经区政府、管委会同意，给予支持。", [], id="approval-is-not-responsibility"),
    pytest.param("通过美国或国家食品药品监督管理总局（国家食品药品监督管理总局）认证的药品。", [], id="bracket-mid-sentence"),
    pytest.param("联合培养（含已在新三板挂牌）的企业。", [], id="bracket-that-is-no-list"),
    pytest.param(
        "（市工业和信息化委牵头，市发展改革委、国各区政府配合）",
        [("市工业和信息化委", "lead"), ("市发展改革委", "cooperating")],
        id="garbled-item-dropped",
    ),
]


@pytest.mark.parametrize("text, expected", SNIPPETS)
def test_patterns(registry, text, expected):
    assert roles(read(registry, text, first=True)) == expected


def test_first_listed_convention_is_honest(registry):
    text = "加快建设。（责任单位：市财政局、国税局，各区政府）"
    stated = read(registry, text, first=True)
    assumed = read(registry, text, first=None)
    assert [(r.role, r.convention) for r in stated] == [
        ("lead", "first-listed"), ("cooperating", "first-listed"), ("cooperating", "first-listed")]
    assert [(r.role, r.convention) for r in assumed] == [
        ("lead", "inferred"), ("cooperating", "inferred"), ("cooperating", "inferred")]
    no_order = read(registry, text, first=False)
    assert [(r.mention, r.role) for r in no_order] == [("市财政局", "lead"), ("市国税局", "lead"), ("各区政府", "lead")]


def test_explicit_roles_are_explicit(registry):
    found = read(registry, "（牵头单位：市科技创新委；配合单位：各区政府）")
    assert [(r.role, r.convention, r.generic, r.jurisdiction) for r in found] == [
        ("lead", "explicit", False, "广州市"), ("cooperating", "explicit", True, "")]


def test_offsets_point_at_the_words(registry):
    text = "推进。（牵头单位：市科技创新委；配合单位：市发展改革委、工业和信息化委）"
    found = read(registry, text)
    assert [text[r.start:r.end] for r in found] == ["市科技创新委", "市发展改革委", "工业和信息化委"]


def test_another_city_resolves_to_that_city(registry):
    found = read(registry, "推进。（牵头单位：市工业和信息化局；配合单位：市发展改革局，各县（市、区）人民政府）", city="韶关市")
    assert [(r.department, r.label, r.role) for r in found] == [
        ("shaoguan/gongyehexinxihua-ju-3591", "韶关市工业和信息化局", "lead"),
        ("shaoguan/fazhangaige-ju-8a5d", "韶关市发展改革局", "cooperating"),
        ("generic/all-counties", "各县（市、区）人民政府", "cooperating"),
    ]
    assert found[0].labels == ["市工业和信息化局"]
    assert found[0].jurisdiction == "韶关市"


def test_district_document_resolves_district_bodies(registry):
    text = "由区经济和信息化局会同有关部门推进新一代信息技术产业发展实施。"
    in_huangpu = read(registry, text, district="黄埔区")
    in_city = read(registry, text)
    assert [r.department for r in in_huangpu] == ["guangzhou/huangpu/jingxin-ju", "generic/relevant-departments"]
    assert in_huangpu[0].jurisdiction == "广州市黄埔区"
    assert in_city[0].department.startswith("guangzhou/qu/jingjihexinxihua-ju-")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("各牵头单位（第一个责任单位为牵头单位）要在1个月内制定实施细则", True),
        ("各项任务排在首位的为牵头单位，其他为配合单位。", True),
        ("责任单位中列第一位的为牵头单位。", True),
        ("排在第一位的单位为牵头单位", True),
        ("责任单位排名不分先后。", False),
        ("（责任单位：市财政局、国税局，各区政府）", None),
        ("（牵头单位：市科技创新委）", None),
    ],
)
def test_document_convention(text, expected):
    assert document_convention(text) is expected


# --- the registry --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, city, district, expected",
    [
        ("市工业和信息化委", "广州市", None, "guangzhou/gongxin-wei"),
        ("市工信委", "广州市", None, "guangzhou/gongxin-wei"),
        ("广州市工业和信息化委员会", "广州市", None, "guangzhou/gongxin-wei"),
        ("廣州市工業和資訊化委員會", "广州市", None, "guangzhou/gongxin-wei"),
        ("工业和信息化委", "广州市", None, "guangzhou/gongxin-wei"),
        ("市工业和信息化局", "广州市", None, "guangzhou/gongxin-ju"),
        ("市工信局", "广州市", None, "guangzhou/gongxin-ju"),
        ("市工业和信息化委", "广州市", "黄埔区", "guangzhou/gongxin-wei"),
        ("市人力资源社会保障局", "广州市", None, "guangzhou/renshe-ju"),
        ("市人力资源和社会保障局", "广州市", None, "guangzhou/renshe-ju"),
        ("市市场监管局", "广州市", None, "guangzhou/shichang-jianguan-ju"),
        ("市场监管局", "广州市", None, "guangzhou/shichang-jianguan-ju"),
        ("广州市税务局", "广州市", None, "guangzhou/sat-shuiwu-ju"),
        ("市税务局", "广州市", None, "guangzhou/sat-shuiwu-ju"),
        ("市委外办", "广州市", None, "guangzhou/waiban-shiwei"),
        ("市外办", "广州市", None, "guangzhou/waiban"),
        ("团市委", "广州市", None, "guangzhou/tuanshiwei"),
        ("区政府", "广州市", "黄埔区", "guangzhou/huangpu"),
        ("黄埔区科技创新局", "广州市", None, "guangzhou/huangpu/keji-chuangxin-ju"),
        ("省政府", "广州市", None, "guangdong"),
        ("市工业和信息化局", "中山市", None, "zhongshan/gongyehexinxihua-ju-8dda"),
        ("中山市工业和信息化局", "广州市", None, "zhongshan/gongyehexinxihua-ju-8dda"),
        ("省发展改革委", "中山市", None, "guangdong/fazhangaige-wei-5c83"),
        # the second city's registry file resolves its own bodies
        ("市工业和信息化局", "深圳市", None, "shenzhen/gongxin-ju"),
        ("深圳市工业和信息化局", "广州市", None, "shenzhen/gongxin-ju"),
        ("市发展改革委", "深圳市", None, "shenzhen/fagai-wei"),
        ("市经贸信息委", "深圳市", None, "shenzhen/jingmao-xinxi-wei"),
        ("市市场监管局", "深圳市", None, "shenzhen/shichang-jianguan-ju"),
        ("市政府", "深圳市", None, "shenzhen"),
        ("区政府", "深圳市", "南山区", "shenzhen/nanshan"),
        ("各区政府", "广州市", None, "generic/all-districts"),
        ("各区人民政府", "广州市", None, "generic/all-districts"),
        ("市相关部门", "广州市", None, "generic/relevant-departments"),
        ("市直各有关部门", "广州市", None, "generic/relevant-departments"),
    ],
)
def test_resolve(registry, name, city, district, expected):
    assert registry.resolve(name, city, district)[0] == expected


def test_resolve_returns_the_official_name_and_the_mention(registry):
    id_, label, labels = registry.resolve("市工业和信息化委", "广州市", None)
    assert (id_, label) == ("guangzhou/gongxin-wei", "广州市工业和信息化委员会")
    assert labels[:2] == ["市工业和信息化委", "广州市工业和信息化委员会"]
    assert {"市工信委", "廣州市工業和資訊化委員會"} <= set(labels)


def test_unknown_body_gets_an_entity_of_its_own(registry):
    assert registry.resolve("市工业和信息化局", "中山市", None) == (
        "zhongshan/gongyehexinxihua-ju-8dda", "中山市工业和信息化局", ["市工业和信息化局"])
    assert registry.resolve("区住房和城乡建设局", "韶关市", "武江区") == (
        "shaoguan/wujiang-qu/zhufanghechengxiangjianshe-ju-c682", "韶关市武江区住房和城乡建设局", ["区住房和城乡建设局"])
    # one written name, one id: 委员会 ~ 委 and the 市 prefix do not make a second body
    assert registry.resolve("市数据局", "中山市", None)[0] == registry.resolve("中山市数据局", "中山市", None)[0]


def test_unknown_bodies_get_stable_readable_ids(registry):
    # ASCII ids (no percent-encoding in an IRI), the same from any spelling of one body in
    # one jurisdiction, and apart for other names and other jurisdictions
    zhongshan = registry.resolve("市科技局", "中山市", None)[0]
    assert zhongshan == registry.resolve("中山市科技局", "广州市", None)[0] == "zhongshan/keji-ju-8c8b"
    assert zhongshan.isascii()
    assert registry.resolve("市科技局", "苏州市", None)[0] == "suzhou-shi/keji-ju-3821"
    assert registry.resolve("市科技厅", "中山市", None)[0] != zhongshan
    assert Registry.load().resolve("市科技局", "中山市", None)[0] == zhongshan  # a new load, the same id


def test_second_city_registry_reads_its_bodies_in_its_documents(registry):
    text = "推进。（牵头单位：市工业和信息化局；配合单位：市发展改革委、财政局，福田区政府）"
    in_shenzhen = read(registry, text, city="深圳市")
    in_guangzhou = read(registry, text)
    assert [(r.department, r.role) for r in in_shenzhen] == [
        ("shenzhen/gongxin-ju", "lead"), ("shenzhen/fagai-wei", "cooperating"),
        ("shenzhen/caizheng-ju", "cooperating"), ("shenzhen/futian", "cooperating")]
    assert [r.department for r in in_guangzhou][:3] == ["guangzhou/gongxin-ju", "guangzhou/fagai-wei", "guangzhou/caizheng-ju"]
    assert in_shenzhen[0].label == "深圳市工业和信息化局"


def test_second_city_renaming(registry):
    assert registry.successors("shenzhen/jingmao-xinxi-wei") == ["shenzhen/gongxin-ju", "shenzhen/shangwu-ju"]
    assert registry.predecessors("shenzhen/shangwu-ju") == ["shenzhen/jingmao-xinxi-wei"]
    assert registry.change("shenzhen/jingmao-xinxi-wei", "shenzhen/gongxin-ju").date == "2019-01"


def test_registry_is_a_folder_of_files_one_per_city(tmp_path: Path):
    from policykg.kg.extract.registry import REGISTRY_DIR, registry_files

    assert [f.name for f in registry_files()] == sorted(f.name for f in REGISTRY_DIR.glob("*.ttl"))
    assert {"guangzhou.ttl", "shenzhen.ttl"} <= {f.name for f in registry_files()}
    # a new city is one new file in the folder
    for f in registry_files():
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "zhongshan.ttl").write_text(
        """@base <https://w3id.org/policykg/id/org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
<zhongshan/gongxin-ju> a org:OrganizationalUnit ; skos:prefLabel "中山市工业和信息化局"@zh ;
    skos:altLabel "市工业和信息化局"@zh, "市工信局"@zh ; org:subOrganizationOf <zhongshan> ; dct:coverage "中山市"@zh .
""",
        encoding="utf-8",
    )
    registry = Registry.load(tmp_path)
    assert registry.resolve("市工信局", "中山市", None)[:2] == ("zhongshan/gongxin-ju", "中山市工业和信息化局")
    assert registry.resolve("市工信局", "深圳市", None)[0] == "shenzhen/gongxin-ju"


def test_a_name_given_to_bodies_in_two_files_is_refused(tmp_path: Path):
    head = """@base <https://w3id.org/policykg/id/org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
"""
    (tmp_path / "a.ttl").write_text(head + '<a> a org:OrganizationalUnit ; skos:prefLabel "深圳市科技创新委员会"@zh ; dct:coverage "深圳市"@zh .\n', encoding="utf-8")
    (tmp_path / "b.ttl").write_text(head + '<b> a org:OrganizationalUnit ; skos:prefLabel "深圳市科技创新委"@zh ; dct:coverage "深圳市"@zh .\n', encoding="utf-8")
    with pytest.raises(RegistryError, match="科技创新委"):
        Registry.load(tmp_path)


def test_an_empty_registry_folder_is_refused(tmp_path: Path):
    with pytest.raises(RegistryError, match="no registry file"):
        Registry.load(tmp_path)


@pytest.mark.parametrize(
    "before, after",
    [
        ("guangzhou/gongxin-wei", ["guangzhou/gongxin-ju"]),
        ("guangzhou/keji-chuangxin-wei", ["guangzhou/keji-ju"]),
        ("guangzhou/guotu-guihua-wei", ["guangzhou/guihua-ziyuan-ju"]),
        ("guangzhou/weiji-wei", ["guangzhou/weijian-wei"]),
        ("guangzhou/jiaowei", ["guangzhou/jiaotong-yunshu-ju"]),
        ("guangzhou/guoshui-ju", ["guangzhou/sat-shuiwu-ju"]),
        ("guangzhou/fagai-wei", []),
    ],
)
def test_renamed_bodies_are_distinct_and_linked(registry, before, after):
    assert registry.successors(before) == after
    for successor in after:
        assert successor != before
        assert before in registry.predecessors(successor)


def test_merger_has_every_original(registry):
    assert registry.predecessors("guangzhou/shichang-jianguan-ju") == [
        "guangzhou/gongshang-ju", "guangzhou/shiyao-jianguan-ju", "guangzhou/zhijian-ju"]


def test_change_events_use_org(registry):
    graph = registry.graph
    events = set(graph.subjects(RDF.type, ORG.ChangeEvent))
    assert len(events) == 19  # 18 of Guangzhou, 1 of Shenzhen
    wei, ju = URIRef(ORG_BASE + "guangzhou/gongxin-wei"), URIRef(ORG_BASE + "guangzhou/gongxin-ju")
    (event,) = graph.objects(wei, ORG.changedBy)
    assert (event, ORG.originalOrganization, wei) in graph
    assert (event, ORG.resultingOrganization, ju) in graph
    assert (ju, ORG.resultedFrom, event) in graph
    assert (ju, ORG.subOrganizationOf, URIRef(ORG_BASE + "guangzhou")) in graph


def test_one_name_two_bodies_is_refused(tmp_path: Path):
    path = tmp_path / "bad.ttl"
    path.write_text(
        """@base <https://w3id.org/policykg/id/org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
<x> a org:Organization ; org:classification <kind/government> ; skos:prefLabel "广州市人民政府"@zh ; dct:coverage "广州市"@zh .
<a> a org:OrganizationalUnit ; skos:prefLabel "广州市科学技术局"@zh ; skos:altLabel "市科技局"@zh ; dct:coverage "广州市"@zh .
<b> a org:OrganizationalUnit ; skos:prefLabel "广州市科技局"@zh ; dct:coverage "广州市"@zh .
""",
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="科技局"):
        Registry.load(path)


# --- the shipped corpus ----------------------------------------------------------------------


def _context(clause: dict, district: str | None = None, first: bool | None = None) -> DocumentContext:
    document = clause["document"]
    return DocumentContext(document["id"], title=document["title"], city="广州市", district=district,
                           first_listed_leads=first)


def _document_text(clauses: list[dict], clause: dict) -> str:
    return "\n".join(c["text"] for c in clauses if c["document"]["id"] == clause["document"]["id"])


def test_corpus_iab_plan_platforms(clauses, registry):
    clause = clause_containing(clauses, "到2022年，建成100家IAB重点创新平台")
    found = extract_departments(clause["text"], _context(clause), registry)
    assert [(r.mention, r.role, r.department) for r in found] == [
        ("市科技创新委", "lead", "guangzhou/keji-chuangxin-wei"),
        ("市发展改革委", "cooperating", "guangzhou/fagai-wei"),
        ("市工业和信息化委", "cooperating", "guangzhou/gongxin-wei"),
        ("市教育局", "cooperating", "guangzhou/jiaoyu-ju"),
        ("各区政府", "cooperating", "generic/all-districts"),
    ]


def test_corpus_cost_reduction_states_its_convention(clauses, registry):
    clause = clause_containing(clauses, "实行从 1.5％下调至 0.8％的失")
    first = document_convention(_document_text(clauses, clause))
    assert first is True
    found = extract_departments(clause["text"], _context(clause, first=first), registry)
    assert [(r.mention, r.role, r.convention) for r in found] == [
        ("市人力资源和社会保障局", "lead", "first-listed"), ("各区政府", "cooperating", "first-listed")]


def test_corpus_iab_plan_says_nothing_of_order(clauses):
    clause = clause_containing(clauses, "到2022年，建成100家IAB重点创新平台")
    assert document_convention(_document_text(clauses, clause)) is None


def test_corpus_traditional_inline_list(clauses, registry):
    clause = clause_containing(clauses, "加快推動建設一批高水準創新研究院")
    found = extract_departments(clause["text"], _context(clause), registry)
    assert [(r.mention, r.role, r.convention, r.department) for r in found] == [
        ("市发展改革委", "lead", "inferred", "guangzhou/fagai-wei"),
        ("市科技局", "cooperating", "inferred", "guangzhou/keji-ju"),
        ("市工业和信息化局", "cooperating", "inferred", "guangzhou/gongxin-ju"),
        ("相关区政府", "cooperating", "inferred", "generic/relevant-districts"),
    ]


def test_corpus_traditional_tax_bureau(clauses, registry):
    clause = clause_containing(clauses, "累計獎勵資金最高 100 萬元")
    found = extract_departments(clause["text"], _context(clause), registry)
    assert ("广州市税务局", "cooperating", "guangzhou/sat-shuiwu-ju") in [(r.mention, r.role, r.department) for r in found]


def test_corpus_district_prose(clauses, registry):
    clause = clause_containing(clauses, "由区经济和信息化局会同有关部门推进")
    found = extract_departments(clause["text"], _context(clause, district="黄埔区"), registry)
    assert [(r.mention, r.role, r.department) for r in found] == [
        ("区经济和信息化局", "lead", "guangzhou/huangpu/jingxin-ju"),
        ("有关部门", "cooperating", "generic/relevant-departments"),
        ("区科技创新局", "lead", "guangzhou/huangpu/keji-chuangxin-ju"),
    ]


def test_corpus_ai_guideline_prose(clauses, registry):
    clause = clause_containing(clauses, "市工业和信息化局牵头、相关部门配合的工作机制")
    found = extract_departments(clause["text"], _context(clause), registry)
    assert [(r.mention, r.role, r.department) for r in found] == [
        ("市工业和信息化局", "lead", "guangzhou/gongxin-ju"),
        ("相关部门", "cooperating", "generic/relevant-departments"),
    ]


def test_corpus_renamed_bodies_stay_apart(clauses, registry):
    old = clause_containing(clauses, "到2022年，建成100家IAB重点创新平台")
    new = clause_containing(clauses, "開展生物醫藥產業創新補助")
    old_ids = {r.department for r in extract_departments(old["text"], _context(old), registry)}
    new_ids = {r.department for r in extract_departments(new["text"], _context(new), registry)}
    assert "guangzhou/keji-chuangxin-wei" in old_ids and "guangzhou/keji-ju" not in old_ids
    assert "guangzhou/keji-ju" in new_ids and "guangzhou/keji-chuangxin-wei" not in new_ids


def test_the_registry_says_when_a_body_was_renamed():
    registry = Registry.load()
    assert registry.change("guangzhou/gongxin-wei", "guangzhou/gongxin-ju") == Change(
        date="2019-01", description="广州市机构改革：组建市工业和信息化局",
    )
    assert registry.change("guangzhou/gongxin-ju", "guangzhou/gongxin-wei") is None  # not the other way round
    assert registry.change("guangzhou/gongxin-wei", "guangzhou/caizheng-ju") is None


# --- a document's jurisdiction ------------------------------------------------------------


def _document(title: str | None, issuer: str | None, text: str):
    from policykg.corpus.models import Clause, Document

    document = Document(id="dx", file="x.txt", title=title, issuer=issuer)
    clause = Clause(id="dx/1", document="dx", kind="item", number="1.", path=["1."], text=text, text_original=text, spans=[])
    return document, [clause]


@pytest.mark.parametrize(
    "title, issuer, text, city, district",
    [
        # a place the registry knows, in the title
        ("深圳市福田区支持双碳经济高质量发展若干措施", "福田区发展和改革局", "对光伏项目给予支持。", "深圳市", "福田区"),
        ("关于印发深圳市工业投资项目扶持计划操作规程的通知", "深圳市工业和信息化局", "按规定给予资助。", "深圳市", None),
        # a city the registry does not know: named as a government, or leading the title
        ("中山市推动中小微工业企业高质量发展的若干措施", None, "每家奖励10万元。", "中山市", None),
        ("关于支持产业创新集群建设的若干政策", "苏州市人民政府", "给予最高100万元资助。", "苏州市", None),
        # only the text says whose: 我市/本市 and the city it names most
        ("关于促进集成电路设计产业发展的若干措施", None,
         "为加快我市集成电路产业发展，由北京市经济和信息化局会同北京市财政局组织实施。", "北京市", None),
        # nothing says: no city (no Guangzhou default; its 市…局 are no one city's bodies)
        ("关于促进集成电路设计产业发展的若干措施", None, "给予资金支持。", None, None),
    ],
)
def test_document_jurisdiction(registry, title, issuer, text, city, district):
    from policykg.kg.facts import document_context

    document, clauses = _document(title, issuer, text)
    context = document_context(document, clauses, registry=registry)
    assert (context.city, context.district) == (city, district)


def test_a_shenzhen_document_names_shenzhen_bodies(registry):
    from policykg.kg.facts import extract_facts

    document, clauses = _document(
        "深圳市关于推动制造业高质量发展的若干措施", "深圳市人民政府",
        "加大工业投资扶持力度。（牵头单位：市工业和信息化局；配合单位：市发展改革委、财政局，各区政府）")
    facts = extract_facts([document], clauses, registry)
    assert [(r.department, r.role) for r in facts["dx/1"].responsibilities] == [
        ("shenzhen/gongxin-ju", "lead"), ("shenzhen/fagai-wei", "cooperating"),
        ("shenzhen/caizheng-ju", "cooperating"), ("generic/all-districts", "cooperating")]


@pytest.mark.parametrize(
    "text, city, expected",
    [
        # X会同Y负责: Y cooperates, the 负责 is X's (中山, 北京 细则 wording)
        ("本细则由市工业和信息化局会同市财政局负责解释。", "中山市",
         [("市工业和信息化局", "lead"), ("市财政局", "cooperating")]),
        ("由市经济和信息化局会同市财政局、市科委负责组织实施。", "北京市",
         [("市经济和信息化局", "lead"), ("市财政局", "cooperating"), ("市科委", "cooperating")]),
        # a name the reader cannot take for a name after 会同 (no 市) cooperates too; it takes the list's 市
        ("由市人力资源社会保障局会同市科委、中关村管委会负责组织实施。", "北京市",
         [("市人力资源社会保障局", "lead"), ("市科委", "cooperating"), ("市中关村管委会", "cooperating")]),
        # 各县级市（区）人民政府 is a generic group (苏州)
        ("（牵头单位：市工信局；配合单位：市科技局，各县级市（区）人民政府）", "苏州市",
         [("市工信局", "lead"), ("市科技局", "cooperating"), ("各县级市（区）人民政府", "cooperating")]),
    ],
)
def test_other_cities_wording(registry, text, city, expected):
    assert roles(read(registry, text, city=city)) == expected


def test_unknown_city_and_district_ids_are_readable(registry):
    found = read(registry, "（责任单位：区科委、区商务委）", city="上海市", district="徐汇区")
    assert [r.department for r in found] == ["shanghai-shi/xuhui-qu/ke-wei-948e", "shanghai-shi/xuhui-qu/shangwu-wei-8333"]
    assert found[0].label == "上海市徐汇区科委"
    (group,) = read(registry, "推进。（责任单位：各县级市（区）人民政府）", city="苏州市")
    assert group.generic and group.department.isascii() and group.department.startswith("generic/")
