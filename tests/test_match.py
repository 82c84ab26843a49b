"""Eligibility matching: conditions read from award texts, validity on a date, and profiles
judged against the shipped corpus (verdict, the deciding condition, the estimate), through
the library, the CLI and the API."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policykg.api.app import create_app
from policykg.corpus.validity import validity_on
from policykg.index.match import Matcher, Profile, ProfileError, read_profiles
from policykg.kg.extract.awards import extract_awards
from policykg.kg.extract.conditions import clause_conditions, preamble_conditions
from policykg.settings import Settings

from conftest import run_cli, says

MPW = "d8b79ebff25/3.1.2"
HUANGPU = {"province": "广东省", "city": "广州市", "district": "黄埔区"}


def ic_design_firm(**changes) -> dict:
    profile = {
        "name": "黄埔芯片设计",
        "location": dict(HUANGPU),
        "industry": ["集成电路设计"],
        "spending": [{"item": "MPW流片费", "amount_yuan": 5_000_000, "year": 2020}],
        "as_of": "2021-03-15",
    }
    profile.update(changes)
    return profile


@pytest.fixture(scope="module")
def matcher(generation: Path) -> Matcher:
    return Matcher.load(generation)


def mpw_rule(matcher: Matcher, profile: dict):
    found = matcher.match(Profile.from_dict(profile))
    [result] = [r for r in found.results if r.clause_id == MPW and r.award["rate"] == 0.8]
    return result


def not_met(result) -> list[str]:
    return [r.condition for r in result.reasons if r.status == "not_met"]


# --- the conditions, read from texts written here ----------------------------------------


def conditions_of(text: str) -> list[list[tuple[str, str]]]:
    awards = extract_awards(text)
    return [[(c.kind, c.words) for c in ac.conditions] for ac in clause_conditions(text, awards, "t/1")]


def test_an_awards_own_words_give_typed_conditions_with_their_place_in_the_text():
    text = "对注册在南沙区、上年度营业收入5000万元以上的高新技术企业，经认定，按其研发投入的10%给予补助，最高100万元。"
    awards = extract_awards(text)
    [found] = clause_conditions(text, awards, "t/1")
    kinds = {c.kind: c for c in found.conditions}
    assert kinds["location"].places == ["南沙区"]
    assert kinds["threshold"].metric == "revenue" and kinds["threshold"].year == "previous"
    assert kinds["threshold"].min_value == 50_000_000
    assert kinds["qualification"].terms == ["高新技术企业"]
    assert kinds["base"].metric == "rd_expense"
    for c in found.conditions:  # every condition points at its words
        assert text[c.start : c.end] == c.words
    assert "other" not in kinds  # 经认定 is a step of the procedure, not a condition


def test_words_no_reader_types_are_kept_as_text_and_procedure_is_not_a_condition():
    text = "对获得国家科技进步奖的企业，经认定，给予50万元一次性奖励。对有健全的财务制度、具有独立法人资格的企业，择优给予20万元奖励。"
    first, second = conditions_of(text)
    assert ("other", "获得国家科技进步奖的企业") in first
    assert second == []


def test_a_section_preamble_sets_location_and_field_for_what_it_heads():
    text = "对于工商注册地、税务征管关系及统计关系在黄埔区、广州开发区范围内，且承诺10年内不迁离的IAB企业，专门给予以下支持。"
    found = preamble_conditions(text, "t/p")
    assert [(c.kind, c.inherited) for c in found] == [("location", True), ("industry", True)]
    assert found[0].places == ["黄埔区", "广州开发区"]
    assert found[1].terms == ["industry/iab"]


def test_validity_is_computed_on_the_day_asked():
    document = {"date": "2018-08-28", "validity": "有效期3年", "valid_until": "2021-08-27"}
    assert validity_on(document, date(2018, 8, 1)).status == "not_yet"
    assert validity_on(document, date(2021, 8, 27)).status == "in_force"
    assert validity_on(document, date(2021, 8, 28)).status == "expired"
    assert validity_on({"title": "行动方案（2018-2020年）"}, date(2021, 1, 1)).status == "expired"
    assert validity_on({}, date(2030, 1, 1)).status == "in_force"


# --- profiles against the shipped corpus --------------------------------------------------


def test_a_huangpu_ic_design_firm_with_mpw_costs_is_eligible_with_rate_and_cap(matcher):
    result = mpw_rule(matcher, ic_design_firm())
    assert result.verdict == "eligible"
    assert result.estimate_yuan == 4_000_000  # 500万 × 80%, under the yearly cap of 600万
    assert "500万元 × 80% = 400万元" in result.estimate_rule
    capped = mpw_rule(matcher, ic_design_firm(spending=[{"item": "MPW流片费", "amount_yuan": 10_000_000, "year": 2020}]))
    assert capped.estimate_yuan == 6_000_000 and "按上限计600万元" in capped.estimate_rule
    inherited = [r for r in result.reasons if r.inherited]
    assert inherited and all(r.clause == "d8b79ebff25/3.p" for r in inherited)  # 三、政策支持's preamble


def test_the_same_firm_registered_in_another_district_is_not_eligible_for_its_location(matcher):
    result = mpw_rule(matcher, ic_design_firm(location={"city": "广州市", "district": "天河区"}))
    assert result.verdict == "not_eligible"
    assert any("黄埔区" in condition for condition in not_met(result))


def test_a_profile_without_the_deciding_fact_is_unknown(matcher):
    result = mpw_rule(matcher, ic_design_firm(location={"city": "广州市"}))
    assert result.verdict == "unknown"
    assert any(r.status == "unknown" and "黄埔区" in r.condition for r in result.reasons)
    assert not not_met(result)


def test_an_expired_document_is_not_eligible_on_a_date_after_its_validity(matcher):
    profile = {"name": "南沙设计", "location": {"city": "广州市", "district": "南沙区"}, "industry": ["集成电路设计"],
               "spending": [{"item": "流片花的钱", "amount_yuan": 20_000_000, "year": 2019}]}
    before = matcher.match(Profile.from_dict({**profile, "as_of": "2020-05-20"}))
    after = matcher.match(Profile.from_dict({**profile, "as_of": "2022-03-01"}))
    rule = lambda found: next(r for r in found.results if r.document.get("number") == "穗府规〔2018〕15号" and "流片" in r.text)  # noqa: E731
    assert rule(before).verdict == "eligible" and rule(before).estimate_yuan == 5_000_000
    assert rule(after).verdict == "not_eligible"
    assert rule(after).validity["status"] == "expired"
    assert any("有效期" in c for c in not_met(rule(after)))


def test_a_firms_traditional_words_are_linked_and_the_link_is_named(matcher):
    profile = {"name": "台式用語", "location": dict(HUANGPU), "industry": ["積體電路設計"], "established": "2019-08-01",
               "paid_in_capital_yuan": 40_000_000, "as_of": "2020-03-01"}
    found = matcher.match(Profile.from_dict(profile))
    [result] = [r for r in found.results if r.clause_id == MPW and r.award["rate"] == 0.05]
    assert result.verdict == "eligible" and result.estimate_yuan == 2_000_000
    industry = next(r for r in result.reasons if r.kind == "industry" and not r.inherited)
    assert industry.status == "met" and "tw2sp" in industry.link


def test_a_field_left_out_is_unknown_and_a_list_given_is_all_the_firm_has(matcher):
    without = mpw_rule(matcher, ic_design_firm(spending=None))
    assert without.verdict == "unknown"
    other_costs = mpw_rule(matcher, ic_design_firm(spending=[{"item": "租办公楼租金", "amount_yuan": 800_000, "year": 2020}]))
    assert other_costs.verdict == "not_eligible"


def test_a_bad_profile_is_refused_naming_the_field():
    with pytest.raises(ProfileError, match="established"):
        Profile.from_dict({"established": "last year"})
    with pytest.raises(ProfileError, match="spending"):
        Profile.from_dict({"spending": [{"item": "MPW", "amount_yuan": "lots"}]})
    with pytest.raises(ProfileError, match="unknown profile field"):
        Profile.from_dict({"turnover": 1})


# --- CLI and API ----------------------------------------------------------------------------


def test_cli_match_prints_json_lines_and_batch_one_line_per_profile(built_data, tmp_path):
    one = tmp_path / "firm.json"
    one.write_text(json.dumps(ic_design_firm(), ensure_ascii=False), encoding="utf-8")
    result = run_cli(["match", "--profile", str(one), "--json"], data=built_data)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(r["verdict"] in ("eligible", "unknown") for r in rows)  # no --all: not_eligible left out
    assert any(r["clause_id"] == MPW and r["estimate_yuan"] == 4_000_000 for r in rows)

    batch = tmp_path / "firms.jsonl"
    batch.write_text("\n".join(json.dumps(ic_design_firm(name=n, location={"district": d}), ensure_ascii=False)
                               for n, d in (("甲", "黄埔区"), ("乙", "天河区"))), encoding="utf-8")
    result = run_cli(["match", "--batch", str(batch), "--all", "--json"], data=built_data)
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["profile"] for line in lines] == ["甲", "乙"]
    verdicts = {line["profile"]: {r["verdict"] for r in line["results"] if r["clause_id"] == MPW} for line in lines}
    assert "not_eligible" in verdicts["乙"] and "eligible" in verdicts["甲"]

    cards = run_cli(["match", "--profile", str(one)], data=built_data)
    assert cards.exit_code == 0 and says(cards.stdout, "可申报") and says(cards.stdout, "估算 400万元")


def test_cli_match_refuses_a_bad_profile_file(built_data, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"name": "x", "established": "soon"}\nnot json\n', encoding="utf-8")
    result = run_cli(["match", "--batch", str(bad), "--json"], data=built_data)
    assert result.exit_code == 2 and says(result.stderr, "established")
    assert read_profiles  # the same reader serves the CLI and tests


def test_api_match_answers_a_typed_profile(built_data):
    with TestClient(create_app(Settings(data=built_data))) as client:
        answer = client.post("/match", json=ic_design_firm(include_not_eligible=True))
        assert answer.status_code == 200
        body = answer.json()
        assert body["rules"] >= len(body["results"]) > 0
        mpw = next(r for r in body["results"] if r["clause_id"] == MPW and r["award"]["rate"] == 0.8)
        assert mpw["verdict"] == "eligible" and mpw["estimate_yuan"] == 4_000_000
        assert {"condition", "status", "detail", "link"} <= set(mpw["reasons"][0])

        bad = client.post("/match", json={"paid_in_capital_yuan": -5})
        assert bad.status_code == 422 and "paid_in_capital_yuan" in bad.json()["message"]
        # what the schema refuses, the route refuses, and the reverse (schemathesis found both)
        schema = client.get("/openapi.json").json()["components"]["schemas"]["MatchRequest"]["properties"]
        by_year = schema["revenue_yuan"]["anyOf"][0]
        assert by_year["additionalProperties"] is False and list(by_year["patternProperties"]) == ["^\\d{4}$"]
        assert client.post("/match", json={"revenue_yuan": {"last year": 1}}).status_code == 422
        assert client.post("/match", json={"revenue_yuan": {"2020": 1}}).status_code == 200
        assert client.post("/match", json={"include_not_eligible": 0}).status_code == 422

        page = client.get("/ui/match", params={"city": "广州市", "district": "黄埔区", "industry": "集成电路设计",
                                                "item": "MPW流片费", "amount": "500", "item_year": "2020", "as_of": "2021-03-15"})
        assert page.status_code == 200 and f'data-clause="{MPW}"' in page.text and "可申报" in page.text
