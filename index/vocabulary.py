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


# Texts are numbered within a run of at most this many (2**22) in ``_pair_counts``' keys,
# beside a pair of two code points (21 bits each): 64 bits in all.
_TEXT_BITS = 22


def _pair_counts(texts: list[str]) -> dict[str, int]:
    """Every two adjacent characters of ``texts`` (which hold no white space), each with the
    number of texts holding it. Found with numpy over the texts' code points: each pair
    once per text, by sorting (pair, text) keys; a Python loop over millions of characters,
    or ``numpy.unique`` (which numpy 2.4 does by hashing), would cost seconds."""
    import numpy as np

    counts: dict[str, int] = {}
    for start in range(0, len(texts), 1 << _TEXT_BITS):
        # "\n" between texts (they have none of their own): a pair holding it is no pair of one text
        points = np.frombuffer("\n".join(texts[start : start + (1 << _TEXT_BITS)]).encode("utf-32-le"), dtype=np.uint32)
        if len(points) < 2:
            continue
        # one key per character but the last: its pair with the next, then which text it is in
        keys = points[:-1].astype(np.uint64)
        keys <<= np.uint64(21)
        keys |= points[1:]
        keys <<= np.uint64(_TEXT_BITS)
        newline = points == ord("\n")
        text = newline[:-1].astype(np.uint64)
        keys |= np.cumsum(text, out=text)  # in place: a sum cast from booleans cost seconds of system time
        keys = keys[~(newline[:-1] | newline[1:])]
        keys.sort()
        if not len(keys):
            continue
        first = np.ones(len(keys), dtype=bool)
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        pairs = keys[first] >> np.uint64(_TEXT_BITS)  # one per (pair, text), sorted by pair
        starts = np.flatnonzero(np.concatenate(([True], pairs[1:] != pairs[:-1])))
        held = np.diff(np.append(starts, len(pairs)))
        codes = pairs[starts]
        found = zip(map(chr, (codes >> np.uint64(21)).tolist()), map(chr, (codes & np.uint64((1 << 21) - 1)).tolist()))
        for pair, n in zip(map("".join, found), held.tolist()):
            counts[pair] = counts.get(pair, 0) + n
    return counts


class Vocabulary:
    """What the corpus's texts hold, for cutting questions into words."""

    def __init__(self, texts: Iterable[str], terms: Iterable[str] = ()) -> None:
        # Each text lowercase without white space, and one string of them all, so "is this
        # word in the corpus" is one substring search; "\n" keeps words from spanning two texts.
        stripped = ["".join(t.lower().split()) for t in texts]
        self._blob = "\n".join(stripped)
        self._pairs = _pair_counts(stripped)
        self.terms: set[str] = set()
        self.add_terms(terms)
        self.holds = lru_cache(maxsize=65536)(self._holds)

    def add_terms(self, terms: Iterable[str]) -> None:
        """Take ``terms`` (the abbreviations the texts define and their full forms) as words."""
        self.terms |= {t.lower() for t in terms if len(t) >= 2}

    def most_holding(self, word: str) -> int | None:
        """At most how many texts hold ``word`` (lowercase): as many as hold its rarest pair
        of adjacent characters (exactly as many, for two characters). None for a word it
        cannot say for: shorter than two characters, or with white space (the texts have
        none left).

        It bounds as well the texts that are each part of one of these texts, such as a
        clause's own text in what search reads of it (title, headings, then the text):
        lowercasing the whole lowercases the clause's text alike (a space stands before
        it), and taking white space out leaves a word that has none in one piece."""
        if len(word) < 2 or any(ch.isspace() for ch in word):
            return None
        return min(self._pairs.get(word[i : i + 2], 0) for i in range(len(word) - 1))

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
