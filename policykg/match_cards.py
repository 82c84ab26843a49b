"""An eligibility result as a person reads it in a terminal: one card per award rule,
grouped by verdict, with the conditions that decided it and the estimate's arithmetic."""
from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from index.estimate import format_yuan
from index.match import STATUS_WORDS, VERDICT_WORDS, MatchResult, ProfileMatch
from api.present import award_line, kind_name
from kg.models import Award, Tier

_STYLE = {"eligible": "green", "unknown": "yellow", "not_eligible": "red"}
_MARK = {"met": "✓", "not_met": "✗", "unknown": "?"}


def print_match(console: Console, found: ProfileMatch) -> None:
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
    doc = result.document
    body = Text()
    body.append(f"{kind_name(result.award['kind'])}: {award_line(_typed(result.award))}", style="bold")
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


def _typed(award: dict) -> Award:
    """A result's award (its JSON form) as the record type the wording reads."""
    tiers = [Tier(**tier) for tier in award["tiers"]] if award.get("tiers") else None
    return Award(**{**award, "tiers": tiers})
