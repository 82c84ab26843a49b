"""A search result as a person reads it in a terminal: one answer card per hit, with the
clause's path, document, validity, departments, award parameters and any estimate."""
from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from index.estimate import format_rate, format_yuan
from index.models import Hit, SearchResult

KIND_NAMES = {
    "subsidy": "补贴",
    "reward": "奖励",
    "interest_subsidy": "贴息",
    "equity_investment": "股权投资",
    "matching_fund": "配套",
    "funding": "资金支持",
    "other": "其他",
}
SNIPPET_CHARS = 220


def print_answer(console: Console, result: SearchResult) -> None:
    console.rule(f"[bold]{result.query}")
    if result.stated_amount_yuan is not None:
        console.print(f"按问题中的金额 {format_yuan(result.stated_amount_yuan)} 估算（仅供参考，以政策原文和审核为准）")
    if not result.hits:
        console.print("没有找到相关条款 (no matching clause)")
    for hit in result.hits:
        console.print(answer_card(hit))


def answer_card(hit: Hit) -> Panel:
    doc = hit.document
    body = Text()
    body.append(_snippet(hit))
    body.append("\n")
    for n, award in enumerate(hit.awards):
        body.append(f"\n• {KIND_NAMES.get(award['kind'], award['kind'])}: {_award_line(award)}", style="green")
        for est in hit.estimates:
            if est["award"] == n:
                body.append(f"\n  估算 {format_yuan(est['value_yuan'])}：{est['rule']}", style="bold green")
    leads = [d["label"] for d in hit.departments if d["role"] == "lead"]
    cooperating = [d["label"] for d in hit.departments if d["role"] == "cooperating"]
    if leads:
        body.append(f"\n牵头：{'、'.join(leads)}", style="cyan")
    if cooperating:
        body.append(f"\n配合：{'、'.join(cooperating)}", style="cyan")
    validity = doc.get("valid_until") and f"有效期至 {doc['valid_until']}" or doc.get("validity") or ""
    title = f"{hit.rank}. {' › '.join(hit.path) or '（序言）'}"
    subtitle = f"{doc.get('title') or ''} {doc.get('number') or ''} {doc.get('date') or ''} {validity}  [{hit.clause_id}]"
    return Panel(body, title=title, title_align="left", subtitle=subtitle.strip(), subtitle_align="left")


def _snippet(hit: Hit) -> Text:
    text = hit.text
    if hit.match is None:
        return Text(text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else ""))
    start = max(0, hit.match.start - 60)
    end = min(len(text), max(hit.match.end + 100, start + SNIPPET_CHARS))
    snippet = Text(("…" if start else "") + text[start:end] + ("…" if end < len(text) else ""))
    offset = 1 if start else 0
    snippet.stylize("bold yellow", hit.match.start - start + offset, hit.match.end - start + offset)
    return snippet


def _award_line(award: dict) -> str:
    parts = []
    if award.get("rate") is not None:
        base = f"{award['base']}的" if award.get("base") else ""
        parts.append(f"{base}{format_rate(award['rate'])}")
    if award.get("amount_yuan") is not None:
        parts.append(format_yuan(award["amount_yuan"]))
    if award.get("tiers"):
        parts.append("分档：" + "，".join(f"{format_yuan(t['threshold_yuan'])}→{format_yuan(t['amount_yuan'])}" for t in award["tiers"]))
    if award.get("cap_yuan") is not None:
        parts.append(f"最高 {format_yuan(award['cap_yuan'])}" + (f"（{award['per']}）" if award.get("per") else ""))
    if award.get("period_years"):
        parts.append(f"期限 {award['period_years']:g} 年")
    if award.get("top_up"):
        parts.append("差额补足")
    return "；".join(parts) or "（原文未给出金额）"
