"""Query understanding beyond normalisation: abbreviations the texts define (全称（缩写）,
mined into the graph as skos:altLabel) expand a question that uses one form with the other:
"EDA服务平台" also searches "电子设计自动化", "多项目晶圆" also "MPW".

A form that most clauses contain (IAB in the shipped corpus) says nothing about which
clause is meant, so it is not expanded."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from policykg.kg.models import ClauseFacts

# A form found in more than this share of the clauses is too common to expand.
MAX_SHARE = 0.05


@dataclass
class Expander:
    pairs: dict[str, set[str]] = field(default_factory=dict)  # a form (lowercase) -> its other forms

    @classmethod
    def from_facts(
        cls, facts: Iterable[ClauseFacts], texts: list[str], most_holding: Callable[[str], int | None] | None = None
    ) -> Expander:
        """The abbreviations ``facts`` record, each form that at most MAX_SHARE of ``texts``
        hold. ``most_holding``: at most how many of ``texts`` hold a form (None when it
        cannot say; ``Vocabulary.most_holding``): a form it bounds under the limit is not
        counted in the texts. On the realcorpus it leaves 18 of 1,580 forms to count
        (counting them all took 6 s of a server's start-up)."""
        limit = MAX_SHARE * max(len(texts), 1)
        counted = _TextCounter(texts, limit)

        def rare(form: str) -> bool:
            bound = most_holding(form) if most_holding is not None else None
            return (bound is not None and bound <= limit) or counted.holding(form) <= limit

        pairs: dict[str, set[str]] = {}
        for found in facts:
            for abbreviation in found.abbreviations:
                for form, other in ((abbreviation.short, abbreviation.full), (abbreviation.full, abbreviation.short)):
                    key = form.lower()
                    if len(key) >= 2 and rare(key):
                        pairs.setdefault(key, set()).add(other)
        return cls(pairs)

    def terms(self) -> list[str]:
        """Every form it knows, each followed by its other forms (words to cut questions with)."""
        return [t for form, others in self.pairs.items() for t in (form, *others)]

    def expand(self, query: str) -> str:
        """``query`` followed by the other forms of the abbreviations it uses.

        >>> Expander({"mpw": {"多项目晶圆"}}).expand("MPW流片能补贴多少")
        'MPW流片能补贴多少 多项目晶圆'
        """
        lowered = query.lower()
        extra = sorted({other for form, others in self.pairs.items() if form in lowered for other in others if other.lower() not in lowered})
        return " ".join([query, *extra])


# Between two texts in ``_TextCounter``'s one string: a character no text or form holds.
_SEPARATOR = "\x00"


class _TextCounter:
    """How many of ``texts`` (lowercased) hold a form, each form counted once and only up
    to just past ``limit``. Testing every form against every text (``form in text``) took
    170 s of a server's start-up on the 82k clauses of the realcorpus (1,580 forms); here
    each form is one left-to-right search of one string of all texts, jumping to the next
    text after a hit, so a common form stops as soon as it is known to be too common."""

    def __init__(self, texts: list[str], limit: float) -> None:
        self._texts = texts
        self._blob: str | None = None  # joined when the first form is counted
        self._limit = limit
        self._counts: dict[str, int] = {}

    def holding(self, form: str) -> int:
        """The number of texts holding ``form`` (lowercase, without the separator), or
        the first count past the limit."""
        found = self._counts.get(form)
        if found is None:
            found = self._counts[form] = self._count(form)
        return found

    def _count(self, form: str) -> int:
        if _SEPARATOR in form:
            return 0
        if self._blob is None:
            self._blob = _SEPARATOR.join(t.lower().replace(_SEPARATOR, " ") for t in self._texts)
        blob = self._blob
        count, at = 0, blob.find(form)
        while at >= 0:
            count += 1
            end = blob.find(_SEPARATOR, at + len(form))  # the end of the text this hit is in
            if count > self._limit or end < 0:
                break
            at = blob.find(form, end + 1)
        return count
