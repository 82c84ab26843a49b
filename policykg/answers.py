"""A search result as a person reads it in a terminal: one answer card per hit, with the
clause's path, document, validity, departments, award parameters and any estimate."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from policykg.api.present import NEAREST_DOCUMENTS_LABEL, NOT_ANSWERED, award_line, document_label, format_yuan, kind_name, named_first, own_text, snippet, validity_line

if TYPE_CHECKING:  # a search's cards need none of the eligibility rules (index.match) imported
    from policykg.index.match import MatchResult, ProfileMatch
    from policykg.index.models import Hit, SearchResult


def print_answer(console: Console, result: SearchResult) -> None:
    console.rule(f"[bold]{result.query or '（按条件列出）'}")
    if result.mode == "list":
        console.print(f"符合条件的条款共 {result.total} 条")
    elif result.hits and not result.answered:
        console.print(f"[bold red]{NOT_ANSWERED}[/bold red] (no clause answers this; the nearest clauses follow)")
        if result.nearest_documents:
            console.print(NEAREST_DOCUMENTS_LABEL)
            for document in result.nearest_documents:
                console.print(Text(f"  • {document_label(document)}  [{document.id}]"))
    elif result.stated_amount_yuan is not None:
        console.print(f"按问题中的金额 {format_yuan(result.stated_amount_yuan)} 估算（仅供参考，以政策原文和审核为准）")
    if not result.hits:
        console.print("没有找到相关条款 (no matching clause)")
    for hit in result.hits:
        console.print(answer_card(hit))
    if result.hits and result.total > result.hits[-1].rank:
        console.print(f"第 {result.hits[0].rank}–{result.hits[-1].rank} 条，共 {result.total} 条（--page 翻页）")


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
    validity = hit.validity["label"] if hit.validity else validity_line(doc)
    title = f"{hit.rank}. {' › '.join(hit.path) or '（序言）'}"
    subtitle = f"{doc.title or ''} {doc.number or ''} {doc.date or ''} {validity}  [{hit.clause_id}]"
    return Panel(body, title=title, title_align="left", subtitle=subtitle.strip(), subtitle_align="left")


def _snippet(hit: Hit) -> Text:
    return Text.assemble(*((piece, "bold yellow") if marked else piece for piece, marked in snippet(*own_text(hit))))


# --------------------------------------------------------------------------- eligibility (policykg match)
# An eligibility result as a person reads it: one card per award rule, grouped by verdict,
# with the conditions that decided it and the estimate's arithmetic.

_STYLE = {"eligible": "green", "unknown": "yellow", "not_eligible": "red"}
_MARK = {"met": "✓", "not_met": "✗", "unknown": "?"}


def print_match(console: Console, found: ProfileMatch) -> None:
    from policykg.index.match import VERDICT_WORDS

    counts = {v: sum(r.verdict == v for r in found.results) for v in VERDICT_WORDS}
    console.rule(f"[bold]{found.profile}[/bold]（查询日 {found.as_of}）")
    console.print(
        f"共判断 {found.rules} 条奖补规则：可申报 {counts['eligible']}，待确认 {counts['unknown']}"
        + (f"，不符合 {counts['not_eligible']}" if counts["not_eligible"] else "")
    )
    for verdict in VERDICT_WORDS:
        shown = [r for r in found.results if r.verdict == verdict]
        if shown:
            console.rule(f"[{_STYLE[verdict]}]{VERDICT_WORDS[verdict]}（{len(shown)}）", style=_STYLE[verdict])
            for result in shown:
                console.print(match_card(result))


def match_card(result: MatchResult) -> Panel:
    from policykg.index.match import STATUS_WORDS, VERDICT_WORDS, award_of

    doc = result.document
    body = Text()
    body.append(f"{kind_name(result.award['kind'])}: {award_line(award_of(result.award))}", style="bold")
    if result.estimate_yuan is not None:
        body.append(f"\n估算 {format_yuan(result.estimate_yuan)}：{result.estimate_rule}", style="bold green")
    for reason in result.reasons:
        style = {"met": "green", "not_met": "red", "unknown": "yellow"}[reason.status]
        body.append(f"\n{_MARK[reason.status]} {STATUS_WORDS[reason.status]} {reason.condition}", style=style)
        if reason.detail:
            body.append(f" — {reason.detail}", style="dim")
        if reason.link:
            body.append(f"（{reason.link}）", style="dim")
    validity = result.validity
    title = doc.get("title") or doc.get("id")
    number = f" {doc['number']}" if doc.get("number") else ""
    body.append(f"\n《{title}》{number} · {validity['basis']} · {' › '.join(result.path)}", style="cyan")
    body.append(f"\n{result.clause_id}", style="dim")
    return Panel(body, title=VERDICT_WORDS[result.verdict], title_align="left", border_style=_STYLE[result.verdict])
