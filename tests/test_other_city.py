"""A document of another city, read from its file: its jurisdiction, its bodies and its
awards (a Shenzhen notice written as Shenzhen's texts are; tests/data/shenzhen_*.txt)."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.corpus.ingest import read_corpus
from policykg.corpus.read import list_sources
from policykg.kg.extract.registry import Registry
from policykg.kg.facts import document_context, extract_facts

SHENZHEN = Path(__file__).parent / "data" / "shenzhen_industrial_investment.txt"


@pytest.fixture(scope="module")
def shenzhen():
    corpus = read_corpus(list_sources([SHENZHEN]))
    registry = Registry.load()
    facts = extract_facts(corpus.documents, corpus.clauses, registry)
    by_number = {c.number: facts[c.id] for c in corpus.clauses if c.number}
    return corpus, registry, by_number


def test_the_document_speaks_for_shenzhen(shenzhen):
    corpus, registry, _ = shenzhen
    (document,) = corpus.documents
    context = document_context(document, corpus.clauses, registry=registry)
    assert (context.city, context.district) == ("深圳市", None)


def test_its_bodies_are_shenzhens(shenzhen):
    _, _, facts = shenzhen
    assert [(r.department, r.role) for r in facts["一、"].responsibilities] == [
        ("shenzhen/gongxin-ju", "lead"), ("shenzhen/fagai-wei", "cooperating"),
        ("shenzhen/caizheng-ju", "cooperating"), ("generic/all-districts", "cooperating")]
    assert [(r.department, r.role) for r in facts["三、"].responsibilities] == [
        ("shenzhen/keji-chuangxin-wei", "lead"), ("shenzhen/gongxin-ju", "cooperating")]
    assert facts["一、"].responsibilities[0].label == "深圳市工业和信息化局"


def test_its_awards(shenzhen):
    _, _, facts = shenzhen
    rows = {n: [(a.kind, a.rate, a.base, a.cap_yuan, a.period_years) for a in f.awards] for n, f in facts.items()}
    assert rows["一、"] == [("funding", 0.2, "项目设备投资额", 30_000_000, None)]
    # 技改贷款额的50% is half the loan's interest, not half the loan
    assert rows["二、"] == [("interest_subsidy", 0.5, "技改贷款利息", 5_000_000, 3)]
    # one rate for three ceilings
    assert rows["三、"] == [("subsidy", 0.5, "研发设备投入", cap, None) for cap in (5_000_000, 3_000_000, 2_000_000)]


# A national regulation, written for this test in the shape of the realcorpus's laws: it
# names no city, and its 市人民政府 / 市财政局 are every city's, not Guangzhou's.
NATIONAL = """# 某某事业促进条例

第一条 为促进某某事业发展，制定本条例。

第二条 国务院有关部门按照职责分工负责本条例的实施。

第三条 市财政局负责本条例所需资金的保障，市审计局予以配合。
"""


def test_a_document_that_names_no_city_has_none(tmp_path):
    path = tmp_path / "national.md"
    path.write_text(NATIONAL, encoding="utf-8")
    corpus = read_corpus(list_sources([path]))
    registry = Registry.load()
    (document,) = corpus.documents
    assert document_context(document, corpus.clauses, registry=registry).city is None
    facts = extract_facts(corpus.documents, corpus.clauses, registry)
    named = [r for found in facts.values() for r in found.responsibilities]
    assert named and not any(r.department.startswith("guangzhou/") or "广州" in r.label for r in named)


SHENZHEN_2018 = """深圳市人民政府关于印发深圳市支持工业互联网发展若干措施的通知
深府〔2018〕12号

深圳市支持工业互联网发展若干措施

一、支持工业互联网平台建设。对新建的工业互联网平台，按照项目投资额的30%给予资助，最高不超过500万元。（牵头单位：市经贸信息委；配合单位：市财政委）
"""


def test_a_renamed_body_typed_without_its_city_is_followed_back_in_the_builds_city(tmp_path):
    """`search --department 市工业和信息化局 --include-predecessors` over a build of Shenzhen
    texts follows Shenzhen's bureau back to 市经贸信息委 (the registry's 2019 reform), though
    no clause names the bureau itself: the name is read in the city the build's bodies
    belong to, not in Guangzhou."""
    import json

    from conftest import run_cli

    source = tmp_path / "texts" / "shenzhen_2018.txt"
    source.parent.mkdir()
    source.write_text(SHENZHEN_2018, encoding="utf-8")
    data = tmp_path / "data"
    built = run_cli(["build", str(source), "--model", "none"], data=data)
    assert built.exit_code == 0, built.stderr
    listed = run_cli(["search", "--department", "市工业和信息化局", "--include-predecessors", "--k", "20", "--json"], data=data)
    assert listed.exit_code == 0, listed.stderr
    hits = json.loads(listed.stdout.splitlines()[0])["hits"]
    assert [d["id"] for hit in hits for d in hit["departments"] if d["role"] == "lead"] == ["shenzhen/jingmao-xinxi-wei"]
