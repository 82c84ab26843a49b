"""Put the lines of a PDF extraction back into reading order.

Extraction of a two-column layout can print a column's end before its start, so a
sentence stops mid-word in one place ("…对进入广") and goes on elsewhere ("州股权交易中心挂牌
交易…"). The lines are cut into *units* (an item starting with its number, or a run of
text lines); every boundary between units is a place where reading may jump. Each unit
that ends may be followed by the next unit in the file or by another one; candidate
successors are scored on evidence a reader uses:

- a word or a frequent character sequence across the junction (广|州, 不|超过);
- brackets: "（责任" must be closed by a continuation, and a line beginning "工商局配合）"
  must continue a bracket opened elsewhere;
- numbering: the continuation is followed by the next item number ((十八) → … → (十九));
- staying put: the next unit in the file is preferred when nothing speaks against it.

The best successors are chosen greedily (never making a cycle). A continuation that fits
no open sentence stays where it was printed."""
from __future__ import annotations

import logging
import math
import re
from collections import Counter
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

import jieba

from .clean import Layout, classify, split_run_in_items
from .convert import script_of, to_simplified
from .models import Line
from .patterns import (
    CLAUSE_STOP,
    DATE_LINE,
    MARKDOWN_HEADING,
    Marker,
    find_marker,
    is_document_number_line,
    is_sentence_end,
    open_brackets,
    unmatched_close_before_open,
)

log = logging.getLogger(__name__)

# Weights of the evidence for "unit B continues unit A". They were set by reading the
# shipped compilation's out-of-order pages and checked on the development clauses.
STAY_PUT = 2.5  # B is the next unit in the file
OPEN_NEEDS_MORE = 2.0  # A stops mid-sentence, B starts mid-sentence
WORD_WEIGHT = 0.35  # per nat jieba gains reading the junction as one text (广|州)
WORD_CAP = 4.0
NGRAM_WEIGHT = 0.4  # per nat of association across the junction
NGRAM_CAP = 3.0
BRACKET_CLOSED = 4.0  # A leaves a bracket open that B closes
BRACKET_BROKEN = -6.0  # B closes a bracket A never opened, or A's bracket stays open
NEXT_NUMBER = 3.0  # the item after B is numbered right after A's item
NUMBER_JUMP = -1.0  # B's number does not follow the last number of its kind before it
SEAM_HEAD = 0.5  # B was printed at the start of a column (indented, after page furniture)
DISTANCE_PER_LINE = 0.01
MIN_SCORE = 0.5  # weaker links are not made; the unit then starts a run of its own
MIN_EVIDENCE = 2.0  # a jump elsewhere needs at least this much evidence
MIN_EVIDENCE_AT_SEAM = 0.0  # less when the continuation starts a printed column

_SPACES = re.compile(r"\s+")


@dataclass
class Unit:
    """Consecutive lines that read as one: an item from its number up to the next
    number or column change, a run of text lines, a table, or a title block line."""

    kind: str  # "item", "text", "table", "title"
    lines: list[Line] = field(default_factory=list)
    marker: Marker | None = None
    seam_before: bool = False  # printed after a column change or page furniture
    detached: bool = False  # begins a run in reading order that is not its printed place
    cut: bool = False  # lost its end to a continuation claimed by another unit
    # the joined text, with the number of lines it was joined from: scoring asks for it
    # many times, and recomputing it made the stage quadratic in the unit's length
    _text: tuple[int, str] = field(default=(0, ""), init=False, repr=False, compare=False)

    @property
    def text(self) -> str:
        if self._text[0] != len(self.lines):
            self._text = (len(self.lines), "".join(_SPACES.sub("", line.text) for line in self.lines))
        return self._text[1]

    @property
    def first_line(self) -> int:
        return self.lines[0].number

    def is_open(self) -> bool:
        """Stops mid-sentence (or with a bracket left open)."""
        if self.kind not in ("item", "text"):
            return False
        if _is_heading(self) and not self.cut:
            return False  # "（二）发展目标"; a cut unit was printed running on, so it is no heading
        text = self.text
        return not is_sentence_end(text) or open_brackets(text) > 0


@dataclass
class ReadingOrder:
    """The units of one file in reading order, and what was left aside."""

    units: list[Unit]
    layout: Layout


class NgramCounts:
    """Character n-gram counts of the corpus, for judging whether two pieces of text
    read as one across a junction: 广|州 occur together far more often than chance."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.total = 0

    def add(self, text: str) -> None:
        if script_of(text) == "zh-Hant":
            text = to_simplified(text)
        for line in text.splitlines():
            line = _SPACES.sub("", line)
            self.total += len(line)
            for n in (1, 2, 3, 4):
                for i in range(len(line) - n + 1):
                    self.counts[line[i : i + n]] += 1

    def association(self, left: str, right: str) -> float:
        """The strongest pointwise mutual information (in nats) of an end of left with a
        start of right, over ends and starts of one or two characters."""
        left, right = left[-2:], right[:2]
        best = 0.0
        for a in (1, 2):
            for b in (1, 2):
                if len(left) < a or len(right) < b:
                    continue
                x, y = left[-a:], right[:b]
                joint = self.counts[x + y]
                if joint < 2:
                    continue
                pmi = math.log(joint * max(self.total, 1) / (self.counts[x] * self.counts[y]))
                best = max(best, pmi)
        return best

    def across(self, left: str, right: str) -> float:
        return min(self.association(left, right) * NGRAM_WEIGHT, NGRAM_CAP)


MAX_TITLE_LINES = 3
MAX_SIGNATURE_CHARS = 20


def _title_lines(lines: list[Line]) -> set[int]:
    """Line numbers of title blocks: a 文号 line and the short lines just above it that
    are no sentence ("广州市人民政府关于加快工业和信息化产业" / "发展的扶持意见")."""
    titles: set[int] = set()
    for k, line in enumerate(lines):
        if DATE_LINE.match(line.text):  # a signature: issuer above the date
            titles.add(line.number)
            if k and len(lines[k - 1].text) <= MAX_SIGNATURE_CHARS and not re.search(r"[。；，：]", lines[k - 1].text):
                titles.add(lines[k - 1].number)
            continue
        if not is_document_number_line(line.text):
            continue
        titles.add(line.number)
        for above in reversed(lines[max(0, k - MAX_TITLE_LINES) : k]):
            text = above.text
            if find_marker(text) or re.search(r"[。；，：]", text.rstrip("：")) or len(text) > 60 or _unbalanced(text):
                break
            titles.add(above.number)
    return titles


def _unbalanced(text: str) -> bool:
    """A quote or bracket opened and not closed: a sentence running on to another line
    ("围绕《…行动计划（2018—2022 年）》和广州建设“中"), never one line of a title."""
    return text.count("“") > text.count("”") or text.count("《") > text.count("》") or open_brackets(text) > 0


def build_units(layout: Layout) -> list[Unit]:
    """Cut content lines and tables into units, in file order."""
    entries: list[tuple[int, str, Line | list[Line]]] = [(line.number, "line", line) for line in layout.content]
    entries += [(table[0].number, "table", table) for table in layout.tables]
    entries += [(line.number, "furniture", line) for line in layout.furniture]
    entries.sort(key=lambda e: e[0])

    titles = _title_lines(layout.content)
    units: list[Unit] = []
    seam = False
    current: Unit | None = None
    for _, what, item in entries:
        if what == "furniture":
            seam = True
            continue
        if isinstance(item, list):  # a table
            units.append(Unit(kind="table", lines=list(item), seam_before=True))
            current, seam = None, True
            continue
        line = item
        marker = find_marker(line.text)
        if line.number in titles or (marker is None and MARKDOWN_HEADING.match(line.text)):
            units.append(Unit(kind="title", lines=[line]))
            current = None
            continue
        if marker is not None:
            current = Unit(kind="item", lines=[line], marker=marker, seam_before=seam or line.indented)
            units.append(current)
        elif current is None or seam or line.indented or _starts_new_unit(current, line):
            broken = current is not None and _brackets_break(current.text, _SPACES.sub("", line.text))
            current = Unit(kind="text", lines=[line], seam_before=seam or line.indented or broken)
            units.append(current)
        else:
            current.lines.append(line)
        seam = False
    return units


def _starts_new_unit(current: Unit, line: Line) -> bool:
    """A text line begins a unit of its own after a finished sentence, or when joining it
    would break the brackets."""
    text = current.text
    if is_sentence_end(text) and open_brackets(text) == 0:
        return True
    return _brackets_break(text, _SPACES.sub("", line.text))


def _brackets_break(left: str, right: str) -> bool:
    """Joining right to left leaves brackets that cannot be right: a bracket open in
    left with a full stop in right before it closes, or right closing a bracket that
    left never opened."""
    close = unmatched_close_before_open(right)
    stop = right.find("。")
    if open_brackets(left) > 0:
        return stop != -1 and (close is None or stop < close)
    return close is not None and (stop == -1 or close < stop)


class _Scorer:
    def __init__(self, units: list[Unit], ngrams: NgramCounts, traditional: bool = False) -> None:
        self.units = units
        self.ngrams = ngrams
        self.traditional = traditional  # the file is in Traditional script: compare in Simplified
        # the last marker of each kind before each unit, in file order
        self.before: list[dict[str, int | None]] = []
        self.open = [unit.is_open() for unit in units]
        self.heading = [_is_heading(unit) and not unit.cut for unit in units]
        self.firsts = [unit.first_line for unit in units]
        # for each unit: the first unit after it that is not a text run (None: there is
        # none), and the next item's marker unless a seam or table comes first — computed
        # once from the end, so each question is answered in constant time
        self.next_not_text: list[int | None] = [None] * len(units)
        self.next_item_marker: list[Marker | None] = [None] * len(units)
        following: int | None = None
        marker: Marker | None = None
        for k in range(len(units) - 1, -1, -1):
            self.next_not_text[k], self.next_item_marker[k] = following, marker
            unit = units[k]
            if unit.kind != "text":
                following = k
            if unit.kind == "item":
                marker = unit.marker
            elif unit.kind != "text" or unit.seam_before:
                marker = None
        seen: dict[str, int | None] = {}
        for unit in units:
            if unit.seam_before:
                seen = {}  # after a column change, what was printed above says nothing
            self.before.append(dict(seen))
            if unit.marker:
                seen[unit.marker.kind] = unit.marker.value

    def inherit(self, j: int, i: int) -> None:
        """Unit j continues unit i: it stands in i's numbering, not where it was printed."""
        known = dict(self.before[i])
        if marker := self.units[i].marker:
            known[marker.kind] = marker.value
        self.before[j] = known

    def _leads_to(self, k: int, j: int) -> bool:
        """Whether the paragraphs from unit k on are followed, in print, by unit j."""
        return self.next_not_text[k] == j

    def next_marker(self, j: int) -> Marker | None:
        """The number of the next item after unit j and the paragraphs printed right
        after it (up to a column change), if one follows."""
        return self.next_item_marker[j]

    def window(self, i: int) -> range:
        """The units that may continue unit i: printed within ``WINDOW_LINES`` lines of
        its end and ``WINDOW_UNITS`` units of it (a text saved as one long line has every
        unit on one physical line, so lines alone bound nothing)."""
        last = self.units[i].lines[-1].number
        low = max(bisect_left(self.firsts, last - WINDOW_LINES), i - WINDOW_UNITS)
        high = min(bisect_right(self.firsts, last + WINDOW_LINES), i + WINDOW_UNITS + 1)
        return range(max(low, 0), min(high, len(self.units)))

    def follows_in_numbering(self, i: int, marker: Marker | None) -> bool:
        if marker is None or marker.value is None:
            return False
        own = self.units[i].marker
        last = own.value if own is not None and own.kind == marker.kind else self.before[i].get(marker.kind)
        return last == _previous_number(marker)

    def jumps(self, j: int) -> bool:
        marker = self.units[j].marker
        if marker is None or marker.value is None or (marker.value == 1 and not marker.inserted):
            return False
        last = self.before[j].get(marker.kind)
        return last is not None and last != _previous_number(marker)

    def evidence(self, left: str, right: str) -> float:
        """How much the end of left and the start of right read as one sentence (only
        ``JUNCTION_REACH`` characters either side are read, so the cost of a junction
        does not grow with the texts around it)."""
        left, right = left[-JUNCTION_REACH:], right[:JUNCTION_REACH]
        tail, head = (to_simplified(left[-6:]), to_simplified(right[:6])) if self.traditional else (left, right)
        evidence = self.ngrams.across(tail, head)
        evidence += min(_segmentation_gain(tail, head) * WORD_WEIGHT, WORD_CAP)
        if open_brackets(left) > 0:
            close = unmatched_close_before_open(right)
            evidence += BRACKET_CLOSED if close is not None and not _brackets_break(left, right) else 0.0
        if _brackets_break(left, right):
            evidence += BRACKET_BROKEN
        return evidence

    def score(self, i: int, j: int) -> float | None:
        """How well unit j continues unit i; None when it cannot."""
        a, b = self.units[i], self.units[j]
        if b.kind == "title":
            return None  # a document's title starts a run of its own
        if b.kind == "table" or a.kind in ("table", "title"):
            return STAY_PUT if j == i + 1 and not self.open[i] else None
        natural = j == i + 1
        if not natural and not self.open[i]:
            # cheap tests first: a finished unit goes on elsewhere only to the next number,
            # or to the body of a heading printed away from it
            if b.kind == "item" and not self.follows_in_numbering(i, b.marker):
                return None
            if b.kind == "text" and not (self.heading[i] and self.follows_in_numbering(i, self.next_marker(j))):
                return None
        left, right = a.text, b.text
        score = STAY_PUT if natural else 0.0
        if self.open[i]:
            if b.kind == "item":
                return None  # a sentence does not go on with a new item
            evidence = self.evidence(left, right) + (NEXT_NUMBER if self.follows_in_numbering(i, self.next_marker(j)) else 0.0)
            if not natural and evidence < (MIN_EVIDENCE_AT_SEAM if b.seam_before else MIN_EVIDENCE):
                return None
            score += OPEN_NEEDS_MORE + evidence
        else:
            if b.kind == "text" and unmatched_close_before_open(right) is not None:
                return None  # b continues an open bracket elsewhere
            numbered_next = b.kind == "item" and self.follows_in_numbering(i, b.marker)
            if not natural and i + 1 < len(self.units):
                after = self.units[i + 1]
                if after.kind == "text" and (not after.seam_before or self._leads_to(i + 1, j)):
                    return None  # the paragraph printed right after it goes on here
                if after.kind == "item" and not after.seam_before:
                    return None  # so does the item printed right after it, numbered or not (a —— bullet)
            # a heading whose body was printed elsewhere: its own next unit cannot follow it
            lost_body = (
                b.kind == "text"
                and self.heading[i]
                and i + 1 < len(self.units)
                and not natural
                and self.score(i, i + 1) is None
                and self.follows_in_numbering(i, self.next_marker(j))
            )
            if not natural and not numbered_next and not lost_body:
                return None
            if numbered_next or lost_body:
                score += NEXT_NUMBER
            if natural and self.jumps(j) and not self.follows_in_numbering(i, b.marker):
                score += NUMBER_JUMP
        if b.seam_before and not natural:
            score += SEAM_HEAD
        score -= DISTANCE_PER_LINE * abs(b.first_line - a.lines[-1].number)
        return score


MAX_HEADING_CHARS = 40


def _previous_number(marker: Marker) -> int | None:
    """The number printed just before this one: 235 before 第二百三十六条, 236 before
    第二百三十六条之一 (an inserted article follows the article it is inserted after)."""
    if marker.value is None:
        return None
    return marker.value if marker.inserted else marker.value - 1


def _is_heading(unit: Unit) -> bool:
    """A short numbered line with no sentence of its own: "（二）发展目标", "四、主要任务"."""
    text = unit.text
    return (
        unit.kind == "item"
        and len(text) <= MAX_HEADING_CHARS
        and not CLAUSE_STOP.search(text[:-1])
        and text[-1] not in "、，,（(“"
        and open_brackets(text) == 0
    )


def _segmentation_gain(left: str, right: str) -> float:
    """How much more probable jieba finds the junction read as one text than as two
    (log-probability, nats): 先进无机非|金属材料 → 6.8, 先进无机非|生物技术 → 0.4,
    对进入广|州股权交 → 8.4. Words that span the junction make it large."""
    tail, head = left[-4:], right[:4]
    return max(0.0, _best_log_probability(tail + head) - _best_log_probability(tail) - _best_log_probability(head))


def _best_log_probability(text: str) -> float:
    if not text:
        return 0.0
    tokenizer = jieba.dt
    tokenizer.check_initialized()
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(text, tokenizer.get_DAG(text), route)
    return route[0][0]




def reading_order(lines: list[Line], ngrams: NgramCounts) -> ReadingOrder:
    """The file's units in reading order."""
    layout = classify(split_run_in_items(lines))
    units = build_units(layout)
    traditional = script_of("".join(line.text for line in layout.content)) == "zh-Hant"
    units, claims = _split_claimed(units, _Scorer(units, ngrams, traditional))
    scorer = _Scorer(units, ngrams, traditional)
    successor: dict[int, int] = {}
    predecessor: dict[int, int] = {}
    index = {id(unit): k for k, unit in enumerate(units)}
    chains = _Chains(len(units), successor)
    for tail, head in claims:
        i, j = index[id(tail)], index[id(head)]
        if i not in successor and j not in predecessor and not chains.same(i, j):
            successor[i], predecessor[j] = j, i
            chains.join(i, j)
            log.debug("claim %d->%d %s|%s", tail.lines[-1].number, head.first_line, tail.text[-8:], head.text[:8])
    # First the sentences cut in two, then, knowing which item each continuation
    # belongs to, the order of whole units.
    _link(units, scorer, successor, predecessor, open_tails=True)
    for j, i in sorted(predecessor.items(), key=lambda p: units[p[1]].first_line):
        scorer.inherit(j, i)
    _link(units, scorer, successor, predecessor, open_tails=False)

    ordered: list[Unit] = []
    emitted: set[int] = set()
    for start in range(len(units)):
        if start in emitted or start in predecessor:
            continue
        if start > 0 and units[start].kind == "text" and units[start].seam_before:
            units[start].detached = True
        k: int | None = start
        while k is not None and k not in emitted:
            ordered.append(units[k])
            emitted.add(k)
            k = successor.get(k)
    for k in range(len(units)):  # only reachable through a broken chain; keep them
        if k not in emitted:
            ordered.append(units[k])
    return ReadingOrder(units=ordered, layout=layout)


CLAIM_MIN = 3.0  # evidence for cutting a unit where no column change shows
CLAIM_MARGIN = 2.0  # … by how much it must beat the line's own predecessor
CLAIM_OVER_HEAD = 1.0  # … and the best continuation that starts a unit already
WINDOW_LINES = 150  # how far apart two pieces of one sentence may be printed
WINDOW_UNITS = 150  # … and how many units apart (a one-line text has all its units on one line)
# A bracket opened or closed farther than this from a junction says nothing about it; reading
# no more keeps every junction's cost bounded, so the stage stays linear in its input.
JUNCTION_REACH = 1000


def _split_claimed(units: list[Unit], scorer: _Scorer) -> tuple[list[Unit], list[tuple[Unit, Unit]]]:
    """Cut units where a column change left no visible trace: a line inside a unit that
    continues another unit's unfinished sentence far better than it continues the line
    above it ("…先进无机非" | "金属材料、先进复合材料…" printed after an unrelated paragraph).
    The first piece of a cut unit is marked ``cut``: it was printed running on, so however
    short, it is no heading and may be left open ("5.…知识产权运营基金重点支")."""
    cuts: dict[int, set[int]] = {}
    claimed: dict[tuple[int, int], Unit] = {}  # (unit, line) -> the tail that claims it
    joined: dict[int, tuple[str, list[int], list[int]]] = {}  # unit -> its text, line offsets, line numbers

    def lines_of(k: int) -> tuple[str, list[int], list[int]]:
        if k not in joined:
            offsets, pieces, at = [], [], 0
            for line in units[k].lines:
                offsets.append(at)
                piece = _SPACES.sub("", line.text)
                pieces.append(piece)
                at += len(piece)
            joined[k] = ("".join(pieces), offsets, [line.number for line in units[k].lines])
        return joined[k]

    for i, tail in enumerate(units):
        if not scorer.open[i]:
            continue
        last = tail.lines[-1].number
        window = scorer.window(i)
        best_head = max(
            (
                scorer.evidence(tail.text, units[k].text)
                + (NEXT_NUMBER if scorer.follows_in_numbering(i, scorer.next_marker(k)) else 0.0)
                - DISTANCE_PER_LINE * abs(units[k].first_line - last)
                for k in window
                if units[k].kind == "text" and k != i
            ),
            default=0.0,
        )
        best: tuple[float, int, int] | None = None
        for k in window:
            unit = units[k]
            if k == i or unit.kind not in ("text", "item") or len(unit.lines) < 2:
                continue
            text, offsets, numbers = lines_of(k)
            # only lines printed within the window of the tail's end can continue it
            low = max(1, bisect_left(numbers, last - WINDOW_LINES))
            high = bisect_right(numbers, last + WINDOW_LINES)
            for m in range(low, high):
                if (k, m) in claimed:
                    continue
                cut = offsets[m]
                above = text[max(0, cut - JUNCTION_REACH) : cut]
                below = text[cut : cut + JUNCTION_REACH]
                if is_sentence_end(above):
                    continue  # a paragraph boundary: already a unit of its own if it mattered
                claim = scorer.evidence(tail.text, below)
                if scorer.follows_in_numbering(i, scorer.next_marker(k)):
                    claim += NEXT_NUMBER
                claim -= DISTANCE_PER_LINE * abs(numbers[m] - last)
                own = scorer.evidence(above, below)
                if claim >= CLAIM_MIN and claim - own >= CLAIM_MARGIN and claim >= best_head + CLAIM_OVER_HEAD and (best is None or claim > best[0]):
                    best = (claim, k, m)
        if best is not None:
            _, k, m = best
            cuts.setdefault(k, set()).add(m)
            claimed[(k, m)] = tail
    if not cuts:
        return units, []
    claims: list[tuple[Unit, Unit]] = []
    result: list[Unit] = []
    for k, unit in enumerate(units):
        if k not in cuts:
            result.append(unit)
            continue
        bounds = [0, *sorted(cuts[k]), len(unit.lines)]
        for n, (start, end) in enumerate(zip(bounds, bounds[1:])):
            if n == 0:
                result.append(Unit(kind=unit.kind, lines=unit.lines[start:end], marker=unit.marker, seam_before=unit.seam_before, cut=True))
            else:
                head = Unit(kind="text", lines=unit.lines[start:end], seam_before=True)
                result.append(head)
                claims.append((claimed[(k, start)], head))
    return result, claims


def _link(units: list[Unit], scorer: "_Scorer", successor: dict[int, int], predecessor: dict[int, int], *, open_tails: bool) -> None:
    chains = _Chains(len(units), successor)
    candidates: list[tuple[float, int, int]] = []
    for i in range(len(units)):
        if i in successor or scorer.open[i] != open_tails:
            continue
        for j in scorer.window(i):
            if j == i or j in predecessor:
                continue
            s = scorer.score(i, j)
            if s is not None and s >= MIN_SCORE:
                candidates.append((s, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    for s, i, j in candidates:
        if i in successor or j in predecessor or chains.same(i, j):
            continue
        log.debug("link %d->%d %.2f %s|%s", units[i].first_line, units[j].first_line, s, units[i].text[-8:], units[j].text[:8])
        successor[i] = j
        predecessor[j] = i
        chains.join(i, j)


class _Chains:
    """Which chain of successors each unit is on (union-find). Linking the end of one
    chain to the start of another makes a cycle exactly when both are on the same chain;
    asking that here costs next to nothing, where walking the chain made the stage
    quadratic."""

    def __init__(self, size: int, successor: dict[int, int]) -> None:
        self.parent = list(range(size))
        for i, j in successor.items():
            self.join(i, j)

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def same(self, i: int, j: int) -> bool:
        return self.find(i) == self.find(j)

    def join(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)
