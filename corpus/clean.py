"""Recognise what PDF extraction left inside the text: page numbers, running headers and
footers, and tables flattened into one cell per line.

Nothing here deletes text: lines are classified, and later steps leave furniture out of
clauses and keep tables as passages of their own."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .models import Line
from .patterns import ARTICLE_NUMBER, CLAUSE_STOPS, CHAPTER_OR_SECTION, DATE_LINE, DIVISION, PAGE_NUMBER, SOURCE_NOTE, find_marker, is_document_number_line

# A running header, footer or title is short and is not prose.
MAX_FURNITURE_CHARS = 32
# How far from a page number a running header or title may stand (non-blank lines).
FURNITURE_REACH = 3
# A table cell line is short; a table header names at least this many columns.
MAX_CELL_CHARS = 30
MIN_HEADER_COLUMNS = 4
MAX_CAPTION_CHARS = 40

_PROSE_PUNCTUATION = re.compile(r"[。；，、！？：;,!?（）()]")
_SENTENCE_PUNCTUATION = re.compile(r"[。；，！？;!?]")


@dataclass
class Layout:
    """The lines of one file sorted by role (blank lines are dropped)."""

    content: list[Line] = field(default_factory=list)
    furniture: list[Line] = field(default_factory=list)
    tables: list[list[Line]] = field(default_factory=list)


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


# The note a title carries in brackets: its years or its status ("（2018-2022年）", "（试行）").
# A running title printed beside a page number keeps it, and is still no prose.
_TITLE_NOTE = re.compile(
    r"[（(]\s*(?:\d{4}\s*年?\s*[-—－–~～至]+\s*\d{4}\s*年?|\d{4}\s*年(?:修订|修正)?|试行|暂行|修订稿|征求意见稿)\s*[）)]"
)


def _looks_like_furniture(text: str) -> bool:
    return (
        0 < len(_key(text)) <= MAX_FURNITURE_CHARS
        and not _PROSE_PUNCTUATION.search(_TITLE_NOTE.sub("", text))
        and find_marker(text) is None
        and not is_document_number_line(text)
    )


def _is_table_header(text: str) -> bool:
    """Several short column names: "类别 目标 单位 2018 年 2019 年 牵头单位" (but not a
    date printed with spaces, "2018 年 1 月 26 日")."""
    cells = text.split()
    return (
        len(cells) >= MIN_HEADER_COLUMNS
        and all(len(c) <= 8 for c in cells)
        and sum(1 for c in cells if len(c) >= 2 and not c.isdigit()) >= MIN_HEADER_COLUMNS - 1
        and not _SENTENCE_PUNCTUATION.search(text)
        and not DATE_LINE.match(text)
    )


def _is_cell(line: Line) -> bool:
    text = line.text
    return len(_key(text)) <= MAX_CELL_CHARS and not _SENTENCE_PUNCTUATION.search(text) and find_marker(text) is None


def find_tables(lines: list[Line]) -> list[list[Line]]:
    """Tables flattened by extraction: a header line naming several short columns
    ("类别 目标 单位 2018 年 2019 年 牵头单位"), an optional caption line just above it,
    and the cell lines that follow until prose resumes."""
    tables: list[list[Line]] = []
    i = 0
    while i < len(lines):
        if not _is_table_header(lines[i].text):
            i += 1
            continue
        start = i
        if i > 0 and _looks_like_caption(lines[i - 1]) and not (tables and tables[-1][-1] is lines[i - 1]):
            start = i - 1
        j = i + 1
        while j < len(lines) and _is_cell(lines[j]) and not (lines[j].indented and j > i + 1):
            j += 1
        tables.append(lines[start:j])
        i = j
    return tables


def _looks_like_caption(line: Line) -> bool:
    text = line.text
    return len(_key(text)) <= MAX_CAPTION_CHARS and not _PROSE_PUNCTUATION.search(text) and find_marker(text) is None


def find_furniture(lines: list[Line], in_table: set[int]) -> set[int]:
    """Line numbers of page furniture.

    - page numbers ("33", "8 9", "- 12 -") outside tables;
    - short non-prose lines printed again and again (running headers and footers);
    - short non-prose lines standing next to a page number (a header printed once, or
      the running title of a compilation's member document) — unless a 文号 follows,
      which makes them a real title;
    - the source notes a file opens with (a database's 【法宝引证码】 line, 原文链接：https://…),
      which are no part of the document (an address inside the text stays).
    """
    furniture: set[int] = set()
    counts = Counter(_key(line.text) for line in lines if line.number not in in_table)
    for line in lines:
        if not SOURCE_NOTE.search(line.text) or line.number in in_table:
            break
        furniture.add(line.number)
    for i, line in enumerate(lines):
        if line.number in in_table:
            continue
        if PAGE_NUMBER.match(line.text):
            furniture.add(line.number)
            for step in (-1, 1):
                for k in range(1, FURNITURE_REACH + 1):
                    j = i + step * k
                    if not 0 <= j < len(lines) or lines[j].number in in_table:
                        break
                    near = lines[j]
                    if not _looks_like_furniture(near.text) or _number_follows(lines, j):
                        break
                    furniture.add(near.number)
        elif counts[_key(line.text)] >= 3 and _looks_like_furniture(line.text):
            furniture.add(line.number)
    return furniture


def _number_follows(lines: list[Line], i: int) -> bool:
    return any(is_document_number_line(line.text) for line in lines[i + 1 : i + 4])


# An item number printed inside a line, right after a finished sentence: texts saved
# without line breaks run their items on ("…予以支持。（二）加强…", "。第三条 …").
_RUN_IN_ITEM = re.compile(
    f"(?<=[{CLAUSE_STOPS}])" r"\s*(?=" + DIVISION + r"|[一二三四五六七八九十]+、(?![一二三四五六七八九十][、，])"
    r"|[（(][一二三四五六七八九十]+[）)]|[（(]\d{1,2}[）)]|\d{1,2}[．.、](?![\d、．.])|——)"
)


# A heading run into its first item: "一、总体要求（一）基本原则。", "第二章 政策措施 第一条 …".
_HEADING_RUN_INTO_ITEM = re.compile(
    f"(?:^|(?<=[{CLAUSE_STOPS}]))" r"\s*(?:[一二三四五六七八九十]+、|" + CHAPTER_OR_SECTION + r")[^。；，,;：:（(\d]{1,25}?"
    r"\s*(?=[（(][一二三四五六七八九十]+[）)]|" + ARTICLE_NUMBER + r")"
)


# After a closing bracket (a responsibility note "（责任单位：…）" ends items) only the
# Chinese item numbers count: "（1）" after a bracket is more often an inline list.
_RUN_IN_AFTER_BRACKET = re.compile(
    r"(?<=[）)])\s*(?=" + DIVISION + r"|[一二三四五六七八九十]+、(?![一二三四五六七八九十][、，])"
    r"|[（(][一二三四五六七八九十]+[）)])"
)


def split_run_in_items(lines: list[Line]) -> list[Line]:
    """Cut lines where an item number follows a finished sentence or a heading, so every
    item starts a line of its own (each piece keeps its offsets and physical line number)."""
    out: list[Line] = []
    for line in lines:
        cuts = {m.start() for m in _RUN_IN_ITEM.finditer(line.text) if m.start() > 0}
        cuts |= {m.end() for m in _RUN_IN_AFTER_BRACKET.finditer(line.text) if 0 < m.end() < len(line.text)}
        cuts |= {m.end() for m in _HEADING_RUN_INTO_ITEM.finditer(line.text) if m.end() < len(line.text)}
        if not cuts:
            out.append(line)
            continue
        bounds = [0, *sorted(cuts), len(line.text)]
        for a, b in zip(bounds, bounds[1:]):
            piece = line.text[a:b]
            lead = len(piece) - len(piece.lstrip())
            piece = piece.strip()
            if piece:
                start = line.start + a + lead
                out.append(Line(number=line.number, start=start, end=start + len(piece), text=piece, indented=line.indented if a == 0 else False))
    return out


def classify(lines: list[Line]) -> Layout:
    """Sort the non-blank lines of a file into content, furniture and tables."""
    nonblank = [line for line in lines if line.text]
    tables = find_tables(nonblank)
    in_table = {line.number for table in tables for line in table}
    furniture = find_furniture(nonblank, in_table)
    layout = Layout(tables=tables)
    for line in nonblank:
        if line.number in furniture:
            layout.furniture.append(line)
        elif line.number not in in_table:
            layout.content.append(line)
    return layout
