"""Fusing ranked lists from the keyword and dense sides: weighted reciprocal rank fusion.

RRF needs no score calibration between BM25 and cosine similarity, only ranks:
score(d) = Σ_side weight_side / (RRF_K + rank_side(d))."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

# The usual constant from Cormack et al. (2009); larger flattens the head of each list.
RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[str]], weights: Mapping[str, float], k: int = RRF_K
) -> list[tuple[str, float]]:
    """Ids ordered by fused score (best first), with their scores.

    >>> reciprocal_rank_fusion({"keyword": ["a", "b"], "dense": ["b", "c"]}, {"keyword": 1.0, "dense": 1.0})[0][0]
    'b'
    """
    scores: dict[str, float] = {}
    for side, ranked in rankings.items():
        weight = weights.get(side, 1.0)
        for rank, item in enumerate(ranked, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
