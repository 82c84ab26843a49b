"""Split a document into clauses following its own numbering.

The numbering kinds (一、 / （一） / 1. / 第X条 / —— …) carry no fixed depth: the first kind
met is the outermost, a new kind nests under the current item, and a kind already open
closes everything below it. A clause is the unit a user cites: an item with its
paragraphs (sub-items are clauses of their own), the preamble paragraph under a heading,
a table, or a passage whose place could not be identified."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .convert import normalize
from .layout import Unit
from .models import Clause, Line, Span
from .patterns import CLAUSE_STOP, Marker, find_marker, is_sentence_end, strip_decoration

# A numbered line this short without a sentence of its own only titles its sub-items.
MAX_HEADING_CHARS = 40
MAX_PATH_LABEL_CHARS = 40

_ID_PREFIX = {"attachment": "att", "part": "pt", "chapter": "ch", "section": "s", "article": "art"}
# An attachment list ("附件：1.XX方案" / "2.XX清单"): entries no longer than this, without a
# sentence, are titles of the attachments, not items of the text.
MAX_ATTACHMENT_TITLE_CHARS = 60


@dataclass(frozen=True)
class _Doc:
    """What every clause of a document shares."""

    id: str
    file_key: str
    script: str
    line_width: int  # how long a full printed line is (PDF hard wrapping), 0 if unknown


# A line shorter than this share of a full line, ending a sentence, ends a paragraph.
PARAGRAPH_END_WIDTH = 0.9
# Lines narrower than this (display columns) say nothing about the page width.
MIN_WIDTH_LINE = 16


@dataclass
class _Node:
    marker: Marker | None
    heading: list[Line] = field(default_factory=list)  # the numbered line
    body: list[Unit] = field(default_factory=list)  # text units before the first child
    children: list[_Node] = field(default_factory=list)
    parent: _Node | None = None
    key: str = ""
    lead: list[Line] = field(default_factory=list)  # a lead-in paragraph printed just before it

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
    """A heading that only names what its sub-items say ("一、总体要求", "（二）发展目标",
    "（一）加强组织领导。"): short, at most one sentence and no clause break inside it. A
    lead sentence ("有下列情形之一的，处……：") and an article (第X条, the unit a law is
    cited by) are never titles: they are text of their own."""
    assert node.marker is not None
    if node.marker.kind == "article":
        return False
    text = normalize(node.heading_text(), script)
    if len(text) > MAX_HEADING_CHARS or text.endswith(("：", ":")):
        return False
    return not CLAUSE_STOP.search(text.rstrip("。"))


def build_clauses(doc_id: str, file_key: str, units: list[Unit], script: str = "zh-Hans") -> list[Clause]:
    """Clauses of one document from its units in reading order; ``script`` is the
    document's, so Traditional text is normalised to Simplified."""
    doc = _Doc(doc_id, file_key, script, _line_width(units))
    root = _Node(marker=None)
    current = root
    extras: list[tuple[_Node, Unit]] = []  # tables and detached passages, with where they stood
    listing: _Node | None = None  # an attachment whose label line starts a list of titles
    for unit in units:
        if unit.kind == "title":
            continue
        if unit.kind == "table" or unit.detached:
            extras.append((current, unit))
            continue
        if listing is not None and _lists_attachment(unit, doc.script):
            listing.body.append(Unit(kind="text", lines=unit.lines))
            continue
        listing = None
        if unit.kind == "item" and unit.marker is not None:
            parent = _parent_for(current, unit.marker)
            node = _Node(marker=unit.marker, heading=unit.lines[:1], parent=parent)
            if parent is not current:
                node.lead = _take_lead(current, doc)
            if len(unit.lines) > 1:
                node.body.append(Unit(kind="text", lines=unit.lines[1:]))
            parent.children.append(node)
            current = node
            if unit.marker.kind == "attachment" and find_marker(unit.lines[0].text[unit.marker.end :].strip()) is not None:
                listing = node
        else:
            current.body.append(unit)
    _assign_keys(root)
    closing = _take_closing(root)

    clauses: list[Clause] = []
    _emit(root, doc, clauses)
    if closing:
        clauses.append(_clause(doc, "end", "preamble", None, [], closing))
    counters: dict[str, int] = {}
    for node, unit in extras:
        kind = "table" if unit.kind == "table" else "fragment"
        counters[kind] = counters.get(kind, 0) + 1
        path = _path(node, script)
        key = f"{node.key + '.' if node.key else ''}{kind[0]}{counters[kind]}"
        clauses.append(_clause(doc, key, kind, None, path, unit.lines))
    for order, clause in enumerate(clauses):
        clause.order = order
    return clauses


# The customary order of numbering kinds (GB/T 9704: 一、 › （一） › 1. › （1）), outermost
# first. Used only when a kind appears that is not open yet: a text that starts
# mid-document, or runs its kinds in another order, still nests by its own use.
CUSTOMARY_DEPTH = {kind: depth for depth, kind in enumerate(
    ["attachment", "part", "chapter", "section", "article", "cn", "cn_paren", "arabic", "arabic_paren", "circled", "dash"]
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


def _take_lead(node: _Node, doc: _Doc) -> list[Line]:
    """The lead-in paragraph ending ``node``'s body, taken out of it: a paragraph of its own
    that ends with a colon, printed after the last item of a list and before items that are
    not ``node``'s children ("——生物医药产业领域：…高端医疗等。" / "围绕…，实施8大工程：" /
    "（一）…"). It introduces what follows, so it is neither part of the item above it nor
    lost: it becomes a clause of its own. A lead-in followed by the item's own sub-items
    ("有下列情形之一的：" / "（一）…") is not taken: those items are its children."""
    if node.marker is None or not node.body or node.children:
        return []
    lines = [line for unit in node.body for line in unit.lines]
    if not strip_decoration(lines[-1].text)[0].endswith(("：", ":")):
        return []
    # the lead-in starts on the line after the last finished sentence before it
    start = len(lines) - 1
    while start > 0 and not is_sentence_end(strip_decoration(lines[start - 1].text)[0]):
        start -= 1
    if start == 0 and not is_sentence_end(strip_decoration(node.heading[-1].text)[0]):
        return []  # the item's own sentence runs into it
    last = lines[start:]
    kept = lines[: len(lines) - len(last)]
    node.body = [Unit(kind="text", lines=kept)] if kept else []
    return last


# A sentence about the document itself: 本实施意见, 本方案, 本办法 ….
_THIS_DOCUMENT = re.compile(r"本(?:实施)?(?:意见|方案|计划|办法|规定|通知|细则|措施|导则|决定|规划)")


def _take_closing(root: _Node) -> list[Line]:
    """The document's closing paragraph, taken out of its last item: text printed after the
    last numbered item, starting after a finished sentence, that speaks of the document
    itself ("…（责任单位：…）" / "各牵头单位…要在本实施意见印发之日起1个月内制定具体实施细则…").
    It is said of the whole document, not of that item. An article keeps its paragraphs
    (a law's 款 are cited as the article's), and so does an attachment."""
    node = root
    while node.children:
        node = node.children[-1]
    if node.marker is None or node.marker.kind in ("article", "attachment") or not node.body:
        return []
    lines = [line for unit in node.body for line in unit.lines]
    texts = [strip_decoration(line.text)[0] for line in lines]
    joined = "".join(texts)
    m = _THIS_DOCUMENT.search(joined)
    if m is None:
        return []
    at, mention = 0, 0  # the line the first mention starts on
    for k, text in enumerate(texts):
        if at + len(text) > m.start():
            mention = k
            break
        at += len(text)
    # the closing starts on the line after the last finished sentence before the mention
    for k in range(mention, -1, -1):
        before = texts[k - 1] if k else strip_decoration(node.heading[-1].text)[0]
        if is_sentence_end(before):
            kept = lines[:k]
            node.body = [Unit(kind="text", lines=kept)] if kept else []
            return lines[k:]
    return []


def _lists_attachment(unit: Unit, script: str) -> bool:
    """A numbered line of an attachment list: a short title, no sentence ("2.XX清单")."""
    if unit.kind != "item" or unit.marker is None or unit.marker.kind not in ("arabic", "cn", "arabic_paren", "cn_paren"):
        return False
    text = normalize(join_lines(unit.lines), script)
    return len(text) <= MAX_ATTACHMENT_TITLE_CHARS and not CLAUSE_STOP.search(text)


def _assign_keys(node: _Node) -> None:
    seen: dict[str, int] = {}
    bullets = 0
    for child in node.children:
        marker = child.marker
        assert marker is not None
        if marker.kind == "attachment":
            part = f"att{marker.value or ''}"
        elif marker.value is None:
            bullets += 1
            part = f"b{bullets}"
        else:
            part = f"{_ID_PREFIX.get(marker.kind, '')}{marker.value}"
            if marker.inserted:
                part += f"-{marker.inserted}"  # 第二百三十六条之一 → art236-1
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


def _emit(node: _Node, doc: _Doc, out: list[Clause]) -> None:
    if node.lead:
        parent = node.parent
        assert parent is not None
        out.append(_clause(doc, f"{node.key}.lead", "preamble", None, _path(parent, doc.script), node.lead))
    body_lines = [line for unit in node.body for line in unit.lines]
    if node.marker is not None and node.marker.kind == "attachment" and not (node.children or body_lines):
        if not strip_decoration(join_lines(node.heading))[0][node.marker.end :].strip():
            return  # a bare "附件" label over an attachment printed as a document of its own
    if node.marker is None:
        if body_lines:
            out.append(_clause(doc, "p", "preamble", None, [], body_lines))
    elif node.children and _is_title_only(node, doc.script):
        # the paragraph under a title is its own clause, and keeps the title's words
        if body_lines:
            out.append(_clause(doc, f"{node.key}.p", "preamble", None, _path(node, doc.script), node.heading + body_lines, own_paragraph=len(node.heading)))
    else:
        lines = node.heading + body_lines
        out.append(_clause(doc, node.key, "item", node.marker.label, _path(node, doc.script), lines))
    for child in node.children:
        _emit(child, doc, out)


def _clause(
    doc: _Doc, key: str, kind: str, number: str | None, path: list[str], lines: list[Line], own_paragraph: int = 0
) -> Clause:
    """``own_paragraph``: how many first lines (a title) form a paragraph of their own."""
    paragraphs: list[int] = []
    if kind == "table":
        original = "\n".join(line.text for line in lines)
        # cell by cell, so the columns stay apart ("规模以上工业总产值 万亿元 2.15 2.3")
        text = "\n".join(" ".join(normalize(cell, doc.script) for cell in line.text.split()) for line in lines)
    else:
        original = join_lines(lines)
        groups = ([lines[:own_paragraph]] if own_paragraph else []) + _paragraphs(lines[own_paragraph:], doc.line_width)
        pieces = [normalize(join_lines(part), doc.script) for part in groups]
        text = "".join(pieces)
        for piece in pieces[:-1]:
            paragraphs.append((paragraphs[-1] if paragraphs else 0) + len(piece))
    return Clause(
        id=f"{doc.id}/{key}",
        document=doc.id,
        kind=kind,
        number=number,
        path=path,
        text=text,
        text_original=original,
        spans=_spans(doc.file_key, lines),
        paragraphs=paragraphs,
    )


def _line_width(units: list[Unit]) -> int:
    """The printed line width: most lines of a hard-wrapped text are full (the 80th
    percentile); a text of one paragraph per line has no such width worth using."""
    lengths = sorted(display_width(line.text) for unit in units if unit.kind in ("item", "text") for line in unit.lines)
    lengths = [n for n in lengths if n >= MIN_WIDTH_LINE]
    return lengths[int(len(lengths) * 0.8)] if lengths else 0


def display_width(text: str) -> int:
    """Width as printed: a Chinese character takes two columns, a Latin one one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _paragraphs(lines: list[Line], width: int) -> list[list[Line]]:
    """Group lines into paragraphs: a line that ends a sentence well short of a full line
    ends its paragraph."""
    groups: list[list[Line]] = [[]]
    for k, line in enumerate(lines):
        groups[-1].append(line)
        text = strip_decoration(line.text)[0]
        last = k == len(lines) - 1
        if not last and is_sentence_end(text) and (width == 0 or display_width(line.text) < PARAGRAPH_END_WIDTH * width):
            groups.append([])
    return [g for g in groups if g]


# Lines this close (a blank line between, as PDF extraction prints them) share one span.
SPAN_GAP_LINES = 2


def _spans(file_key: str, lines: list[Line]) -> list[Span]:
    """Source spans of a clause's lines, in reading order: neighbouring lines merge; a
    line read out of printed order starts a span of its own."""
    spans: list[Span] = []
    last: int | None = None
    for line in lines:
        if spans and last is not None and 0 < line.number - last <= SPAN_GAP_LINES:
            spans[-1] = Span(file_key, spans[-1].start, line.end)
        else:
            spans.append(Span(file_key, line.start, line.end))
        last = line.number
    return spans
