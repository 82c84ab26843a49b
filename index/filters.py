"""Search filters over clause records (``kg.records.ClauseRecord``): which
document, issuer, department and role, award kind, industry, award size and validity a
clause must have to be shown.

Rules, each applied only when its filter is set (all set filters must hold):

- ``document``: the document's id, or a piece of its title or 文号 (穗府规〔2018〕15号).
- ``issuer``: a piece of the document's issuer, read as names are (人民政府 ~ 政府, 委员会 ~
  委: 深圳市政府 finds 深圳市人民政府); a document without a known issuer fails.
- ``jurisdiction``: a piece of the place the document speaks for, written province down
  (广东省深圳市, 上海市普陀区), so 深圳, 深圳市, 广东 and 普陀区 each find a 深圳 or 普陀 text
  whoever issued it (市工业和信息化局 as well as 深圳市人民政府); a document that names no
  place (a national law) fails.
- ``department``: a name of a department the clause names, compared leniently as the
  evaluator does (``department_key``: a city's prefix — 广州市, 深圳市 … or 市 — dropped,
  委员会 ~ 委, 人民政府 ~ 政府)
  with its ``label`` and every one of its ``labels``; with ``role``, that department must
  hold that role ("lead" or "cooperating"). Renamed bodies are not followed here (the graph
  query ``kg.queries.clauses_by_department`` does that).
- ``award_kind``: some award of the clause has that kind.
- ``industry``: the keyword appears in the clause text, a heading of its path or its
  document's title. No synonyms: 人工智能 does not find "AI".
- ``min_cap_yuan``: some award of the clause has ``cap_yuan`` at least this (a fixed
  amount or a tier without a cap does not count), as ``kg.queries.awards_with_cap``.
- ``in_force_only``: the document is in force on ``today`` (``index.validity``: its last
  valid day or plan period is not before it). A document whose validity is unknown is
  left out: unknown is not in force.

What a user types is normalised as clause text is (``corpus.convert.normalize``: NFKC,
Simplified), so Traditional or full-width input finds the records, whose texts are normalised
already; both sides are then compared without white space and case-folded.

    >>> from kg.records import ClauseRecord, DocumentRef, Source
    >>> record = ClauseRecord("d/1", "item", None, [], "扶持集成电路产业发展", "", DocumentRef("d", "实施意见"), Source("f", 0, 9, []))
    >>> matches(record, Filters(industry="積體電路"))
    True
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import date
from functools import lru_cache

from policykg.corpus.convert import normalize
from policykg.kg.extract.amounts import parse_number
from policykg.kg.models import Award
from policykg.kg.records import ClauseRecord, DocumentRef
from policykg.kg.vocabulary import AWARD_KINDS, ROLES

from .validity import validity_on

_WHITE_SPACE = re.compile(r"\s+")
# A city's name or the bare 市 before a body's name, for any city (广州市, 深圳市, 中山市 …):
# not the 市 of 市场监管局, nor 城市 (区城市管理局 keeps its 区).
_CITY_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}?(?<![城区县])市(?!场)|市(?!场))")
_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n", ""}


@lru_cache(maxsize=256)  # filter values repeat for every record
def fold(text: str) -> str:
    """A filter value as filters compare it: normalised (Simplified), no white space,
    case-folded.

    >>> fold("廣州市 工業和資訊化局 IAB")
    '广州市工业和信息化局iab'
    """
    return squeeze(normalize(text))


def squeeze(text: str) -> str:
    """Record text (normalised already) as filters compare it: no white space, case-folded.
    Records are not normalised again: OpenCC over every clause would cost more than the
    search itself."""
    return _WHITE_SPACE.sub("", text).casefold()


def department_key(name: str, *, normalized: bool = False) -> str:
    """A department name as the evaluator compares it (``normalized`` when the name is
    normalised already, as a record's labels are).

    >>> department_key("广州市工业和信息化委员会") == department_key("市工业和信息化委")
    True
    >>> department_key("广州市人民政府办公厅")
    '政府办公厅'
    >>> department_key("深圳市工业和信息化局") == department_key("市工业和信息化局") == department_key("中山市工业和信息化局")
    True
    >>> department_key("市市场监管局") == department_key("市场监管局"), department_key("区城市管理局")
    (True, '区城市管理局')
    """
    key = squeeze(name) if normalized else fold(name)
    key = _CITY_PREFIX.sub("", key).replace("人民政府", "政府")
    return key[: -len("委员会")] + "委" if key.endswith("委员会") else key


def parse_yuan(text: str) -> float:
    """An amount of money as typed in a filter: 1000万, 1000万元, 5亿, 10000000, 五百万.

    >>> parse_yuan("1000万"), parse_yuan("1,000万元"), parse_yuan("5亿")
    (10000000.0, 10000000.0, 500000000.0)
    """
    raw = normalize(text).strip()
    number = raw[:-1] if raw.endswith("元") else raw
    try:
        return float(parse_number(number))
    except ValueError:
        raise ValueError(f"min_cap: not an amount of money: {text!r} (for example 1000万, 1000万元, 5亿 or 10000000)") from None


def _parse_bool(name: str, value: bool | str | None) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"{name}: expected true or false, got {value!r}")


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


@dataclass(frozen=True)
class Filters:
    """What a clause must have to be shown; unset fields do not filter."""

    document: str | None = None  # id, or a piece of the title or 文号
    issuer: str | None = None  # a piece of the issuer's name
    jurisdiction: str | None = None  # a piece of the place the document speaks for: 深圳, 广东省, 普陀区
    department: str | None = None  # any name of a department the clause names
    role: str | None = None  # a notation of kg.vocabulary.ROLES ("lead", "cooperating"); needs ``department``
    award_kind: str | None = None  # a notation of kg.vocabulary.AWARD_KINDS
    industry: str | None = None  # a keyword: 集成电路, 人工智能, 生物医药 …
    min_cap_yuan: float | None = None  # some award's cap is at least this
    in_force_only: bool = False  # only documents known to be in force on ``today`` (unknown validity is left out)

    def __post_init__(self) -> None:
        if self.role is not None and self.role not in ROLES:
            raise ValueError(f"role: expected one of {', '.join(ROLES)}, got {self.role!r}")
        if self.role is not None and not self.department:
            raise ValueError("role: a role applies to a department; give department too")
        if self.award_kind is not None and self.award_kind not in AWARD_KINDS:
            raise ValueError(f"award_kind: expected one of {', '.join(AWARD_KINDS)}, got {self.award_kind!r}")
        if self.min_cap_yuan is not None and self.min_cap_yuan < 0:
            raise ValueError(f"min_cap: must not be negative, got {self.min_cap_yuan!r}")

    @classmethod
    def from_strings(
        cls,
        *,
        document: str | None = None,
        issuer: str | None = None,
        department: str | None = None,
        role: str | None = None,
        award_kind: str | None = None,
        industry: str | None = None,
        min_cap: str | None = None,
        in_force_only: bool | str | None = None,
        jurisdiction: str | None = None,
    ) -> Filters:
        """Filters from CLI options or HTTP query parameters (blank means unset); raises
        ``ValueError`` naming the option that cannot be read.

        >>> Filters.from_strings(department="市工业和信息化委", role="lead", min_cap="1000万")
        Filters(document=None, issuer=None, jurisdiction=None, department='市工业和信息化委', role='lead', award_kind=None, industry=None, min_cap_yuan=10000000.0, in_force_only=False)
        """
        cap = _blank_to_none(min_cap)
        role_word = _blank_to_none(role)
        kind = _blank_to_none(award_kind)
        return cls(
            document=_blank_to_none(document),
            issuer=_blank_to_none(issuer),
            jurisdiction=_blank_to_none(jurisdiction),
            department=_blank_to_none(department),
            role=role_word.lower() if role_word else None,
            award_kind=kind.lower() if kind else None,
            industry=_blank_to_none(industry),
            min_cap_yuan=parse_yuan(cap) if cap is not None else None,
            in_force_only=_parse_bool("in_force_only", in_force_only),
        )

    @property
    def is_empty(self) -> bool:
        """True when no filter is set, so every record matches."""
        return all(getattr(self, f.name) in (None, False) for f in fields(self))

    def to_dict(self) -> dict:
        return asdict(self)


def matches(record: ClauseRecord, filters: Filters, today: date | None = None) -> bool:
    """Whether a clause record passes every filter that is set. ``today`` is needed with
    ``in_force_only`` (the caller says what day it is)."""
    document = record.document
    if filters.document and not _document_matches(document, filters.document):
        return False
    if filters.issuer and not _issuer_matches(document.issuer, filters.issuer):
        return False
    if filters.jurisdiction and not _contains(document.jurisdiction, filters.jurisdiction):
        return False
    if filters.department and not _department_matches(record, filters.department, filters.role):
        return False
    if filters.award_kind and not any(_of_kind(a, filters.award_kind) for a in record.awards):
        return False
    if filters.min_cap_yuan is not None and not any(_capped_at_least(a, filters.min_cap_yuan) for a in record.awards):
        return False
    if filters.industry and not _industry_matches(record, filters.industry):
        return False
    if filters.in_force_only:
        if today is None:
            raise ValueError("in_force_only: pass today's date to compare validity with")
        if not in_force(document, today):
            return False
    return True


def award_matches(award: Award, filters: Filters) -> bool:
    """Whether one award rule has the kind and cap the filters ask for (a fixed amount or a
    tier without a cap has no cap to compare)."""
    if filters.award_kind and not _of_kind(award, filters.award_kind):
        return False
    return filters.min_cap_yuan is None or _capped_at_least(award, filters.min_cap_yuan)


def _of_kind(award: Award, kind: str) -> bool:
    return award.kind == kind


def _capped_at_least(award: Award, minimum_yuan: float) -> bool:
    return award.cap_yuan is not None and award.cap_yuan >= minimum_yuan


def in_force(document: DocumentRef, today: date) -> bool:
    """Whether a document is known to be in force on ``today`` (``index.validity``)."""
    return validity_on(document, today).in_force


def _document_matches(document: DocumentRef, wanted: str) -> bool:
    if document.id == wanted.strip():
        return True
    return _contains(document.title, wanted) or _contains(document.number, wanted)


def _issuer_matches(issuer: str | None, wanted: str) -> bool:
    """Whether ``wanted`` is a piece of the issuer's name, both with the long forms people
    shorten shortened (人民政府 -> 政府, 委员会 -> 委): 深圳市政府 finds 深圳市人民政府."""
    def short(name: str) -> str:
        return name.replace("人民政府", "政府").replace("委员会", "委")

    return issuer is not None and short(fold(wanted)) in short(squeeze(issuer))


def _contains(text: str | None, piece: str) -> bool:
    """Whether ``piece`` occurs in ``text`` (both folded); never for an unknown ``text``."""
    return text is not None and fold(piece) in squeeze(text)


def _department_matches(record: ClauseRecord, name: str, role: str | None) -> bool:
    key = department_key(name)
    for department in record.departments:
        if role is not None and department.role != role:
            continue
        names = [department.label or "", *department.labels]
        if any(n and department_key(n, normalized=True) == key for n in names):
            return True
    return False


def _industry_matches(record: ClauseRecord, keyword: str) -> bool:
    key = fold(keyword)
    title = record.document.title or ""
    return any(key in squeeze(text) for text in [record.text or "", *record.path, title])
