"""A search result as a person reads it in a terminal: one answer card per hit, with the
clause's path, document, validity, departments, award parameters and any estimate."""
from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from api.present import award_line, format_yuan, kind_name, named_first, snippet, validity_line
from index.models import Hit, SearchResult


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
    for n, award, named in named_first(hit.awards, hit.named_awards):
        body.append(f"\n• {kind_name(award.kind)}: {award_line(award)}", style="bold green" if named else "green")
        for est in hit.estimates:
            if est["award"] == n:
                body.append(f"\n  估算 {format_yuan(est['value_yuan'])}：{est['rule']}", style="bold green")
    leads = [d.label for d in hit.departments if d.role == "lead"]
    cooperating = [d.label for d in hit.departments if d.role == "cooperating"]
    if leads:
        body.append(f"\n牵头：{'、'.join(leads)}", style="cyan")
    if cooperating:
        body.append(f"\n配合：{'、'.join(cooperating)}", style="cyan")
    validity = validity_line(doc)
    title = f"{hit.rank}. {' › '.join(hit.path) or '（序言）'}"
    subtitle = f"{doc.title or ''} {doc.number or ''} {doc.date or ''} {validity}  [{hit.clause_id}]"
    return Panel(body, title=title, title_align="left", subtitle=subtitle.strip(), subtitle_align="left")


def _snippet(hit: Hit) -> Text:
    return Text.assemble(*((piece, "bold yellow") if marked else piece for piece, marked in snippet(hit.text, hit.match)))
