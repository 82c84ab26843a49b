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


# Taiwan words that ``tw2sp`` reads as computing vocabulary (執行 → 运行, 檔案 → 文件,
# 物件 → 对象) but that policy and legal texts use in their everyday sense, in Taiwan as on
# the mainland: 強制執行 is 强制执行, 檔案管理 is 档案管理. They get the characters-only
# ``t2s``; every other phrase keeps ``tw2sp`` (資訊 → 信息, 積體電路 → 集成电路). Splitting
# the text around them costs nothing a custom OpenCC profile would not, and needs no
# configuration file of our own.
EVERYDAY_WORDS = ("執行", "檔案", "物件")
_EVERYDAY = re.compile("(" + "|".join(EVERYDAY_WORDS) + ")")


def to_simplified(text: str) -> str:
    """Traditional (Taiwan usage) to Simplified: 工業和資訊化局 → 工业和信息化局, with the
    words of ``EVERYDAY_WORDS`` kept in their everyday sense.

    >>> to_simplified("由工業和資訊化局負責執行")
    '由工业和信息化局负责执行'
    """
    if _EVERYDAY.search(text) is None:
        return _tw2sp().convert(text)
    pieces = _EVERYDAY.split(text)  # odd places hold the everyday words
    return "".join(_t2s_chars().convert(p) if n % 2 else _tw2sp().convert(p) for n, p in enumerate(pieces))


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
