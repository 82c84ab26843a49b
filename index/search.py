"""Answer a question with the clauses that match it, each with its document, departments,
award parameters and targets — or say that no clause answers it.

Two sides rank clauses — BM25 over characters and character pairs (``keyword``) and, when
the index has one, embeddings in FAISS (``dense``) — and are fused by weighted reciprocal
rank (``fuse``); the dense side weighs more for a question in other words than the texts'
(``LEAN_COVER``). Copies of one document are indexed once (``searchable``). Filters narrow
the candidates (with no question, they list the clauses that pass, in reading order).
Whether the corpus answers the question at all is decided from the best hits' evidence
(``index.abstain``); the nearest clauses are listed either way, and the documents they come
from are offered when none answers. An item of a list is shown after the sentence that
introduces the list (``Searcher.lead_of``). A question that states an amount gets an
estimate on the awards whose base it names (``_awards_asked_about``)."""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from policykg.corpus.convert import normalize
from policykg.corpus.models import Clause, Document
from policykg.corpus.words import sentences
from policykg.kg.models import Award, Responsibility
from policykg.kg.records import ClauseRecord, DocumentRef

from .abstain import Evidence, answered
from .catalog import Catalog, cities_named
from .estimate import estimate, stated_amount
from .filters import Filters, matches
from .fuse import reciprocal_rank_fusion
from .keyword import KeywordIndex, searched_text
from .models import Hit, Match, SearchResult
from .query import Expander
from .validity import validity_on
from .vocabulary import Vocabulary

if TYPE_CHECKING:  # loaded lazily: only a department search needs it
    from policykg.kg.extract.registry import Registry

    from .encoders import QueryVectors

DEFAULT_K = 10
MODES = ("hybrid", "keyword", "dense")
# How many candidates each side hands to fusion and filters: enough that a filter or the
# other side can still bring up a clause ranked low on one side.
POOL = 100
# Fusion weights and rank constant, chosen with benchmarks/embedded_text.py on the
# development queries, their paraphrases and STARD's dev half (README, *Measuring*): with
# k = 30 the dense side's weight of 0.3 gave the best development MRR@10 (0.974; 0.958 at
# k = 10) and better paraphrases (0.823 against 0.792); more dense weight helps paraphrases
# further (0.877 at 0.7) but costs the development queries (0.942).
WEIGHTS = {"keyword": 1.0, "dense": 0.3}
FUSION_K = 30
# Query-adaptive fusion: when the keyword side's best hits hold less than this share of the
# question's words (``Searcher.evidence``'s cover: the question is not in the texts' words,
# a paraphrase or a layperson's question), its ranking is weak evidence and the dense side
# weighs LEAN_DENSE_WEIGHT instead. The judged development queries share the texts' words
# and keep the low dense weight they need (MRR@10 0.974 either way); half 1 of the
# paraphrases went from MRR@10 0.795 to 0.906 and STARD's dev half from 0.483 to 0.486
# (``benchmarks/search_methods.py``, chosen on the dev halves; README, *Measuring*).
LEAN_COVER = 0.5
LEAN_DENSE_WEIGHT = 1.0
# Two clauses are the same passage printed twice when this share of their character
# 4-grams is shared (copies differ in spacing, dashes and the odd extraction slip).
COPY_OVERLAP = 0.8
# A highlight is the densest stretch of the question's words in this many characters.
MATCH_WINDOW = 60
# A word found in more than this share of the clauses (项目, 企业, 支持, 产业 in the shipped
# corpus; 补贴 and 奖励 are in under a tenth) says nothing about which clause is meant: it
# is not highlighted and does not name an award's base.
GENERIC_SHARE = 0.2
# Words of asking, not of the thing asked about: they never count as evidence or topic.
QUESTION_WORDS = frozenset(
    "多少 什么 怎么 怎样 如何 哪些 哪个 哪里 哪儿 是否 能否 可否 可以 能不能 有没有 没有 是不是 会不会 "
    "需要 请问 一下 一共 一般 现在 我们 我的 你们 他们 这个 那个 那些 这些 有关 相关 要求 规定 政策 "
    "能够 应该 怎么办 为什么 吗 呢 吧 啊 的 了 是 有 能 在 和 与 或 给 我 您".split()
)
# An amount the question states (300万, 1.2亿元, 五百万) is not a word of its topic: taken
# out before cutting, so "300万能补" does not leave 万能 behind.
STATED_MONEY = re.compile(r"(?<![A-Za-z\d])\d+(?:[,.]\d+)*(?![A-Za-z\d])\s*(?:万亿|千亿|百亿|亿|千万|百万|十万|万|千|百)?元?|[零〇一二两三四五六七八九十百千]+[万亿]元?")
# How a clause that introduces a list (``Searcher.lead_of``) ends.
LEAD_ENDS = ("：", ":")
# Documents offered when no clause answers a question: those of the nearest clauses.
NEAREST_DOCUMENTS = 5
# The evidence for an answer is read from this many of the best hits.
EVIDENCE_HITS = 3
# Entries a searcher keeps of what it works out per question or per document and day (the
# words of a question, a document's validity), before it starts those caches afresh.
CACHED = 4096


def searchable(clauses: Iterable[Clause], documents: list[Document]) -> list[Clause]:
    """Clauses search shows: every clause of a preferred copy, and the clauses of other
    copies that the preferred copy does not print (so a copy's passage is found once, and
    nothing is lost when a compilation's copy holds more)."""
    return list(iter_searchable(clauses, documents))


def iter_searchable(clauses: Iterable[Clause], documents: list[Document]) -> Iterator[Clause]:
    """``searchable`` read in one pass, so a build can stream the corpus's clauses from
    disk: only the clauses of copies that are not preferred wait in memory.

    A copy's clause is a copy when it shares COPY_OVERLAP of the smaller one's 4-grams
    with one of its work's preferred clauses. A clause printed word for word in the
    preferred copy (most of a copy's clauses) is known by its text alone, so only the
    others are compared with each preferred clause: on 4 MB of laws holding a copy of each,
    0.9 s of CPU where comparing every clause took 1.5 s and an index of the grams'
    postings 2.3 s (building it costs more than the pairs it saves)."""
    by_id = {d.id: d for d in documents}
    preferred_work = {d.work for d in documents if d.preferred and d.copies}
    others: list[Clause] = []
    grams_by_work: dict[str, list[set[str]]] = {}
    printed: set[tuple[str, str]] = set()  # (work, text without spaces) of preferred clauses
    for clause in clauses:
        doc = by_id[clause.document]
        if doc.preferred:
            yield clause
            if doc.work in preferred_work:
                printed.add((doc.work, "".join(clause.text.split())))
                grams_by_work.setdefault(doc.work, []).append(_grams(clause.text))
        else:
            others.append(clause)
    for clause in others:
        work = by_id[clause.document].work
        if (work, "".join(clause.text.split())) in printed:
            continue
        grams = _grams(clause.text)
        if not any(_overlap(grams, other) >= COPY_OVERLAP for other in grams_by_work.get(work, [])):
            yield clause


def _overlap(a: set[str], b: set[str]) -> float:
    """The share of the smaller set's grams the two share (both are never empty)."""
    return len(a & b) / min(len(a), len(b))


def _grams(text: str, n: int = 4) -> set[str]:
    """The clause's n-grams (never empty: a text shorter than n is its own one gram)."""
    text = "".join(text.split())
    return {text[i : i + n] for i in range(max(1, len(text) - n + 1))}


UNIT_SEPARATOR = "#"


def dense_units(clause: Clause, title: str = "") -> list[tuple[str, str]]:
    """(unit id, text) the encoder embeds for a clause: the clause with its document's title
    and heading path, and, when it has several sentences, each sentence with the path. A
    clause scores as its best unit: a question usually matches one sentence of a long item
    (dev MRR@10 of the dense side: 0.64 embedding whole clauses, 0.79 with sentences; of
    hybrid search, 0.87 with clause vectors only against 0.96 with sentences: the sentences
    cost about four times the vectors and pay). The title says what a clause is about when
    its own words do not (第五百六十二条 of 民法典合同编, an item of 人工智能产业导则): with
    it the dense side's MRR@10 went from 0.79 to 0.81 on the development queries and from
    0.69 to 0.77 on their paraphrases (``benchmarks/embedded_text.py``; README, *Measuring*).
    Sentences keep the path alone: one title on every sentence would make them alike."""
    path = " ".join(clause.path)
    units = [(clause.id, " ".join(part for part in (title, path, clause.text) if part).strip())]
    parts = sentences(clause.text)
    if len(parts) > 1:
        units += [(f"{clause.id}{UNIT_SEPARATOR}{n}", f"{path} {part}".strip()) for n, part in enumerate(parts, start=1)]
    return units


def dense_passages(clauses: Iterable[Clause], documents: list[Document]) -> list[tuple[str, str]]:
    """(unit id, text) of every clause's dense units, each with its document's title."""
    titles = {d.id: d.title or "" for d in documents}
    return [unit for clause in clauses for unit in dense_units(clause, titles.get(clause.document, ""))]


def clause_of_unit(unit_id: str) -> str:
    return unit_id.split(UNIT_SEPARATOR, 1)[0]


# The dense side as search sees it: a question in, (clause id, similarity) out, best first.
DenseSearch = Callable[[str, int], Sequence[tuple[str, float]]]


@dataclass
class Searcher:
    """Loaded once (records, keyword index, optional dense side), answers many queries."""

    records: Mapping[str, ClauseRecord]
    keyword: KeywordIndex
    dense: DenseSearch | None = None
    expander: Expander | None = None
    encoder: str | None = None  # name of the dense side's encoder (its similarity scale decides abstention)
    shown: list[str] | None = None  # ids of the clauses search shows, in reading order (default: the keyword index's)
    registry: Registry | None = None  # for renamed bodies (loaded when first needed)
    vectors: QueryVectors | None = None  # the dense side's question vectors (``waits_for_encoder``)
    weights: Mapping[str, float] = field(default_factory=lambda: dict(WEIGHTS))  # fusion weight of each side
    fusion_k: int = FUSION_K  # fusion's rank constant
    lean_cover: float = LEAN_COVER  # below this keyword cover, the dense side weighs lean_dense (0: never)
    lean_dense: float = LEAN_DENSE_WEIGHT
    _searched: dict[str, str] = field(default_factory=dict, repr=False)  # clause id -> searched text, lowercased
    _lowered: dict[str, str] = field(default_factory=dict, repr=False)  # clause id -> its text, lowercased (highlighting)
    _validity: dict[tuple[str, date], dict] = field(default_factory=dict, repr=False)  # (document id, day) -> validity_on(...).to_dict()
    _words: dict[str, list[str]] = field(default_factory=dict, repr=False)  # searched question -> question_words
    _vocabulary: Vocabulary | None = field(default=None, repr=False)
    _build_cities: list[str | None] | None = field(default=None, repr=False)
    _at_path: dict[tuple[str, tuple[str, ...]], str] | None = field(default=None, repr=False)  # (document id, path) -> clause id

    @classmethod
    def open(
        cls,
        folder: Path,
        dense: DenseSearch | None = None,
        catalog: Catalog | None = None,
        encoder: str | None = None,
        vectors: QueryVectors | None = None,
    ) -> Searcher:
        """A searcher over the build in ``folder``, reading the records of ``catalog`` (the
        generation's read model, loaded here when not given); ``vectors``: the question
        vectors ``dense`` embeds with."""
        catalog = catalog or Catalog.load(folder)
        searcher = cls(
            records=catalog.records, keyword=KeywordIndex.load(folder), dense=dense, encoder=encoder, shown=list(catalog.shown),
            vectors=vectors,
        )  # fmt: skip
        # The vocabulary questions are cut with is read now, not on the first question, and
        # its counts of character pairs spare the expander counting most forms in the texts
        # (each shown clause's text is part of what search reads of it: ``most_holding``).
        vocabulary = Vocabulary(searcher._searched_text(c) for c in catalog.shown)
        texts = [catalog.records[c].text for c in catalog.shown]
        searcher.expander = Expander.from_facts(catalog.facts.values(), texts, vocabulary.most_holding)
        vocabulary.add_terms(searcher.expander.terms())
        searcher._vocabulary = vocabulary
        return searcher

    def searched_question(self, query: str) -> str:
        """The question as both sides search it: normalised (Simplified, NFKC), with the
        other forms of the abbreviations it uses."""
        normalized = normalize(query)
        return self.expander.expand(normalized) if self.expander is not None else normalized

    def waits_for_encoder(self, query: str, mode: str = "hybrid") -> bool:
        """Whether searching ``query`` in ``mode`` would wait for the encoder: a question
        whose vector is not at hand. A server has such a question embedded
        (``embed_question``) in a worker thread first, and runs the search itself, a few
        milliseconds of Python, on its event loop."""
        if self.vectors is None or self.dense is None or mode == "keyword" or not query.strip():
            return False
        return not self.vectors.cached(self.searched_question(query))

    def embed_question(self, query: str) -> None:
        """Embed ``query`` as search will (batched with other questions asked meanwhile),
        so the search that follows finds its vector at hand."""
        if self.vectors is not None and query.strip():
            self.vectors.vector(self.searched_question(query))

    def search(
        self,
        query: str,
        k: int = DEFAULT_K,
        mode: str = "hybrid",
        filters: Filters | None = None,
        today: date | None = None,
        offset: int = 0,
        include_predecessors: bool = False,
    ) -> SearchResult:
        """The clauses that answer ``query`` (hits ``offset+1`` … ``offset+k`` of the
        ranking), whether any does (``answered``), and validity on ``today``. A blank
        query with filters lists the clauses that pass them, in reading order.
        ``include_predecessors`` widens a department filter to the bodies it was renamed
        from."""
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
        if mode in ("dense", "hybrid") and self.dense is None:
            if mode == "dense":
                raise ValueError("this build has no dense index: rebuild with an encoder, or use --mode keyword")
            mode = "keyword"
        if offset < 0:
            raise ValueError(f"offset: must not be negative, got {offset}")
        day = today or date.today()
        passes = self._filter(filters, day, include_predecessors)
        if not query.strip():
            if filters is None or filters.is_empty:
                raise ValueError("give a question, or at least one filter to list the clauses it selects")
            return self._listing(query, mode, passes, k, offset, day)
        normalized = self.searched_question(query)
        pool = max(POOL, (offset + k) * 5)
        rankings: dict[str, list[str]] = {}
        similarity: dict[str, float] = {}
        if mode in ("keyword", "hybrid"):
            rankings["keyword"] = [cid for cid, _ in self.keyword.search(normalized, pool)]
        if mode in ("dense", "hybrid"):
            assert self.dense is not None
            found = list(self.dense(normalized, pool))
            rankings["dense"] = [cid for cid, _ in found]
            similarity = dict(found)
        words = self.question_words(normalized)
        fused = reciprocal_rank_fusion(rankings, self.fusion_weights(words, rankings), self.fusion_k)
        amount = stated_amount(query)
        result = SearchResult(query=query, mode=mode, normalized=normalized, stated_amount_yuan=amount.yuan if amount else None)
        topic = self.topic_words(words)
        records = self.records
        if filters is None or filters.is_empty:
            shown = [(cid, score) for cid, score in fused if cid in records]
        else:
            shown = [(cid, score) for cid, score in fused if cid in records and passes(records[cid])]
        result.total = len(shown)
        evidence = self.evidence(words, [cid for cid, _ in shown[:EVIDENCE_HITS]], similarity)
        result.answered = answered(evidence, self.encoder, mode)
        result.evidence = evidence.to_dict()
        if not result.answered:
            result.nearest_documents = self.nearest_documents([cid for cid, _ in shown])
        for clause_id, score in shown[offset : offset + k]:
            record = self.records[clause_id]
            ranks = {side: ranked.index(clause_id) + 1 for side, ranked in rankings.items() if clause_id in ranked}
            lead = self.lead_of(record)
            lowered = self._lowered_text(clause_id) if lead is None else None
            hit = _hit(record, score, offset + len(result.hits) + 1, ranks, topic, amount.yuan if amount else None, lowered, lead)
            hit.validity = self._validity_on(record, day)
            result.hits.append(hit)
        return result

    def nearest_documents(self, ranked: Sequence[str], count: int = NEAREST_DOCUMENTS) -> list[DocumentRef]:
        """The first ``count`` distinct documents of the clauses ``ranked``, in that order."""
        found: dict[str, DocumentRef] = {}
        for clause_id in ranked:
            document = self.records[clause_id].document
            found.setdefault(document.id, document)
            if len(found) == count:
                break
        return list(found.values())

    def _validity_on(self, record: ClauseRecord, day: date) -> dict:
        """``validity_on(record.document, day).to_dict()``, worked out once per document and
        day (a copy: the answer is the caller's)."""
        key = (record.document.id, day)
        found = self._validity.get(key)
        if found is None:
            if len(self._validity) >= CACHED:
                self._validity.clear()
            found = self._validity[key] = validity_on(record.document, day).to_dict()
        return dict(found)

    def lead_of(self, record: ClauseRecord) -> str | None:
        """The sentences that introduce the list ``record`` is an item of, outermost first
        (第三十九条劳动者有下列情形之一的，用人单位可以解除劳动合同：), or None. An item
        alone (（三）严重失职，营私舞弊…) does not say which rule it belongs to, so a hit
        shows it after them. A lead is the clause one heading up in the same document that
        ends with a colon: a heading that only titles its items is not a clause, and a
        paragraph that does not end with a colon does not introduce what follows."""
        if record.kind != "item" or len(record.path) < 2:
            return None
        if self._at_path is None:
            self._at_path = {
                (r.document.id, tuple(r.path)): r.clause_id for r in self.records.values() if r.kind != "segment"
            }  # fmt: skip
        leads: list[str] = []
        path = tuple(record.path[:-1])
        while path:
            found = self._at_path.get((record.document.id, path))
            text = self.records[found].text.rstrip() if found is not None else ""
            if not text.endswith(LEAD_ENDS):
                break
            leads.append(text)
            path = path[:-1]
        return "\n".join(reversed(leads)) or None

    def _lowered_text(self, clause_id: str) -> str:
        text = self._lowered.get(clause_id)
        if text is None:
            text = self._lowered[clause_id] = self.records[clause_id].text.lower()
        return text

    def fusion_weights(self, words: list[str], rankings: Mapping[str, Sequence[str]]) -> Mapping[str, float]:
        """Each side's fusion weight for this question: ``weights``, but the dense side's is
        ``lean_dense`` when the keyword side's best hits cover little of the question."""
        if "keyword" not in rankings or "dense" not in rankings:
            return self.weights
        cover = self.evidence(words, list(rankings["keyword"][:EVIDENCE_HITS]), {}).cover
        return {**self.weights, "dense": self.lean_dense} if cover < self.lean_cover else self.weights

    def _listing(self, query: str, mode: str, passes: Callable[[ClauseRecord], bool], k: int, offset: int, day: date) -> SearchResult:
        """Filters without a question: every clause that passes, in reading order."""
        chosen = [record for record in map(self.records.__getitem__, self._shown_ids()) if passes(record)]
        result = SearchResult(query=query, mode="list", normalized="", total=len(chosen), answered=bool(chosen))
        for n, record in enumerate(chosen[offset : offset + k], start=offset + 1):
            hit = _hit(record, 0.0, n, {}, [], None)
            hit.validity = self._validity_on(record, day)
            result.hits.append(hit)
        return result

    def _shown_ids(self) -> list[str]:
        return self.shown if self.shown is not None else list(self.keyword.ids)

    def _filter(self, filters: Filters | None, day: date, include_predecessors: bool) -> Callable[[ClauseRecord], bool]:
        """Whether a record passes ``filters``; with ``include_predecessors`` a department
        filter takes the body and every body it was renamed or merged from (by id)."""
        if filters is None or filters.is_empty:
            return lambda record: True
        if not (include_predecessors and filters.department):
            return lambda record: matches(record, filters, day)
        bodies = self.lineage_ids(filters.department)
        rest = replace(filters, department=None, role=None)
        role = filters.role

        def passes(record: ClauseRecord) -> bool:
            named = any(d.id in bodies and (role is None or d.role == role) for d in record.departments)
            return named and matches(record, rest, day)

        return passes

    def lineage_ids(self, name: str) -> set[str]:
        """Ids of the body ``name`` means (as named in some clause, or as the registry reads
        it in each city of the build's bodies) and of every body it was made from, followed back."""
        from policykg.kg.extract.registry import Registry  # only a department search needs it

        if self.registry is None:
            self.registry = Registry.load()
        registry = self.registry
        if self._build_cities is None:
            self._build_cities = self._cities(registry)
        start = {registry.find(name, city).id for city in self._build_cities}
        start |= {d.id for c in self._shown_ids() for d in self.records[c].departments if _names(d, name)}
        found, frontier = set(start), list(start)
        while frontier:
            for earlier in registry.predecessors(frontier.pop()):
                if earlier not in found:
                    found.add(earlier)
                    frontier.append(earlier)
        return found

    def _cities(self, registry) -> list[str | None]:
        """The cities whose bodies the shown clauses name (``catalog.cities_named``)."""

        def jurisdiction(department: Responsibility) -> str:
            try:
                return registry.body(department.id).jurisdiction
            except KeyError:  # a body no registry knows: its record says where, when it was kept
                return department.jurisdiction

        return cities_named(jurisdiction(d) for c in self._shown_ids() for d in self.records[c].departments)

    def question_words(self, normalized: str) -> list[str]:
        """The words a question is about: cut with the corpus's vocabulary
        (``index.vocabulary``), without single characters, numbers and words of asking."""
        found = self._words.get(normalized)
        if found is not None:  # a question asked before
            return list(found)
        if self._vocabulary is None:
            terms = self.expander.terms() if self.expander is not None else []
            self._vocabulary = Vocabulary((self._searched_text(c) for c in self._shown_ids()), terms)
        words = self._vocabulary.words(STATED_MONEY.sub(" ", normalized))
        found = [w for w in words if len(w) >= 2 and not w.isdigit() and w not in QUESTION_WORDS]
        if len(self._words) >= CACHED:
            self._words.clear()
        self._words[normalized] = found
        return list(found)

    def share(self, word: str) -> float:
        """Roughly the share of clauses holding ``word``: that of its rarest character
        pair in the keyword index (exact for two-character words)."""
        units = [word[i : i + 2] for i in range(len(word) - 1)] if not word.isascii() else [word]
        return min((self.keyword.document_frequency(u) for u in units), default=0) / max(len(self.keyword.ids), 1)

    def topic_words(self, words: list[str]) -> list[str]:
        """The question's words that say which clause is meant: words the corpus holds,
        but not the generic ones."""
        return [w for w in dict.fromkeys(words) if 0 < self.share(w) <= GENERIC_SHARE]

    def evidence(self, words: list[str], best: list[str], similarity: dict[str, float]) -> Evidence:
        """How well the best hits answer the question: the share of the question's words
        (weighted by rarity, so 养猪场 counts for more than 补贴) that the best of them
        holds, and the dense side's best similarity (its best clause, whatever fusion made
        of it)."""
        weights = {w: math.log((1 + len(self.keyword.ids)) / (0.5 + self.share(w) * len(self.keyword.ids))) for w in dict.fromkeys(words)}
        total = sum(weights.values())
        cover = 0.0
        for clause_id in best:
            text = self._searched_text(clause_id)
            held = sum(weight for w, weight in weights.items() if w in text)
            cover = max(cover, held / total if total else 0.0)
        return Evidence(cover=round(cover, 4), similarity=round(max(similarity.values(), default=0.0), 4))

    def _searched_text(self, clause_id: str) -> str:
        text = self._searched.get(clause_id)
        if text is None:
            record = self.records[clause_id]
            text = " ".join([record.document.title or "", *record.path, record.text]).lower()
            self._searched[clause_id] = text
        return text


def _names(department: Responsibility, name: str) -> bool:
    from .filters import department_key

    key = department_key(name)
    return any(n and department_key(n, normalized=True) == key for n in [department.label, *department.labels])


def _hit(
    record: ClauseRecord,
    score: float,
    rank: int,
    ranks: dict[str, int],
    words: list[str],
    amount: float | None,
    lowered: str | None = None,
    lead: str | None = None,
) -> Hit:
    """The hit of ``record``; with ``lead``, its text is the lead, a line break, then the
    clause's own text (``lowered``, when given, is the clause's own text lowercased)."""
    estimates = []
    if amount is not None:
        for n in _awards_asked_about(record.awards, words):
            award = record.awards[n]
            found = estimate(award, amount)
            if found is not None:
                assumed = not words and award.base
                rule = f"{found.rule}（假设该金额即“{award.base}”）" if assumed else found.rule
                estimates.append({"award": n, **found.to_dict(), "rule": rule})
    parts = {name: getattr(record, name) for name in RECORD_PARTS}
    if lead is not None:
        parts["text"] = f"{lead}\n{record.text}"
    return Hit(
        **parts,
        lead=lead,
        score=round(score, 6),
        rank=rank,
        match=find_match(parts["text"], words, lowered),
        named_awards=_awards_named(record.awards, words),
        estimates=estimates,
        ranks=ranks,
    )


# What a hit carries of its clause's record, as it is: the fields the two have in common.
RECORD_PARTS = tuple(f.name for f in fields(Hit) if f.name in {g.name for g in fields(ClauseRecord)})


def _awards_asked_about(awards: list[Award], words: list[str]) -> list[int]:
    """The awards a question's amount applies to: those whose base the question names
    (MPW花了500万 → the MPW subsidy, not the mask one). A question that names a topic no
    award base of the clause holds gets no estimate there (流片花了300万 is not 300万 of
    registered capital); one that names no topic at all ("花了500万能补多少") gets every
    award estimated, each saying which base it assumes the amount is. A loan and the
    interest on it are different amounts: 技改贷款500万 is not 500万 of interest, and 利息
    100万 is not a loan of 100万, so a base of interest is named only by a question that
    names interest, and a base of a loan only by one that does not."""
    interest = any(INTEREST in w for w in words)
    named = [n for n in _awards_named(awards, words) if (INTEREST in (awards[n].base or "")) == interest]
    if named or words:
        return sorted(named)
    return list(range(len(awards)))


# The word that makes an amount the interest on a loan rather than the loan (贷款利息).
INTEREST = "利息"


def _awards_named(awards: list[Award], words: list[str]) -> list[int]:
    """The awards whose base names some of the question's words, those naming most first:
    MPW流片费用 → the MPW subsidy (MPW, 费用) before the mask one (费用)."""
    named = {n: sum(w in a.base.lower() for w in set(words)) for n, a in enumerate(awards) if a.base}
    return sorted((n for n, count in named.items() if count), key=lambda n: -named[n])


def find_match(text: str, words: list[str], lowered: str | None = None) -> Match | None:
    """The stretch of ``text`` (at most MATCH_WINDOW characters) holding the most distinct
    query words, from the first to the last of them. ``lowered``: ``text.lower()``, when
    the caller keeps it."""
    if lowered is None:
        lowered = text.lower()
    found = sorted((start, start + len(w), w) for w in set(words) for start in _occurrences(lowered, w))
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


def _occurrences(text: str, word: str) -> Iterator[int]:
    """Where ``word`` starts in ``text``, left to right, not overlapping (as ``re.finditer``
    finds a literal word, without compiling a pattern per word); none for an empty word."""
    at = text.find(word) if word else -1
    while at >= 0:
        yield at
        at = text.find(word, at + len(word))
