"""``policykg export clauses`` lists clauses, and segments only where they carry facts of
their own: a reader taking the shortest row that holds an article's opening words gets the
whole article, not one of its paragraphs."""
from __future__ import annotations

import json

from conftest import run_cli, squeeze

LAW = "\n\n".join(
    [
        "# 示例管理条例",
        "## 第一章 总则",
        "第一条 为了规范示例活动，保障当事人合法权益，根据有关法律，制定本条例。",
        "本条例适用于本市行政区域内的示例活动及其监督管理。",
        "本条例所称示例活动，是指单位和个人在日常生活中开展的示例服务。",
        "危险示例活动按照国家相关法律、法规和本市其他有关规定进行管理。",
        "第二条 市商务部门负责本市示例活动的监督管理工作。",
        "市财政部门、市市场监管部门按照各自职责做好相关工作。",
        "第三条 从事示例活动，应当遵循自愿、公平、诚信的原则。",
        "示例经营者应当建立健全内部管理制度，依法开展经营活动。",
    ]
)


def test_an_article_is_one_row_and_segments_carry_facts(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "law.md").write_text(LAW, encoding="utf-8")
    assert run_cli(["build", str(texts), "--model", "none"], data=tmp_path / "data").exit_code == 0
    rows = [json.loads(line) for line in run_cli(["export", "clauses"], data=tmp_path / "data").stdout.splitlines()]

    for opening, closing in [("第一条为了规范示例活动", "其他有关规定进行管理。"), ("第三条从事示例活动", "依法开展经营活动。")]:
        holding = [r for r in rows if opening in squeeze(r["text"])]
        shortest = min(holding, key=lambda r: len(r["text"]))
        assert squeeze(shortest["text"]).endswith(closing), shortest["text"]
    segments = [r for r in rows if r["kind"] == "segment"]
    assert all(r["departments"] or r["awards"] or r["targets"] for r in segments)
    assert {r["parent"] for r in segments} <= {r["clause_id"] for r in rows if r["kind"] != "segment"}
