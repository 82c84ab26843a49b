"""Answer a question with the clauses that match it, each with its document, departments,
award parameters and targets.

Two sides rank clauses — BM25 over jieba tokens (``keyword``) and, when the index has one,
embeddings in FAISS (``dense``) — and are fused by weighted reciprocal rank (``fuse``).
Copies of one document are indexed once (``searchable``). Filters narrow the candidates;
a question that states an amount gets an estimate on each award hit."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from corpus.convert import normalize
from corpus.models import Clause, Document
from corpus.segment import sentences, tokens
from kg.models import Award
from kg.records import ClauseRecord

from .catalog import Catalog
from .estimate import estimate, stated_amount
from .filters import Filters, matches
from .fuse import reciprocal_rank_fusion
from .keyword import KeywordIndex
from .models import Hit, Match, SearchResult
from .query import Expander

DEFAULT_K = 10
MODES = ("hybrid", "keyword", "dense")
# How many candidates each side hands to fusion and filters: enough that a filter or the
# other side can still bring up a clause ranked low on one side.
POOL = 100
# Fusion weights and rank constant, chosen on the development queries with split-half
# checks (MRR@10: keyword alone 0.93, dense alone 0.79, fused 0.96; any k in 10–60 and
# dense weight 0.3–0.5 gave 0.94–0.96).
WEIGHTS = {"keyword": 1.0, "dense": 0.3}
FUSION_K = 10
# Two clauses are the same passage printed twice when this share of their character
# 4-grams is shared (copies differ in spacing, dashes and the odd extraction slip).
COPY_OVERLAP = 0.8
# A highlight is the densest stretch of the question's words in this many characters.
MATCH_WINDOW = 60


def searchable(clauses: list[Clause], documents: list[Document]) -> list[Clause]:
    """Clauses search shows: every clause of a preferred copy, and the clauses of other
    copies that the preferred copy does not print (so a copy's passage is found once, and
    nothing is lost when a compilation's copy holds more)."""
    by_id = {d.id: d for d in documents}
    preferred_work = {d.work for d in documents if d.preferred and d.copies}
    shown: list[Clause] = []
    grams_by_work: dict[str, list[set[str]]] = {}
    for clause in clauses:
        doc = by_id[clause.document]
        if doc.preferred:
            shown.append(clause)
            if doc.work in preferred_work:
                grams_by_work.setdefault(doc.work, []).append(_grams(clause.text))
    for clause in clauses:
        doc = by_id[clause.document]
        if doc.preferred:
            continue
        grams = _grams(clause.text)
        if not any(_overlap(grams, other) >= COPY_OVERLAP for other in grams_by_work.get(doc.work, [])):
            shown.append(clause)
    return shown


def _grams(text: str, n: int = 4) -> set[str]:
    text = "".join(text.split())
    return {text[i : i + n] for i in range(max(1, len(text) - n + 1))}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def searched_text(clause: Clause, title: str | None = None) -> str:
    """What keyword search reads of a clause: its document's title, its heading path, then
    its text. Titles and headings carry the topic an item's own words often leave out
    (人工智能 › 4.鼓励技术应用推广 › …)."""
    return " ".join([title or "", *clause.path, clause.text]).strip()


UNIT_SEPARATOR = "#"


def dense_units(clause: Clause) -> list[tuple[str, str]]:
    """(unit id, text) the encoder embeds for a clause: the clause with its heading path,
    and, when it has several sentences, each sentence with the path. A clause scores as its
    best unit: a question usually matches one sentence of a long item (dev MRR@10 of the
    dense side: 0.64 embedding whole clauses, 0.79 with sentences; of hybrid search, 0.893
    with clause vectors only against 0.959 with sentences, measured again with e5 when the
    build went parallel: the sentences cost about four times the vectors and pay)."""
    path = " ".join(clause.path)
    units = [(clause.id, f"{path} {clause.text}".strip())]
    parts = sentences(clause.text)
    if len(parts) > 1:
        units += [(f"{clause.id}{UNIT_SEPARATOR}{n}", f"{path} {part}".strip()) for n, part in enumerate(parts, start=1)]
    return units


def clause_of_unit(unit_id: str) -> str:
    return unit_id.split(UNIT_SEPARATOR, 1)[0]


def build_index(folder: Path, clauses: list[Clause], documents: list[Document]) -> list[Clause]:
    """Write the keyword index for the searchable clauses into a generation folder and
    return those clauses (the dense side embeds the same ones)."""
    chosen = searchable(clauses, documents)
    titles = {d.id: d.title for d in documents}
    KeywordIndex.build([c.id for c in chosen], [searched_text(c, titles.get(c.document)) for c in chosen]).save(folder)
    return chosen


# The dense side as search sees it: a question in, (clause id, similarity) out, best first.
DenseSearch = Callable[[str, int], Sequence[tuple[str, float]]]


@dataclass
class Searcher:
    """Loaded once (records, keyword index, optional dense side), answers many queries."""

    records: Mapping[str, ClauseRecord]
    keyword: KeywordIndex
    dense: DenseSearch | None = None
    expander: Expander | None = None

    @classmethod
    def open(cls, folder: Path, dense: DenseSearch | None = None, catalog: Catalog | None = None) -> Searcher:
        """A searcher over the build in ``folder``, reading the records of ``catalog`` (the
        generation's read model, loaded here when not given)."""
        catalog = catalog or Catalog.load(folder)
        keyword = KeywordIndex.load(folder)
        shown = [catalog.records[c].text for c in catalog.shown]
        expander = Expander.from_facts(catalog.facts.values(), shown)
        return cls(records=catalog.records, keyword=keyword, dense=dense, expander=expander)

    def search(
        self,
        query: str,
        k: int = DEFAULT_K,
        mode: str = "hybrid",
        filters: Filters | None = None,
        today: date | None = None,
    ) -> SearchResult:
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
        if mode in ("dense", "hybrid") and self.dense is None:
            if mode == "dense":
                raise ValueError("this build has no dense index: rebuild with an encoder, or use --mode keyword")
            mode = "keyword"
        normalized = normalize(query)
        if self.expander is not None:
            normalized = self.expander.expand(normalized)
        pool = max(POOL, k * 5)
        rankings: dict[str, list[str]] = {}
        if mode in ("keyword", "hybrid"):
            rankings["keyword"] = [cid for cid, _ in self.keyword.search(normalized, pool)]
        if mode in ("dense", "hybrid"):
            assert self.dense is not None
            rankings["dense"] = [cid for cid, _ in self.dense(normalized, pool)]
        fused = reciprocal_rank_fusion(rankings, WEIGHTS, FUSION_K)
        amount = stated_amount(query)
        result = SearchResult(query=query, mode=mode, normalized=normalized, stated_amount_yuan=amount.yuan if amount else None)
        words = [w for w in tokens(normalized) if len(w) >= 2 and not w.isdigit()]
        for clause_id, score in fused:
            record = self.records.get(clause_id)
            if record is None or (filters and not matches(record, filters, today or date.today())):
                continue
            ranks = {side: ranked.index(clause_id) + 1 for side, ranked in rankings.items() if clause_id in ranked}
            result.hits.append(_hit(record, score, len(result.hits) + 1, ranks, words, amount.yuan if amount else None))
            if len(result.hits) == k:
                break
        return result


def _hit(record: ClauseRecord, score: float, rank: int, ranks: dict[str, int], words: list[str], amount: float | None) -> Hit:
    estimates = []
    if amount is not None:
        for n in _awards_asked_about(record.awards, words):
            found = estimate(record.awards[n], amount)
            if found is not None:
                estimates.append({"award": n, **found.to_dict()})
    return Hit(
        **{name: getattr(record, name) for name in RECORD_PARTS},
        score=round(score, 6),
        rank=rank,
        match=find_match(record.text, words),
        named_awards=_awards_named(record.awards, words),
        estimates=estimates,
        ranks=ranks,
    )


# What a hit carries of its clause's record, as it is: the fields the two have in common.
RECORD_PARTS = tuple(f.name for f in fields(Hit) if f.name in {g.name for g in fields(ClauseRecord)})


def _awards_asked_about(awards: list[Award], words: list[str]) -> list[int]:
    """The awards a question's amount applies to: those whose base the question names
    (MPW花了500万 → the MPW subsidy, not the mask one); all of them when it names none."""
    return sorted(_awards_named(awards, words)) or list(range(len(awards)))


def _awards_named(awards: list[Award], words: list[str]) -> list[int]:
    """The awards whose base names some of the question's words, those naming most first:
    MPW流片费用 → the MPW subsidy (MPW, 费用) before the mask one (费用)."""
    named = {n: sum(w in a.base.lower() for w in set(words)) for n, a in enumerate(awards) if a.base}
    return sorted((n for n, count in named.items() if count), key=lambda n: -named[n])


def find_match(text: str, words: list[str]) -> Match | None:
    """The stretch of ``text`` (at most MATCH_WINDOW characters) holding the most distinct
    query words, from the first to the last of them."""
    found = sorted((m.start(), m.end(), w) for w in set(words) for m in re.finditer(re.escape(w), text.lower()))
    if not found:
        return None
    best: tuple[int, int, int] | None = None  # (distinct words, start, end)
    for i, (start, _, _) in enumerate(found):
        inside = [f for f in found[i:] if f[1] - start <= MATCH_WINDOW]
        distinct = len({f[2] for f in inside})
        end = max(f[1] for f in inside)
        if best is None or distinct > best[0]:
            best = (distinct, start, end)
    assert best is not None
    _, start, end = best
    words_inside: list[tuple[int, int]] = []
    for word_start, word_end, _ in found:
        if start <= word_start and word_end <= end:
            if words_inside and word_start <= words_inside[-1][1]:
                words_inside[-1] = (words_inside[-1][0], max(words_inside[-1][1], word_end))
            else:
                words_inside.append((word_start, word_end))
    return Match(start=start, end=end, text=text[start:end], words=words_inside)
