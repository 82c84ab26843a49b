"""How matching links a firm's words to a rule's: by meaning with the build's encoder (on an
e5 build, off without one), and a firm's registration through China's administrative
divisions in a city other than Guangzhou."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from policykg.build import build
from policykg.datadir import DataDir
from policykg.index.links import LINKS_FILE, THRESHOLDS, field_word
from policykg.index.match import Matcher, Profile
from policykg.kg.places import places

RENT = "d8b79ebff25/3.1.7"  # 000: 新设立的…新一代信息技术领域企业在区内租用自用办公用房的, 实际租金的50%


def app_developer(industry: list[str]) -> Profile:
    return Profile.from_dict({
        "name": "小程序公司", "location": {"city": "广州市", "district": "黄埔区"}, "industry": industry,
        "established": "2020-05-01", "paid_in_capital_yuan": 20_000_000,
        "spending": [{"item": "租用自用办公用房租金", "amount_yuan": 600_000, "year": 2020}], "as_of": "2021-03-01",
    })


def industry_reason(matcher: Matcher, profile: Profile):
    [result] = [r for r in matcher.match(profile).results if r.clause_id == RENT and r.award["rate"] == 0.5]
    [reason] = [r for r in result.reasons if r.kind == "industry" and not r.inherited]
    return result, reason


@pytest.fixture(scope="module")
def semantic(generation: Path) -> Matcher:
    return Matcher.load(generation)


@pytest.fixture(scope="module")
def keyword_build(generation: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped build's artifacts without its dense index: what a --model none build has."""
    folder = tmp_path_factory.mktemp("no-model")
    for name in ("documents.jsonl", "clauses.jsonl", "facts.jsonl"):
        shutil.copyfile(generation / name, folder / name)
    return folder


def test_an_e5_build_keeps_its_link_targets_in_the_generation(generation: Path, semantic: Matcher):
    assert (generation / LINKS_FILE).exists()
    assert semantic.links is not None
    texts = {t.text for t in semantic.links.targets}
    assert {"软件", "新一代信息技术", "实际租金"} <= texts  # lexicon labels and the bases of rates


def test_with_e5_a_firm_word_outside_the_lexicon_links_by_meaning_and_says_so(semantic: Matcher):
    # 小程序开发 is no label of the lexicon and shares no word with 新一代信息技术
    result, reason = industry_reason(semantic, app_developer(["小程序开发"]))
    assert reason.status == "met"
    m = re.fullmatch(r"语义相近：小程序开发 ≈ 软件（(0\.\d\d)）", reason.link)
    assert m, reason.link
    assert float(m.group(1)) >= THRESHOLDS["industry"] - 0.005
    # the IAB preamble the rule inherits is met through the same link (软件 ⊑ 新一代信息技术 ⊑ IAB)
    assert all(r.status == "met" for r in result.reasons if r.kind == "industry")


def test_without_an_encoder_the_same_firm_stays_unknown_as_before(keyword_build: Path, semantic: Matcher):
    plain = Matcher.load(keyword_build)
    assert plain.links is None
    result, reason = industry_reason(plain, app_developer(["小程序开发"]))
    assert (reason.status, reason.link) == ("unknown", "")
    assert result.verdict == "unknown"
    # words the lexicon links are judged alike with and without the encoder
    for words in (["软件"], ["集成电路设计"], ["生物医药"], ["積體電路設計"]):
        with_links = [(r.clause_id, r.award_index, r.verdict) for r in semantic.match(app_developer(words)).results]
        without = [(r.clause_id, r.award_index, r.verdict) for r in plain.match(app_developer(words)).results]
        assert with_links == without, words


def test_a_near_miss_does_not_link(semantic: Matcher):
    assert semantic.links is not None
    # nearest to 集成电路制造, but hardly nearer than to 智能制造装备: no link, so no verdict changes
    assert semantic.links.link("传感器制造", "industry") is None
    _, reason = industry_reason(semantic, app_developer(["传感器制造"]))
    assert reason.status == "unknown"


def test_an_untyped_field_is_a_link_target():
    assert field_word("智能传感器企业") == "智能传感器"
    assert field_word("承担军工科研项目的企业") is None


# --- places of another city: China's administrative divisions ----------------------------

SHENZHEN = Path(__file__).parent / "data" / "shenzhen_industrial_investment.txt"
NANSHAN_RULE = "四、支持南山区智能传感器产业。对注册在南山区的智能传感器企业，按其研发投入的10%给予补贴，最高不超过100万元。（责任单位：市工业和信息化局）\n"


@pytest.fixture(scope="module")
def shenzhen(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    """A Shenzhen notice with a rule for firms registered in 南山区, built without a model."""
    root = tmp_path_factory.mktemp("shenzhen")
    text = root / "shenzhen.txt"
    text.write_text(SHENZHEN.read_text(encoding="utf-8").rstrip("\n") + "\n" + NANSHAN_RULE, encoding="utf-8")
    build(DataDir(root / "data"), [text], model="none", threads=1)
    return Matcher.load(DataDir(root / "data").require_current())


def nanshan(matcher: Matcher, location: dict):
    profile = Profile.from_dict({"name": "传感器", "location": location, "industry": ["智能传感器"],
                                 "rd_expense_yuan": {"2021": 2_000_000}, "as_of": "2022-03-01"})
    [result] = [r for r in matcher.match(profile).results if "南山区" in r.text and r.award["rate"] == 0.1]
    return result


def statuses(result) -> dict[str, str]:
    """The place conditions (a rule naming a district has no separate jurisdiction check)."""
    return {r.kind: r.status for r in result.reasons if r.kind in ("location", "jurisdiction")}


def test_a_shenzhen_district_firm_meets_a_shenzhen_district_rule(shenzhen: Matcher):
    result = nanshan(shenzhen, {"province": "广东省", "city": "深圳市", "district": "南山区"})
    assert statuses(result) == {"location": "met"}
    assert result.verdict == "eligible", [(r.condition, r.status) for r in result.reasons]


def test_another_district_of_the_city_is_not_eligible_and_named(shenzhen: Matcher):
    result = nanshan(shenzhen, {"city": "深圳市", "district": "福田区"})
    assert statuses(result) == {"location": "not_met"}
    assert result.verdict == "not_eligible"
    assert any("南山区" in r.condition for r in result.reasons if r.status == "not_met")


def test_a_district_of_the_same_name_in_another_city_is_not_the_rules(shenzhen: Matcher):
    # 鹤岗市 has a 南山区 too (GB/T 2260 230404; 深圳's is 440305)
    result = nanshan(shenzhen, {"city": "鹤岗市", "district": "南山区"})
    assert statuses(result) == {"location": "not_met"}
    # the same firm meets a rule of its own city's 南山区 (the shipped corpus has none: the
    # division is resolved here as the matcher resolves it)
    p = places()
    assert p.resolve("南山区", within="鹤岗市") != p.resolve("南山区", within="深圳市")


def test_a_district_alone_implies_its_city_unless_the_name_is_shared(shenzhen: Matcher):
    profile = Profile.from_dict({"name": "福田", "location": {"district": "福田区"}, "as_of": "2022-03-01"})
    # 福田区 is only 深圳's: the firm is in 深圳, so the notice's other rules (我市: 深圳) apply
    jurisdiction = [r for res in shenzhen.match(profile).results for r in res.reasons if r.kind == "jurisdiction"]
    assert jurisdiction and all(r.status == "met" for r in jurisdiction)
    assert statuses(nanshan(shenzhen, {"district": "福田区"})) == {"location": "not_met"}
    # 南山区 alone could be 鹤岗's: its words match the rule's all the same
    assert statuses(nanshan(shenzhen, {"district": "南山区"})) == {"location": "met"}
    profile = Profile.from_dict({"name": "南山", "location": {"district": "南山区"}, "as_of": "2022-03-01"})
    jurisdiction = [r for res in shenzhen.match(profile).results for r in res.reasons if r.kind == "jurisdiction"]
    assert jurisdiction and all(r.status == "unknown" for r in jurisdiction)


def test_places_resolve_through_the_division_list_and_the_lexicons_special_zones():
    p = places()
    assert [x.label for x in p.lineage(p.resolve("南山区", within="深圳市"))] == ["南山区", "深圳市", "广东省"]
    assert p.resolve("广州开发区").id == p.resolve("黄埔区").id == "place/440112"  # the lexicon's: no division list has it
    assert p.resolve("海淀区").broader == ("place/1101",)  # a municipality's district sits under its city
    assert [(x.label, words) for x, words, _, _ in p.find("深圳市南山区人民政府关于在穗实施的通知")] == [
        ("深圳市", "深圳市"), ("南山区", "南山区"), ("广州市", "穗")]


CITYLESS = """关于支持企业研发投入的若干措施

一、支持研发投入。对在我市注册的企业，按其研发投入的10%给予补贴，最高不超过100万元。
"""


def test_our_city_in_a_document_that_names_none_is_unknown_not_guangzhou(tmp_path: Path):
    """我市 in a text whose heading names no city means no city anyone can check: the
    condition is unknown for a Guangzhou firm and a Shenzhen firm alike (it was read as
    Guangzhou, so one was met and the other not)."""
    text = tmp_path / "cityless.txt"
    text.write_text(CITYLESS, encoding="utf-8")
    build(DataDir(tmp_path / "data"), [text], model="none", threads=1)
    matcher = Matcher.load(DataDir(tmp_path / "data").require_current())
    for city in ("广州市", "深圳市"):
        profile = Profile.from_dict({"name": "研发企业", "location": {"city": city}, "rd_expense_yuan": {"2021": 2_000_000}, "as_of": "2022-03-01"})
        [result] = matcher.match(profile).results
        city_reasons = [r for r in result.reasons if r.kind == "city"]
        assert [r.status for r in city_reasons] == ["unknown"], [(r.condition, r.status, r.detail) for r in result.reasons]
        assert city_reasons[0].detail == "文件未写明所指城市"
        assert result.verdict == "unknown"
