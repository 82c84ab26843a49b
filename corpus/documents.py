"""Split one source file's content lines into policy documents and read their metadata.

A file may hold one document, a notice with the plan it issues (still one document), or a
compilation of several members. Clause splitting, copy detection and the graph all need to
know which document a line belongs to and what that document is (title, 文号, issuer, date,
validity), so this is decided once, here, from general layout rules:

1. A *title block* is one to three short lines ending in a document-type word (通知, 意见,
   方案, 计划, 办法, 导则 …), optionally followed by a year-range line ("（2018-2022 年）").
   It counts when a 文号 line or an addressee line ("各区人民政府，市政府各部门：") follows
   within ``ANCHOR_WINDOW`` lines, or, for a title that looks complete on its own, when it
   is a markdown heading / bold line or the first line of the file. A title printed again
   right under itself (a web page's heading over the document's own) is one title. A title
   cited in a sentence (《…》 not right after 印发/转发/关于) is never a title block.
2. Every title block starts a document; the lines before the first one form a first document.
3. A title block belongs to the document before it (its lines go to that header) when it
   repeats that document's title before any body text, or when it is the plan that
   document's notice issues (印发《X》 / 关于印发X的通知). A first document made only of header
   lines (a 文号 or "XX文件" banner above the title) joins the next one.
4. A first document without a title takes a running title from the page furniture printed
   over its lines (``title_source="running-title"``), else the file name without its
   numeric prefix (``title_source="file-name"``).

Header lines are the title blocks; the 文号, addressee, date and letterhead lines that open
the document or stand within ``ANCHOR_WINDOW`` lines under a title; signatures (issuer
lines directly above a date line, or a date line alone right above the plan the notice
issues); and the attached plan's own title. Everything else is body, in the reading order
given.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from policykg.corpus.convert import nfkc_safe, normalize, script_of, simplified_characters, to_simplified
from policykg.corpus.models import Clause, Document, Line, Span
from policykg.corpus.patterns import CLAUSE_STOPS, CN_DIGITS, FULL_STOPS, DOCUMENT_NUMBER, chinese_number, find_marker, is_document_number_line, strip_decoration

__all__ = [
    "DocumentPart",
    "content_sketch",
    "document_number",
    "document_sketches",
    "find_validity",
    "link_copies",
    "parse_date",
    "split_documents",
    "title_key",
    "work_key",
]

# A printed title wraps onto at most three lines (plus a year-range line).
MAX_TITLE_LINES = 3
# A longer line is prose, or a whole paragraph on one line, not a title line.
MAX_TITLE_LINE_CHARS = 60
# The longest real titles ("XX关于印发XX（2022—2025年）的通知") stay well below this.
MAX_TITLE_CHARS = 120
# Shorter "titles" ending in 措施/方案 are section headings ("保障措施").
MIN_TITLE_CHARS = 6
# A title with no 文号 or addressee after it must look like a full title, not a heading.
MIN_UNANCHORED_TITLE_CHARS = 10
# The 文号 or addressee line follows its title within this many lines.
ANCHOR_WINDOW = 3
# A signature line names one or a few issuing bodies.
MAX_ISSUER_CHARS = 40
# A notice's 印发 sentence is in its first body lines (before any signature), even when
# PDF extraction wraps it at twenty characters a line.
NOTICE_LINES = 8
# Two furniture lines at most this many physical lines apart may form one running title.
MAX_FURNITURE_GAP = 3
# A one-line document prints its title and 文号 within this many characters of the start.
INLINE_HEADER_REACH = MAX_TITLE_CHARS + 40

# The word a document title ends with: 通知, 实施意见, 行动计划, 导则 …
_TITLE_END = re.compile(
    r"(?:通知|通告|公告|意见|方案|计划|规划|纲要|办法|规定|导则|细则|措施|决定|条例|规则|指引|指南"
    r"|批复|复函|的函|要点|若干政策)$"
)
# A year range closing a title: "（2018-2022 年）", "(2022—2025年)".
_YEAR_RANGE = r"[（(]\s*\d{4}\s*年?\s*[-—–－~～至到]{1,2}\s*\d{4}\s*年?\s*[）)]"
_YEAR_RANGE_END = re.compile(_YEAR_RANGE + r"$")
_YEAR_RANGE_LINE = re.compile(r"^" + _YEAR_RANGE + r"$")
# Punctuation that never occurs inside a title line.
_NOT_IN_TITLE = re.compile(r"[。；;！!？?，,：:]")
# 《 in a title names what the title issues or implements (关于印发《…》的通知, 关于贯彻落实
# 《…》的实施意见); anywhere else it cites another document inside a sentence.
_ISSUING_VERB = ("印发", "转发", "发布", "颁布")
# Attachment labels and official-letterhead banners ("广州市人民政府文件") are not titles.
# The banner is read on the printed text: OpenCC's Taiwan-phrase profile turns 文件 into 文档.
_ATTACHMENT_LABEL = re.compile(r"^附[件表录]")
_BANNER = re.compile(r"^[^。；，：]{2,40}文件$")
# Pairs that a whole title keeps balanced.
_PAIRS = ("“”", "《》", "（）", "()", "〔〕", "[]")

# Addressee: "各区人民政府，市政府各部门、各直属机构：" — a list of bodies ending in a colon.
_ADDRESSEE = re.compile(r"^(?P<names>[^。；;！!？?]{2,80})[：:]$")
_NAME_SEPARATOR = re.compile(r"[，,、；;]")
_ADDRESSEE_NAME_END = re.compile(
    r"(?:人民政府|政府|部门|单位|机构|局|委|办|厅|处|室|院|校|公司|集团|企业|中心|协会|组织|街道|镇|乡|村|区|县|市)$"
)
# An issuing body, as signed under a document or named before 关于 in its title.
_ORG_END = re.compile(r"(?:人民政府|政府|办公厅|办公室|委员会|管委会|领导小组|局|委|厅|署|院|部|办|中心)$")
_TITLE_ISSUER = re.compile(r"^(?P<issuer>.+?)(?:关于|印发|转发)")
# The plan a notice issues: "…关于印发广州市XX计划（2018—2022年）的通知" → the plan's title.
_ISSUED_PLAN = re.compile(r"(?:印发|转发|颁布|发布)(?P<plan>.+?)的?(?:通知|决定)$")
_CITED = re.compile(r"《(?P<title>[^《》]{2,120})》")
# A sentence that issues what it cites: "现将《…》印发给你们", "《…》已经市人民政府同意，现印发给你们".
_PROMULGATION = re.compile(r"印发给|转发给|现予?印发|予以印发|现予?发布|予以发布")
_SENTENCE_SPLIT = re.compile(f"[{FULL_STOPS}]")

# Dates: "2018 年 1 月 26 日", "二〇一八年一月二十六日", "2018-01-26".
# Year digits written one by one: 二〇一八, 二○一八 (a circle), 二O一八 (a letter, read as 〇).
_YEAR_DIGITS = "〇○零Oo一二三四五六七八九"
_LETTER_ZERO = str.maketrans("Oo", "〇〇")
_CN_SMALL = "一二三四五六七八九十"
_DATE = re.compile(
    rf"(?P<y>\d{{4}}|[{_YEAR_DIGITS}]{{4}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN_SMALL}]{{1,2}})\s*月"
    rf"\s*(?P<d>\d{{1,2}}|[{_CN_SMALL}]{{1,3}})\s*日"
)
_NUMERIC_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?!\d)")
_DATE_BRACKETS = "（）() "

# Validity, read from normalised text (spaces next to Chinese removed); a notice that extends
# a rule says 有效期延长至… (顺延至, 延续至).
_VALID_UNTIL = re.compile(
    r"有效期限?(?:为|是)?(?:自[^，。；]{1,20}?)?(?:延长|顺延|延续)?(?:至|到|截至|截止到?)(?P<date>" + _DATE.pattern + r")止?"
)
_VALID_FOR = re.compile(rf"有效期限?(?:为|是)?(?P<n>\d{{1,2}}|[{CN_DIGITS}]{{1,3}})(?P<unit>年|个月)")
_IN_FORCE = re.compile(r"自(?P<start>[^，。；：]{1,20}?)起[^，。；：]{0,8}?(?:施行|实施|执行|生效)")
# A period in force stated without 有效期: "本办法自2012年2月1日至2017年1月31日施行".
_IN_FORCE_UNTIL = re.compile(
    r"自(?:" + _DATE.pattern.replace("?P<y>", "?:").replace("?P<m>", "?:").replace("?P<d>", "?:") + r")起?"
    r"(?:至|到)(?P<date>" + _DATE.pattern + r")止?(?:施行|实施|执行|有效)"
)

# Words that precede a cited 文号 in a sentence and are not part of it: 根据国发〔2016〕48号.
_CITING_WORD = re.compile(r"^(?:根据|按照|依据|参照|依照|对照|详见|见)")
_NUMBER_PREFIX = re.compile(r"^[\u4e00-\u9fff]+")

# A signature run into the text of a document printed on one line: "…组织实施。广州市人民政府
# 2018年3月22日 …"; the date must not go on as a sentence ("2018年3月1日起").
_INLINE_SIGNATURE = re.compile(
    r"(?:^|[。！；\s])(?P<issuer>[^\s。；，、：:“”《》（）()]{2,30}?" + _ORG_END.pattern.rstrip("$") + r")"
    r"\s*(?P<date>\d{4}年\d{1,2}月\d{1,2}日)(?![前起至后以到止内，、的])"
)
_FILE_PREFIX = re.compile(r"^\d+_")
_WHITE_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_OPEN_TITLE_QUOTE = re.compile("《")
# Pieces of a document printed on one line: the bracket opening its 文号, the colon closing
# its addressee, and the addressee itself.
_NUMBER_BRACKET = re.compile(r"[〔\[［【(（]")
_COLON = re.compile(r"[：:]")
_INLINE_ADDRESSEE = re.compile(r"[^。；;！!？?：:]{2,80}[：:]")
_DASHES = re.compile(r"[-—–－‐‑~～]+")
_BRACKET_FOLD = str.maketrans({"（": "(", "）": ")", "〔": "[", "〕": "]", "［": "[", "］": "]", "【": "[", "】": "]"})


@dataclass
class DocumentPart:
    """One document of a source file: its metadata, body lines and header lines."""

    document: Document
    body: list[Line]  # content lines of this document, reading order, header lines removed
    header: list[Line] = field(default_factory=list)  # title, 文号, addressee, signature lines


@dataclass
class _Info:
    """A content line with what the rules need to know about it."""

    line: Line
    text: str  # normalised, markdown decoration removed
    kind: str  # "number", "date", "year-range", "addressee", "issuer" or "text"
    decorated: bool  # a markdown heading or bold line

    @property
    def is_banner(self) -> bool:
        """The letterhead printed above a 文号: "广州市人民政府文件"."""
        return _BANNER.match(strip_decoration(self.line.text)[0]) is not None

    @property
    def is_title_line(self) -> bool:
        """Could be one line of a printed title."""
        return (
            self.kind in ("text", "issuer", "year-range")
            and 0 < len(self.text) <= MAX_TITLE_LINE_CHARS
            and not _NOT_IN_TITLE.search(self.text)
            and not _ATTACHMENT_LABEL.match(self.text)
            and find_marker(self.text) is None
        )


@dataclass
class _Draft:
    """A document being assembled: a contiguous range of content lines."""

    start: int
    end: int
    title: str | None = None
    title_lines: set[int] = field(default_factory=set)


# ---------------------------------------------------------------------------- public helpers


def parse_date(text: str) -> str | None:
    """The first valid date in text, as an ISO string.

    Accepts Arabic or Chinese numerals and the spaces PDF extraction leaves:

    >>> parse_date("2018 年 1 月 26 日"), parse_date("二〇一八年一月二十六日")
    ('2018-01-26', '2018-01-26')
    """
    text = nfkc_safe(text)
    for pattern in (_DATE, _NUMERIC_DATE):
        for m in pattern.finditer(text):
            value = _make_date(m.group("y"), m.group("m"), m.group("d"))
            if value is not None:
                return value.isoformat()
    return None


def document_number(text: str) -> str | None:
    """The first 文号 in text, normalised: Simplified, no spaces, 〔〕 brackets.

    The issuing-body prefix is the run of Chinese characters before the bracket, so pass a
    文号 line (or a short phrase), not a sentence.

    >>> document_number("穗府辦〔2022〕19號"), document_number("穗府[2018]9 号")
    ('穗府办〔2022〕19号', '穗府〔2018〕9号')
    """
    m = DOCUMENT_NUMBER.search(normalize(text))
    prefix = _NUMBER_PREFIX.match(m.group(0)) if m is not None else None
    if m is None or prefix is None:
        return None
    issuer = _CITING_WORD.sub("", prefix.group(0))
    if not issuer:
        return None
    return f"{issuer}〔{m.group(1)}〕{int(m.group(2))}号"


def find_validity(text: str, issued: str | None) -> tuple[str | None, str | None]:
    """(validity as stated, last valid day as ISO date) of a document's text.

    "有效期至2025年12月31日" gives that date. "有效期5年" counts from the date named in an
    "自…起施行" phrase, else from ``issued``, and ends the day before the anniversary (a
    five-year policy issued 2018-01-26 is valid through 2023-01-25). "自印发之日起施行" alone is
    stated with no end date. When several are printed, the last one wins: the 附则 closes a text.

    >>> find_validity("本意见自印发之日起施行，有效期 3 年。", "2018-08-28")
    ('有效期3年', '2021-08-27')
    """
    text = normalize(text)
    until = _last(_VALID_UNTIL.finditer(text)) or _last(_IN_FORCE_UNTIL.finditer(text))
    if until is not None:
        return until.group(0), parse_date(until.group("date"))
    period = _last(_VALID_FOR.finditer(text))
    in_force = _last(_IN_FORCE.finditer(text))
    if period is not None:
        start = parse_date(in_force.group("start")) if in_force is not None else None
        start = start or issued
        count = chinese_number(period.group("n"))
        if start is None or count is None:
            return period.group(0), None
        months = count * 12 if period.group("unit") == "年" else count
        return period.group(0), _end_of_period(date.fromisoformat(start), months).isoformat()
    if in_force is not None:
        return in_force.group(0), None
    return None, None


def title_key(title: str) -> str:
    """A title folded for comparison: normalised, no spaces, one dash, half-width brackets.

    >>> title_key("行动计划 （2018—2022 年）") == title_key("行动计划(2018-2022年)")
    True
    """
    text = _WHITE_SPACE.sub("", normalize(title))
    return _DASHES.sub("-", text).translate(_BRACKET_FOLD)


def work_key(number: str | None, title: str | None) -> str:
    """What copies of one work share: the 文号, else the folded title."""
    if number:
        return number
    if not title:
        raise ValueError("a document needs a number or a title to be identified")
    return title_key(title)


# Sentences shorter than this (after dropping punctuation) say nothing about a text.
MIN_SKETCH_SENTENCE_CHARS = 6
# How many sentence hashes stand for a text: the smallest ones (a bottom-k sketch), so two
# texts are compared in constant time and a document's sketch stays small.
SKETCH_SIZE = 64
# Texts whose sketches agree this much are one text: copies differ only in what printing,
# encoding and script do to them (a stray header, a wrapped line), not in their sentences.
COPY_SIMILARITY = 0.9
# A copy must have this many sentences to be recognised by its content alone.
MIN_SKETCH_SENTENCES = 3
# Candidate pairs share one of this many smallest hashes (each bucket holds only texts
# that could be copies, so linking stays near-linear in the number of documents).
SKETCH_BANDS = 4
_SENTENCE_END = re.compile(f"[{CLAUSE_STOPS}\n]")
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


def content_sketch(text: str) -> list[int]:
    """The ``SKETCH_SIZE`` smallest hashes of a text's sentences, read in one script (standard
    ``t2s``), NFKC, without spaces or punctuation: the same for a text saved in GBK and its
    Big5 Traditional copy, whatever their titles, line breaks or clause splitting.

    >>> content_sketch("本条例自公布之日起施行。有关部门应当加强监督。") == content_sketch("本條例自公佈之日起施行。 有關部門應當加強監督。")
    True
    """
    text = simplified_characters(unicodedata.normalize("NFKC", text)).lower()
    hashes = set()
    for sentence in _SENTENCE_END.split(text):
        words = _NOT_WORD.sub("", sentence)
        if len(words) >= MIN_SKETCH_SENTENCE_CHARS:
            hashes.add(zlib.crc32(words.encode("utf-8")))
    return sorted(hashes)[:SKETCH_SIZE]


def document_sketches(clauses: Iterable[Clause]) -> dict[str, list[int]]:
    """``content_sketch`` of each document's printed text (its clauses in reading order)."""
    pieces: dict[str, list[str]] = {}
    for clause in clauses:
        pieces.setdefault(clause.document, []).append(clause.text_original)
    return {doc_id: content_sketch("\n".join(texts)) for doc_id, texts in pieces.items()}


def _similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the sentence sets two bottom-k sketches stand for."""
    union = sorted(set(a) | set(b))[:SKETCH_SIZE]
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union) if union else 0.0


def link_copies(documents: list[Document], texts: dict[str, str], sketches: dict[str, list[int]] | None = None) -> None:
    """Mark documents that are copies of one work (in place).

    Copies share a 文号, or, when at least one of them has none, a folded title
    (``title_key``), or the same sentences (``sketches``: id -> ``content_sketch`` of its
    printed text; read in one script, so a GBK copy and a Big5 Traditional copy are one
    work even where their titles fold differently), unless both are dated and the dates
    differ (an amended version is another work). Each group gets one ``work`` id, every
    member lists the others in ``copies``, and exactly one is ``preferred``: the copy that
    is alone in its file (not a compilation member), then the one with the longer text
    (``texts``: id -> normalised text), then the smallest id.
    """
    parent = list(range(len(documents)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    by_number: dict[str, int] = {}
    by_title: dict[str, list[int]] = {}
    for i, doc in enumerate(documents):
        if doc.number:
            union(i, by_number.setdefault(doc.number, i))
        if doc.title:
            by_title.setdefault(title_key(doc.title), []).append(i)
    for members in by_title.values():
        unnumbered = [i for i in members if not documents[i].number]
        if unnumbered:
            for i in members:
                union(i, unnumbered[0])
    buckets: dict[int, list[int]] = {}
    for i, doc in enumerate(documents):
        sketch = (sketches or {}).get(doc.id, [])
        if len(sketch) >= MIN_SKETCH_SENTENCES:
            for h in sketch[:SKETCH_BANDS]:
                buckets.setdefault(h, []).append(i)
    for members in buckets.values():
        for n, i in enumerate(members):
            for j in members[n + 1 :]:
                a, b = documents[i], documents[j]
                if a.date and b.date and a.date != b.date:
                    continue
                if find(i) != find(j) and _similarity(sketches[a.id], sketches[b.id]) >= COPY_SIMILARITY:  # type: ignore[index]
                    union(i, j)

    groups: dict[int, list[int]] = {}
    for i in range(len(documents)):
        groups.setdefault(find(i), []).append(i)
    per_file = Counter(doc.file for doc in documents)
    for members in groups.values():
        docs = [documents[i] for i in members]
        numbers = sorted({doc.number for doc in docs if doc.number})
        work = _work_id(numbers[0] if numbers else work_key(None, docs[0].title))
        if len(docs) > 1:
            missing = [doc.id for doc in docs if doc.id not in texts]
            if missing:
                raise KeyError(f"no text given for documents {missing}; copies are ranked by text length")
        ranked = sorted(
            docs,
            key=lambda doc: (per_file[doc.file] != 1, -len(texts.get(doc.id, "")), doc.id),
        )
        for doc in docs:
            doc.work = work
            doc.copies = sorted(other.id for other in docs if other is not doc)
            doc.preferred = doc is ranked[0]


def split_documents(
    file_key: str, lines: list[Line], furniture: list[Line], *, encoding: str = "utf-8"
) -> list[DocumentPart]:
    """Split one file's content lines (reading order, furniture and blanks removed) into
    documents, following the rules in the module docstring.

    Lines are kept as given, except a long line that opens with a title and a 文号 or
    addressee (a document printed on one line): it is cut into those pieces, each a
    ``Line`` with its own offsets, so the header can be told from the body.
    """
    infos = [_describe(line) for original in lines for line in _split_inline_header(original)]
    if not infos:
        return []
    drafts = _assemble(infos)
    running = _running_titles(furniture)
    taken = {title_key(d.title) for d in drafts if d.title}
    parts: list[DocumentPart] = []
    seen_ids: Counter[str] = Counter()
    for draft in drafts:
        parts.append(_finish(draft, infos, file_key, encoding, running, taken, seen_ids))
    return parts


# ---------------------------------------------------------------------------- line reading


def _describe(line: Line) -> _Info:
    raw = line.text
    stripped, level = strip_decoration(raw)
    text = normalize(stripped)
    decorated = level > 0 or "**" in raw
    return _Info(line=line, text=text, kind=_kind(text), decorated=decorated)


def _kind(text: str) -> str:
    if is_document_number_line(text):
        return "number"
    if _is_date_line(text):
        return "date"
    if _YEAR_RANGE_LINE.match(text):
        return "year-range"
    if _is_addressee(text):
        return "addressee"
    if _is_issuer(text):
        return "issuer"
    return "text"


def _is_date_line(text: str) -> bool:
    """A line that is a date and nothing else, possibly in brackets."""
    inner = text.strip(_DATE_BRACKETS)
    return bool(inner) and (_DATE.fullmatch(inner) or _NUMERIC_DATE.fullmatch(inner)) is not None


def _is_addressee(text: str) -> bool:
    """A list of bodies ending in a colon, at least one of them 各…/有关…: "各区人民政府，
    市政府各部门、各直属机构：". "各区、各部门要做好以下工作：" is a sentence, not a list."""
    m = _ADDRESSEE.match(text)
    if m is None:
        return False
    names = [name for name in _NAME_SEPARATOR.split(m.group("names")) if name]
    return (
        bool(names)
        and any(name.startswith("各") or "有关" in name for name in names)
        and all(_ADDRESSEE_NAME_END.search(name) for name in names)
    )


def _is_issuer(text: str) -> bool:
    """A short line naming a body: "广州市人民政府办公厅", "广州市工业和信息化局"."""
    return (
        4 <= len(text) <= MAX_ISSUER_CHARS
        and _ORG_END.search(text) is not None
        and not _NOT_IN_TITLE.search(text)
        and not _DIGIT.search(text)
        and find_marker(text) is None
    )


def _looks_like_title(text: str) -> bool:
    """Joined title lines: the right length, a document-type word at the end (before any
    year range), balanced brackets and quotes, and no citation of another title."""
    if not MIN_TITLE_CHARS <= len(text) <= MAX_TITLE_CHARS:
        return False
    if not _TITLE_END.search(_YEAR_RANGE_END.sub("", text)) or _cites(text):
        return False
    return all(text.count(a) == text.count(b) for a, b in map(tuple, _PAIRS))


def _cites(text: str) -> bool:
    """Whether text cites a title the way a sentence does: "根据《…》制定的实施细则"."""
    for m in _OPEN_TITLE_QUOTE.finditer(text):
        before = text[: m.start()]
        if not (before.endswith(_ISSUING_VERB) or "关于" in before):
            return True
    return False


# ---------------------------------------------------------------------------- splitting


def _title_block(infos: list[_Info], i: int, stop: int | None = None) -> tuple[int, str] | None:
    """(end, title) of the longest title block starting at line i, if any."""
    stop = len(infos) if stop is None else stop
    for size in range(MAX_TITLE_LINES, 0, -1):
        end = i + size
        if end > stop or not all(info.is_title_line for info in infos[i:end]):
            continue
        text = "".join(info.text for info in infos[i:end])
        if end < stop and infos[end].kind == "year-range" and not _YEAR_RANGE_END.search(text):
            text += infos[end].text
            end += 1
        text = normalize(text)
        if _looks_like_title(text) and not _doubled(text):
            return _past_repeat(infos, end, stop, text), text
    return None


def _doubled(text: str) -> bool:
    """A title printed twice and read as one: "X的通知X的通知"."""
    half = len(text) // 2
    return len(text) % 2 == 0 and text[:half] == text[half:]


def _past_repeat(infos: list[_Info], end: int, stop: int, title: str) -> int:
    """The end of a title block, taking in the lines right under it that print the same
    title again (a web page's heading over the document's own title, which may wrap)."""
    key = title_key(title)
    for size in range(1, MAX_TITLE_LINES + 1):
        lines = infos[end : end + size]
        if end + size > stop or not all(info.is_title_line for info in lines):
            break
        if title_key("".join(info.text for info in lines)) == key:
            return end + size
    return end


def _anchored(infos: list[_Info], end: int) -> bool:
    """A 文号 or addressee line follows within ``ANCHOR_WINDOW`` lines, with only header-like
    lines (another title line, a date) in between."""
    for info in infos[end : end + ANCHOR_WINDOW]:
        if info.kind in ("number", "addressee"):
            return True
        if not (info.is_title_line or info.kind == "date"):
            return False
    return False


def _find_title_blocks(infos: list[_Info]) -> list[tuple[int, int, str]]:
    blocks: list[tuple[int, int, str]] = []
    i = 0
    while i < len(infos):
        found = _title_block(infos, i)
        if found is not None:
            end, title = found
            standalone = i == 0 or any(info.decorated for info in infos[i:end])
            if _anchored(infos, end) or (standalone and len(title) >= MIN_UNANCHORED_TITLE_CHARS):
                blocks.append((i, end, title))
                i = end
                continue
        i += 1
    return blocks


def _assemble(infos: list[_Info]) -> list[_Draft]:
    """Cut at title blocks, then merge the pieces rule 3 of the module docstring joins."""
    blocks = _find_title_blocks(infos)
    drafts: list[_Draft] = []
    first = blocks[0][0] if blocks else len(infos)
    if first > 0:
        drafts.append(_Draft(0, first))
    for n, (start, end, title) in enumerate(blocks):
        stop = blocks[n + 1][0] if n + 1 < len(blocks) else len(infos)
        piece = _Draft(start, stop, title, set(range(start, end)))
        previous = drafts[-1] if drafts else None
        if previous is not None and _belongs_to(previous, piece, infos):
            previous.end = piece.end
            previous.title_lines |= piece.title_lines
            if previous.title is None:
                previous.title = piece.title
        else:
            drafts.append(piece)
    return drafts


def _header_only(draft: _Draft, infos: list[_Info]) -> bool:
    """No body text yet: only title, 文号, date, addressee, issuer or banner lines."""
    return all(
        i in draft.title_lines or infos[i].kind != "text" or infos[i].is_banner
        for i in range(draft.start, draft.end)
    )


def _belongs_to(previous: _Draft, piece: _Draft, infos: list[_Info]) -> bool:
    key = title_key(piece.title or "")
    keys = {key, title_key(_YEAR_RANGE_END.sub("", piece.title or ""))}
    if previous.title and title_key(previous.title) == key and _header_only(previous, infos):
        return True
    if previous.title is None and _header_only(previous, infos):
        return True  # a banner or 文号 printed above the title
    return bool(keys & _issued_plans(previous, infos))


def _issued_plans(draft: _Draft, infos: list[_Info]) -> set[str]:
    """Title keys of the plans a notice issues: from its title (关于印发X的通知) and from the
    sentence of its notice text that cites and issues them (现将《X》印发给你们)."""
    titles: list[str] = []
    if draft.title:
        m = _ISSUED_PLAN.search(draft.title)
        if m:
            plan = m.group("plan")
            cited = [c.group("title") for c in _CITED.finditer(plan)]
            titles.extend(cited or [plan])
    body = [i for i in range(draft.start, draft.end) if i not in draft.title_lines and infos[i].kind == "text"]
    signature = _signatures(draft, infos)
    if signature:
        body = [i for i in body if i < min(signature)]
    notice = body[:NOTICE_LINES]
    text = "".join(infos[i].text for i in notice)
    for sentence in _SENTENCE_SPLIT.split(text):
        if _PROMULGATION.search(sentence):
            titles.extend(c.group("title") for c in _CITED.finditer(sentence))
    keys: set[str] = set()
    for title in titles:
        keys.add(title_key(title))
        keys.add(title_key(_YEAR_RANGE_END.sub("", title)))
    return keys


def _signatures(draft: _Draft, infos: list[_Info]) -> list[int]:
    """Positions of signature lines: issuer lines directly above a date line, and the date."""
    positions: list[int] = []
    for i in range(draft.start, draft.end):
        if infos[i].kind != "date":
            continue
        j = i - 1
        while j >= draft.start and infos[j].kind == "issuer" and j not in draft.title_lines:
            j -= 1
        if j < i - 1:
            positions.extend(range(j + 1, i + 1))
    return positions


def _attachment_title(draft: _Draft, infos: list[_Info], header: set[int]) -> set[int]:
    """Lines printing the title of the plan the notice issues (the attachment's own title)."""
    plans = _issued_plans(draft, infos)
    if not plans:
        return set()
    for i in range(draft.start, draft.end):
        if i in header:
            continue
        found = _title_block(infos, i, draft.end)
        if found is None:
            continue
        end, title = found
        if {title_key(title), title_key(_YEAR_RANGE_END.sub("", title))} & plans:
            return set(range(i, end))
    return set()


# ---------------------------------------------------------------------------- metadata


def _finish(
    draft: _Draft,
    infos: list[_Info],
    file_key: str,
    encoding: str,
    running: list[tuple[str, int]],
    taken: set[str],
    seen_ids: Counter[str],
) -> DocumentPart:
    positions = range(draft.start, draft.end)
    signature = _signatures(draft, infos)
    header = set(draft.title_lines) | set(signature)
    zone = _header_zone(draft, infos)
    header |= {i for i in zone if infos[i].kind in ("number", "addressee", "date") or infos[i].is_banner}
    header_dates = sorted(i for i in header if infos[i].kind == "date" and i not in signature)
    plan_title = _attachment_title(draft, infos, header)
    header |= plan_title
    undersigned = _date_above(plan_title, draft, infos) if not signature else None
    if undersigned is not None:
        header.add(undersigned)

    lines = [infos[i].line for i in positions]
    original = "".join(line.text for line in lines)
    span = Span(file_key, min(line.start for line in lines), max(line.end for line in lines))

    title, source = draft.title, "text"
    if title is None:
        title = _running_title_for(span, running, taken)
        source = "running-title"
    if title is None:
        title = normalize(_FILE_PREFIX.sub("", file_key))
        source = "file-name"

    numbers = [infos[i].text for i in sorted(zone) if infos[i].kind == "number"]
    number = document_number(numbers[0]) if numbers else None

    issuer, issued = _signature_metadata(signature, infos)
    inline = None if signature else _INLINE_SIGNATURE.search(normalize(original))
    if issuer is None and inline is not None:
        issuer = inline.group("issuer")
    if issuer is None:
        m = _TITLE_ISSUER.match(title) if source != "file-name" else None
        if m and _ORG_END.search(m.group("issuer")):
            issuer = m.group("issuer")
    if issued is None and header_dates:
        issued = parse_date(infos[header_dates[0]].text)
    if issued is None and inline is not None:
        issued = parse_date(inline.group("date"))
    if issued is None and undersigned is not None:
        issued = parse_date(infos[undersigned].text)

    validity, valid_until = find_validity(original, issued)
    doc_key = f"{file_key}|{number or title}"
    seen_ids[doc_key] += 1
    if seen_ids[doc_key] > 1:  # the same title twice in one file: keep ids distinct and stable
        doc_key = f"{doc_key}#{seen_ids[doc_key]}"
    document = Document(
        id="d" + _sha1(doc_key),
        file=file_key,
        title=title,
        title_source=source,
        number=number,
        issuer=issuer,
        date=issued,
        validity=validity,
        valid_until=valid_until,
        script=script_of(original),
        encoding=encoding,
        work=_work_id(work_key(number, title)),
        span=span,
    )
    return DocumentPart(
        document=document,
        body=[infos[i].line for i in positions if i not in header],
        header=[infos[i].line for i in positions if i in header],
    )


def _date_above(plan_title: set[int], draft: _Draft, infos: list[_Info]) -> int | None:
    """A date line alone right above the title of the plan a notice issues: the notice's
    date where no body is signed above it ("现予印发，请认真遵照执行。" / 二○一二年一月九日 /
    《…办法》)."""
    if not plan_title:
        return None
    above = min(plan_title) - 1
    return above if above >= draft.start and infos[above].kind == "date" else None


def _header_zone(draft: _Draft, infos: list[_Info]) -> set[int]:
    """Where a 文号, addressee or header date may stand: the lines opening the document
    before its first body text, and the ``ANCHOR_WINDOW`` lines after each title line. A
    文号 alone on a line further down is a wrapped citation, not the document's own."""
    zone: set[int] = set()
    for i in range(draft.start, draft.end):
        if i not in draft.title_lines and infos[i].kind == "text" and not infos[i].is_banner:
            break
        zone.add(i)
    for j in draft.title_lines:
        zone.update(range(j + 1, min(j + 1 + ANCHOR_WINDOW, draft.end)))
    return zone


def _signature_metadata(signature: list[int], infos: list[_Info]) -> tuple[str | None, str | None]:
    """Issuer(s) and date of the first signature: issuer lines joined with 、."""
    names: list[str] = []
    for i in signature:  # runs of issuer lines, each closed by its date line
        if infos[i].kind == "date":
            return "、".join(names), parse_date(infos[i].text)
        names.extend(_issuer_names(infos[i].line.text))
    return None, None


def _issuer_names(raw: str) -> list[str]:
    """Bodies on one signature line: joint issuers are separated by spaces, but a name broken
    by a stray space ("广州市人民政府 办公厅") is one body."""
    pieces = [normalize(piece) for piece in raw.split()]
    if len(pieces) > 1 and all(len(p) >= 5 and _ORG_END.search(p) for p in pieces):
        return pieces
    return [normalize(raw)]


def _running_titles(furniture: Iterable[Line]) -> list[tuple[str, int]]:
    """(title, offset) of furniture lines, or pairs of nearby ones, that read as a title."""
    ordered = sorted(furniture, key=lambda line: line.start)
    infos = [_describe(line) for line in ordered]
    found: list[tuple[str, int]] = []
    i = 0
    while i < len(infos):
        if not infos[i].is_title_line:
            i += 1
            continue
        if (
            i + 1 < len(infos)
            and infos[i + 1].is_title_line
            and abs(ordered[i + 1].number - ordered[i].number) <= MAX_FURNITURE_GAP
        ):
            pair = normalize(infos[i].text + infos[i + 1].text)
            if _looks_like_title(pair):
                found.append((pair, ordered[i].start))
                i += 2
                continue
        if _looks_like_title(infos[i].text):
            found.append((infos[i].text, ordered[i].start))
        i += 1
    return found


def _running_title_for(span: Span, running: list[tuple[str, int]], taken: set[str]) -> str | None:
    """The first running title printed over the span that is not another document's title."""
    for title, offset in running:
        if span.start <= offset <= span.end and title_key(title) not in taken:
            return title
    return None


def _split_inline_header(line: Line) -> list[Line]:
    """Cut "Title 文号 各…：body…" at the start of a long line into separate Lines."""
    if len(line.text) <= MAX_TITLE_LINE_CHARS:
        return [line]
    simplified = to_simplified(nfkc_safe(line.text))
    if len(simplified) != len(line.text):
        return [line]  # offsets would not map back; such a line stays whole
    head = simplified[:INLINE_HEADER_REACH]
    cuts: list[int] = []
    number = DOCUMENT_NUMBER.search(head)
    bracket = _NUMBER_BRACKET.search(head, number.start()) if number is not None else None
    if number is not None and bracket is not None:
        title_end = _inline_title_end(simplified, bracket.start())
        if title_end is None:
            return [line]
        cuts = [title_end, number.end()]
        rest = number.end()
    else:
        colon = _COLON.search(head)
        start = head.find("各")
        if colon is None or start <= 0 or start > colon.start():
            return [line]
        if _inline_title_end(simplified, start) != start:
            return [line]
        cuts = [start]
        rest = start
    gap = len(simplified[rest:]) - len(simplified[rest:].lstrip())
    addressee = _INLINE_ADDRESSEE.match(simplified, rest + gap)
    if addressee is not None and _is_addressee(normalize(addressee.group(0))):
        cuts.append(addressee.end())
    if cuts[0] <= 0:
        return [line]
    return _cut(line, [0, *cuts, len(line.text)])


def _inline_title_end(text: str, limit: int) -> int | None:
    """The largest end ≤ limit such that text[:end] is a title and only a 文号 prefix or
    white space lies between it and limit."""
    for end in range(limit, 0, -1):
        between = text[end:limit].strip()
        if len(between) > 10 or (between and not _NUMBER_PREFIX.fullmatch(between)):
            return None
        candidate = normalize(strip_decoration(text[:end])[0])
        if candidate and not _NOT_IN_TITLE.search(candidate) and _looks_like_title(candidate):
            return end
    return None


def _cut(line: Line, bounds: list[int]) -> list[Line]:
    pieces: list[Line] = []
    for a, b in zip(bounds, bounds[1:]):
        chunk = line.text[a:b]
        left = len(chunk) - len(chunk.lstrip())
        right = len(chunk.rstrip())
        if right <= left:
            continue
        pieces.append(
            Line(
                number=line.number,
                start=line.start + a + left,
                end=line.start + a + right,
                text=chunk[left:right],
                indented=line.indented and a == 0,
            )
        )
    return pieces


# ---------------------------------------------------------------------------- small helpers


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _work_id(key: str) -> str:
    return "w" + _sha1(key)


def _last(matches: Iterable[re.Match[str]]) -> re.Match[str] | None:
    last = None
    for last in matches:
        pass
    return last


def _make_date(year: str, month: str, day: str) -> date | None:
    y, m, d = chinese_number(year.translate(_LETTER_ZERO)), chinese_number(month), chinese_number(day)
    if y is None or m is None or d is None:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None  # 2 月 30 日 is not a date; the caller looks further


def _end_of_period(start: date, months: int) -> date:
    """The day before start + months (the 29th of February becomes the 28th)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    day = start.day
    while True:
        try:
            return date(year, month, day) - timedelta(days=1)
        except ValueError:
            day -= 1
