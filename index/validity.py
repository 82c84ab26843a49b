"""Whether a document is in force on a given day, decided when the question is asked (not
at build time: a build does not know what day its readers will ask about).

Four answers, from a document (``kg.records.DocumentRef``, ``corpus.models.Document``, or
a dict of their JSON: ``date``, ``title``, ``validity``, ``valid_until``):

- ``expired``: its last valid day (``valid_until``) is before the day, or its title names
  a plan period (行动计划（2018—2022年）) that ended before the day;
- ``not_yet``: it was issued after the day;
- ``in_force``: its last valid day, or its plan period's end, is not before the day;
- ``unknown``: nothing says when it ends — "自印发之日起施行" alone, no validity at all,
  or "有效期5年" without a start date. Unknown is never taken for in force: search marks
  it, and ``--in-force`` leaves it out.

    >>> validity_on({"valid_until": "2021-08-27"}, date(2026, 1, 1)).status
    'expired'
    >>> validity_on({"validity": "有效期5年"}, date(2026, 1, 1)).label
    '有效期不明（原文“有效期5年”，起始日期不详）'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

STATUSES = ("in_force", "expired", "not_yet", "unknown")
# A plan's period in its title: （2018—2022年）, 2019-2021年, 2018至2022年.
_PLAN_PERIOD = re.compile(r"(?P<start>(?:19|20)\d\d)\s*年?\s*[—–\-－~～至到]+\s*(?P<end>(?:19|20)\d\d)\s*年")


@dataclass(frozen=True)
class Validity:
    """A document's standing on the day asked, with the words that say so."""

    status: str  # one of STATUSES
    on: str  # the day asked, ISO
    until: str | None = None  # last valid day when known (ISO)
    label: str = ""  # how a person reads it: 有效期至 2025-12-31 / 已失效（…） / 有效期不明（…）

    @property
    def in_force(self) -> bool:
        return self.status == "in_force"

    def to_dict(self) -> dict:
        return {"status": self.status, "on": self.on, "until": self.until, "label": self.label}  # asdict, without its deep copy


def validity_on(document: Any, day: date) -> Validity:
    """The document's standing on ``day``."""
    on = day.isoformat()
    issued = _date(_get(document, "date"))
    if issued is not None and issued > day:
        return Validity("not_yet", on, _get(document, "valid_until"), f"尚未印发（{issued.isoformat()} 印发）")
    until = _date(_get(document, "valid_until"))
    if until is not None:
        if until < day:
            return Validity("expired", on, until.isoformat(), f"已失效（有效期至 {until.isoformat()}）")
        return Validity("in_force", on, until.isoformat(), f"有效期至 {until.isoformat()}")
    period = _PLAN_PERIOD.search(_get(document, "title") or "")
    if period is not None:
        end = date(int(period.group("end")), 12, 31)
        span = f"{period.group('start')}—{period.group('end')}年"
        if end < day:
            return Validity("expired", on, end.isoformat(), f"已失效（规划期 {span} 已结束）")
        return Validity("in_force", on, end.isoformat(), f"规划期 {span}")
    stated = _get(document, "validity")
    if stated and re.search(r"有效期\s*\S+\s*[年月]", stated):
        return Validity("unknown", on, None, f"有效期不明（原文“{stated}”，起始日期不详）")
    if stated:
        return Validity("unknown", on, None, f"有效期不明（原文“{stated}”，未写终止日期）")
    return Validity("unknown", on, None, "有效期不明（原文未写有效期）")


def _get(document: Any, name: str) -> Any:
    """A field of a document object or of its JSON dict."""
    return document.get(name) if isinstance(document, dict) else getattr(document, name, None)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
