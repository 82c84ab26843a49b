"""Abbreviations a text defines, in three shapes:

- full name, then a Latin short form in brackets: 多项目晶圆（MPW）, 电子设计自动化（EDA）;
- Latin short form, then the full name in brackets: GLP（药品非临床研究质量管理规范）,
  R&D（研究与试验发展）, 5G（第五代移动通信技术）;
- full name, then （以下简称…） or （简称“…”）: 广州人工智能与数字经济试验区（以下简称广州试验区）.

Other brackets are not definitions: （责任单位：…）, （年利率）, （2018—2022年）, （含…）,
glosses of a Chinese word by an English one (居住（Residence）) and lists of Chinese words
after a Chinese word (3D打印产业园（研发设计）).

Where the full name comes first, where it starts is a guess: for a Chinese short form, the
latest start from which the short form's characters appear in order (广州人工智能与数字经济
试验区 ⊇ 广州试验区); for a Latin one, after the last word that cannot be part of a name
(对, 购买, 研发, 、 …).

    >>> [(a.full, a.short) for a in find_abbreviations("对企业研发多项目晶圆（MPW）直接费用的80%给予补贴")]
    [('多项目晶圆', 'MPW')]
"""
from __future__ import annotations

import re

from policykg.kg.models import Abbreviation

# A Latin short form: no spaces, at most 12 characters, and at least two capitals or a
# capital and a digit (MPW, LoRa, 5G, K12, IPv6, R&D) — not an English word (Residence).
LATIN_SHORT = r"[A-Za-z0-9][A-Za-z0-9&+\-./]{0,11}"
_OPEN, _CLOSE = "[（(]", "[）)]"
# A Chinese full name inside brackets: mostly Chinese, no colon, no figures of a date.
CHINESE_FULL = r"[\u4e00-\u9fff][\u4e00-\u9fff、（）()\s·A-Za-z0-9]{1,39}"
NOT_A_NAME = re.compile(r"[：:]|单位|牵头|配合|责任|^含|除外|年利率|以上|以下|不含|详见|见附件|\d{4}\s*年")

SHORT_FIRST = re.compile(rf"(?<![A-Za-z0-9&])“?(?P<short>{LATIN_SHORT})”?\s*{_OPEN}\s*(?P<full>{CHINESE_FULL}?)\s*{_CLOSE}")
FULL_FIRST = re.compile(rf"(?P<before>[\u4e00-\u9fff]{{1,40}})\s*{_OPEN}\s*(?P<short>{LATIN_SHORT})\s*{_CLOSE}")
DECLARED = re.compile(
    rf"(?P<before>[\u4e00-\u9fffA-Za-z0-9“”《》]{{1,60}}?)\s*{_OPEN}\s*(?:以下|下文)?(?:简称|称)\s*[“\"]?(?P<short>[^）)“”\"]{{1,20}}?)[”\"]?\s*{_CLOSE}"
)
# Words after which a Chinese full name starts (a verb or preposition before the name).
NAME_BOUNDARY = re.compile(
    r"(?:对|在|向|为|或|的|等|由|经认定|按|以|从|于|将|把|被|让|使|给予|购买|研发|通过|符合|采用|使用|提供|建设|推动|面向|发展|支持|"
    r"鼓励|加快|推进|实施|开展|建立|打造|引进|获得|承接|组建|完善|改造|升级|布局|聚焦|依托|围绕|包括|立足|加强|培育|申报|认定|设立|构建|推广|优化|"
    r"重点|全力|积极|大力|进一步|稳步|超前|加速|促进|创建|形成|成立|规划|启动|计划|植入|融合|采取|利用|参与|现有|引入|"
    r"快|、|，|。|；|：|“|”|》|《)"
)


def _latin_short(short: str) -> bool:
    capitals = sum(ch.isupper() for ch in short)
    return capitals >= 2 or (capitals >= 1 and any(ch.isdigit() for ch in short))


def _start_of_name(before: str) -> int:
    """Where a Chinese full name starts in ``before`` (which it ends)."""
    cut = 0
    for m in NAME_BOUNDARY.finditer(before):
        if m.end() < len(before):
            cut = m.end()
    return cut


def _subsequence_start(before: str, short: str) -> int | None:
    """The latest start in ``before`` from which ``short``'s characters appear in order,
    beginning with its first character."""
    for start in range(len(before) - 1, -1, -1):
        if before[start] != short[0]:
            continue
        it = iter(before[start:])
        if all(ch in it for ch in short):
            return start
    return None


def find_abbreviations(text: str) -> list[Abbreviation]:
    """Every abbreviation ``text`` defines, in order; ``start``/``end`` span the definition
    (full name and short form with its brackets)."""
    found: dict[tuple[int, int], Abbreviation] = {}
    for m in DECLARED.finditer(text):
        short = m.group("short").strip()
        before = m.group("before")
        title = re.search(r"《([^《》]+)》$", before)
        start: int | None
        if title:  # 《…》（简称“…”）: the title
            start = title.start(1)
        else:
            start = _subsequence_start(before, short)
            if start is None or before[start:] == short:  # 试验区 for …试验区: the name's own tail
                start = _start_of_name(before)
        full = before[start:].strip("“”《》")
        if full and full != short:
            found[(m.start("before") + start, m.end())] = Abbreviation(full, short, m.start("before") + start, m.end())
    for m in SHORT_FIRST.finditer(text):
        short, full = m.group("short"), re.sub(r"\s+", "", m.group("full"))
        if not _latin_short(short) or NOT_A_NAME.search(full) or len(full) < 2:
            continue
        if text[:m.start()].rstrip().endswith("+"):
            continue  # 4G + 5G（…）: the bracket explains the whole expression
        found[(m.start(), m.end())] = Abbreviation(full, short, m.start(), m.end())
    for m in FULL_FIRST.finditer(text):
        short = m.group("short")
        if not _latin_short(short):
            continue
        before = m.group("before")
        start = _start_of_name(before)
        full = before[start:]
        if len(full) < 2:
            continue
        begin = m.start("before") + start
        if any(s <= begin < e for s, e in found):
            continue
        found[(begin, m.end())] = Abbreviation(full, short, begin, m.end())
    return [found[k] for k in sorted(found)]
