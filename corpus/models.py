"""Typed records born in the corpus stage: source texts, lines, documents and clauses.

Offsets are character offsets into the decoded source text (``SourceText.text``), so every
clause can be traced back to the words of the original file.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SourceText:
    """A decoded input file."""

    path: Path
    text: str
    encoding: str  # the codec that decoded it, e.g. "utf-8", "gb18030", "big5"
    sha256: str  # of the raw bytes, for cache keys and provenance

    @property
    def key(self) -> str:
        """Short, stable name of the file inside the corpus (its stem)."""
        return self.path.stem


@dataclass(frozen=True)
class Line:
    """One physical line of a source text.

    ``text`` is the line without its line break and without surrounding white space;
    ``indented`` remembers leading white space, which in PDF extractions often marks the
    start of a new column.
    """

    number: int  # 1-based physical line number
    start: int  # offset of the first character of ``text`` in the source
    end: int  # offset just past the last character of ``text``
    text: str
    indented: bool = False


@dataclass(frozen=True)
class Span:
    """A piece of a source file: ``file`` key and [start, end) character offsets."""

    file: str
    start: int
    end: int


@dataclass
class Document:
    """One policy document (a file, or one member of a compilation)."""

    id: str
    file: str  # key of the source file
    title: str | None = None
    title_source: str = "text"  # "text", "running-title" or "file-name"
    number: str | None = None  # 文号, e.g. 穗府〔2018〕9号
    issuer: str | None = None  # signed, or named in the title; else the government a 文号 of its own names (kg.facts)
    date: str | None = None  # ISO date of issue
    validity: str | None = None  # validity as stated, e.g. 有效期至2025年12月31日
    valid_until: str | None = None  # ISO date, when it can be computed
    script: str = "zh-Hans"  # script of the source text: zh-Hans or zh-Hant
    encoding: str = "utf-8"
    work: str = ""  # id shared by every copy of the same document
    copies: list[str] = field(default_factory=list)  # ids of other copies of this work
    preferred: bool = True  # the copy search shows when a work has several
    span: Span | None = None
    # the place it speaks for, province down (广东省深圳市, 上海市普陀区); None: names none.
    # Read with the facts (``kg.facts.jurisdiction``), where China's division list is at hand.
    jurisdiction: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Clause:
    """The unit a user would cite: a numbered item with its paragraphs, a preamble
    paragraph, a table, or a fragment whose place could not be identified."""

    id: str
    document: str  # Document.id
    kind: str  # "item", "preamble", "table" or "fragment"
    number: str | None  # its own number as printed, e.g. "（十一）" or "第十二条"
    path: list[str]  # headings above it and its own heading, outermost first
    text: str  # normalised: NFKC where safe, Simplified, PDF wrapping removed
    text_original: str  # as printed (original script), PDF wrapping removed
    spans: list[Span]  # where its text came from, in reading order
    order: int = 0  # position in reading order within the document
    paragraphs: list[int] = field(default_factory=list)  # offsets in ``text`` where a new paragraph starts

    def to_dict(self) -> dict:
        return asdict(self)
