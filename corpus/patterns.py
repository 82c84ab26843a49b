"""Named, compiled patterns for the printed structure of Chinese policy texts: item
numbering, page furniture and sentence ends. One home for each, so cleaning, clause
splitting and later stages read the same way (examples in tests/test_patterns.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


# Chinese numerals in either script (兩 and 萬 are the Traditional 两 and 万).
CN_DIGITS = "零〇一二三四五六七八九十百千万两兩萬"
_CN = f"[{CN_DIGITS}]+"
_TO_SIMPLIFIED_DIGITS = str.maketrans("兩萬", "两万")
# The divisions of a law, in either script: 编/編, 章, 节/節, 条/條.
ARTICLE_NUMBER = rf"第(?:{_CN}|\d+)[条條]"
CHAPTER_OR_SECTION = rf"第(?:{_CN}|\d+)[章节節]"
DIVISION = rf"第(?:{_CN}|\d+)[编編章节節条條]"
# An article inserted by a later amendment keeps its neighbour's number: 第二百三十六条之一.
_INSERTED = r"(?:之([一二三四五六七八九十]+))?"

# Markdown decoration around a heading line: "### 第三章 …", "**一、总体要求**".
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s*")
BOLD = re.compile(r"\*\*")

# Item numbering, outermost kinds first. Each pattern matches at the start of a line
# (after markdown decoration) and captures the number. Half-width brackets and
# punctuation are accepted as well as full-width ones.
MARKERS: list[tuple[str, re.Pattern[str]]] = [
    # back-matter: "附件：…", "附件1", "附件一：…", "附表" — the label alone or followed by a colon
    # ("附件所列的…" is prose)
    ("attachment", re.compile(rf"^附\s*[件表录]\s*(\d{{1,2}}|{_CN})?\s*(?:[：:]|$)")),
    ("part", re.compile(rf"^第({_CN}|\d+)[编編]")),
    ("chapter", re.compile(rf"^第({_CN}|\d+)章")),
    ("section", re.compile(rf"^第({_CN}|\d+)[节節]")),
    ("article", re.compile(rf"^第({_CN}|\d+)[条條]{_INSERTED}")),
    ("cn", re.compile(rf"^({_CN})[、．.](?![{CN_DIGITS}][、，])")),  # 一、 but not 一、二、三
    ("cn_paren", re.compile(rf"^[（(]({_CN})[）)]")),  # （一）
    ("arabic", re.compile(r"^(\d{1,3})(?:[、．.])(?![\d、．.])")),  # 1. 1、 but not 1.5 or 1、2
    ("arabic_paren", re.compile(r"^[（(](\d{1,3})[）)]")),  # （1）
    ("circled", re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])")),
    ("dash", re.compile(r"^(——|－－|--)(?!—)")),  # —— bullet
]

# Sentence ends, in both widths. FULL_STOPS end a sentence; CLAUSE_STOPS also end a clause
# of one (；); SENTENCE_END adds the colon that ends a lead-in ("有下列情形之一的："), so a
# unit ending with any of them is complete. Patterns build their classes from these.
FULL_STOPS = "。！？!?"
CLAUSE_STOPS = FULL_STOPS + "；;"
SENTENCE_END = CLAUSE_STOPS + "：:"
CLAUSE_STOP = re.compile(f"[{CLAUSE_STOPS}]")
CLOSERS = "”’」』）)】》"

# A bare page number, or the two numbers of a printed spread ("8 9", "52 53"),
# or common decorated forms ("- 12 -", "第 3 页", "3/20").
PAGE_NUMBER = re.compile(
    r"^(?:[-－—–]\s*)?\d{1,4}(?:\s*[-－—–])?$|^\d{1,4}\s+\d{1,4}$|^第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?$|^\d{1,4}\s*/\s*\d{1,4}$"
)

# 文号: 穗府〔2018〕9号, 穗府办函〔2018〕105 号, 穗府辦〔2022〕19號, 穗府[2018]9号.
DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d{1,4})\s*[号號]")


_WHITE_SPACE = re.compile(r"\s+")


def is_document_number_line(text: str) -> bool:
    """A line that is a 文号 and nothing else, spaces and surrounding brackets aside:
    "穗府〔2018〕9 号", "（穗府办函〔2018〕105号）". The one test that cleaning, layout and
    document splitting use.

    >>> is_document_number_line("穗府〔2018〕9 号"), is_document_number_line("根据穗府〔2018〕9号，")
    (True, False)
    """
    return DOCUMENT_NUMBER.fullmatch(_WHITE_SPACE.sub("", text).strip("（）()")) is not None


# A line that is only a date: the signature date under a document.
DATE_LINE = re.compile(r"^(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*[\d〇一二三四五六七八九十]{1,3}\s*月\s*[\d〇一二三四五六七八九十]{1,3}\s*日$")


@dataclass(frozen=True)
class Marker:
    """The numbering at the start of a line: its kind, printed label and value."""

    kind: str
    label: str  # as printed, e.g. "（十一）", "第十二条", "3."
    value: int | None  # 11, 12, 3; None for bullets and an unnumbered 附件
    end: int  # offset in the line where the item's own text starts
    inserted: int = 0  # 1 for 第二百三十六条之一: inserted after article 236 by an amendment


def chinese_number(text: str) -> int | None:
    """Value of a numeral as printed in a document: Arabic digits or Chinese numerals of any
    size (十一 → 11, 一百零五 → 105, 一千二百零三 → 1203, 两百 → 200, 二〇一八 → 2018);
    None when text is not a numeral. Chinese numerals go through cn2an (its "normal"
    mode reads 两, 〇 and digit-by-digit years, which "strict" refuses)."""
    if text.isdigit():
        return int(text)
    return _cn2an(text.translate(_TO_SIMPLIFIED_DIGITS))


@lru_cache(maxsize=4096)
def _cn2an(text: str) -> int | None:
    import cn2an  # imported when first needed, as in kg.extract.amounts: ~0.3 s that readers of a build never use

    try:
        value = cn2an.cn2an(text, "normal")
    except ValueError:
        return None
    return int(value) if value == int(value) else None


def strip_decoration(line: str) -> tuple[str, int]:
    """Remove markdown heading hashes and bold stars; return the text and the heading level
    (0 when the line is not a markdown heading)."""
    level = 0
    m = MARKDOWN_HEADING.match(line)
    if m:
        level = len(m.group(1))
        line = line[m.end():]
    return BOLD.sub("", line).strip(), level


def find_marker(line: str) -> Marker | None:
    """The item numbering a (decorated or plain) line starts with, if any.

    >>> find_marker("（十一）推进基本医疗保险").label
    '（十一）'
    >>> find_marker("1.5%（年利率）") is None
    True
    """
    text, _ = strip_decoration(line)
    for kind, pattern in MARKERS:
        m = pattern.match(text)
        if not m:
            continue
        value = chinese_number(m.group(1)) if kind not in ("circled", "dash") and m.group(1) else None
        if kind == "circled":
            value = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(m.group(1)) + 1
        inserted = chinese_number(m.group(2)) or 0 if kind == "article" and m.group(2) else 0
        return Marker(kind=kind, label=m.group(0), value=value, end=m.end(), inserted=inserted)
    return None


def is_sentence_end(text: str) -> bool:
    """Whether text ends a sentence: 。！？； possibly followed by closing quotes or brackets,
    or a closing bracket that balances the text's brackets ("…（责任单位：市财政局）")."""
    stripped = text.rstrip(CLOSERS + " ")
    if stripped and stripped[-1] in SENTENCE_END:
        return True
    if text.endswith(("）", ")")):
        return open_brackets(text) == 0
    return False


def open_brackets(text: str) -> int:
    """How many round brackets are opened and not yet closed in text (never below zero)."""
    depth = 0
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
    return depth


def unmatched_close_before_open(text: str) -> int | None:
    """Offset of the first closing bracket that closes nothing opened in text, if any:
    a line starting "工商局配合）" continues a bracket opened elsewhere."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            if depth == 0:
                return i
            depth -= 1
    return None
