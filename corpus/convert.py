"""Normalise text for matching and display: NFKC where it is safe, Traditional to
Simplified with OpenCC's ``tw2sp`` profile (Taiwan phrases too: 資訊 → 信息), and the
spaces PDF extraction leaves between Chinese and Latin text removed."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Chinese punctuation that NFKC would turn into ASCII; we keep it full-width, because
# Chinese text is written with it and patterns read it (half-width input is accepted by
# the patterns too).
_KEEP_FULL_WIDTH = set("，。：；！？（）【】《》〔〕“”‘’、…—～")

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201d\u2026\u2014"
# A space next to a Chinese character or Chinese punctuation is an extraction artefact:
# "IAB 主导产业", "1 亿元", "2.33 分 / 千瓦时".
_SPACE_NEXT_TO_CJK = re.compile(
    rf"(?<=[{_CJK}{_CJK_PUNCT}])[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+(?=[{_CJK}{_CJK_PUNCT}])"
)


@lru_cache(maxsize=1)
def _tw2sp() -> opencc.OpenCC:
    return opencc.OpenCC("tw2sp")


def nfkc_safe(text: str) -> str:
    """NFKC, except for the Chinese punctuation in ``_KEEP_FULL_WIDTH``.

    >>> nfkc_safe("ＭＰＷ１２３％（一）")
    'MPW123%（一）'
    """
    return "".join(map(_nfkc_char, text))


@lru_cache(maxsize=None)
def _nfkc_char(ch: str) -> str:
    """One character's NFKC form (kept Chinese punctuation stays); remembered, since a
    corpus uses a few thousand distinct characters millions of times."""
    return ch if ch in _KEEP_FULL_WIDTH else unicodedata.normalize("NFKC", ch)


def to_simplified(text: str) -> str:
    """Traditional (Taiwan usage) to Simplified: 工業和資訊化局 → 工业和信息化局."""
    return _tw2sp().convert(text)


def tidy_spaces(text: str) -> str:
    """Drop spaces next to Chinese text; fold other runs of white space into one space."""
    text = _SPACE_NEXT_TO_CJK.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def normalize(text: str, script: str | None = None) -> str:
    """The normalised form used for clause text, matching and search. Traditional text
    (``script`` "zh-Hant", or detected when not given) is converted to Simplified;
    Simplified text is left alone, because ``tw2sp`` also rewrites Taiwan *phrases* and
    would turn Simplified 文件 into 文档.

    >>> normalize("積體電路 1 億元")
    '集成电路1亿元'
    >>> normalize("法定程序和文件")
    '法定程序和文件'
    """
    text = nfkc_safe(text)
    if (script or script_of(text)) == "zh-Hant":
        text = to_simplified(text)
    return tidy_spaces(text)


@lru_cache(maxsize=1)
def _t2s_chars() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=None)
def _traditional_only(ch: str) -> bool:
    """Whether t2s changes this character alone; remembered per character (an OpenCC call
    per distinct character of every text was half the cost of normalising a clause)."""
    return _t2s_chars().convert(ch) != ch


def simplified_characters(text: str) -> str:
    """Traditional characters to Simplified with OpenCC's standard ``t2s`` profile, no
    Taiwan-usage phrases: a Simplified text comes back unchanged, and a Traditional copy
    of it comes back as that text (執行 → 执行, where ``tw2sp`` gives 运行). For deciding
    whether two texts are the same text."""
    return _t2s_chars().convert(text)


# Share of Chinese characters that only Traditional script uses, above which a text is
# taken as Traditional. Simplified text has a few characters that t2s maps anyway (乾, 著).
TRADITIONAL_SHARE = 0.05


def script_of(text: str) -> str:
    """"zh-Hant" when enough of the Chinese characters are Traditional-only (each
    character converted alone, so vocabulary differences do not count), else "zh-Hans"."""
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return "zh-Hans"
    share = sum(1 for ch in han if _traditional_only(ch)) / len(han)
    return "zh-Hant" if share > TRADITIONAL_SHARE else "zh-Hans"
