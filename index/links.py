"""Semantic links between a firm's words and the rules' words, by the build's encoder.

The lexicon, abbreviations, tw2sp and shared character pairs link 芯片设计 to 集成电路设计 and
流片花的钱 to 流片费用; they cannot link words that share no character and no lexicon entry
(光罩制作费 ↔ 掩膜版（MASK）费用, 储能电池系统 ↔ 新型储能). Here the build's encoder embeds the
rules' side once — the lexicon's industry labels, the industry words rules write outside it
(智能传感器企业 → 智能传感器) and the bases of rates (实际租金, 研发设备投入) — and keeps the
vectors in the generation (``links.npz``, written at build time); a firm's words are
embedded when it is matched. A firm's word links to the one target it is nearest to, when
that similarity reaches the kind's threshold and beats the next target by a margin: a false
link can turn an unknown into eligible, a missed one only leaves it unknown, so the
thresholds were chosen for precision on pairs we wrote (``benchmarks/data/match_links.jsonl``,
``python benchmarks/match_links.py``). The thresholds hold for e5's similarity scale only:
a build with another encoder, or none (``--model none``), links as before, without this.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .encoders import Encoder

LINKS_FILE = "links.npz"
# Chosen on the "choose" half of benchmarks/data/match_links.jsonl with e5 ("query: " on
# both sides, the task being symmetric): no false link there, then the most pairs found, then
# the higher threshold and margin. On the held-out half (benchmarks/match_links.py):
# industry precision 1.000, recall 0.214 (3/14, 0 false of 14); base 1.000, 0.333 (4/12, 0/12).
THRESHOLDS = {"industry": 0.91, "base": 0.95}
MARGINS = {"industry": 0.03, "base": 0.01}
ENCODER_PREFIX = "e5:"  # the encoder the thresholds were chosen for

# An untyped condition that names a field: 智能传感器企业, 工业母机领域企业, 低空经济产业
_FIELD = re.compile(r"^(?P<field>[\u4e00-\u9fffA-Za-z0-9]{2,10}?)(?:领域|产业|行业)?(?:企业|产业|领域)$")


@dataclass(frozen=True)
class Target:
    """What a firm's word can link to: a lexicon concept ("industry/ai"), an untyped
    industry word ("word:智能传感器") or a base ("base:实际租金"), with the words embedded."""

    kind: str  # "industry" or "base"
    key: str
    text: str


@dataclass(frozen=True)
class SemanticLink:
    firm: str
    target: Target
    similarity: float

    def words(self) -> str:
        return f"语义相近：{self.firm} ≈ {self.target.text}（{self.similarity:.2f}）"


def field_word(words: str) -> str | None:
    """The field an untyped condition names, or None: 智能传感器企业 → 智能传感器.

    >>> field_word("智能传感器企业"), field_word("工业母机领域企业"), field_word("承担军工科研项目的企业"), field_word("择优对平台和应用企业")
    ('智能传感器', '工业母机', None, None)
    """
    m = _FIELD.match(words.strip())
    if not m or re.search(r"[的对和与及或、在]|择优|支持|鼓励", words):
        return None
    return m.group("field")


class LinkTable:
    """The rules' side, embedded; ``link`` embeds a firm's words and finds their target."""

    def __init__(self, targets: list[Target], vectors: np.ndarray, encoder: Encoder) -> None:
        self.targets = targets
        # targets that do not compete (a narrower and a broader concept: 创新药 ⊑ 生物医药): the
        # margin is measured against the nearest target not related to the nearest one
        self.related: Callable[[str, str], bool] = lambda a, b: False
        self.vectors = vectors
        self.encoder = encoder
        self._rows = {kind: np.array([n for n, t in enumerate(targets) if t.kind == kind], dtype=np.int64) for kind in THRESHOLDS}
        self._seen: dict[tuple[str, str], SemanticLink | None] = {}

    @classmethod
    def embed(cls, targets: Iterable[Target], encoder: Encoder) -> "LinkTable":
        unique = list(dict.fromkeys(targets))
        vectors = encoder.encode_queries([t.text for t in unique]) if unique else np.empty((0, encoder.dim), np.float32)
        return cls(unique, vectors, encoder)

    def save(self, folder: Path) -> None:
        meta = json.dumps({"encoder": self.encoder.name, "targets": [[t.kind, t.key, t.text] for t in self.targets]}, ensure_ascii=False)
        np.savez(Path(folder) / LINKS_FILE, vectors=self.vectors, meta=np.array(meta))

    @classmethod
    def load(cls, folder: Path, encoder: Encoder) -> "LinkTable | None":
        """The table a build saved, or None when it has none or another encoder made it."""
        path = Path(folder) / LINKS_FILE
        if not path.exists():
            return None
        with np.load(path) as data:
            meta = json.loads(str(data["meta"]))
            vectors = np.asarray(data["vectors"], dtype=np.float32)
        if meta["encoder"] != encoder.name:
            return None
        return cls([Target(*row) for row in meta["targets"]], vectors, encoder)

    def link(self, word: str, kind: str) -> SemanticLink | None:
        """The target ``word`` is nearest to among those of ``kind``, when it is near enough
        and nearer than any other target by the margin."""
        key = (word, kind)
        if key not in self._seen:
            self._seen[key] = self._link(word, kind)
        return self._seen[key]

    def forget(self) -> None:
        """Drop the firm words' links kept in memory (the next match embeds them again)."""
        self._seen.clear()

    def links(self, words: Sequence[str], kind: str) -> None:
        """Embed ``words`` in one call (their links are then answered from memory)."""
        new = [w for w in dict.fromkeys(words) if (w, kind) not in self._seen]
        if len(self._seen) > 100_000:
            self.forget()  # a long-running server meets ever new words: bound what it keeps
        if new:
            for word, vector in zip(new, self.encoder.encode_queries(new)):
                self._seen[(word, kind)] = self._nearest(word, vector, kind)

    def _link(self, word: str, kind: str) -> SemanticLink | None:
        return self._nearest(word, self.encoder.encode_queries([word])[0], kind)

    def _nearest(self, word: str, vector: np.ndarray, kind: str) -> SemanticLink | None:
        found = decide(self.ranked(vector, kind), THRESHOLDS[kind], MARGINS[kind], self.related)
        return SemanticLink(word, found[1], round(found[0], 2)) if found else None

    def ranked(self, vector: np.ndarray, kind: str) -> list[tuple[float, Target]]:
        """Each target of ``kind`` with its similarity to ``vector`` (a target's best text),
        nearest first."""
        rows = self._rows.get(kind)
        if rows is None or not len(rows):
            return []
        scores = self.vectors[rows] @ vector
        best: dict[str, tuple[float, int]] = {}
        for row, score in zip(rows.tolist(), scores.tolist()):
            key = self.targets[row].key
            if key not in best or score > best[key][0]:
                best[key] = (score, row)
        return [(score, self.targets[row]) for score, row in sorted(best.values(), reverse=True)]


def decide(ranked: list[tuple[float, Target]], threshold: float, margin: float,
           related: Callable[[str, str], bool] = lambda a, b: False) -> tuple[float, Target] | None:
    """The nearest target when it reaches ``threshold`` and beats the next target not
    ``related`` to it by ``margin``."""
    if not ranked:
        return None
    top, target = ranked[0]
    second = next((score for score, other in ranked[1:] if not related(target.key, other.key)), -1.0)
    return (top, target) if top >= threshold and top - second >= margin else None


def usable(encoder: Encoder | None) -> bool:
    """Whether the thresholds hold for ``encoder`` (they were chosen on e5's scale)."""
    return encoder is not None and encoder.name.startswith(ENCODER_PREFIX)


def rule_targets(industry_labels: Iterable[tuple[str, str]], field_words: Iterable[str], bases: Iterable[str]) -> list[Target]:
    """The targets of a build: (concept id, label) pairs of the lexicon, the fields untyped
    conditions name, and the bases of rates."""
    out = [Target("industry", concept, label) for concept, label in industry_labels]
    out += [Target("industry", f"word:{w}", w) for w in field_words]
    out += [Target("base", f"base:{b}", b) for b in bases]
    return out
