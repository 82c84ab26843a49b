"""Whether the corpus answers a question at all, or search should say "no clause answers
this" and offer the nearest clauses instead.

Ranking always returns something; whether the best of it answers is a separate decision,
made on two pieces of evidence about the best few hits:

- ``cover``: the share of the question's words (each weighted by how rare it is in the
  corpus, so 养猪场 counts for more than 补贴) that the best hit holds in its title, path or
  text. A question about something the texts never mention leaves its rare words
  uncovered.
- ``similarity``: the dense side's best cosine similarity (e5), which sees a paraphrase
  that shares few words with the text.

A question is answered when either is high enough. The thresholds were chosen on one part
of the questions (the judged development queries, half of their paraphrases, half of the
questions the corpus cannot answer, ``benchmarks/queries/``) and are reported on the other
(the other halves, and STARD's questions over its own laws): ``benchmarks/abstention.py``
measures both rates (answerable answered, unanswerable abstained) on both parts."""
from __future__ import annotations

from dataclasses import asdict, dataclass

# Chosen with benchmarks/abstention.py on its calibration part (best mean of the two
# rates); the README gives the rates on the held-out part.
MIN_COVER = 0.55
# Cosine similarity is on each encoder's own scale (e5's scores crowd into 0.8–0.95), so a
# threshold holds for the encoder it was chosen for; with any other, search answers on
# cover alone, as keyword search does.
MIN_SIMILARITY = {"e5:multilingual-e5-small": 0.89}
# Keyword search alone: cover is the only evidence, read over BM25's best hits.
MIN_COVER_KEYWORD = 0.4


@dataclass(frozen=True)
class Evidence:
    cover: float  # 0–1: weighted share of the question's words the best hit holds
    similarity: float  # the dense side's best cosine similarity (0 without a dense side)

    def to_dict(self) -> dict:
        return asdict(self)


def answered(evidence: Evidence, encoder: str | None = None, mode: str = "hybrid") -> bool:
    """Whether the evidence says some clause answers the question. Without a similarity
    threshold for the encoder (or in keyword mode) it answers on cover alone.

    >>> answered(Evidence(cover=0.9, similarity=0.0), None, "keyword")
    True
    >>> answered(Evidence(cover=0.1, similarity=0.7), "e5:multilingual-e5-small")
    False
    """
    threshold = MIN_SIMILARITY.get(encoder or "") if mode != "keyword" else None
    if threshold is None:
        return evidence.cover >= MIN_COVER_KEYWORD
    return evidence.cover >= MIN_COVER or evidence.similarity >= threshold
