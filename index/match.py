"""What can my company get: every award rule of a build judged against an enterprise profile.

A rule is one award of a clause with the conditions the graph stage read for it
(``kg.extract.conditions``), its document's validity on the day asked and the city the
document speaks for. Each condition is met, not met, or unknown from the profile; the
verdict is ``not_eligible`` when one is not met, ``unknown`` when one cannot be judged, else
``eligible``. A missing profile field is unknown, never "no"; a list the profile gives
(industry, qualifications, spending, investment) is all the firm has.

The firm's words are linked to the rule's words with the graph's vocabulary: OpenCC tw2sp
and NFKC (積體電路設計 → 集成电路设计), the SKOS labels and broader links of
``ontology/lexicon.ttl`` (软件 ⊑ 新一代信息技术), the abbreviations the texts define
(多项目晶圆（MPW）), a few colloquial folds (花的钱 → 费用, 采购 → 购买), and shared words;
each reason says which link decided it. Estimates reuse ``index.estimate`` arithmetic.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from policykg.corpus.convert import normalize
from policykg.corpus.validity import Validity, validity_on
from policykg.kg.extract.conditions import AwardConditions, Condition, document_city
from policykg.kg.models import Award, ClauseFacts, Tier
from policykg.kg.lexicon import Vocabulary, vocabulary
from policykg.kg.places import Place, Places, places

from .encoders import Encoder
from .estimate import Estimate, estimate, format_yuan
from .links import LinkTable, SemanticLink, field_word, rule_targets, usable

if TYPE_CHECKING:
    from policykg.kg.records import ClauseRecord

    from .catalog import Catalog

VERDICTS = ("eligible", "not_eligible", "unknown")

KIND_WORDS = {
    "location": "注册地",
    "city": "所在城市",
    "jurisdiction": "文件适用地区",
    "industry": "产业领域",
    "qualification": "企业资质",
    "age": "成立时间",
    "threshold": "门槛",
    "growth": "增长",
    "window": "申报时间",
    "base": "补贴基数",
    "other": "其他条件",
    "validity": "文件有效期",
}
STATUS_WORDS = {"met": "符合", "not_met": "不符合", "unknown": "无法判断"}
VERDICT_WORDS = {"eligible": "可申报", "not_eligible": "不符合", "unknown": "待确认"}


_CONTEXT = "（条款上下文）"  # an item linked by words of the clause around the award, not of its base
SEMANTIC = "语义相近"  # how a semantic link's words begin (index.links.SemanticLink.words)
SHORT_CONDITION = 6  # character pairs: up to this, one shared pair links a firm's words to an untyped condition


class ProfileError(ValueError):
    """A profile that does not follow the contract (see ``Profile.from_dict``)."""


# --------------------------------------------------------------------------- the profile


@dataclass
class Item:
    """A cost or investment in the firm's own words."""

    item: str
    amount_yuan: float
    year: int | None = None
    list: str = "spending"  # "spending" or "investment"


@dataclass
class Location:
    province: str | None = None
    city: str | None = None
    district: str | None = None


@dataclass
class Profile:
    """An enterprise as it describes itself (the contract in ../shared/eval/eval_match.py).
    ``None`` means the field was left out: unknown, not zero or "no"."""

    name: str = "企业"
    location: Location | None = None
    industry: list[str] | None = None
    established: date | None = None
    paid_in_capital_yuan: float | None = None
    revenue_yuan: dict[int, float] | None = None
    output_value_yuan: dict[int, float] | None = None
    rd_expense_yuan: dict[int, float] | None = None
    employees: int | None = None
    qualifications: list[str] | None = None
    spending: list[Item] | None = None
    investment: list[Item] | None = None
    as_of: date = field(default_factory=date.today)

    @classmethod
    def from_dict(cls, row: dict) -> "Profile":
        """A profile from its JSON object; a field of the wrong shape raises ProfileError
        naming it."""
        if not isinstance(row, dict):
            raise ProfileError("a profile is a JSON object")
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(row) - known)
        if unknown:
            raise ProfileError(f"unknown profile field(s): {', '.join(unknown)}")
        try:
            loc = row.get("location")
            if loc is not None and not isinstance(loc, dict):
                raise ProfileError('location: {"province", "city", "district"}')
            return cls(
                name=str(row.get("name") or "企业"),
                location=Location(**{k: (str(v) if v else None) for k, v in loc.items() if k in ("province", "city", "district")}) if loc else None,
                industry=_strings(row, "industry"),
                established=_date(row, "established"),
                paid_in_capital_yuan=_number(row, "paid_in_capital_yuan"),
                revenue_yuan=_by_year(row, "revenue_yuan"),
                output_value_yuan=_by_year(row, "output_value_yuan"),
                rd_expense_yuan=_by_year(row, "rd_expense_yuan"),
                employees=int(row["employees"]) if row.get("employees") is not None else None,
                qualifications=_strings(row, "qualifications"),
                spending=_items(row, "spending"),
                investment=_items(row, "investment"),
                as_of=_date(row, "as_of") or date.today(),
            )
        except (TypeError, ValueError, KeyError) as problem:
            if isinstance(problem, ProfileError):
                raise
            raise ProfileError(f"profile {row.get('name', '?')!r}: {problem}") from None

    def to_dict(self) -> dict:
        return asdict(self)


def _strings(row: dict, key: str) -> list[str] | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{key}: a list of words")
    return [v for v in value if v.strip()]


def _date(row: dict, key: str) -> date | None:
    value = row.get(key)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ProfileError(f"{key}: a date YYYY-MM-DD, not {value!r}") from None


def _number(row: dict, key: str) -> float | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ProfileError(f"{key}: a number of yuan, not {value!r}")
    return float(value)


def _by_year(row: dict, key: str) -> dict[int, float] | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ProfileError(f'{key}: {{"YYYY": yuan, …}}')
    out = {}
    for year, amount in value.items():
        if not str(year).isdigit() or isinstance(amount, bool) or not isinstance(amount, (int, float)):
            raise ProfileError(f'{key}: {{"YYYY": yuan, …}}, not {year!r}: {amount!r}')
        out[int(year)] = float(amount)
    return out


def _items(row: dict, key: str) -> list[Item] | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise ProfileError(f'{key}: a list of {{"item", "amount_yuan", "year"}}')
    out = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("item"), str):
            raise ProfileError(f'{key}: each entry is {{"item": words, "amount_yuan": yuan, "year": YYYY}}')
        amount = entry.get("amount_yuan")
        if isinstance(amount, bool) or not isinstance(amount, (int, float)):
            raise ProfileError(f"{key}: {entry['item']!r} has no amount_yuan")
        year = entry.get("year")
        out.append(Item(entry["item"], float(amount), int(year) if year is not None else None, key))
    return out


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class Reason:
    """One condition and what the profile says to it."""

    condition: str  # what the rule asks, with its words: "注册地：工商注册地…在黄埔区、广州开发区…"
    status: str  # "met", "not_met" or "unknown"
    kind: str
    words: str  # the rule's words
    detail: str = ""  # in plain Chinese: why met / not met / unknown
    link: str = ""  # how the firm's words were linked to the rule's (tw2sp, vocabulary, abbreviation …)
    clause: str | None = None  # where the words are
    inherited: bool = False


@dataclass(slots=True)
class MatchResult:
    clause_id: str
    text: str
    path: list[str]
    document: dict
    validity: dict
    award: dict
    award_index: int
    verdict: str
    reasons: list[Reason]
    estimate_yuan: float | None = None
    estimate_rule: str | None = None
    counted: list[dict] = field(default_factory=list)  # the profile's items the estimate counted

    def to_dict(self) -> dict:
        """Plain dicts, written out field by field (``asdict`` deep-copies, which at tens of
        thousands of results is most of the time)."""
        return {
            "clause_id": self.clause_id, "text": self.text, "path": list(self.path), "document": dict(self.document),
            "validity": dict(self.validity), "award": dict(self.award), "award_index": self.award_index,
            "verdict": self.verdict, "reasons": [_reason_dict(r) for r in self.reasons],
            "estimate_yuan": self.estimate_yuan, "estimate_rule": self.estimate_rule, "counted": list(self.counted),
        }


@dataclass
class ProfileMatch:
    profile: str
    as_of: str
    results: list[MatchResult]
    rules: int  # how many award rules were judged

    def to_dict(self) -> dict:
        return {"profile": self.profile, "as_of": self.as_of, "rules": self.rules, "results": [r.to_dict() for r in self.results]}


# --------------------------------------------------------------------------- rules of a build


@dataclass
class Rule:
    clause_id: str
    text: str
    path: list[str]
    document: dict
    award: Award
    index: int
    conditions: list[Condition]
    city: str  # the city the document speaks for (its heading's, or its district's); "" when it names none
    district: str | None  # the district a district document speaks for (本区)
    named_city: bool  # the heading names the city (so the document applies there only)
    base_grams: frozenset[str] = frozenset()
    scope_grams: frozenset[str] = frozenset()
    context_grams: frozenset[str] = frozenset()
    condition_grams: tuple[frozenset[str], ...] = ()  # of each condition's untyped words (kind "other")
    condition_keys: tuple[tuple | None, ...] = ()  # what a condition's judgement depends on, None when on the rule's own items
    record: dict = field(default_factory=dict)  # the award as results show it


# Colloquial words folded onto the words policy texts use, so shared words can be found.
_FOLDS = (
    (re.compile(r"花的钱|花费|开支|支出|成本|开销"), "费用"),
    (re.compile(r"购置|采购|买入|买"), "购买"),
    (re.compile(r"收购|兼并"), "并购"),
    (re.compile(r"房租|租钱"), "租金"),
    (re.compile(r"租办公|租用办公|租赁办公"), "租用办公"),
)
# Pairs too common in award texts to link anything, and characters that only join words.
_STOP_PAIRS = frozenset(
    "企业 公司 费用 项目 实际 直接 给予 补贴 补助 奖励 当年 每年 金额 总额 发生 有关 相关 支持 其他 一家 本地 单个 每个 每家 重大 产业".split()
)
_JOINERS = set("的及和与或对按其在为了等")
# A base that names no thing of its own (单个项目投资额, 总投资额): the clause says what it counts.
_GENERIC_BASE = re.compile(r"单个|每个|项目|投资额|投资总额|总投资|总额|金额|费用|支出|实际|发生|的|企业|当年|年度")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]+")


def _fold(text: str) -> str:
    text = normalize(text)
    for pattern, word in _FOLDS:
        text = pattern.sub(word, text)
    return text


def grams(text: str) -> frozenset[str]:
    """Character pairs of the Chinese words of ``text`` (stop words removed) and its Latin
    words (MPW, MASK) whole: what "shared words" means below."""
    text = _fold(text)
    latin = {m.group(0).upper() for m in _LATIN.finditer(text)}
    out = set(latin)
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(g for g in out if g not in _STOP_PAIRS and not (set(g) & _JOINERS))


def _weight(shared: frozenset[str]) -> float:
    return sum(3.0 if g.isascii() else 1.0 for g in shared)


class Matcher:
    """The award rules of one build, ready to judge profiles against (load once)."""

    def __init__(self, rules: list[Rule], abbreviations: dict[str, str], vocab: Vocabulary | None = None,
                 links: LinkTable | None = None) -> None:
        self.rules = rules
        self.abbreviations = abbreviations  # short → full and full → short
        self.vocab = vocab or vocabulary()
        self.places = places()
        self.links = links  # semantic links (index.links), when the build has an encoder they hold for

    @classmethod
    def load(cls, folder: Path, *, encoder: Encoder | None = None, semantic: bool = True, catalog: Catalog | None = None) -> "Matcher":
        """The rules of the build in ``folder`` (read from ``catalog``, its read model, when
        the caller has it loaded: a server does, and reading the clauses and facts again
        took 7 s of its start-up on the realcorpus); with ``semantic``, the semantic links
        of its encoder (``encoder`` when it is that model, else loaded), read from the
        generation or, for a build made before they were kept, embedded now."""
        matcher = cls.of(catalog.records, catalog.facts) if catalog is not None else cls._load_rules(folder)
        if semantic:
            from .open import open_encoder

            found = open_encoder(Path(folder), reuse=encoder)
            if found is not None and usable(found):
                matcher.links = LinkTable.load(folder, found) or LinkTable.embed(link_targets(matcher), found)
                matcher.links.related = related_concepts(matcher.vocab)
        return matcher

    @classmethod
    def _load_rules(cls, folder: Path) -> "Matcher":
        from policykg.kg.artifacts import load_facts
        from policykg.kg.records import clause_records

        facts = load_facts(folder)
        return cls.of({r.clause_id: r for r in clause_records(folder, facts=facts) if r.parent is None}, facts)

    @classmethod
    def of(cls, records: Mapping[str, ClauseRecord], facts: Mapping[str, ClauseFacts]) -> "Matcher":
        """The rules of a build's clause records (each with its document) and facts."""
        vocab = vocabulary()
        divisions = places()
        abbreviations: dict[str, str] = {}
        for found in facts.values():
            for a in found.abbreviations:
                abbreviations.setdefault(a.short.upper(), a.full)
                abbreviations.setdefault(a.full, a.short)
        rules = []
        for clause_id, found in facts.items():
            clause = records.get(clause_id)
            if clause is None or not found.awards:
                continue
            document = clause.document
            if not document.preferred:
                continue  # a copy printed twice answers once
            named = document_city(document.title, document.issuer)
            in_heading = next((p for p, _, _, _ in divisions.find(f"{document.issuer or ''} {document.title or ''}") if p.level == "district"), None)
            district = in_heading.label if in_heading else None
            above = divisions.by_id.get(in_heading.broader[0]) if in_heading and in_heading.broader else None
            city = named or (above.label if above and above.level == "city" else "")
            by_award = {ac.award: ac for ac in found.conditions}
            record = {
                "id": document.id, "title": document.title, "number": document.number, "issuer": document.issuer,
                "date": document.date, "validity": document.validity, "valid_until": document.valid_until,
            }
            for i, award in enumerate(found.awards):
                conditions = by_award.get(i, AwardConditions(i)).conditions
                own = " ".join(c.words for c in conditions if not c.inherited and c.kind in ("other", "threshold"))
                rules.append(Rule(
                    clause_id, clause.text, list(clause.path), record, award, i, conditions,
                    city=city, district=district, named_city=named is not None,
                    base_grams=grams(_expand(award.base or "", abbreviations)),
                    scope_grams=grams(_expand(own, abbreviations)),
                    context_grams=grams(_expand(clause.text[: award.start], abbreviations)),
                    condition_grams=tuple(grams(" ".join(c.terms) or c.words) if c.kind == "other" else frozenset() for c in conditions),
                    condition_keys=tuple(_condition_key(c, city, district) for c in conditions),
                    record=_award_record(award),
                ))
        return cls(rules, abbreviations, vocab)

    def match(self, profile: Profile, *, include_not_eligible: bool = True) -> ProfileMatch:
        judge = _Judge(profile, self)
        fits = judge.assign_items(self.rules)
        results = []
        for n, rule in enumerate(self.rules):
            result = judge.judge(rule, fits.get(n, []))
            if include_not_eligible or result.verdict != "not_eligible":
                results.append(result)
        order = {"eligible": 0, "unknown": 1, "not_eligible": 2}
        results.sort(key=lambda r: (order[r.verdict], -(r.estimate_yuan or 0)))
        return ProfileMatch(profile.name, profile.as_of.isoformat(), results, len(self.rules))


def link_targets(matcher: Matcher) -> list:
    """What a firm's words can be linked to by meaning in this build (``index.links``): the
    lexicon's industry labels, the fields untyped conditions name, the bases items count for."""
    labels = [(c.id, label) for c in matcher.vocab.concepts.values() if c.scheme == "industry" for label in c.written]
    fields = sorted({f for r in matcher.rules for c in r.conditions if c.kind == "other" for f in [field_word(c.words)] if f})
    bases = sorted({r.award.base for r in matcher.rules if r.award.base and _counts_items(r)})
    return rule_targets(labels, fields, bases)


def related_concepts(vocab: Vocabulary):
    """Whether two link targets are one concept above the other (they do not compete)."""

    def related(a: str, b: str) -> bool:
        return a in vocab.concepts and b in vocab.concepts and (vocab.within(a, b) or vocab.within(b, a))

    return related


def write_links(folder: Path, encoder: Encoder) -> int:
    """Embed a build's link targets with its encoder and keep them in the generation (the
    build calls this after the dense index); how many, 0 when the encoder is not one the
    thresholds hold for."""
    if not usable(encoder):
        return 0
    table = LinkTable.embed(link_targets(Matcher._load_rules(folder)), encoder)
    table.save(folder)
    return len(table.targets)


def _expand(text: str, abbreviations: dict[str, str]) -> str:
    """``text`` with each abbreviation the corpus defines written out beside it (MPW → 多项目晶圆)."""
    extra = []
    upper = text.upper()
    for key, other in abbreviations.items():
        if key and key in upper and other not in text:
            extra.append(other)
    return text + (" " + " ".join(extra) if extra else "")


# --------------------------------------------------------------------------- judging one profile


class _Judge:
    def __init__(self, profile: Profile, matcher: Matcher) -> None:
        self.p = profile
        self.m = matcher
        self.vocab = matcher.vocab
        self.items = (profile.spending or []) + (profile.investment or [])
        self.item_grams = [grams(_expand(i.item, matcher.abbreviations)) for i in self.items]
        self.has_items = profile.spending is not None or profile.investment is not None
        self.words = [*(profile.industry or []), *(profile.qualifications or []), *(i.item for i in self.items)]
        self.word_grams = grams(" ".join(self.words))
        self.firm_concepts = self._industries()
        if matcher.links is not None:  # the firm's words that may need a semantic link, embedded in one call each
            matcher.links.links([w for w, ms in self.firm_concepts if not ms], "industry")
            matcher.links.links([i.item for i in self.items], "base")
        self.normalized = [normalize(w) for w in self.words]
        self.validity: dict[str, Validity] = {}
        self.seen: dict[tuple, Reason] = {}
        self.validity_records: dict[int, dict] = {}
        self.places_seen: dict[tuple, tuple[str, str]] = {}
        self.places = matcher.places
        self.firm_places: _FirmPlaces | None = None
        self.item_places = {id(i): [p for p, _, _, _ in self.places.find(i.item)] for i in self.items}

    # -- which of the firm's items each rule counts
    def assign_items(self, rules: list[Rule]) -> dict[int, list[tuple[Item, str]]]:
        """Each item goes to the awards of a clause whose base (then own words) it shares most
        words with; an item sharing words with no award's base goes to those whose clause it
        shares words with (流片花的钱 → 对集成电路企业流片费用…单个项目投资额)."""
        out: dict[int, list[tuple[Item, str]]] = {}
        if not self.items:
            return out
        by_clause: dict[str, list[int]] = {}
        for n, rule in enumerate(rules):
            if _counts_items(rule):
                by_clause.setdefault(rule.clause_id, []).append(n)
        for members in by_clause.values():
            for item, g in zip(self.items, self.item_grams):
                scored = []
                for n in members:
                    rule = rules[n]
                    base, scope = g & rule.base_grams, g & rule.scope_grams
                    scored.append((2 * _weight(base) + _weight(scope) if base else 0.0, n, base | scope))
                best = max(s for s, _, _ in scored)
                if best > 0:
                    for s, n, shared in scored:
                        if s == best:
                            out.setdefault(n, []).append((item, "、".join(sorted(shared))))
                    continue
                for n in members:
                    if _GENERIC_BASE.sub("", rules[n].award.base or "").strip():
                        continue  # the base names its own thing, which the item does not share
                    shared = g & rules[n].context_grams
                    if _weight(shared) >= 1:
                        out.setdefault(n, []).append((item, "、".join(sorted(shared)) + _CONTEXT))
        if self.m.links is not None:
            # an item no rule's base or own words share words with (a clause's other words
            # may): the base its words are nearest in meaning to
            placed = {id(i) for fits in out.values() for i, words in fits if not words.endswith(_CONTEXT)}
            for item in self.items:
                if id(item) in placed:
                    continue
                link = self._semantic(item.item, "base")
                if link is None:
                    continue
                for members in by_clause.values():
                    for n in members:
                        if f"base:{rules[n].award.base}" == link.target.key:
                            out.setdefault(n, []).append((item, link.words()))
        return out

    def judge(self, rule: Rule, fitted: list[tuple[Item, str]]) -> MatchResult:
        reasons: list[Reason] = []
        validity = self.validity.get(rule.document["id"])
        if validity is None:
            validity = self.validity[rule.document["id"]] = validity_on(rule.document, self.p.as_of)
        if validity.status != "in_force":
            until = f"，有效期至{validity.until}" if validity.until else ""
            since = f"，{validity.since}起施行" if validity.since else ""
            reasons.append(Reason(
                f"文件有效期：{validity.basis}{since}{until}", "not_met", "validity", rule.document.get("validity") or "",
                f"查询日{self.p.as_of.isoformat()}文件{validity.words}",
            ))
        kinds = {c.kind for c in rule.conditions}
        if rule.named_city and not kinds & {"location", "city"}:
            reasons.append(self._jurisdiction(rule))
        for n, condition in enumerate(rule.conditions):
            key = rule.condition_keys[n] if rule.condition_keys else None
            wanted = rule.condition_grams[n] if rule.condition_grams else None
            reasons.append(self._condition(rule, condition, fitted, wanted, key))
        statuses = {r.status for r in reasons}
        verdict = "not_eligible" if "not_met" in statuses else "unknown" if "unknown" in statuses else "eligible"
        reasons.sort(key=lambda r: _STATUS_ORDER[r.status])
        value, rule_words, counted = self._estimate(rule, fitted)
        return MatchResult(
            rule.clause_id, rule.text, rule.path, rule.document, self._validity_record(validity), rule.record, rule.index,
            verdict, reasons, value, rule_words, counted,
        )

    def _validity_record(self, validity: Validity) -> dict:
        key = id(validity)
        if key not in self.validity_records:
            self.validity_records[key] = validity.to_dict()
        return self.validity_records[key]

    # -- each kind of condition
    def _condition(self, rule: Rule, c: Condition, fitted, wanted: frozenset[str] | None = None, key: tuple | None = None) -> Reason:
        # Conditions recur across rules (我市企业, a preamble's registration clause): what
        # the profile says to one does not change, unless it counts the rule's own items.
        if key is not None:
            key = (*key, c.clause, c.inherited)
            found = self.seen.get(key)
            if found is not None:
                return found  # the same words judged already: one shared, read-only Reason
        if c.kind == "other":
            status, detail, link = self._other(rule, c, fitted, wanted)
        else:
            status, detail, link = getattr(self, f"_{c.kind}", self._other)(rule, c, fitted)
        reason = Reason(f"{KIND_WORDS.get(c.kind, c.kind)}：{c.words}", status, c.kind, c.words, detail, link, c.clause, c.inherited)
        if key is not None:
            self.seen[key] = reason
        return reason

    def _jurisdiction(self, rule: Rule) -> Reason:
        status, detail = self._in_places([rule.city], rule)
        return Reason(f"{KIND_WORDS['jurisdiction']}：{rule.city}（{rule.document.get('issuer') or rule.document.get('title')}）",
                      status, "jurisdiction", rule.city, detail)

    def _location(self, rule: Rule, c: Condition, fitted):
        places = [p for p in (rule.district if name == "本区" else name for name in c.places) if p]
        if not places:
            return "unknown", "文件未写明所指区", ""
        if c.scope == "item":
            named = self._item_places(fitted)
            if named:
                hit = [p for p in places if any(self._same_place(self.places.resolve(p, within=rule.city), self.places.resolve(n), p, n) for n in named)]
                return ("met" if hit else "not_met"), f"所列项目注明{'、'.join(named)}", "项目文字中的地名"
        status, detail = self._in_places(places, rule)
        return status, detail, ""

    def _city(self, rule: Rule, c: Condition, fitted):
        if not rule.city:  # 我市 in a document that names no city: no one city is meant
            return "unknown", "文件未写明所指城市", ""
        if c.scope == "item" or "转化" in c.words:
            named = self._item_places(fitted or [(i, "") for i in self.items])
            if named:
                hit = any(self._same_place(self.places.resolve(rule.city), self.places.resolve(n), rule.city, n) for n in named)
                return ("met" if hit else "not_met"), f"所列项目注明{'、'.join(named)}（{rule.city}）", "项目文字中的地名"
        status, detail = self._in_places([rule.city], rule)
        return status, detail, f"“{_city_word(c.words)}”指{rule.city}" if _city_word(c.words) else ""

    def _in_places(self, places: list[str], rule: Rule) -> tuple[str, str]:
        key = (tuple(places), rule.city)
        if key not in self.places_seen:
            self.places_seen[key] = self._judge_places(places, rule)
        return self.places_seen[key]

    def _judge_places(self, places: list[str], rule: Rule) -> tuple[str, str]:
        """The firm's registration against the places a rule names. Places resolve through
        China's administrative divisions (``kg.places``); a rule's name of several divisions
        (南山区 of 深圳 and of 鹤岗) means the one in the city its document speaks for."""
        loc = self.p.location
        if loc is None:
            return "unknown", "画像未填写注册地"
        firm = self._firm_places()
        statuses = []
        for place in places:
            wanted = self.places.resolve(place, within=rule.city)
            level = wanted.level if wanted else ("district" if place.endswith("区") else "city" if place.endswith("市") else None)
            if level == "district":
                if firm.district is not None or loc.district:
                    statuses.append("met" if self._same_place(wanted, firm.district, place, loc.district) else "not_met")
                else:
                    city = self.places.by_id.get(wanted.broader[0]) if wanted and wanted.broader else self.places.resolve(rule.city)
                    firm_city = firm.city
                    statuses.append("not_met" if city and firm_city and city.id != firm_city.id else "unknown")
            elif level == "city":
                if firm.city is not None or loc.city:
                    statuses.append("met" if self._same_place(wanted, firm.city, place, loc.city) else "not_met")
                elif wanted and firm.province and wanted.broader and wanted.broader[0] != firm.province.id:
                    statuses.append("not_met")
                else:
                    statuses.append("unknown")
            elif level == "province" and wanted:
                statuses.append("unknown" if firm.province is None else "met" if firm.province.id == wanted.id else "not_met")
        where = "".join(filter(None, [loc.province, loc.city, loc.district])) or "（未填）"
        wanted_words = "、".join(places)
        if "met" in statuses:
            return "met", f"注册在{where}，属{wanted_words}"
        if statuses and all(s == "not_met" for s in statuses):
            return "not_met", f"注册在{where}，不在{wanted_words}"
        return "unknown", f"画像只写了{where}，无法确定是否在{wanted_words}"

    def _firm_places(self) -> "_FirmPlaces":
        """The divisions of the firm's registration: its district read within its city, its
        city within its province, and what a district implies above it."""
        if self.firm_places is None:
            loc = self.p.location or Location()
            province = self.places.resolve(loc.province)
            city = self.places.resolve(loc.city, within=loc.province)
            # a district name of several divisions (南山区 of 深圳 and of 鹤岗) given without its
            # city says nothing of the city: it is then compared by its words only
            context = loc.city or loc.province
            district = self.places.resolve(loc.district, within=context) if context or not self.places.ambiguous(loc.district) else None
            if district is not None and city is None and district.broader:
                city = self.places.by_id.get(district.broader[0])
            if city is not None and province is None and city.broader:
                province = self.places.by_id.get(city.broader[0])
            self.firm_places = _FirmPlaces(province, city, district)
        return self.firm_places

    def _same_place(self, a: Place | None, b: Place | None, a_words: str | None = None, b_words: str | None = None) -> bool:
        """Two places are the same division; names no division list holds are compared as
        written, without 省/市/区/县."""
        if a is not None and b is not None:
            return a.id == b.id
        if not a_words or not b_words:
            return False
        strip = lambda s: re.sub(r"(省|市|区|县)$", "", normalize(s))  # noqa: E731
        return strip(a_words) == strip(b_words)

    def _item_places(self, fitted) -> list[str]:
        names: list[str] = []
        for item, _ in fitted:
            for place in self.item_places.get(id(item), []):
                if place.label not in names:
                    names.append(place.label)
        return names

    def _industry(self, rule: Rule, c: Condition, fitted):
        wanted = "、".join(self.vocab.concepts[t].label for t in c.terms if t in self.vocab.concepts)
        if c.scope == "item":
            for item, _ in fitted or [(i, "") for i in self.items]:
                for m in self.vocab.find(item.item):
                    if any(self.vocab.within(m.concept.id, t) for t in c.terms):
                        return "met", f"所列项目“{item.item}”属{wanted}", _link(m, item.item)
            return "unknown", f"所列项目未说明是否属{wanted}", ""
        if self.p.industry is None:
            return "unknown", "画像未填写所属行业", ""
        for word, mentions in self.firm_concepts:
            for m in mentions:
                if any(self.vocab.within(m.concept.id, t) for t in c.terms):
                    return "met", f"企业行业“{word}”属{wanted}", _link(m, word)
        unlinked = [w for w, ms in self.firm_concepts if not ms]
        for word in unlinked:
            link = self._semantic(word, "industry")
            if link and any(self.vocab.within(link.target.key, t) for t in c.terms if link.target.key in self.vocab.concepts):
                return "met", f"企业行业“{word}”属{wanted}", link.words()
        if unlinked:
            # a semantic link to a field outside the wanted one is not read as "not met":
            # it is not sure enough to exclude
            return "unknown", f"无法判断“{'、'.join(unlinked)}”是否属{wanted}", ""
        return "not_met", f"企业行业{'、'.join(self.p.industry)}不属{wanted}", "词表"

    def _industries(self) -> list[tuple[str, list]]:
        return [(w, [m for m in self.vocab.find(w) if m.concept.scheme == "industry"]) for w in (self.p.industry or [])]

    def _qualification(self, rule: Rule, c: Condition, fitted):
        if self.p.qualifications is None:
            return "unknown", "画像未填写企业资质", ""
        wanted = c.words
        best = "not_met"
        detail = f"所列资质中没有{wanted}"
        for q in self.p.qualifications:
            text = re.sub(r"[“”\"「」『』]", "", normalize(q))
            if not all(_has_term(text, t) for t in c.terms):
                continue
            if c.level and not _level_ok(text, c.level):
                detail = f"“{q}”级别不符（须{c.level}）"
                continue
            if c.recent:
                recent = _recent(text, self.p.as_of)
                if recent is None:
                    best, detail = "unknown", f"“{q}”未说明是否新认定/新上市"
                    continue
                if not recent:
                    detail = f"“{q}”不是近期新认定/新上市"
                    continue
            link = "tw2sp" if normalize(q) != q else ""
            return "met", f"企业资质“{q}”", link
        return best, detail, ""

    def _age(self, rule: Rule, c: Condition, fitted):
        if self.p.established is None:
            return "unknown", "画像未填写成立日期", ""
        years = (self.p.as_of - self.p.established).days / 365.25
        limit = c.max_years or 0
        assumed = "（“新设立”按成立3年内计）" if c.words.startswith("新") else ""
        if years <= limit:
            return "met", f"成立于{self.p.established.isoformat()}，距查询日{years:.1f}年，不超过{limit:g}年{assumed}", ""
        return "not_met", f"成立于{self.p.established.isoformat()}，距查询日{years:.1f}年，超过{limit:g}年{assumed}", ""

    def _metric(self, c: Condition, fitted) -> tuple[float | None, str]:
        """The profile's figure for a threshold's metric, and where it comes from."""
        year = self.p.as_of.year - 1 if c.year == "previous" else None
        if c.metric == "paid_in_capital":
            return self.p.paid_in_capital_yuan, "实缴注册资本"
        if c.metric == "employees":
            return (float(self.p.employees) if self.p.employees is not None else None), "从业人数"
        series = {"revenue": self.p.revenue_yuan, "output_value": self.p.output_value_yuan, "rd_expense": self.p.rd_expense_yuan}
        if c.metric in series:
            by_year = series[c.metric]
            if not by_year:
                return None, c.metric
            if year is None:
                years = [y for y in by_year if y <= self.p.as_of.year]
                year = max(years) if years else None
            if year is None or year not in by_year:
                return None, f"{year}年数据"
            label = {"revenue": "营业收入", "output_value": "产值", "rd_expense": "研发投入"}[c.metric]
            return by_year[year], f"{year}年{label}"
        total, year, _ = _sum_items(fitted)
        if not fitted:
            return None, "所列项目"
        return total, f"{year}年所列项目" if year else "所列项目"

    def _threshold(self, rule: Rule, c: Condition, fitted):
        value, source = self._metric(c, fitted)
        need = format_yuan(c.min_value or 0) if c.metric != "employees" else f"{c.min_value:g}人"
        if value is None:
            if c.metric in ("items", "investment") and self.has_items:
                return "not_met", f"所列支出/投资中没有此项（须达到{need}）", ""
            return "unknown", f"画像未提供{source}（须达到{need}）", ""
        shown = format_yuan(value) if c.metric != "employees" else f"{value:g}人"
        if value >= (c.min_value or 0):
            return "met", f"{source}{shown}，达到{need}", ""
        return "not_met", f"{source}{shown}，未达到{need}", ""

    def _growth(self, rule: Rule, c: Condition, fitted):
        series = {"revenue": self.p.revenue_yuan, "output_value": self.p.output_value_yuan, "rd_expense": self.p.rd_expense_yuan}.get(c.metric or "revenue")
        if not series or len(series) < 2:
            return "unknown", "画像未提供连续两年的数据", ""
        years = sorted(y for y in series if y <= self.p.as_of.year)
        last = years[-1]
        if c.growth_rate is not None:
            if last - 1 not in series or series[last - 1] <= 0:
                return "unknown", f"缺{last - 1}年数据", ""
            rate = series[last] / series[last - 1] - 1
            ok = rate >= c.growth_rate
            return ("met" if ok else "not_met"), f"{last}年同比增长{rate:.1%}，{'达到' if ok else '未达到'}{c.growth_rate:.0%}", ""
        if c.min_value is not None:
            earlier = [series[y] for y in years[:-1]]
            if series[last] < c.min_value:
                return "not_met", f"{last}年{format_yuan(series[last])}，未突破{format_yuan(c.min_value)}", ""
            if any(v >= c.min_value for v in earlier):
                return "not_met", f"此前年度已超过{format_yuan(c.min_value)}，不是首次突破", ""
            return "met", f"{last}年{format_yuan(series[last])}，首次突破{format_yuan(c.min_value)}", ""
        return "unknown", "无法判断增长条件", ""

    def _window(self, rule: Rule, c: Condition, fitted):
        a, b = c.window or (None, None)
        if a and b and date.fromisoformat(a) <= self.p.as_of <= date.fromisoformat(b):
            return "met", f"查询日{self.p.as_of.isoformat()}在{a}至{b}之间", ""
        return "not_met", f"查询日{self.p.as_of.isoformat()}不在{a}至{b}之间", ""

    def _base(self, rule: Rule, c: Condition, fitted):
        if c.metric not in ("items", "investment"):
            value, source = self._metric(c, fitted)
            if value is None:
                return "unknown", f"画像未提供{source}", ""
            return "met", f"{source}{format_yuan(value)}", ""
        if fitted:
            names = "；".join(f"“{i.item}”{format_yuan(i.amount_yuan)}" for i, _ in fitted)
            links = "；".join(w if w.startswith(SEMANTIC) else f"共有词：{w}" for _, w in fitted if w)
            return "met", f"计入{names}", links
        if self.has_items:
            return "not_met", f"所列支出/投资中没有{c.words}", ""
        return "unknown", f"画像未列出{c.words}", ""

    def _other(self, rule: Rule, c: Condition, fitted, wanted: frozenset[str] | None = None):
        texts = self.normalized
        for n in c.negated:
            if any(f"非{n}" in t for t in texts):
                return "met", f"企业所述含“非{n}”", "原文词语"
            if any(n in t for t in texts):
                return "not_met", f"企业所述为“{n}”，条件要求“非{n}”", "原文词语"
        wanted = wanted if wanted is not None else grams(" ".join(c.terms) or c.words)
        shared = self.word_grams & wanted
        # a short condition is met by one shared word, a long one needs two
        if shared and _weight(shared) >= (1 if len(wanted) <= SHORT_CONDITION else 2):
            return "met", "企业所述与条件相符", f"共有词：{'、'.join(sorted(shared))}"
        field = field_word(c.words)
        for word in (self.p.industry or []) if field else []:
            link = self._semantic(word, "industry")
            if link and link.target.key == f"word:{field}":
                return "met", f"企业行业“{word}”属{field}", link.words()
        return "unknown", "画像未说明此项", ""

    def _semantic(self, word: str, kind: str) -> SemanticLink | None:
        return self.m.links.link(word, kind) if self.m.links is not None else None

    # -- the estimate
    def _estimate(self, rule: Rule, fitted) -> tuple[float | None, str | None, list[dict]]:
        award = rule.award
        if award.tiers or award.rate is not None:
            metric = next((c for c in rule.conditions if c.kind == "base"), None)
            metric = metric or next((c for c in rule.conditions if c.kind == "threshold" and not c.inherited), None)
            if metric is None:
                return None, None, []
            value, source = self._metric(metric, fitted)
            if value is None:
                return None, None, []
            found: Estimate | None = estimate(award, value)
            counted = [{"item": i.item, "amount_yuan": i.amount_yuan, "year": i.year} for i, _ in _items_of_year(fitted)]
            if found is None:
                return None, None, counted
            return found.value_yuan, f"{source}：{found.rule}", counted
        if award.amount_yuan is not None:
            value = float(award.amount_yuan)
            words = f"固定金额{format_yuan(value)}"
            if award.cap_yuan is not None and award.cap_yuan < value:
                value = float(award.cap_yuan)
                words += f"，按上限计{format_yuan(value)}"
            return value, words, []
        return None, None, []


_STATUS_ORDER = {"not_met": 0, "unknown": 1, "met": 2}


@dataclass(frozen=True)
class _FirmPlaces:
    province: Place | None
    city: Place | None
    district: Place | None


def _reason_dict(r: Reason) -> dict:
    return {"condition": r.condition, "status": r.status, "kind": r.kind, "words": r.words, "detail": r.detail,
            "link": r.link, "clause": r.clause, "inherited": r.inherited}


def _condition_key(c: Condition, city: str, district: str | None) -> tuple | None:
    """What judging ``c`` depends on besides the profile; None when it counts the rule's own
    items (then it is judged for each rule)."""
    if c.scope == "item" or c.kind == "base" or c.metric in ("items", "investment"):
        return None
    return (c.kind, c.words, tuple(c.terms), tuple(c.places), tuple(c.negated), c.level, c.recent, c.metric, c.year,
            c.min_value, c.max_years, c.growth_rate, c.window, city, district)


def _counts_items(rule: Rule) -> bool:
    return any(c.kind in ("base", "threshold") and c.metric in ("items", "investment") and not c.inherited for c in rule.conditions)


def _items_of_year(fitted) -> list:
    years = [i.year for i, _ in fitted if i.year is not None]
    if not years:
        return fitted
    last = max(years)
    return [(i, w) for i, w in fitted if i.year in (None, last)]


def _sum_items(fitted) -> tuple[float, int | None, list]:
    """The items of one year the rule counts, summed: the latest year named."""
    chosen = _items_of_year(fitted)
    years = [i.year for i, _ in chosen if i.year is not None]
    return sum(i.amount_yuan for i, _ in chosen), (max(years) if years else None), chosen


def award_of(record: dict) -> Award:
    """The ``Award`` a result's ``award`` record describes (for wording it: index.wording)."""
    tiers = [Tier(t["threshold_yuan"], t["amount_yuan"]) for t in record.get("tiers") or []] or None
    return Award(record["kind"], record.get("rate"), record.get("base"), record.get("cap_yuan"), record.get("amount_yuan"),
                 record.get("per"), record.get("period_years"), tiers, bool(record.get("top_up")), record.get("text") or "")


def _award_record(award: Award) -> dict:
    return {
        "kind": award.kind, "rate": award.rate, "base": award.base, "cap_yuan": award.cap_yuan, "amount_yuan": award.amount_yuan,
        "per": award.per, "period_years": award.period_years,
        "tiers": [{"threshold_yuan": t.threshold_yuan, "amount_yuan": t.amount_yuan} for t in award.tiers] if award.tiers else None,
        "top_up": award.top_up, "text": award.text,
    }


def _city_word(words: str) -> str:
    m = re.search(r"我市|本市|在穗|穗|全市", words)
    return m.group(0) if m else ""


def _link(mention, word: str) -> str:
    steps = []
    if normalize(word) != word:
        steps.append(f"tw2sp：{word} → {normalize(word)}")
    label = mention.concept.label
    how = "隐藏标签" if mention.hidden else "词表标签"
    steps.append(f"{how}：{mention.words} → {label}")
    return "；".join(steps)


_TERM_FORMS = {"新三板": ("新三板", "全国中小企业股份转让系统"), "高新技术企业": ("高新技术企业", "高企"), "上市": ("上市", "IPO")}


def _has_term(text: str, term: str) -> bool:
    return any(form in text for form in _TERM_FORMS.get(term, (term,)))


def _level_ok(text: str, level: str) -> bool:
    if level == "国家级":
        return "国家" in text
    if level == "省级":
        return "省" in text
    if level == "市级":
        return "市级" in text or ("市" in text and "省" not in text and "国家" not in text)
    return True


def _recent(text: str, as_of: date) -> bool | None:
    years = [int(y) for y in re.findall(r"(20\d{2})\s*年", text)]
    if years:
        return max(years) >= as_of.year - 1
    if re.search(r"新认定|新上市|首次|新获|刚", text):
        return True
    return None


# --------------------------------------------------------------------------- a build's matcher, cached


_CACHE: dict[str, tuple[float, Matcher]] = {}


def matcher_for(folder: Path, *, encoder: Encoder | None = None, catalog: Catalog | None = None) -> Matcher:
    """The matcher of a build folder, loaded once per generation (``encoder``: one already
    loaded, used for its semantic links when it is the build's model; ``catalog``: the
    build's read model, when the caller has it loaded)."""
    key = str(Path(folder).resolve())
    stamp = (Path(folder) / "facts.jsonl").stat().st_mtime if (Path(folder) / "facts.jsonl").exists() else 0.0
    cached = _CACHE.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    matcher = Matcher.load(Path(folder), encoder=encoder, catalog=catalog)
    _CACHE[key] = (stamp, matcher)
    return matcher


def read_profiles(path: Path) -> list[Profile]:
    """Profiles from a file: one JSON object per line (or one object in the whole file)."""
    text = Path(path).read_text(encoding="utf-8")
    stripped = text.strip()
    if not stripped:
        raise ProfileError(f"{path}: no profile")
    try:
        if stripped.startswith("{") and "\n{" not in stripped:
            return [Profile.from_dict(json.loads(stripped))]
    except json.JSONDecodeError:
        pass
    profiles = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as problem:
            raise ProfileError(f"{path}:{n}: not JSON ({problem.msg})") from None
        try:
            profiles.append(Profile.from_dict(row))
        except ProfileError as problem:
            raise ProfileError(f"{path}:{n}: {problem}") from None
    return profiles
