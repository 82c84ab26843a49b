"""Validity on the day asked (``index.validity``), computed at query time: in force,
expired, not yet, or unknown — and unknown is never shown or filtered as in force."""
from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import run_cli, says
from index.validity import validity_on

HUANGPU_000 = "d8b79ebff25"  # 有效期5年, no date: unknown
SUPPORT_2018_15 = "dcbb7ece405"  # 穗府规〔2018〕15号, valid until 2021-08-27
AI_GUIDE_003 = "db3f060d893"  # valid until 2025-12-31


@pytest.mark.parametrize(
    ("document", "day", "status"),
    [
        ({"valid_until": "2021-08-27", "date": "2018-08-28"}, date(2021, 8, 27), "in_force"),
        ({"valid_until": "2021-08-27", "date": "2018-08-28"}, date(2021, 8, 28), "expired"),
        ({"valid_until": "2021-08-27", "date": "2018-08-28"}, date(2018, 1, 1), "not_yet"),
        ({"validity": "有效期5年"}, date(2019, 1, 1), "unknown"),
        ({"validity": "自印发之日起施行"}, date(2019, 1, 1), "unknown"),
        ({}, date(2019, 1, 1), "unknown"),
        ({"title": "广州市加快IAB产业发展五年行动计划（2018—2022年）"}, date(2022, 12, 31), "in_force"),
        ({"title": "广州市加快IAB产业发展五年行动计划（2018-2022年）"}, date(2023, 1, 1), "expired"),
    ],
)
def test_status_on_the_day(document, day, status):
    assert validity_on(document, day).status == status


def test_unknown_says_why():
    assert validity_on({"validity": "有效期5年"}, date(2020, 1, 1)).label == "有效期不明（原文“有效期5年”，起始日期不详）"


def search_json(built_data, *args):
    printed = run_cli(["search", *args, "--json", "--k", "50", "--mode", "keyword"], data=built_data)
    assert printed.exit_code == 0, printed.stderr
    return json.loads(printed.stdout)


def test_every_hit_carries_its_validity_on_the_day_asked(built_data):
    result = search_json(built_data, "MPW流片费用能补贴多少", "--on", "2024-06-01")
    by_document = {h["document"]["id"]: h["validity"] for h in result["hits"]}
    assert by_document[HUANGPU_000]["status"] == "unknown"
    assert by_document[SUPPORT_2018_15]["status"] == "expired"
    assert {h["validity"]["on"] for h in result["hits"]} == {"2024-06-01"}


def test_in_force_leaves_out_expired_and_unknown(built_data):
    everything = search_json(built_data, "补贴", "--on", "2024-06-01")
    in_force = search_json(built_data, "补贴", "--on", "2024-06-01", "--in-force")
    assert {h["validity"]["status"] for h in everything["hits"]} >= {"unknown", "expired"}
    assert in_force["hits"] and {h["validity"]["status"] for h in in_force["hits"]} == {"in_force"}
    assert {h["document"]["id"] for h in in_force["hits"]} <= {AI_GUIDE_003, "db227312ece"}  # the guide; the 2022—2025 plan


def test_the_help_says_how_in_force_treats_unknown(built_data):
    printed = run_cli(["search", "--help"], data=built_data)
    assert says(printed.stdout, "Documents whose validity is unknown") and says(printed.stdout, "are left out")


def test_a_bad_day_is_a_clear_error(built_data):
    printed = run_cli(["search", "补贴", "--on", "2024-13-01"], data=built_data)
    assert printed.exit_code == 2
    assert "month must be in 1..12" in printed.stderr or "Invalid isoformat" in printed.stderr
