"""Split a document into clauses following its own numbering.

The numbering kinds (一、 / （一） / 1. / 第X条 / —— …) carry no fixed depth: the first kind
met is the outermost, a new kind nests under the current item, and a kind already open
closes everything below it. A clause is the unit a user cites: an item with its
paragraphs (sub-items are clauses of their own), the preamble paragraph under a heading,
a table, or a passage whose place could not be identified."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from .convert import normalize
from .layout import Unit
from .models import Clause, Line, Span
from .patterns import Marker, is_sentence_end, strip_decoration

# A numbered line this short without a sentence of its own only titles its sub-items.
MAX_HEADING_CHARS = 40
MAX_PATH_LABEL_CHARS = 40

_ID_PREFIX = {"part": "pt", "chapter": "ch", "section": "s", "article": "art"}


@dataclass
class _Node:
    marker: Marker | None
    heading: list[Line] = field(default_factory=list)  # the numbered line
    body: list[Unit] = field(default_factory=list)  # text units before the first child
    children: list[_Node] = field(default_factory=list)
    parent: _Node | None = None
    key: str = ""

    def heading_text(self) -> str:
        return strip_decoration(join_lines(self.heading))[0]


def join_lines(lines: list[Line]) -> str:
    """Undo hard wrapping: Chinese lines join without a space; a space is kept only
    between two Latin letters or digits ("Value" + "Park")."""
    out = ""
    for line in lines:
        text = strip_decoration(line.text)[0]
        if out and text and out[-1].isascii() and out[-1].isalnum() and text[0].isascii() and text[0].isalnum():
            out += " "
        out += text
    return out


def _label(node: _Node, script: str) -> str:
    text = node.heading_text()
    m = re.search(r"[。；]", text)
    if m and m.start() > 0:
        text = text[: m.start()]
    text = normalize(text, script)
    return text if len(text) <= MAX_PATH_LABEL_CHARS else text[:MAX_PATH_LABEL_CHARS] + "…"


def _is_title_only(node: _Node, script: str) -> bool:
    text = normalize(node.heading_text(), script)
    if len(text) > MAX_HEADING_CHARS:
        return False
    # at most one sentence, ending the line
    inner = text.rstrip("。：:")
    return not re.search(r"[。；！？]", inner)


def build_clauses(doc_id: str, file_key: str, units: list[Unit], script: str = "zh-Hans") -> list[Clause]:
    """Clauses of one document from its units in reading order; ``script`` is the
    document's, so Traditional text is normalised to Simplified."""
    root = _Node(marker=None)
    current = root
    extras: list[tuple[_Node, Unit]] = []  # tables and detached passages, with where they stood
    for unit in units:
        if unit.kind == "title":
            continue
        if unit.kind == "table" or unit.detached:
            extras.append((current, unit))
            continue
        if unit.kind == "item" and unit.marker is not None:
            parent = _parent_for(current, unit.marker)
            node = _Node(marker=unit.marker, heading=unit.lines[:1], parent=parent)
            if len(unit.lines) > 1:
                node.body.append(Unit(kind="text", lines=unit.lines[1:]))
            parent.children.append(node)
            current = node
        else:
            current.body.append(unit)
    _assign_keys(root)

    clauses: list[Clause] = []
    _emit(root, doc_id, file_key, script, clauses)
    counters: dict[str, int] = {}
    for node, unit in extras:
        kind = "table" if unit.kind == "table" else "fragment"
        counters[kind] = counters.get(kind, 0) + 1
        path = _path(node, script)
        key = f"{node.key + '.' if node.key else ''}{kind[0]}{counters[kind]}"
        clauses.append(_clause(doc_id, file_key, script, key, kind, None, path, unit.lines))
    for order, clause in enumerate(clauses):
        clause.order = order
    return clauses


# The customary order of numbering kinds (GB/T 9704: 一、 › （一） › 1. › （1）), outermost
# first. Used only when a kind appears that is not open yet: a text that starts
# mid-document, or runs its kinds in another order, still nests by its own use.
CUSTOMARY_DEPTH = {kind: depth for depth, kind in enumerate(
    ["part", "chapter", "section", "article", "cn", "cn_paren", "arabic", "arabic_paren", "circled", "dash"]
)}


def _parent_for(current: _Node, marker: Marker) -> _Node:
    """Where an item with this marker belongs: a sibling of the open item of its kind;
    else a child of the current item, unless custom puts its kind above the current
    item's (一、 met under an open （十八）)."""
    node: _Node | None = current
    while node is not None and node.marker is not None:
        if node.marker.kind == marker.kind:
            return node.parent or node
        node = node.parent
    depth = CUSTOMARY_DEPTH[marker.kind]
    node = current
    while node.marker is not None and CUSTOMARY_DEPTH[node.marker.kind] > depth and node.parent is not None:
        node = node.parent
    return node


def _assign_keys(node: _Node) -> None:
    seen: dict[str, int] = {}
    bullets = 0
    for child in node.children:
        marker = child.marker
        assert marker is not None
        if marker.value is None:
            bullets += 1
            part = f"b{bullets}"
        else:
            part = f"{_ID_PREFIX.get(marker.kind, '')}{marker.value}"
        seen[part] = seen.get(part, 0) + 1
        if seen[part] > 1:
            part += f"~{seen[part]}"
        child.key = f"{node.key}.{part}" if node.key else part
        _assign_keys(child)


def _path(node: _Node, script: str) -> list[str]:
    labels = []
    while node.marker is not None:
        labels.append(_label(node, script))
        node = node.parent  # type: ignore[assignment]
    return labels[::-1]


def _emit(node: _Node, doc_id: str, file_key: str, script: str, out: list[Clause]) -> None:
    body_lines = [line for unit in node.body for line in unit.lines]
    if node.marker is None:
        if body_lines:
            out.append(_clause(doc_id, file_key, script, "p", "preamble", None, [], body_lines))
    elif node.children and _is_title_only(node, script):
        if body_lines:
            key = f"{node.key}.p"
            out.append(_clause(doc_id, file_key, script, key, "preamble", None, _path(node, script), body_lines))
    else:
        lines = node.heading + body_lines
        out.append(_clause(doc_id, file_key, script, node.key, "item", node.marker.label, _path(node, script), lines))
    for child in node.children:
        _emit(child, doc_id, file_key, script, out)


def _clause(
    doc_id: str, file_key: str, script: str, key: str, kind: str, number: str | None, path: list[str], lines: list[Line]
) -> Clause:
    if kind == "table":
        original = "\n".join(line.text for line in lines)
        # cell by cell, so the columns stay apart ("规模以上工业总产值 万亿元 2.15 2.3")
        text = "\n".join(" ".join(normalize(cell, script) for cell in line.text.split()) for line in lines)
    else:
        original = join_lines(lines)
        text = normalize(original, script)
    return Clause(
        id=f"{doc_id}/{key}",
        document=doc_id,
        kind=kind,
        number=number,
        path=path,
        text=text,
        text_original=original,
        spans=_spans(file_key, lines),
    )


def _spans(file_key: str, lines: list[Line]) -> list[Span]:
    spans: list[Span] = []
    last = None
    for line in lines:
        if spans and last is not None and line.number == last + 1 or (spans and last is not None and line.number == last + 2):
            spans[-1] = Span(file_key, spans[-1].start, line.end)
        else:
            spans.append(Span(file_key, line.start, line.end))
        last = line.number
    return spans


def clause_digest(text: str) -> str:
    """Hash of a clause's normalised text, for caches keyed by content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
