"""Named, compiled patterns for the printed structure of Chinese policy texts: item
numbering, page furniture and sentence ends. One home for each, so cleaning, clause
splitting and later stages read the same way (examples in tests/test_patterns.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Chinese numerals in either script (兩 and 萬 are the Traditional 两 and 万).
CN_DIGITS = "零〇一二三四五六七八九十百千万两兩萬"
_CN = f"[{CN_DIGITS}]+"
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


# A note on where a text was taken from, which legal databases and web copies print above
# it ("【法宝引证码】 CLI.12.748997", "原文链接：https://…"): a bracketed label or a web address.
SOURCE_NOTE = re.compile(r"^【[^】]{1,12}】|https?://|www\.")

# A line that is only a date: the signature date under a document. Year digits written one
# by one take 〇 or a circle ○ for zero (二○一二年).
DATE_LINE = re.compile(r"^(\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d〇一二三四五六七八九十]{1,3}\s*月\s*[\d〇一二三四五六七八九十]{1,3}\s*日$")


@dataclass(frozen=True)
class Marker:
    """The numbering at the start of a line: its kind, printed label and value."""

    kind: str
    label: str  # as printed, e.g. "（十一）", "第十二条", "3."
    value: int | None  # 11, 12, 3; None for bullets and an unnumbered 附件
    end: int  # offset in the line where the item's own text starts
    inserted: int = 0  # 1 for 第二百三十六条之一: inserted after article 236 by an amendment


# Numerals as printed. ARABIC takes digits with thousands commas and a decimal point; a
# MAGNITUDE may follow it (1.2万亿, 500万, 10亿).
ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
MAGNITUDE = r"(?:万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|百)"
_MAGNITUDES = {
    "万亿": Decimal(10) ** 12, "千亿": Decimal(10) ** 11, "百亿": Decimal(10) ** 10, "十亿": Decimal(10) ** 9,
    "亿": Decimal(10) ** 8, "千万": Decimal(10) ** 7, "百万": Decimal(10) ** 6, "十万": Decimal(10) ** 5,
    "万": Decimal(10) ** 4, "千": Decimal(10) ** 3, "百": Decimal(10) ** 2,
}
_ARABIC_AMOUNT = re.compile(rf"({ARABIC})({MAGNITUDE})?")
# A Chinese decimal with a magnitude after it: 二十二点五万 (cn2an reads 二十二点五, not the 万).
_CHINESE_DECIMAL_AMOUNT = re.compile(r"(.+点.+?)(万亿|亿|万)")
# 兩/萬 are the Traditional 两/万; ○ (a circle) is printed for 〇 in years (二○一八).
_TO_CN2AN = str.maketrans("兩萬○", "两万〇")


@lru_cache(maxsize=4096)
def numeral_value(text: str) -> Decimal | None:
    """The value of a numeral as printed, or None when text is not one.

    Chinese numerals of any size go through cn2an in its "normal" mode, which reads 两, 〇
    and digit-by-digit years ("strict" refuses them). Two forms stay ours, because cn2an
    does not read them the same (tests/test_patterns.py measures both): Arabic digits with
    an optional magnitude, read exactly as a Decimal (cn2an refuses 2,000, 1.2万亿, 1.5千万
    and answers 2000 as a float), and a Chinese decimal before its magnitude (二十二点五万).

    >>> [numeral_value(t) for t in ("1.2万亿", "一千二百零三", "两百万", "二○二三", "百强")]
    [Decimal('1200000000000.0'), Decimal('1203'), Decimal('2000000'), Decimal('2023'), None]
    """
    raw = re.sub(r"\s+", "", text)
    m = _ARABIC_AMOUNT.fullmatch(raw)
    if m:
        value = Decimal(m.group(1).replace(",", ""))
        return value * _MAGNITUDES[m.group(2)] if m.group(2) else value
    return _cn2an(raw.translate(_TO_CN2AN))


@lru_cache(maxsize=4096)
def _cn2an(text: str) -> Decimal | None:
    """cn2an's reading of a Chinese numeral; None where it refuses one. Imported when first
    needed: importing cn2an costs more than the rest of a CLI search's start."""
    import cn2an

    m = _CHINESE_DECIMAL_AMOUNT.fullmatch(text)
    if m:
        head = _cn2an(m.group(1))
        return None if head is None else head * _MAGNITUDES[m.group(2)]
    try:
        return Decimal(str(cn2an.cn2an(text, "normal")))
    except (ValueError, InvalidOperation, KeyError, IndexError):  # what cn2an raises for a non-numeral
        return None


def chinese_number(text: str) -> int | None:
    """The whole number a numeral stands for, as item numbers, dates and periods print it
    (十一 → 11, 一千二百零三 → 1203, 两百 → 200, 二〇一八 → 2018, 12 → 12); None when text
    is not a whole numeral."""
    if text.isdecimal():  # most item numbers: the quick way
        return int(text)
    value = numeral_value(text)
    return int(value) if value is not None and value == int(value) else None


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


# How far back a break looks for the round bracket it may stand inside: further back than a
# bracketed note (（含）, （责任单位：…）) runs, an open bracket is a stray one.
BRACKET_LOOKBACK = 60


def phrase_start(text: str, pos: int, floor: int, breaks: re.Pattern[str], *, bracketed: bool = False) -> int:
    """Where the phrase holding ``pos`` starts: right after the last ``breaks`` character
    before it, or ``floor``. With ``bracketed``, a break inside round brackets does not end
    the phrase (the award read around ``（含）、…``). Awards, targets and conditions read a
    number with the words of its phrase.

    >>> phrase_start("对于企业，营业收入达到1亿元", 13, 0, re.compile("[，。]"))
    5
    """
    for i in range(pos - 1, floor - 1, -1):
        if breaks.match(text[i]) and not (bracketed and _in_brackets(text, i)):
            return i + 1
    return floor


def phrase_end(text: str, pos: int, ceiling: int, breaks: re.Pattern[str], *, bracketed: bool = False) -> int:
    """Where the phrase holding ``pos`` ends: at the first ``breaks`` character from it on,
    or ``ceiling`` (``phrase_start``'s other end)."""
    for i in range(pos, ceiling):
        if breaks.match(text[i]) and not (bracketed and _in_brackets(text, i)):
            return i
    return ceiling


def _in_brackets(text: str, pos: int) -> bool:
    return open_brackets(text[max(0, pos - BRACKET_LOOKBACK) : pos]) > 0


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
