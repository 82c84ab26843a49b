"""Segments of a clause: the sentences each responsibility note governs, or its paragraphs.

Where an item carries several notes — "…。（市科技局、相关区政府）…。（市科技局、发展改革委，
相关区政府）" — each note names who is responsible for the sentences since the previous
note (or since the item's own heading). The item stays the clause a user cites; its
segments let a fact be attributed to the sentences it belongs to."""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.patterns import CLAUSE_STOPS

from .extract.departments import extract_departments
from .extract.registry import Registry
from .models import DocumentContext

# A note is a bracket right after a finished sentence: "。（责任单位：…）", "；(市科技局)".
_NOTE = re.compile(f"(?<=[{CLAUSE_STOPS}])" r"\s*[（(][^（()）。]{2,200}[）)]")
# An item's heading sentence: "1.发挥重大创新平台引领产业发展作用。"
MAX_HEADING_CHARS = 40


@dataclass(frozen=True)
class Segment:
    start: int
    end: int


def find_segments(
    text: str, context: DocumentContext, registry: Registry, numbered: bool, paragraphs: list[int] | None = None
) -> list[Segment]:
    """The segments of a clause's text, or [] when it is one segment.

    With responsibility notes, each note closes the sentences since the previous note (or
    since the item's heading). Without notes, each paragraph is a segment: the rule it
    states stands on its own (an item's 5% reward, its revenue tiers, its MPW subsidy)."""
    ends = [m.end() for m in _NOTE.finditer(text) if extract_departments(m.group().strip(), context, registry)]
    start = _heading_end(text) if numbered else 0
    if ends:
        bounds = [e for e in ends if start < e < len(text.rstrip())]
    else:
        bounds = [p for p in paragraphs or [] if start < p < len(text)]
    if not bounds:
        return []
    edges = [start, *bounds, len(text)]
    return [Segment(a, b) for a, b in zip(edges, edges[1:]) if text[a:b].strip()]


def _heading_end(text: str) -> int:
    stop = text.find("。")
    return stop + 1 if 0 < stop < MAX_HEADING_CHARS else 0
