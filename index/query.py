"""Query understanding beyond normalisation: abbreviations the texts define (全称（缩写）,
mined into the graph as skos:altLabel) expand a question that uses one form with the other:
"EDA服务平台" also searches "电子设计自动化", "多项目晶圆" also "MPW".

A form that most clauses contain (IAB in the shipped corpus) says nothing about which
clause is meant, so it is not expanded."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from policykg.kg.models import ClauseFacts

# A form found in more than this share of the clauses is too common to expand.
MAX_SHARE = 0.05


@dataclass
class Expander:
    pairs: dict[str, set[str]] = field(default_factory=dict)  # a form (lowercase) -> its other forms

    @classmethod
    def from_facts(cls, facts: Iterable[ClauseFacts], texts: list[str]) -> Expander:
        lowered = [t.lower() for t in texts]
        limit = MAX_SHARE * max(len(lowered), 1)
        pairs: dict[str, set[str]] = {}
        for found in facts:
            for abbreviation in found.abbreviations:
                for form, other in ((abbreviation.short, abbreviation.full), (abbreviation.full, abbreviation.short)):
                    key = form.lower()
                    if len(key) >= 2 and sum(1 for t in lowered if key in t) <= limit:
                        pairs.setdefault(key, set()).add(other)
        return cls(pairs)

    def expand(self, query: str) -> str:
        """``query`` followed by the other forms of the abbreviations it uses.

        >>> Expander({"mpw": {"多项目晶圆"}}).expand("MPW流片能补贴多少")
        'MPW流片能补贴多少 多项目晶圆'
        """
        lowered = query.lower()
        extra = sorted({other for form, others in self.pairs.items() if form in lowered for other in others if other.lower() not in lowered})
        return " ".join([query, *extra])
