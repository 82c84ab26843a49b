"""Responsible departments of a clause: who leads and who cooperates.

Policy texts say it in a few ways, all read here:

- labelled lists: （牵头单位：市科技创新委；配合单位：市发展改革委、工业和信息化委，各区政府）,
  （责任单位：市工业和信息化委、财政局，各区政府）, half-width ``(责任单位:A,B)`` alike;
- lists with role verbs: （市工业和信息化委牵头，市发展改革委、科技创新委，各区政府配合）;
- bare lists closing a sentence: 。（市科技局、发展改革委，相关区政府）;
- a table with a 牵头单位 column;
- prose, when the clause has none of the above: 由区经济和信息化局会同有关部门推进…,
  市工业和信息化局牵头、相关部门配合…, 本导则由市工业和信息化局负责解释.

In a list with no role words (责任单位, bare lists) the first listed leads: ``convention`` is
"first-listed" when the document says so (``document_convention``) and "inferred" when it
says nothing. The 市/区 prefix of a list item carries over the items after it until another
prefix (市发展改革委、工业和信息化委 → 市发展改革委, 市工业和信息化委). Generic groups
(各区政府, 有关部门) are kept, as cooperating unless the text makes them lead, with
``generic=True``. Names are resolved to bodies by the registry (``kg.extract.registry``).

>>> from kg.models import DocumentContext
>>> from kg.extract.registry import Registry
>>> found = extract_departments("推进。（牵头单位：市科技创新委；配合单位：市发展改革委、工业和信息化委，各区政府）",
...                             DocumentContext("d"), Registry.load())
>>> [(r.mention, r.role) for r in found]
[('市科技创新委', 'lead'), ('市发展改革委', 'cooperating'), ('市工业和信息化委', 'cooperating'), ('各区政府', 'cooperating')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from policykg.corpus.patterns import CLAUSE_STOPS, open_brackets
from policykg.kg.extract.registry import Registry
from policykg.kg.models import DocumentContext, Responsibility

__all__ = ["extract_departments", "document_convention", "LEAD", "COOPERATING"]

LEAD = "lead"
COOPERATING = "cooperating"
LISTED = "listed"  # a list whose roles come from the order of its items

# --- the document's rule for 责任单位 lists -------------------------------------------------

# 第一个责任单位为牵头单位, 排在首位的为牵头单位, 列第一位的为牵头单位, 排名第一的单位为牵头单位 …
FIRST_LISTED_LEADS = re.compile(
    r"(?:第一个|第一|首个|排在首位|列在首位|列首位|排首位|排在第一位|列在第一位|列第一位|排第一位|排名第一位?|排序第一位?|排列第一位?)"
    r"(?:的)?(?:责任|负责)?(?:单位|部门)?(?:为|是|作为)(?:牵头|主责|主办)(?:单位|部门)"
    r"|牵头(?:单位|部门)(?:为|是)(?:排在首位|列在首位|列第一位|排在第一位|第一个)"
)
# 责任单位排名不分先后: no unit of a list leads the others.
NO_ORDER = re.compile(r"(?:单位|部门)[^。；\n]{0,6}(?:排名|排序|排列|顺序)不分先后")


def document_convention(full_text: str) -> bool | None:
    """The document's stated rule for lists of responsible units: True when it says the first
    listed leads, False when it says their order means nothing, None when it says neither.

    >>> document_convention("各牵头单位（第一个责任单位为牵头单位）要抓紧制定实施细则")
    True
    >>> document_convention("（责任单位：市财政局）") is None
    True
    """
    if FIRST_LISTED_LEADS.search(full_text):
        return True
    if NO_ORDER.search(full_text):
        return False
    return None


# --- patterns ------------------------------------------------------------------------------

# A role label before a list: 牵头单位： 配合单位: 责任部门： 【责任单位】 牵头：
# (the bare word only for 牵头/配合/协办: "落实责任：" is no label).
ROLE_LABEL = re.compile(
    r"[【\[]?(?:(?P<word>牵头|主责|主办|责任|配合|协办|协助|协同|参与)(?:单位|部门|主体)|(?P<bare>牵头|配合|协办))"
    r"\s*(?:[:：]|[】\]])"
)
LABEL_ROLES = {"牵头": LEAD, "主责": LEAD, "主办": LEAD, "责任": LISTED}
# A role verb after a list inside a bracket: 市工业和信息化委牵头，…各区政府配合
ROLE_VERB = re.compile(r"(?P<word>牵头负责|牵头|负责|配合|协助|参与)(?=\s*(?:[，,；;、。]|$))")
VERB_ROLES = {"牵头负责": LEAD, "牵头": LEAD, "负责": LEAD}
# A role marked on one item of a list: 责任单位：市发展改革委（牵头）、市财政局
ITEM_ROLE = re.compile(r"[（(](?P<word>牵头|主责|配合|协办|参与)(?:单位)?[）)]$")
# A table header cell naming a role column.
TABLE_ROLE_COLUMN = re.compile(r"(?:牵头|责任|配合|协办|参与)(?:单位|部门)")
# A bracket that holds only a role word or label: not a list of its own.
ROLE_ONLY = re.compile(r"(?:牵头|主责|主办|责任|配合|协办|协助|协同|参与)(?:单位|部门)?")
# Prose triggers: X会同Y, X牵头, X负责, Y配合 (not the nouns 牵头单位, 负责人, nor 管委会同意).
PROSE_TRIGGER = re.compile(r"会同(?!意)|牵头(?!单位|部门)|负责(?!人|同志)|配合(?!单位|部门)")
# Words between a list and a prose trigger: 市财政局、各区政府按职责分工负责.
PROSE_TAIL = re.compile(r"(?:按(?:照)?(?:各自)?职责(?:分工)?|分别|共同|具体|统一|要|应|将)+$")

# Where a list item ends: 、，; and 和/与/及 right after a body's name (市财政局和各区政府;
# the 和 inside 工业和信息化委 follows no name ending). 等 before a generic group splits too.
ITEM_SEPARATOR = re.compile(r"[、，,；;]|(?<=[局委办厅部院府室心会司处门位])(?:以及|和|与|及)|等(?=各|有关|相关|其他)")
# What is left on an item that is not part of the name.
ITEM_TAIL = re.compile(r"等(?:部门|单位)?$")
ITEM_HEAD = re.compile(r"^(?:并由|由)")
# A place list or an aside inside a group's name: 各县（市、区）人民政府, 各镇（街道）,
# 各县区人民政府（管委会）.
PLACE_LIST = re.compile(r"[（(](?:[市区县镇街乡旗、,，]{1,7}|街道|街道办事处|管委会)[）)]")

# The end of a body's name. In a list anything a plan names as a unit may stand (a group
# company, a power-supply bureau); in prose only government-like names count.
LIST_SUFFIX = (
    r"(?:委员会|管委会|办公室|办公厅|检察院|法院|政府|科协|协会|学会|商会|联合会|中心|集团|公司|分行|海关"
    r"|局|委|办|厅|部|署|院|会|所|站|队)"
)
PROSE_SUFFIX = r"(?:委员会|管委会|办公室|办公厅|检察院|法院|政府|局|委|办|厅|部)"
NAME_CHARS = r"[\u4e00-\u9fff]"
MAX_NAME = 20  # longest official names: 中国国际贸易促进委员会广州市委员会 (17)
LIST_NAME = re.compile(rf"{NAME_CHARS}{{1,{MAX_NAME}}}?{LIST_SUFFIX}")
PROSE_NAME = re.compile(rf"{NAME_CHARS}{{1,{MAX_NAME}}}?{PROSE_SUFFIX}")
# Words that never sit inside one body's name, only in generic groups or in prose.
NOT_IN_A_NAME = re.compile(r"各|相关|有关|其他|其它|职能|等|根据|按照|进行|负责|牵头|配合|会同|要求")

# Generic groups: 各区政府, 相关区政府, 有关部门, 市各职能部门, 市直各有关部门, 各区,
# 各镇人民政府, 各区有关部门.
_JURISDICTION = r"(?:[\u4e00-\u9fff]{2,4}?[省市区县])?(?:市直|区直|市级|区级|县级|[市区县省])?"
_GROUP_HEAD = r"(?:(?:各|其他|其它)(?:有关|相关)?|有关|相关)"
_GROUP_PLACE = r"(?:县级市|县市区|市县区|县区市|区县市|区市县|区县|县区|市县|县市|区|县|市|镇街|镇|街道|片区|乡镇)"
_GROUP_NOUN = r"(?:职能部门|部门|单位|机构)"
GENERIC = re.compile(
    rf"{_JURISDICTION}{_GROUP_HEAD}"
    rf"(?:{_GROUP_PLACE}(?:人民)?(?:政府|办事处)?|{_GROUP_PLACE}?(?:有关|相关)?{_GROUP_NOUN}|(?:人民)?政府)"
    rf"|{_JURISDICTION}(?:各)?(?:职能部门|街道办事处|镇街)"
)

# Sentence ends around a bare list: 。（市科技局、相关区政府）
SENTENCE_END = CLAUSE_STOPS
OPEN = "（(【["
CLOSE = "）)】]"


@dataclass
class _Item:
    """One list item: as written (without 等), with the prefix carried over, and where."""

    written: str
    mention: str
    start: int
    end: int
    generic: bool
    valid: bool
    prefixed: bool
    role: str | None = None  # a role marked on the item itself: 市发展改革委（牵头）


@dataclass
class _Statement:
    """Items given one role by one piece of text."""

    items: list[_Item]
    role: str  # LEAD, COOPERATING or LISTED


# --- the extractor -------------------------------------------------------------------------


def extract_departments(text: str, context: DocumentContext, registry: Registry) -> list[Responsibility]:
    """The departments ``text`` (a clause's normalised text) makes responsible, each once per
    role, in reading order. Prose is read only when the clause has no list of responsible
    units: the list is the document's own statement of who does what."""
    reader = _Reader(text, context, registry)
    statements = reader.lists()
    if not statements:
        statements = reader.prose()
    found: list[Responsibility] = []
    seen: set[tuple[str, str]] = set()
    for statement in statements:
        for responsibility in reader.responsibilities(statement):
            key = (responsibility.department, responsibility.role)
            if key not in seen:
                seen.add(key)
                found.append(responsibility)
    return found


class _Reader:
    def __init__(self, text: str, context: DocumentContext, registry: Registry) -> None:
        self.text = text
        self.context = context
        self.registry = registry

    # --- lists --------------------------------------------------------------------------

    def lists(self) -> list[_Statement]:
        """Statements from labelled lists, brackets with role verbs, bare lists closing a
        sentence, and tables with a role column, in reading order."""
        statements: list[_Statement] = []
        inside: list[tuple[int, int]] = []
        for start, end in _brackets(self.text):
            body = self.text[start:end]
            if ROLE_LABEL.search(body):
                statements += self._labelled(start, end, outside=False)
                inside.append((start, end))
            elif ROLE_VERB.search(body):
                statements += self._verbs(start, end)
            else:
                statements += self._bare(start, end)
        # Labels outside brackets: "责任单位：市财政局" closing a paragraph, 【责任单位】….
        for match in ROLE_LABEL.finditer(self.text):
            if not any(s <= match.start() < e for s, e in inside):
                statements += self._labelled(match.start(), _label_end(self.text, match.end()), outside=True)
        statements += self._table()
        statements = [s for s in statements if s.items]
        statements.sort(key=lambda s: s.items[0].start)
        return statements

    def _labelled(self, start: int, end: int, outside: bool) -> list[_Statement]:
        """（牵头单位：A、B；配合单位：C，各区政府）: each label gives the list after it a
        role; text before the first label may carry role verbs of its own. Outside brackets a
        list ends at its first item that is not a name (the sentence goes on)."""
        body = self.text[start:end]
        labels = list(ROLE_LABEL.finditer(body))
        statements = []
        if labels and labels[0].start() > 0 and ROLE_VERB.search(body[: labels[0].start()]):
            statements += self._verbs(start, start + labels[0].start())
        prefix = None
        for i, label in enumerate(labels):
            seg_end = labels[i + 1].start() if i + 1 < len(labels) else len(body)
            items, prefix = self._items(start + label.end(), start + seg_end, prefix)
            role = LABEL_ROLES.get(label.group("word") or label.group("bare"), COOPERATING)
            cut = next((k for k, it in enumerate(items) if not it.valid), len(items)) if outside else len(items)
            statements.append(_Statement([it for it in items[:cut] if it.valid], role))
            if cut < len(items):
                break  # the sentence went on after the list
        return statements

    def _verbs(self, start: int, end: int) -> list[_Statement]:
        """（A牵头，B、C，各区政府配合）: each role verb gives the items since the last verb
        its role; items after the last verb cooperate when someone leads."""
        body = self.text[start:end]
        statements = []
        prefix = None
        pos = 0
        led = False  # after "A牵头", "B按职责分工负责" is B's part, not a second lead
        for verb in ROLE_VERB.finditer(body):
            items, prefix = self._items(start + pos, start + verb.start(), prefix)
            word = verb.group("word")
            role = COOPERATING if word == "负责" and led else VERB_ROLES.get(word, COOPERATING)
            statements.append(_Statement([it for it in items if it.valid], role))
            led = led or (role == LEAD and any(it.valid for it in items))
            pos = verb.end()
        if body[pos:].strip("，,；;、。 "):
            items, prefix = self._items(start + pos, end, prefix)
            has_lead = any(s.role == LEAD and s.items for s in statements)
            statements.append(_Statement([it for it in items if it.valid], COOPERATING if has_lead else LISTED))
        return statements

    def _bare(self, start: int, end: int) -> list[_Statement]:
        """（市科技局、发展改革委，相关区政府）closing a sentence: a list of units with no
        role words. Every item must be a body or a generic group, the first must name its
        jurisdiction (or be known to the registry), and one must be a body."""
        before = self.text[: start - 1].rstrip()
        after = self.text[end + 1:].lstrip()
        closes_sentence = not before or before[-1] in SENTENCE_END or not after or after[0] in SENTENCE_END + "\n"
        if not closes_sentence:
            return []
        items, _ = self._items(start, end, None)
        if not items or not all(it.valid for it in items) or all(it.generic for it in items):
            return []
        first = items[0]
        if not (first.prefixed or first.generic or self._known(first.mention)):
            return []
        return [_Statement(items, LISTED)]

    def _table(self) -> list[_Statement]:
        """A table whose header ends in role columns (… 2019 年 牵头单位 [配合单位]): in each
        row, the last cells that are lists of units get those columns' roles."""
        lines = self.text.split("\n")
        if len(lines) < 2:
            return []
        statements = []
        roles: list[str] = []
        offset = 0
        for line in lines:
            cells = line.split()
            if not roles:
                tail: list[str] = []
                for cell in reversed(cells):
                    if not TABLE_ROLE_COLUMN.fullmatch(cell):
                        break
                    tail.insert(0, LABEL_ROLES.get(cell[:2], COOPERATING))
                if tail and len(cells) > len(tail):
                    roles = tail
            elif cells:
                at = offset + len(line)
                row: list[_Statement] = []
                for cell, role in zip(reversed(cells), reversed(roles)):
                    at = offset + line.rfind(cell, 0, at - offset)
                    items, _ = self._items(at, at + len(cell), None)
                    if not items or not all(it.valid for it in items):
                        break
                    if not (items[0].prefixed or items[0].generic or self._known(items[0].mention)):
                        break
                    row.insert(0, _Statement(items, role))
                if any(not it.generic for st in row for it in st.items):
                    statements += row
            offset += len(line) + 1
        return statements

    def _items(self, start: int, end: int, prefix: str | None) -> tuple[list[_Item], str | None]:
        """The items of a list in text[start:end], with the 市/区 prefix carried over; also
        the prefix in force at its end (a list may go on after a role word)."""
        items = []
        for a, b in _split_items(self.text, start, end):
            raw = self.text[a:b]
            written = raw.strip()
            if not written:
                continue
            a += len(raw) - len(raw.lstrip())
            head = ITEM_HEAD.match(written)
            if head:
                written = written[head.end():]
                a += head.end()
            role = None
            marker = ITEM_ROLE.search(written)
            if marker:
                role = LABEL_ROLES.get(marker.group("word"), COOPERATING)
                written = written[: marker.start()]
            written = PROSE_TAIL.sub("", ITEM_TAIL.sub("", written))
            if not written:
                continue
            item, prefix = self._item(written, a, prefix)
            item.role = role
            items.append(item)
        return items, prefix

    def _item(self, written: str, start: int, prefix: str | None) -> tuple[_Item, str | None]:
        bare = PLACE_LIST.sub("", written)
        generic = bool(GENERIC.fullmatch(bare))
        own = self.registry.prefix(written, self.context.city, self.context.district)
        mention = written
        if generic:
            # 各区政府 stops a 市 prefix; 市各职能部门 keeps it.
            prefix = own
        elif own is not None:
            prefix = "市" if own == "市" or written.startswith("市直") else own
        elif prefix and not written.startswith(("团", "共青团")):
            mention = prefix + written
        valid = generic or _is_name(PLACE_LIST.sub("", mention), LIST_NAME)
        return _Item(written, mention, start, start + len(written), generic, valid, own is not None), prefix

    def _known(self, name: str) -> bool:
        return self.registry.is_known(name, self.context.city, self.context.district)

    # --- prose --------------------------------------------------------------------------

    def prose(self) -> list[_Statement]:
        """由X会同Y…, X牵头、Y配合, X负责…: the names right before a trigger get its role, the
        names right after 会同 cooperate. A sentence whose names are all generic groups
        (职能部门牵头、相关部门配合) describes a mechanism, not a responsibility: skipped."""
        statements = []
        for s_start, s_end in _sentences(self.text):
            found = []
            boundary = s_start
            led = False  # someone 牵头s: the others 负责 only for their part
            joined: set[int] = set()  # names after 会同: X会同Y负责 makes Y cooperate, not lead
            joint_list = False  # the last trigger was 会同
            for trigger in PROSE_TRIGGER.finditer(self.text, s_start, s_end):
                word = trigger.group(0)
                before = self._before(max(boundary, _chunk_start(self.text, trigger.start(), s_start)), trigger.start())
                before = [it for it in before if it.start not in joined]
                if before and joint_list and _chunk_start(self.text, trigger.start(), s_start) <= boundary:
                    # X会同Y、Z负责 with no break since 会同: the rest of the list after
                    # 会同 (a name _after could not read, 中关村管委会) cooperates too
                    found.append(_Statement(before, COOPERATING))
                    joined.update(it.start for it in before)
                    before = []
                if before:
                    role = COOPERATING if word == "配合" or (word == "负责" and led) else LEAD
                    found.append(_Statement(before, role))
                    led = led or word == "牵头"
                if word == "会同":
                    after = self._after(trigger.end(), _chunk_end(self.text, trigger.end(), s_end))
                    if after:
                        found.append(_Statement(after, COOPERATING))
                        joined.update(it.start for it in after)
                boundary = trigger.end()
                joint_list = word == "会同"
            if any(not it.generic for st in found for it in st.items):
                statements += found
        return statements

    def _before(self, start: int, end: int) -> list[_Item]:
        """The list of names ending at a trigger; the first may follow other words
        (第十七条本导则由市工业和信息化局 → 市工业和信息化局)."""
        while start < end and self.text[start] in "、，, ":
            start += 1
        tail = PROSE_TAIL.search(self.text, start, end)
        if tail and tail.start() > start:
            end = tail.start()
        first_start, first_end = _split_items(self.text, start, end)[0]
        first = self.text[first_start:first_end]
        for i in range(len(first)):
            candidate = first[i:]
            generic = bool(GENERIC.fullmatch(candidate))
            if not (generic or _is_name(candidate, PROSE_NAME)):
                continue
            if not generic and self.registry.prefix(candidate, self.context.city, self.context.district) is None:
                if not self._known(candidate):
                    continue
            items, _ = self._items(first_start + i, end, None)
            if items and all(it.valid and (it.generic or _is_name(it.mention, PROSE_NAME)) for it in items):
                return items
            return []
        return []

    def _after(self, start: int, end: int) -> list[_Item]:
        """The list of names right after 会同, up to the first word that is not a name
        (会同有关部门推进… → 有关部门)."""
        items: list[_Item] = []
        prefix = None
        pos = start
        while pos < end:
            length = self._leading_name(pos, end)
            if not length:
                break
            item, prefix = self._item(self.text[pos:pos + length], pos, prefix)
            items.append(item)
            pos += length
            if pos < end and self.text[pos] == "、":
                pos += 1
            else:
                break
        return items

    def _leading_name(self, start: int, end: int) -> int:
        """Length of the name (or generic group) text[start:end] starts with: the longest
        one the registry knows, else the shortest that reads as a name (委员会, 办公室 whole)."""
        text = self.text[start:min(end, start + MAX_NAME + 4)]
        known = [n for n in range(2, len(text) + 1) if not GENERIC.fullmatch(text[:n]) and self._known(text[:n])]
        if known:
            return max(known)
        for n in range(2, len(text) + 1):
            candidate = text[:n]
            if GENERIC.fullmatch(candidate):
                longer = [m for m in range(n + 1, len(text) + 1) if GENERIC.fullmatch(text[:m])]
                return max(longer) if longer else n
            if _is_name(candidate, PROSE_NAME) and self.registry.prefix(candidate, self.context.city, self.context.district):
                for whole in ("委员会", "办公室", "办公厅"):
                    if text.startswith(whole, n - 1):
                        return n - 1 + len(whole)
                return n
        return 0

    # --- resolution ---------------------------------------------------------------------

    def responsibilities(self, statement: _Statement) -> list[Responsibility]:
        items = statement.items
        convention = "explicit"
        roles = [statement.role] * len(items)
        if any(it.role for it in items):
            # Roles marked on items: the others cooperate with a marked lead.
            roles = [it.role or COOPERATING for it in items]
        elif statement.role == LISTED:
            stated = self.context.first_listed_leads
            if stated is False:
                roles = [LEAD] * len(items)
            else:
                convention = "first-listed" if stated else "inferred"
                roles = [LEAD] + [COOPERATING] * (len(items) - 1)
        out = []
        for item, role in zip(items, roles):
            body = self.registry.find(item.mention, self.context.city, self.context.district, generic=item.generic)
            out.append(
                Responsibility(
                    department=body.id,
                    label=body.label,
                    labels=list(dict.fromkeys([item.mention, *body.labels])),
                    role=role,
                    convention=convention,
                    mention=item.mention,
                    start=item.start,
                    end=item.end,
                    jurisdiction=body.jurisdiction,
                    generic=body.generic,
                )
            )
        return out


# --- helpers -------------------------------------------------------------------------------


def _is_name(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether text reads as one body's name: a known ending, not too long, and no word
    that only generic groups or prose use."""
    return bool(pattern.fullmatch(text)) and len(text) <= MAX_NAME and not NOT_IN_A_NAME.search(text)


def _split_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each item of the list in text[start:end]: split at separators that
    are not inside a bracket (各县（市、区）人民政府 is one item)."""
    spans = []
    pos = start
    for sep in ITEM_SEPARATOR.finditer(text, start, end):
        if open_brackets(text[pos : sep.start()]) == 0:
            spans.append((pos, sep.start()))
            pos = sep.end()
    spans.append((pos, end))
    return spans


def _brackets(text: str) -> list[tuple[int, int]]:
    """(start, end) of the inside of every outermost bracket pair, except brackets that hold
    only a role word (（牵头）, 【责任单位】); a bracket left open at the end runs to the end."""
    spans = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in OPEN:
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
            if depth == 0 and not ROLE_ONLY.fullmatch(text[start:i]):
                spans.append((start, i))
    if depth:
        spans.append((start, len(text)))
    return spans


def _label_end(text: str, start: int) -> int:
    """Where a list after a role label outside brackets ends: a sentence end, a line end, a
    closing bracket it did not open, or the next bracket that is not a role mark."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in "。\n":
            return i
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            if depth == 0:
                return i
            depth -= 1
    return len(text)


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in re.finditer(r"[。；;！？!?\n]", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


_CHUNK_BREAK = re.compile(r"[，,：:（）()“”\"《》]")


def _chunk_start(text: str, end: int, floor: int) -> int:
    """Start of the words before a prose trigger: after the last comma, colon or bracket."""
    last = floor
    for m in _CHUNK_BREAK.finditer(text, floor, end):
        last = m.end()
    return last


def _chunk_end(text: str, start: int, ceiling: int) -> int:
    m = _CHUNK_BREAK.search(text, start, ceiling)
    return m.start() if m else ceiling
