"""Word segmentation with jieba, shared by the keyword index and queries so both are cut
the same way."""
from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

from .convert import normalize

_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def tokens(text: str) -> list[str]:
    """Search tokens of normalised text: jieba's search mode (long words and their parts),
    punctuation and spaces dropped.

    >>> tokens("MPW流片费用")[:3]
    ['mpw', '流片', '费用']
    """
    words = _tokenizer().lcut_for_search(normalize(text))
    return [w.lower() for w in words if _WORDLIKE.search(w)]
