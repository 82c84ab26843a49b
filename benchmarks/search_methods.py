"""Ranking methods measured one at a time against the same baseline, on the development
halves only: STARD's dev half (``stard.split``), the judged development queries and the
first half of their paraphrases (``abstention.halves``). ``--held-out`` reports the other
halves instead, once a method is chosen.

    python benchmarks/search_methods.py --data SHIPPED_DATA --stard-data STARD_DATA [--held-out]

Each method is a ``Config`` of a search pipeline rebuilt here in numpy from a build's own
files (its BM25 score matrix and its FAISS vectors), so every variant is scored over the
same clauses and the same query vectors (each question is encoded once). The pipeline with
the default ``Config`` ranks as ``index.search.Searcher`` does (checked at start-up).
"""
from __future__ import annotations

import argparse
import math
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from policykg.corpus.convert import normalize  # noqa: E402
from policykg.corpus.words import char_units  # noqa: E402
from policykg.datadir import DataDir  # noqa: E402
from policykg.index.dense import DenseIndex  # noqa: E402
from policykg.index.keyword import KeywordIndex  # noqa: E402
from policykg.index.open import open_searcher  # noqa: E402
from policykg.index.search import LEAN_COVER, LEAN_DENSE_WEIGHT, clause_of_unit  # noqa: E402

from abstention import halves  # noqa: E402
from stard import SHARED, read, split  # noqa: E402

sys.path.insert(0, str(SHARED / "eval"))
from eval_search import score  # noqa: E402


@dataclass(frozen=True)
class Config:
    name: str = "chosen (as index.search ranks)"
    k1: float = 1.5
    b: float = 0.5
    title_repeat: int = 1  # how often the title is in the keyword text
    path_repeat: int = 1
    strip_asking: str = "none"  # none | keyword | both
    prf_docs: int = 0  # keyword PRF: top documents
    prf_terms: int = 0
    prf_weight: float = 0.0
    dense_prf_docs: int = 0
    dense_prf_beta: float = 0.0
    doc_vector_weight: float = 0.0
    w_dense: float = 0.3
    fusion_k: int = 30
    fusion: str = "rrf"  # rrf | minmax | zscore
    pool: int = 100
    unigram_weight: float = 1.0  # query weight of single characters (pairs weigh 1)
    word_units: int = 0  # add jieba words of at least this many characters as units (0: none)
    sentence_units: bool = True  # dense: a clause scores as its best unit (clause or sentence)
    query_prefix: str = "query"  # e5 prefix of the question: query | passage
    adaptive_cover: float = LEAN_COVER  # when the best keyword hits cover less of the question than this ...
    adaptive_dense: float = LEAN_DENSE_WEIGHT  # ... the dense side weighs this much instead of w_dense
    doc_weight: float = 0.0  # share of a clause's document's fused score added to its own


# The phrasing of a question, not its topic: how people ask (我/怎么办/吗/可以/是否 …).
ASKING_WORDS = (
    "请问 想问 问一下 咨询 怎么办 怎么处理 怎么样 怎么 怎样 如何 为什么 什么 哪些 哪里 多少 是否 能否 可否 可以 能不能 "
    "有没有 是不是 会不会 要不要 该不该 应不应该 应该 需要 吗 呢 吧 啊 呀 我们 我家 我的 我 你们 他们 他 她 对方 ？ ? ！ ， 。"
).split()
ASKING = re.compile("|".join(map(re.escape, sorted(ASKING_WORDS, key=len, reverse=True))))


def strip_asking(text: str) -> str:
    stripped = ASKING.sub(" ", text).strip()
    return stripped if len(stripped.replace(" ", "")) >= 2 else text


class Bundle:
    """A build's search side as arrays: BM25 per config, unit vectors, query vectors."""

    def __init__(self, data: Path) -> None:
        folder = DataDir(data).require_current()
        self.searcher = open_searcher(folder, threads=2)
        self.ids = list(self.searcher.keyword.ids)
        self.row = {c: n for n, c in enumerate(self.ids)}
        records = self.searcher.records
        self.titles = [(records[c].document.title or "").lower() for c in self.ids]
        self.paths = [" ".join(records[c].path).lower() for c in self.ids]
        self.texts = [records[c].text.lower() for c in self.ids]
        self.docs = [records[c].document.id for c in self.ids]
        self._bm25: dict[tuple, KeywordIndex] = {}
        dense = DenseIndex.load(folder, self.searcher.encoder) if self.searcher.encoder else None
        self.encoder = None
        if dense is not None:
            from policykg.index.encoders import get_encoder, spec_of

            self.encoder = get_encoder(spec_of(dense.meta.encoder_name), 2)
            self.units = dense.faiss_index.reconstruct_n(0, dense.faiss_index.ntotal)
            unit_clause = [clause_of_unit(u) for u in dense.ids]
            self.unit_row = np.array([self.row.get(c, -1) for c in unit_clause])
            whole = self.whole = np.array(["#" not in u for u in dense.ids])
            # a document's vector: the mean of its clauses' whole-clause vectors
            doc_ids = sorted(set(self.docs))
            self.doc_of_row = np.array([doc_ids.index(d) for d in self.docs])
            sums = np.zeros((len(doc_ids), self.units.shape[1]), dtype=np.float32)
            for u, r in zip(np.flatnonzero(whole), self.unit_row[whole]):
                if r >= 0:
                    sums[self.doc_of_row[r]] += self.units[u]
            self.doc_vectors = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)
        self._vectors: dict[str, np.ndarray] = {}

    def bm25(self, config: Config) -> KeywordIndex:
        key = (config.k1, config.b, config.title_repeat, config.path_repeat, config.word_units)
        if key == (1.5, 0.5, 1, 1, 0):
            return self.searcher.keyword
        if key not in self._bm25:
            import bm25s

            texts = [" ".join([t] * config.title_repeat + [p] * config.path_repeat + [x]) for t, p, x in zip(self.titles, self.paths, self.texts)]
            vocab: dict[str, int] = {}
            corpus_ids = [[vocab.setdefault(u, len(vocab)) for u in self.units_of(t, config)] for t in texts]
            retriever = bm25s.BM25(k1=config.k1, b=config.b)
            retriever.index((corpus_ids, vocab), show_progress=False)
            self._bm25[key] = KeywordIndex(retriever, self.ids)
        return self._bm25[key]

    def units_of(self, text: str, config: Config) -> list[str]:
        units = char_units(text)
        if config.word_units:
            import jieba

            units += [w for w in jieba.lcut(normalize(text).lower()) if len(w) >= config.word_units and not w.isascii()]
        return units

    def vector(self, text: str, prefix: str = "query") -> np.ndarray:
        key = f"{prefix}|{text}"
        if key not in self._vectors:
            encode = self.encoder.encode_queries if prefix == "query" else self.encoder.encode_passages
            self._vectors[key] = encode([text[:512]])[0]
        return self._vectors[key]

    def keyword_scores(self, index: KeywordIndex, weights: dict[str, float]) -> np.ndarray:
        r = index.retriever
        scores = np.zeros(len(self.ids), dtype=np.float64)
        data, indices, indptr = r.scores["data"], r.scores["indices"], r.scores["indptr"]
        for unit, w in weights.items():
            col = r.vocab_dict.get(unit)
            if col is None:
                continue
            lo, hi = indptr[col], indptr[col + 1]
            np.add.at(scores, indices[lo:hi], w * data[lo:hi])
        return scores

    def rank(self, query: str, config: Config, mode: str = "hybrid", k: int = 10) -> list[str]:
        s = self.searcher
        normalized = normalize(query)
        if s.expander is not None:
            normalized = s.expander.expand(normalized)
        keyword_text = strip_asking(normalized) if config.strip_asking in ("keyword", "both") else normalized
        dense_text = strip_asking(normalized) if config.strip_asking == "both" else normalized
        sides: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # side -> (rows best first, scores)
        if mode in ("keyword", "hybrid"):
            index = self.bm25(config)
            weights = {u: n * (config.unigram_weight if len(u) == 1 and not u.isascii() else 1.0) for u, n in Counter(self.units_of(keyword_text, config)).items() if u in index.retriever.vocab_dict}
            scores = self.keyword_scores(index, weights)
            if config.prf_docs and scores.max() > 0:
                top = np.argsort(-scores, kind="stable")[: config.prf_docs]
                extra = self.feedback_terms(index, top, config.prf_terms, set(weights))
                total = sum(extra.values()) or 1.0
                for u, v in extra.items():  # the feedback terms together weigh prf_weight of the question's
                    weights[u] = weights.get(u, 0.0) + config.prf_weight * len(weights) * v / total
                scores = self.keyword_scores(index, weights)
            order = np.argsort(-scores, kind="stable")[: config.pool]
            order = order[scores[order] > 0]
            sides["keyword"] = (order, scores[order])
        if mode in ("dense", "hybrid") and self.encoder is not None:
            q = self.vector(dense_text, config.query_prefix)
            clause_scores = self.dense_scores(q, config.sentence_units)
            if config.dense_prf_docs:
                top = np.argsort(-clause_scores, kind="stable")[: config.dense_prf_docs]
                # the best unit of each top clause
                mask = np.isin(self.unit_row, top)
                unit_sims = self.units @ q
                best_units = [np.flatnonzero(mask & (self.unit_row == r))[np.argmax(unit_sims[mask & (self.unit_row == r)])] for r in top]
                centroid = self.units[best_units].mean(axis=0)
                q2 = q + config.dense_prf_beta * centroid
                q2 /= np.linalg.norm(q2)
                clause_scores = self.dense_scores(q2)
            if config.doc_vector_weight:
                clause_scores = clause_scores + config.doc_vector_weight * (self.doc_vectors @ q)[self.doc_of_row]
            order = np.argsort(-clause_scores, kind="stable")[: config.pool]
            sides["dense"] = (order, clause_scores[order])
        fused: dict[int, float] = {}
        side_weights = {"keyword": 1.0, "dense": config.w_dense}
        if config.adaptive_cover and "keyword" in sides:
            words = s.question_words(normalized)
            best = [self.ids[r] for r in sides["keyword"][0][:3]]
            if s.evidence(words, best, {}).cover < config.adaptive_cover:
                side_weights["dense"] = config.adaptive_dense
        for side, (rows, scores) in sides.items():
            w = side_weights[side]
            if config.fusion == "rrf" or len(sides) == 1:
                values = [w / (config.fusion_k + n) for n in range(1, len(rows) + 1)]
            elif config.fusion == "minmax":
                lo, hi = float(scores.min()), float(scores.max())
                values = list(w * (scores - lo) / ((hi - lo) or 1.0))
            else:  # zscore
                values = list(w * (scores - scores.mean()) / (scores.std() or 1.0))
            for r, v in zip(rows, values):
                fused[int(r)] = fused.get(int(r), 0.0) + v
        if config.doc_weight:
            by_doc: dict[int, float] = {}
            for r, v in fused.items():
                by_doc[self.doc_of_row[r]] = by_doc.get(self.doc_of_row[r], 0.0) + v
            top = max(by_doc.values()) or 1.0
            fused = {r: v + config.doc_weight * max(fused.values()) * by_doc[self.doc_of_row[r]] / top for r, v in fused.items()}
        best = sorted(fused.items(), key=lambda p: (-p[1], self.ids[p[0]]))[:k]
        return [self.ids[r] for r, _ in best]

    def dense_scores(self, q: np.ndarray, sentences: bool = True) -> np.ndarray:
        sims = self.units @ q
        out = np.full(len(self.ids), -1.0, dtype=np.float64)
        ok = (self.unit_row >= 0) & (True if sentences else self.whole)
        np.maximum.at(out, self.unit_row[ok], sims[ok])
        return out

    def feedback_terms(self, index: KeywordIndex, top: np.ndarray, n: int, have: set[str]) -> dict[str, float]:
        """RM3-like: the units most weighted (tf·idf) across the top clauses, not in the query."""
        r = index.retriever
        found: Counter[str] = Counter()
        num = len(self.ids)
        for row in top:
            text = " ".join([self.titles[row], self.paths[row], self.texts[row]])
            units = Counter(u for u in char_units(text) if len(u) == 2)
            length = sum(units.values()) or 1
            for u, c in units.items():
                if u in have:
                    continue
                df = index.document_frequency(u)
                found[u] += (c / length) * math.log((num + 1) / (df + 0.5))
        return dict(found.most_common(n))

    def measure(self, items: list[dict], config: Config, mode: str = "hybrid") -> dict[str, float]:
        rows = []
        for item in items:
            ids = self.rank(item["query"], config, mode)
            rows.append(score(item, [{"clause_id": c, "text": self.searcher.records[c].text} for c in ids], 10))
        return {m: sum(r[m] for r in rows) / len(rows) for m in ("rr", "recall", "ndcg")}


# What each method was measured against: search before this comparison (fixed fusion weights).
BASELINE = Config(name="baseline", adaptive_cover=0.0)


def configs() -> list[Config]:
    base = BASELINE
    out = [base, Config()]
    out += [replace(base, name=f"unigram weight {w}", unigram_weight=w) for w in (0.0, 0.3, 0.6)]
    out += [replace(base, name=f"jieba words ≥{n}", word_units=n) for n in (2, 3)]
    out += [replace(base, name="dense clause vectors only", sentence_units=False)]
    out += [replace(base, name="e5 question as passage", query_prefix="passage")]
    out += [replace(base, name=f"adaptive c<{c} w{w}", adaptive_cover=c, adaptive_dense=w) for c in (0.5, 0.7, 0.9) for w in (0.7, 1.0)]
    out += [replace(base, name=f"adaptive c<{c} w{w}", adaptive_cover=c, adaptive_dense=w) for c in (0.4, 0.5, 0.6) for w in (1.5, 2.0)]
    out += [replace(base, name=f"adaptive c<{c} w1.0", adaptive_cover=c, adaptive_dense=1.0) for c in (0.4, 0.6)]
    out += [replace(base, name=f"doc aggregation {w}", doc_weight=w) for w in (0.1, 0.3, 0.6)]
    out += [replace(base, name="asking:keyword", strip_asking="keyword"), replace(base, name="asking:both", strip_asking="both")]
    for d, t, w in ((3, 10, 0.3), (5, 10, 0.3), (5, 20, 0.5), (10, 20, 0.3), (3, 5, 0.2)):
        out.append(replace(base, name=f"prf d{d} t{t} w{w}", prf_docs=d, prf_terms=t, prf_weight=w))
    for k1, b in ((1.2, 0.5), (1.5, 0.75), (1.5, 0.3), (2.0, 0.5), (1.2, 0.3), (0.9, 0.4)):
        out.append(replace(base, name=f"bm25 k1={k1} b={b}", k1=k1, b=b))
    for t, p in ((2, 1), (1, 2), (2, 2), (0, 1), (1, 0)):
        out.append(replace(base, name=f"fields title×{t} path×{p}", title_repeat=t, path_repeat=p))
    for d, beta in ((3, 0.5), (5, 0.5), (5, 1.0), (10, 0.5)):
        out.append(replace(base, name=f"dense prf d{d} β{beta}", dense_prf_docs=d, dense_prf_beta=beta))
    for g in (0.1, 0.3, 0.5):
        out.append(replace(base, name=f"doc vector γ{g}", doc_vector_weight=g))
    for w in (0.5, 0.7, 1.0):
        for k in (10, 30, 60):
            out.append(replace(base, name=f"rrf w{w} k{k}", w_dense=w, fusion_k=k))
    for w in (0.2, 0.3, 0.5):
        out.append(replace(base, name=f"rrf w{w} k60", w_dense=w, fusion_k=60))
    for f in ("minmax", "zscore"):
        for w in (0.3, 0.5, 1.0):
            out.append(replace(base, name=f"{f} w{w}", fusion=f, w_dense=w))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--stard-data", type=Path, required=True)
    parser.add_argument("--held-out", action="store_true")
    parser.add_argument("--only", help="comma-separated config names (prefixes)")
    args = parser.parse_args()
    which = 1 if args.held_out else 0
    shipped, stard = Bundle(args.data), Bundle(args.stard_data)
    sets = [
        ("STARD", stard, split(read(SHARED / "stard" / "queries_dev.jsonl"))[which]),
        ("devq", shipped, read(SHARED / "gold" / "dev_queries.jsonl")),
        ("para", shipped, halves(read(HERE / "queries" / "paraphrases.jsonl"))[which]),
    ]
    # the pipeline with the default config ranks as the searcher does
    for _, bundle, items in sets:
        for item in items[:5]:
            assert bundle.rank(item["query"], Config()) == [h.clause_id for h in bundle.searcher.search(item["query"], 10).hits], item["query"]
    chosen = [c for c in configs() if not args.only or any(c.name.startswith(p) for p in args.only.split(","))]
    if args.held_out:  # the held-out halves judge the final choice once, not the methods
        chosen = [BASELINE, Config()]
    print(f"{'config':28s} " + " ".join(f"{n:>5s}-{len(i)} MRR  R@10" for n, _, i in sets) + "  devq nDCG", flush=True)
    for config in chosen:
        started = time.process_time()
        figures = [bundle.measure(items, config) for _, bundle, items in sets]
        line = " ".join(f"{f['rr']:>10.3f} {f['recall']:.3f}" for f in figures)
        print(f"{config.name:28s} {line}  {figures[1]['ndcg']:.3f}  ({time.process_time() - started:.0f} CPU s)", flush=True)


if __name__ == "__main__":
    main()
