"""Presentation, in one place for the CLI, the API and the web page: how a person reads a
hit's facts in Chinese (the names of award kinds and roles, an award rule as one line, a
document's validity, a snippet with the question's words), and which formats and media
types a result is written in (content negotiation for the API, the graph formats of
``policykg export graph``). The terminal's answer cards and the web page say the same thing
in the same words.

To offer a new output format, add it to ``RDF_FORMATS`` (HTTP), ``GRAPH_FORMATS`` (CLI) or
``SPARQL_TABLE_TYPES``/``SPARQL_GRAPH_TYPES`` (the SPARQL endpoint) here; all write through
rdflib's serializers. How the SPARQL endpoint's refusals read in HTTP (status, Retry-After)
is here too: ``kg.endpoint`` knows no HTTP.

    >>> award_line(Award("subsidy", rate=0.8, base="MPW直接费用", cap_yuan=6e6, per="每家企业每年"))
    'MPW直接费用的80%；最高 600万元（每家企业每年）'
"""
from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from policykg.index.estimate import format_rate, format_yuan
from policykg.index.validity import validity_on
from policykg.index.models import Hit, Match
from policykg.kg.build import PREFIXES
from policykg.kg.models import Award, Target
from policykg.kg.records import DocumentRef, as_json
from policykg.kg.vocabulary import AWARD_KINDS, ROLES

if TYPE_CHECKING:  # kg.endpoint brings asyncio and multiprocessing, which the CLI does not need
    from policykg.kg.endpoint import Answer, EndpointError, Formats

# What pages and answer cards call each role: the ontology's short labels (牵头, 配合).
ROLE_NAMES = {notation: term.short for notation, term in ROLES.items()}
NO_AMOUNT = "（原文未给出金额）"
# What search says when no clause answers the question (``SearchResult.answered`` false).
NOT_ANSWERED = "语料中没有条款回答这个问题。以下是最接近的条款，仅供参考。"
SNIPPET_CHARS = 220
NEAREST_DOCUMENTS_LABEL = "可能相关的文件："


def document_label(document: DocumentRef) -> str:
    """A document in one line: its title (or id) and 文号.

    >>> document_label(DocumentRef(id="d1", title="关于支持集成电路产业发展的意见", number="穗府规〔2018〕15号"))
    '关于支持集成电路产业发展的意见（穗府规〔2018〕15号）'
    """
    name = document.title or document.id
    return f"{name}（{document.number}）" if document.number else name


def kind_name(kind: str) -> str:
    """An award kind's Chinese name, from the ontology (贴息 for interest_subsidy)."""
    term = AWARD_KINDS.get(kind)
    return term.short if term else kind


def award_line(award: Award) -> str:
    """An award rule as one line: rate of base, fixed amount, tiers, cap per unit, period,
    top-up."""
    parts = []
    if award.rate is not None:
        base = f"{award.base}的" if award.base else ""
        parts.append(f"{base}{format_rate(award.rate)}")
    if award.amount_yuan is not None:
        parts.append(format_yuan(award.amount_yuan))
    if award.tiers:
        parts.append("分档：" + "，".join(f"{format_yuan(t.threshold_yuan)}→{format_yuan(t.amount_yuan)}" for t in award.tiers))
    if award.cap_yuan is not None:
        parts.append(f"最高 {format_yuan(award.cap_yuan)}" + (f"（{award.per}）" if award.per else ""))
    if award.period_years:
        parts.append(f"期限 {award.period_years:g} 年")
    if award.top_up:
        parts.append("差额补足")
    return "；".join(parts) or NO_AMOUNT


def named_first(awards: list[Award], named: list[int]) -> list[tuple[int, Award, bool]]:
    """Awards as (index, award, whether the question names it), those it names first:
    asked about MPW, a clause's MPW subsidy leads its list of five rules."""
    order = [*named, *(n for n in range(len(awards)) if n not in named)]
    return [(n, awards[n], n in named) for n in order]


def validity_line(document: DocumentRef | dict, today: date | None = None) -> str:
    """How current a document is on ``today`` (``index.validity``): 有效期至 …, 已失效 once
    that day has passed, or 有效期不明 with the reason — never blank, never taken for in
    force.

    >>> validity_line(DocumentRef("d", valid_until="2021-08-27"), date(2026, 1, 1))
    '已失效（有效期至 2021-08-27）'
    >>> validity_line({"validity": "自印发之日起施行"}, date(2026, 1, 1))
    '有效期不明（原文“自印发之日起施行”，未写终止日期）'
    """
    return validity_on(document, today or date.today()).label


def own_text(hit: Hit) -> tuple[str, Match | None]:
    """A hit's clause text and match without the lead the hit's text begins with
    (``Hit.lead``): a card's heading path shows the lead already. A match inside the lead
    is dropped."""
    if hit.lead is None:
        return hit.text, hit.match
    skip = len(hit.lead) + 1
    match = hit.match
    if match is not None and match.start >= skip:
        match = Match(match.start - skip, match.end - skip, match.text, [(a - skip, b - skip) for a, b in match.words])
    else:
        match = None
    return hit.text[skip:], match


def snippet(text: str, match: Match | None, width: int = SNIPPET_CHARS) -> list[tuple[str, bool]]:
    """The part of a clause to show in an answer, as pieces (text, whether it is one of the
    question's words): about ``width`` characters around the words that matched, with "…"
    where text is left out.

    >>> snippet("一二三四五六七八九十", Match(4, 7, "五六七", [(4, 5), (6, 7)]), width=5)
    [('…三四', False), ('五', True), ('六', False), ('七', True), ('八九十', False)]
    """
    if match is None:
        return [(text[:width] + ("…" if len(text) > width else ""), False)]
    lead = min(60, width // 2)
    start = max(0, match.start - lead)
    end = min(len(text), max(match.end + width - lead, start + width))
    pieces = [("…" if start else "", False)]
    at = start
    for word_start, word_end in match.words or [(match.start, match.end)]:
        pieces += [(text[at:word_start], False), (text[word_start:word_end], True)]
        at = word_end
    pieces.append((text[at:end] + ("…" if end < len(text) else ""), False))
    return _joined([p for p in pieces if p[0]])


def _joined(pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Neighbouring pieces of the same kind as one."""
    out: list[tuple[str, bool]] = []
    for text, marked in pieces:
        if out and out[-1][1] == marked:
            out[-1] = (out[-1][0] + text, marked)
        else:
            out.append((text, marked))
    return out


BOUND_WORDS = {"min": "不低于", "max": "不超过", "exact": ""}


def target_line(target: Target) -> str:
    """A target as one line: 2022年 先进制造业增加值占比 不低于 66%."""
    value, unit = target.value, target.unit
    if unit == "yuan":
        amount = format_yuan(value)
    elif unit == "ratio":
        amount = format_rate(value)
    else:
        amount = f"{value:g}{unit}"
    year = f"{target.year}年 " if target.year else ""
    bound = BOUND_WORDS.get(target.bound or "min", "")
    return f"{year}{target.metric} {bound + ' ' if bound else ''}{amount}"


# --- formats and media types ---------------------------------------------------------------


def json_line(value: object) -> str:
    """A record, document or search result as one line of JSON, as ``--json`` prints it:
    the same rendering the API answers with (``kg.records.as_json``), Chinese unescaped."""
    return json.dumps(as_json(value), ensure_ascii=False)


JSON = "application/json"
HTML = "text/html"
# RDF media type -> rdflib serializer name, for resources answered by content negotiation.
RDF_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}
OFFERED = (JSON, *RDF_FORMATS)
# For OpenAPI: the other media types a negotiating route answers in.
RDF_CONTENT = {media: {"schema": {"type": "string"}} for media in RDF_FORMATS}
# ``policykg export graph --format``: the names a user types -> rdflib serializer name.
GRAPH_FORMATS = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt", "jsonld": "json-ld", "json-ld": "json-ld"}


def serializer_options(fmt: str) -> dict:
    """Options for rdflib's serializer ``fmt``: JSON-LD is written with our prefixes as its
    context, so its keys read as pk:…, dct:… rather than full IRIs."""
    return {"context": PREFIXES} if fmt == "json-ld" else {}


def accepted(accept: str | None) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their quality, in the header's order; a
    malformed q counts as 0.

    >>> accepted("text/turtle;q=0.9, Application/LD+JSON")
    [('text/turtle', 0.9), ('application/ld+json', 1.0)]
    """
    ranked: list[tuple[str, float]] = []
    for part in (accept or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranked.append((pieces[0].lower(), q))
    return ranked


def negotiate(accept: str | None, offered: tuple[str, ...] = OFFERED) -> str:
    """The media type to answer with: the ``offered`` type the ``Accept`` header ranks
    highest (ties go to the earlier offer, so JSON wins over */*); the first offer when
    nothing offered fits.

    >>> negotiate("text/turtle;q=0.9, application/ld+json")
    'application/ld+json'
    >>> negotiate("text/html,*/*;q=0.8")
    'application/json'
    >>> negotiate("text/html,*/*;q=0.8", offered=(JSON, HTML))
    'text/html'
    """
    ranked = accepted(accept)
    best, best_q = offered[0], 0.0
    for offer in offered:
        q = max((q for pattern, q in ranked if _fits(pattern, offer)), default=0.0)
        if q > best_q:
            best, best_q = offer, q
    return best


def _fits(pattern: str, offer: str) -> bool:
    if pattern in (offer, "*/*"):
        return True
    kind, _, sub = pattern.partition("/")
    return sub == "*" and offer.startswith(kind + "/")


# --- the SPARQL endpoint ----------------------------------------------------------------------

# Media type -> rdflib result serializer, by query form; the first is the default.
SPARQL_TABLE_TYPES = {  # SELECT and ASK
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
SPARQL_GRAPH_TYPES = {  # CONSTRUCT and DESCRIBE
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}
# Generic types clients send, mapped to ours.
SPARQL_ALIASES = {"application/json": "application/sparql-results+json", "application/xml": "application/sparql-results+xml",
                  "text/xml": "application/sparql-results+xml", "text/plain": "application/n-triples"}
_WILDCARDS = ("*/*", "application/*", "text/*")
# The HTTP status of each reason the endpoint refuses a query for (``kg.endpoint.Refusal``).
SPARQL_STATUS = {
    "bad_query": 400, "read_only": 403, "not_acceptable": 406, "too_large": 413,
    "client_limit": 429, "busy": 503, "timed_out": 503, "unavailable": 503,
}


def sparql_formats(accept: str | None) -> Formats:
    """The formats to write a SPARQL answer in, by the ``Accept`` header, for each query
    form: the type ranked highest (highest q, then the header's order) that we offer, the
    default for a wildcard or no header, and none when the header names only types we do not
    offer for that form.

    >>> sparql_formats("text/csv, text/turtle;q=0.5")
    Formats(table='csv', graph='turtle')
    >>> sparql_formats("application/json")
    Formats(table='json', graph=None)
    """
    from policykg.kg.endpoint import Formats

    return Formats(table=_sparql_format(accept, SPARQL_TABLE_TYPES), graph=_sparql_format(accept, SPARQL_GRAPH_TYPES))


def _sparql_format(accept: str | None, offered: dict[str, str]) -> str | None:
    ranked = accepted(accept)
    if not ranked:
        return next(iter(offered.values()))
    for n, (kind, q) in sorted(enumerate(ranked), key=lambda item: (-item[1][1], item[0])):
        kind = SPARQL_ALIASES.get(kind, kind)
        if kind in offered:
            return offered[kind]
        if kind in _WILDCARDS:
            return next(iter(offered.values()))
    return None


def sparql_media_type(answer: Answer) -> str:
    """The media type of an endpoint answer, from the format it was written in."""
    types = SPARQL_TABLE_TYPES if answer.form in ("SELECT", "ASK") else SPARQL_GRAPH_TYPES
    return next(media for media, fmt in types.items() if fmt == answer.format)


def sparql_refusal(problem: EndpointError) -> tuple[int, str, dict[str, str]]:
    """A refused query as HTTP: (status, message, headers), with Retry-After for a full
    pool and the types on offer when the result could not be written as asked."""
    message = str(problem)
    if problem.form is not None:
        offered = SPARQL_TABLE_TYPES if problem.form in ("SELECT", "ASK") else SPARQL_GRAPH_TYPES
        message = f"{message}; use one of {', '.join(offered)}"
    headers = {"Retry-After": str(problem.retry_after)} if problem.retry_after is not None else {}
    return SPARQL_STATUS[problem.reason], message, headers
