"""A document's validity on a given day, computed when asked (not frozen at build time):
not yet in force, in force, or expired, from its date of issue and validity terms.

Pure: the same document and day always give the same answer, so search (``--in-force``) and
matching (``as_of``) share it.

    >>> validity_on({"date": "2018-08-28", "valid_until": "2021-08-27", "validity": "有效期3年"}, date(2022, 3, 1)).status
    'expired'
    >>> validity_on({"date": "2022-07-29", "title": "行动计划（2022—2025年）的通知"}, date(2023, 10, 1))
    Validity(status='in_force', since='2022-07-29', until='2025-12-31', basis='标题所列期限（2022—2025年）')
    >>> validity_on({"date": "2022-07-29"}, date(2021, 1, 1)).status
    'not_yet'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

STATUSES = ("not_yet", "in_force", "expired")
STATUS_WORDS = {"not_yet": "尚未施行", "in_force": "有效", "expired": "已失效"}
# A plan's years in its title: （2018—2022年）, (2022-2025年).
_TITLE_YEARS = re.compile(r"[（(]\s*(\d{4})\s*[—–\-－~至]+\s*(\d{4})\s*年?\s*[）)]")


@dataclass(frozen=True)
class Validity:
    status: str  # one of STATUSES
    since: str | None  # first day in force (ISO), when known
    until: str | None  # last day in force (ISO), when known
    basis: str  # in words: where the dates come from

    def to_dict(self) -> dict:
        return {"status": self.status, "since": self.since, "until": self.until, "basis": self.basis}

    @property
    def words(self) -> str:
        return STATUS_WORDS[self.status]


def validity_on(document, day: date) -> Validity:
    """``document`` (a ``corpus.models.Document`` or its exported dict) on ``day``.

    It is in force from its date of issue (when known) through ``valid_until`` (from its
    validity terms: 有效期至…, 有效期N年 counted from 施行/印发), else through the last year
    its title names (行动计划（2018—2022年）), else with no known end."""
    get = document.get if isinstance(document, dict) else lambda k: getattr(document, k, None)
    since = get("date")
    until = get("valid_until")
    stated = get("validity")
    basis = f"文件所载{stated}" if stated and until else ""
    if until is None:
        years = _TITLE_YEARS.search(get("title") or "")
        if years and int(years.group(2)) >= int(years.group(1)):
            until = f"{int(years.group(2)):04d}-12-31"
            basis = f"标题所列期限（{years.group(1)}—{years.group(2)}年）"
    if not basis:
        basis = "未写明有效期" + (f"（{stated}）" if stated else "")
    if since and day < date.fromisoformat(since):
        return Validity("not_yet", since, until, basis)
    if until and day > date.fromisoformat(until):
        return Validity("expired", since, until, basis)
    return Validity("in_force", since, until, basis)
