"""What a server works out when it opens a build (``api.serving.Served.open``) is the same
however it is worked out: the character pairs of the question vocabulary (counted with
numpy) against counting them text by text, the abbreviation expander with the
vocabulary's bounds against counting every form in every text, and the award rules read
from the catalog a server has loaded against reading the build's files again. And the
garbage collector, paused while a build loads, runs again after."""
from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from policykg.index.catalog import Catalog
from policykg.index.match import Matcher
from policykg.index.open import collector_paused
from policykg.index.query import MAX_SHARE, Expander, _TextCounter
from policykg.index.search import Searcher
from policykg.index.vocabulary import Vocabulary, _pair_counts
from policykg.kg.models import Abbreviation, ClauseFacts


def counted_by_hand(texts: list[str]) -> dict[str, int]:
    """Each pair of adjacent characters with the number of texts holding it, text by text."""
    counts: dict[str, int] = {}
    for text in texts:
        for pair in {text[i : i + 2] for i in range(len(text) - 1)}:
            counts[pair] = counts.get(pair, 0) + 1
    return counts


def test_pairs_are_counted_once_per_text_and_never_across_two_texts():
    texts = ["多项目晶圆流片多项目", "圆流", "片费", "mpw流片", "", "x", "𠀀𠀁𠀀𠀁"]  # 𠀀: beyond 16 bits
    counts = _pair_counts(texts)
    assert counts == counted_by_hand(texts)
    assert counts["多项"] == 1  # twice in one text
    assert counts["圆流"] == 2
    assert "目圆" not in counts and "流片" in counts and "晶片" not in counts
    assert "目圆" not in _pair_counts(["多项目", "圆"])  # the end of one text and the start of the next
    assert counts["𠀀𠀁"] == 1 and counts["𠀁𠀀"] == 1


def test_a_vocabulary_counts_the_pairs_of_its_texts_lowercase_without_white_space(generation: Path):
    searcher = Searcher.open(generation)
    texts = [searcher._searched_text(c) for c in searcher._shown_ids()]
    stripped = ["".join(t.lower().split()) for t in texts]
    vocabulary = Vocabulary(texts)
    assert vocabulary._pairs == counted_by_hand(stripped)
    assert vocabulary.most_holding("流片") == sum("流片" in t for t in stripped) > 0
    assert vocabulary.most_holding("iab") == min(sum(p in t for t in stripped) for p in ("ia", "ab"))
    assert vocabulary.most_holding("流") is None and vocabulary.most_holding("流 片") is None
    # the one a server opened (with the abbreviations as words) is that vocabulary
    opened = searcher._vocabulary
    assert opened is not None and opened._pairs == vocabulary._pairs and opened._blob == vocabulary._blob
    assert opened.terms == {t.lower() for t in searcher.expander.terms() if len(t) >= 2} and "mpw" in opened.terms


def abbreviations(*pairs: tuple[str, str]) -> list[ClauseFacts]:
    return [ClauseFacts(clause_id=f"c{n}", abbreviations=[Abbreviation(full=full, short=short, start=0, end=0)]) for n, (full, short) in enumerate(pairs)]


TEXTS = ["电子设计自动化EDA服务"] + ["设计服务"] * 12 + ["自动化生产线"] * 6 + ["Chip Design 设计"] * 3 + ["MPW 流片"] * 2 + ["其他"] * 76
FACTS = abbreviations(("电子设计自动化", "EDA"), ("设计", "SJ"), ("自动化", "ZDH"), ("chip design", "CD"), ("多项目晶圆", "MPW"))


def test_the_expander_bounded_by_the_vocabulary_keeps_the_forms_counting_keeps():
    """Forms rare overall though each pair is common, forms with white space (which the
    vocabulary cannot bound), forms just under and just over the limit: the bounds leave
    each decision as counting every form in every text makes it."""
    texts, facts = TEXTS, FACTS
    limit = MAX_SHARE * len(texts)
    assert sum("自动化" in t for t in texts) == 7 > limit > sum("chip design" in t.lower() for t in texts) == 3
    searched = [f"某某文件 第一条 {t}" for t in texts]  # what search reads: each text is part of it
    bounded = Expander.from_facts(facts, texts, Vocabulary(searched).most_holding)
    assert bounded == Expander.from_facts(facts, texts)
    assert bounded.pairs == {
        "电子设计自动化": {"EDA"}, "eda": {"电子设计自动化"}, "sj": {"设计"}, "zdh": {"自动化"},
        "chip design": {"CD"}, "cd": {"chip design"}, "多项目晶圆": {"MPW"}, "mpw": {"多项目晶圆"},
    }  # fmt: skip


def test_only_the_forms_the_vocabulary_cannot_bound_under_the_limit_are_counted(monkeypatch):
    counted: list[str] = []
    count = _TextCounter._count

    def spy(self: _TextCounter, form: str) -> int:
        counted.append(form)
        return count(self, form)

    monkeypatch.setattr(_TextCounter, "_count", spy)
    Expander.from_facts(FACTS, TEXTS, Vocabulary(f"某某文件 第一条 {t}" for t in TEXTS).most_holding)
    assert sorted(counted) == sorted(["设计", "自动化", "chip design"])  # common pairs; white space


def test_the_opened_expander_is_the_one_counting_every_form_makes(generation: Path):
    searcher = Searcher.open(generation)
    catalog = Catalog.load(generation)
    counted = Expander.from_facts(catalog.facts.values(), [catalog.records[c].text for c in catalog.shown])
    assert searcher.expander == counted
    assert counted.pairs["mpw"] == {"多项目晶圆"} and "iab" not in counted.pairs  # IAB: in most clauses


def test_the_rules_read_from_a_loaded_catalog_are_those_read_from_the_files(generation: Path):
    from_files = Matcher.load(generation, semantic=False)
    from_catalog = Matcher.load(generation, semantic=False, catalog=Catalog.load(generation))
    assert len(from_files.rules) > 100
    assert from_catalog.rules == from_files.rules
    assert from_catalog.abbreviations == from_files.abbreviations


class _Node:
    """An object that can be part of a reference cycle, and weakly referenced."""

    def __init__(self) -> None:
        self.other: _Node | None = None


def test_the_collector_is_paused_while_a_build_loads_and_runs_again_after():
    assert gc.isenabled()
    seen = []
    with collector_paused():
        seen.append(gc.isenabled())
        with collector_paused():  # opening a searcher inside a server's opening
            seen.append(gc.isenabled())
        seen.append(gc.isenabled())  # the inner one did not start it again
    assert seen == [False, False, False] and gc.isenabled()
    with pytest.raises(ValueError):
        with collector_paused():
            raise ValueError("a damaged file")
    assert gc.isenabled()
    gc.disable()  # paused by someone else: left paused
    try:
        with collector_paused(collect_after=True):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_server_collects_what_its_loading_left_before_it_serves():
    with collector_paused(collect_after=True):
        a, b = _Node(), _Node()
        a.other, b.other = b, a  # garbage only the cyclic collector frees
        left = weakref.ref(a)
        del a, b
        assert left() is not None
    assert left() is None


def test_a_segments_original_text_is_cut_at_the_same_marks():
    """Segments end after a full stop, a closing bracket or a semicolon, in either width:
    the n-th such mark of the normalised text is the n-th of the original, wherever the
    original has more characters (here a space) or the other width."""
    from policykg.corpus.models import Clause
    from policykg.kg.records import original_slice

    text = "支持研发。（市科技局）给予补贴；（市财政局）其他"
    original = "支持 研發。(市科技局)給予補貼;(市財政局)其他"
    clause = Clause(id="d/1", document="d", kind="item", number=None, path=[], text=text, text_original=original, spans=[])
    assert [original_slice(clause, start, end) for start, end in [(0, 11), (11, 16), (16, 22), (22, len(text)), (16, len(text))]] == [
        "支持 研發。(市科技局)", "給予補貼;", "(市財政局)", "其他", "(市財政局)其他",
    ]  # fmt: skip
