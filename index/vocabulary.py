"""The words of a question, cut with the corpus's own vocabulary.

jieba cuts colloquial questions badly where a text's term is rare in its dictionary:
"流片花了300万能补多少" comes out as 流 / 片花 / 了 / 300 / 万能 / 补 — the topic, 流片, is
lost, and two words that mean nothing here appear. Deciding whether the corpus answers a
question, which words to highlight and which award a question names all need the words the
question is about, so questions are cut by jieba's own method (the most probable path
through its dictionary's words) with one change: a dictionary word that the corpus holds
counts ``CORPUS_BOOST`` times as often, and the terms the texts define (abbreviations and
their full forms, 多项目晶圆) are words too. Words the corpus never uses (养猪场) stay whole:
they are exactly the ones that tell a question the corpus cannot answer.

    >>> Vocabulary(["集成电路企业流片费用"]).words("流片花了300万能补多少")
    ['流片', '花', '了', '300', '万能', '补', '多少']
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

from policykg.corpus.convert import normalize

# Longest word tried (新一代信息技术 has 7 characters).
MAX_WORD = 7
# How much more likely a word is taken when the corpus holds it: enough that 流片 (rare in
# jieba's dictionary, common here) beats 片花.
CORPUS_BOOST = 100
_RUNS = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+")


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, int], float]:
    """jieba's dictionary (word -> frequency) and the log of its total."""
    from policykg.corpus.words import _tokenizer

    tokenizer = _tokenizer()
    tokenizer.check_initialized()
    return tokenizer.FREQ, math.log(tokenizer.total)


def _pairs(text: str) -> frozenset[str]:
    """Every two adjacent characters of ``text``, found with numpy over its code points
    (a Python loop over millions of characters would cost seconds)."""
    import numpy as np

    if len(text) < 2:
        return frozenset()
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    codes = np.unique((points[:-1] << np.uint64(32)) | points[1:])
    return frozenset(chr(int(code >> 32)) + chr(int(code & 0xFFFFFFFF)) for code in codes)


class Vocabulary:
    """What the corpus's texts hold, for cutting questions into words."""

    def __init__(self, texts: Iterable[str], terms: Iterable[str] = ()) -> None:
        # One string with every text (lowercase, no white space), so "is this word in the
        # corpus" is one substring search; "\n" keeps words from spanning two texts.
        self._blob = "\n".join(re.sub(r"\s+", "", t.lower()) for t in texts)
        self._pairs = _pairs(self._blob)
        self.terms = {t.lower() for t in terms if len(t) >= 2}
        self.holds = lru_cache(maxsize=65536)(self._holds)

    def _holds(self, word: str) -> bool:
        # A word one of whose character pairs no text has is in no text: known without
        # reading the whole corpus (on the realcorpus's 82k clauses, reading it for each
        # candidate word of a new question was most of that question's keyword search).
        if len(word) >= 2 and not all(word[i : i + 2] in self._pairs for i in range(len(word) - 1)):
            return False
        return word in self._blob

    def _frequency(self, word: str, dictionary: dict[str, int]) -> float:
        if word in self.terms:
            return float(max(dictionary.get(word, 0), 1) * CORPUS_BOOST)
        found = dictionary.get(word, 0)
        if found and len(word) > 1 and self.holds(word):
            return float(found * CORPUS_BOOST)
        return float(found)

    def words(self, question: str) -> list[str]:
        """The question cut into words, in order (Chinese runs by the most probable path;
        Latin and digit runs whole)."""
        found: list[str] = []
        for run in _RUNS.findall(normalize(question).lower()):
            found += [run] if run[0].isascii() else self._cut(run)
        return found

    def _cut(self, run: str) -> list[str]:
        dictionary, log_total = _dictionary()
        size = len(run)
        best: list[tuple[float, int]] = [(0.0, size)] * (size + 1)
        for at in range(size - 1, -1, -1):
            options = []
            for end in range(at + 1, min(size, at + MAX_WORD) + 1):
                frequency = self._frequency(run[at:end], dictionary)
                if frequency > 0 or end == at + 1:
                    options.append((math.log(frequency or 1.0) - log_total + best[end][0], end))
            best[at] = max(options)
        words, at = [], 0
        while at < size:
            end = best[at][1]
            words.append(run[at:end])
            at = end
        return words
