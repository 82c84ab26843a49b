"""The build as a whole: per-file work in a pool gives what one process gives, a rebuild
reuses unchanged files and ends with the graph a clean build makes, a change to the
ontology or registry invalidates the cached work, and a failed build leaves the last good
generation as it was."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.compare import IsomorphicGraph, to_isomorphic

from conftest import SHIPPED_TEXTS, shipped_file
from policykg.corpus.artifacts import CLAUSES, DOCUMENTS, load_clauses, load_documents
from policykg.kg.artifacts import FACTS, load_facts
from policykg.kg.namespace import GRAPH
from policykg.kg.store import STORE_DIR
from policykg import build as build_module
from policykg import filework
from policykg.build import FILE_CACHE, build, read_manifest
from policykg.index.keyword import INDEX_DIR, FileTerms, KeywordIndex
from policykg.index.search import iter_searchable
from policykg.datadir import DataDir
from policykg.fingerprint import FILE_INPUTS, ROOT, file_fingerprint

# A short regulation in the shape of the laws users bring (第X条 articles, 章 headings),
# written for these tests.
REGULATION = """# 某市促进软件产业发展办法

## 第一章 总则

第一条 为促进本市软件产业发展，制定本办法。

第二条 市工业和信息化局负责本办法的组织实施，市财政局予以配合。

## 第二章 扶持措施

第三条 对首次通过软件能力成熟度评估的企业，按评估费用的50%给予补贴，最高不超过30万元。

第四条 本办法自发布之日起施行，有效期五年。
"""


def _texts(folder: Path) -> Path:
    """Three files: two shipped texts (one Traditional) and the regulation above."""
    folder.mkdir(parents=True)
    shutil.copy(shipped_file("003"), folder)
    shutil.copy(shipped_file("004"), folder)
    (folder / "regulation.md").write_text(REGULATION, encoding="utf-8")
    return folder


def _triples(generation: Path) -> IsomorphicGraph:
    """The generation's graph, compared as graphs are (blank nodes, e.g. the ontology's
    lists, get new labels in every store)."""
    store = pyoxigraph.Store.read_only(str(generation / STORE_DIR))
    data = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.NamedNode(str(GRAPH)))
    return to_isomorphic(Graph().parse(data=data.decode("utf-8"), format="nt"))


def _artifacts(generation: Path) -> dict[str, bytes]:
    return {name: (generation / name).read_bytes() for name in (DOCUMENTS, CLAUSES, FACTS)}


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(texts folder, generation) of a build done in this process (one worker)."""
    root = tmp_path_factory.mktemp("serial")
    texts = _texts(root / "texts")
    data = DataDir(root / "data")
    build(data, [texts], model="none", workers=1)
    return texts, data.require_current()


def test_parallel_build_equals_serial_build(serial, tmp_path):
    texts, serial_generation = serial
    data = DataDir(tmp_path / "data")
    report = build(data, [texts], model="none", workers=2)
    generation = data.require_current()
    assert report.processed == 3
    assert _artifacts(generation) == _artifacts(serial_generation)  # clauses, ids, documents, facts
    graph = _triples(generation)
    assert graph == _triples(serial_generation)
    assert len(graph) == report.triples


def test_the_build_chooses_the_clauses_iter_searchable_chooses(tmp_path):
    """The build reads only the clauses of files holding copies to choose what search
    shows; the choice is the one ``iter_searchable`` makes reading every clause: here a
    second, shorter copy of a shipped text whose last article is its own, among other files."""
    texts = _texts(tmp_path / "texts")
    original = shipped_file("003").read_text(encoding="utf-8")
    last = original.rstrip().splitlines()[-1]
    assert last.startswith("第十八条")
    # shorter than the original, so the original is the copy search prefers; its 第五条 is
    # printed with a slip (near copies are found by shared 4-grams, not only by equal text)
    assert "全面统筹各片区差异化布局" in original
    copy = original.rstrip()[: -len(last)].replace("全面统筹各片区差异化布局", "全面统筹各个片区差异化布局")
    (texts / "copy.txt").write_text(copy + "第十八条海洋牧场项目由区农业部门验收。\n", encoding="utf-8")
    data = DataDir(tmp_path / "data")
    build(data, [texts], model="none", workers=1)
    generation = data.require_current()
    documents = load_documents(generation)
    assert any(not d.preferred for d in documents)
    clauses = load_clauses(generation)
    expected = [c.id for c in iter_searchable(clauses, documents)]
    assert KeywordIndex.read_ids(generation) == expected
    assert len(expected) < len(clauses)  # the copy's clauses the preferred copy holds are left out
    shown = {c.id: c for c in clauses}
    assert any("海洋牧场" in shown[i].text for i in expected[-3:])  # the copy's own article is kept, after the rest
    assert not any("各个片区" in shown[i].text for i in expected)  # the near copy of 第五条 is left out too


def _keyword(generation: Path) -> dict:
    """What keyword search answers on the generation: the ids it ranks, and the ranking
    (ids and scores) of a few questions."""
    index = KeywordIndex.load(generation)
    questions = ("软件能力成熟度评估补贴", "人工智能", "产业链 创新链", "市财政局")
    return {"ids": index.ids, **{q: index.search(q, 20) for q in questions}}


def _keyword_files(generation: Path) -> dict[str, bytes]:
    """The keyword index as saved: vocabulary, score matrix, ids (a rebuild that maps only
    the changed files' units must write the same bytes as a clean build)."""
    folder = generation / INDEX_DIR
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_rebuild_after_a_change_an_addition_and_a_removal_equals_a_clean_build(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "UPDATE_SHARE", 1.0)  # change the store even when half the files change
    texts = _texts(tmp_path / "texts")
    data = DataDir(tmp_path / "data")
    build(data, [texts], model="none")
    (texts / "regulation.md").write_text(REGULATION.replace("30万元", "50万元"), encoding="utf-8")
    shutil.copy(shipped_file("000"), texts)
    again = build(data, [texts], model="none")
    assert again.processed == 2  # the changed file and the new one; the other two from the cache
    assert read_manifest(data.require_current())["store"]["mode"] == "update"  # the last store, changed
    clean = DataDir(tmp_path / "clean")
    build(clean, [texts], model="none", force=True)
    assert _artifacts(data.require_current()) == _artifacts(clean.require_current())
    assert _triples(data.require_current()) == _triples(clean.require_current())
    assert _keyword(data.require_current()) == _keyword(clean.require_current())
    assert read_manifest(data.require_current())["keyword"]["mode"] == "update"  # only the two files' units mapped in
    assert _keyword_files(data.require_current()) == _keyword_files(clean.require_current())
    assert _caps_of(data.require_current(), "软件能力成熟度评估") == [500_000]

    (texts / shipped_file("004").name).unlink()  # the Traditional text goes
    first = data.require_current()
    third = build(data, [texts], model="none")
    assert third.processed == 0 and read_manifest(third.generation)["store"]["mode"] == "update"
    clean = DataDir(tmp_path / "clean-2")
    build(clean, [texts], model="none")
    assert _triples(third.generation) == _triples(clean.require_current())
    assert _keyword(third.generation) == _keyword(clean.require_current())
    assert read_manifest(third.generation)["keyword"]["mode"] == "update"
    assert _keyword_files(third.generation) == _keyword_files(clean.require_current())  # units of the file gone drop out
    assert _triples(first) != _triples(third.generation)  # the generation it was changed from is as it was
    assert len(_triples(first)) == read_manifest(first)["triples"]
    assert len(_triples(third.generation)) == third.triples  # counted from the change, not by scanning the store


def test_the_assembled_keyword_index_scores_as_bm25s_does():
    """The index assembled from the workers' counted units (in files, some clauses left
    out, in another order) gives bm25s's own scores and rankings for the same clauses."""
    lines = [line.strip() for path in sorted(SHIPPED_TEXTS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [f"c{n}" for n in range(len(lines))]
    third = len(lines) // 3 + 1
    parts = [FileTerms.count(ids[i : i + third], lines[i : i + third]) for i in range(0, len(lines), third)]
    whole = KeywordIndex.build(ids, lines)
    assembled = KeywordIndex.from_terms(parts)
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(whole.retriever.scores[name], assembled.retriever.scores[name])
    assert whole.retriever.vocab_dict == assembled.retriever.vocab_dict
    chosen = ids[::-3]
    some = KeywordIndex.build(chosen, [lines[int(i[1:])] for i in chosen])
    assembled = KeywordIndex.from_terms(parts, chosen)
    assert assembled.ids == chosen
    assert assembled.retriever.vocab_dict == some.retriever.vocab_dict  # units numbered as bm25s numbers them
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(some.retriever.scores[name], assembled.retriever.scores[name])
    for question in ("研发费用补贴最高", "人工智能产业", "集成电路 设计", "流片"):
        assert assembled.search(question, 20) == some.search(question, 20) != []
    for unit in ("补", "补贴", "流片", "链"):
        assert assembled.document_frequency(unit) == some.document_frequency(unit) > 0


def test_the_term_table_keeps_its_segments_and_writes_only_the_changed_files(tmp_path):
    """A table assembled over the last one keeps that one's segments as they are (saved as
    hard links: neither read whole nor written again) and puts only the new and changed
    files into one new segment; the index assembled from it is the one a clean table
    gives, to the byte; with too many segments, or too many clauses of files gone, the
    table is written again as one."""
    from policykg.index.assemble import MAX_SEGMENTS, TermTable, assemble_index

    lines = [line.strip() for path in sorted(SHIPPED_TEXTS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    files = {f"f{n}": [f"f{n}-{i}" for i in range(n * 40, n * 40 + 40)] for n in range(12)}
    text = {clause: lines[int(clause.split("-")[1]) % len(lines)] for ids in files.values() for clause in ids}

    def terms(name: str, edit: str = "") -> FileTerms:
        return FileTerms.count(files[name], [text[c] + edit for c in files[name]])

    first = TermTable.assemble([(name, terms(name)) for name in files])
    first.save(tmp_path / "first")
    loaded = TermTable.load(tmp_path / "first")
    # f3 changed (a new name: entry names are content hashes), f5 gone, f12 added
    files["f3b"] = files.pop("f3")
    files["f12"] = [f"f12-{i}" for i in range(40)]
    text.update({c: lines[i % len(lines)] + " 新增条款" for i, c in enumerate(files["f12"])})
    parts = [(name, terms(name, "（修订）" if name == "f3b" else "")) for name in files if name != "f5"]
    table = TermTable.assemble(parts, loaded)
    assert len(table.segments) == 2 and table.segments[0].name == loaded.segments[0].name
    assert [len(segment.names) for segment in table.segments] == [12, 2]  # the old segment whole, f3b and f12 new
    table.save(tmp_path / "second")
    kept = table.segments[0].name
    for path in (tmp_path / "first" / kept).iterdir():
        assert path.stat().st_ino == (tmp_path / "second" / kept / path.name).stat().st_ino  # a hard link, not a copy
    clean = TermTable.assemble(parts)
    assert len(clean.segments) == 1 and table.names == clean.names == [name for name, _ in parts]
    assert table.ids == clean.ids
    chosen = clean.ids[::-2]
    for again in (table, TermTable.load(tmp_path / "second")):
        assembled, expected = assemble_index(again, chosen), assemble_index(clean, chosen)
        assert assembled.retriever.vocab_dict == expected.retriever.vocab_dict
        for name in ("data", "indices", "indptr"):
            assert np.array_equal(assembled.retriever.scores[name], expected.retriever.scores[name])
    compacted = TermTable.assemble(parts, table, compact=True)
    assert len(compacted.segments) == 1 and compacted.ids == clean.ids
    grown = table
    for n in range(MAX_SEGMENTS + 1):  # one changed file per build: one segment more each time, until written as one
        files[f"g{n}"] = files.pop(parts[0][0])
        parts = [(f"g{n}", FileTerms.count(files[f"g{n}"], [text[c] for c in files[f"g{n}"]])), *parts[1:]]
        grown = TermTable.assemble(parts, grown)
        assert len(grown.segments) <= MAX_SEGMENTS
        assert grown.ids == TermTable.assemble(parts).ids


def _caps_of(generation: Path, words: str) -> list[float]:
    """The award caps of the clause whose text holds ``words``."""
    (clause,) = [c for c in load_clauses(generation) if words in c.text]
    return [a.cap_yuan for a in load_facts(generation)[clause.id].awards]


def test_unchanged_rebuild_is_up_to_date_and_force_redoes_every_file(serial, tmp_path):
    texts, _ = serial
    data = DataDir(tmp_path / "data")
    build(data, [texts], model="none", workers=1)
    assert build(data, [texts], model="none", workers=1).up_to_date
    assert build(data, [texts], model="none", workers=1, force=True).processed == 3


def _checkout_copy(target: Path) -> Path:
    for folder, _pattern in FILE_INPUTS:
        source = ROOT / folder
        if source.is_dir():
            shutil.copytree(source, target / folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (target / folder).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target / folder)
    return target


@pytest.mark.parametrize(
    ("edited", "old", "new"),
    [
        ("ontology/registry/guangzhou.ttl", '"广东省人民政府"@zh', '"广东省政府"@zh'),  # a label
        ("ontology/shapes.ttl", "sh:minLength 1", "sh:minLength 2"),
        ("kg/sparql/awards_with_cap.rq", "SELECT", "SELECT DISTINCT"),
    ],
)
def test_an_ontology_registry_or_query_edit_changes_the_fingerprint(tmp_path, edited, old, new):
    root = _checkout_copy(tmp_path / "checkout")
    before = file_fingerprint(root)
    assert file_fingerprint(root) == before
    path = root / edited
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert file_fingerprint(root) != before


def test_a_new_fingerprint_redoes_every_file(serial, tmp_path, monkeypatch):
    texts, _ = serial
    data = DataDir(tmp_path / "data")
    build(data, [texts], model="none", workers=1)
    monkeypatch.setattr(build_module, "file_fingerprint", lambda: "registry-edited")
    monkeypatch.setattr(build_module, "build_fingerprint", lambda sources, model: "registry-edited")
    report = build(data, [texts], model="none", workers=1)
    assert not report.up_to_date and report.processed == 3
    # the old code's entries are gone, only the new ones are kept
    assert [p.name for p in (data.root / FILE_CACHE).iterdir()] == ["registry-edited"[:20]]


def test_an_interrupted_build_keeps_the_last_generation_and_leaves_no_half_entry(serial, tmp_path, monkeypatch):
    texts, _ = serial
    data = DataDir(tmp_path / "data")
    build(data, [texts], model="none", workers=1)
    good = data.require_current()
    before = _artifacts(good)
    (texts_changed := tmp_path / "changed").mkdir()
    for path in texts.iterdir():
        shutil.copy(path, texts_changed)
    (texts_changed / "regulation.md").write_text(REGULATION.replace("有效期五年", "有效期三年"), encoding="utf-8")
    shutil.copy(shipped_file("000"), texts_changed)

    real = filework.process_file
    calls = []

    def interrupted(path, sha, entry):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(path, sha, entry)

    monkeypatch.setattr(filework, "process_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(data, [texts_changed], model="none", workers=1)
    assert data.require_current() == good and _artifacts(good) == before
    cache = next((data.root / FILE_CACHE).iterdir())
    assert all((entry / filework.META).exists() for entry in cache.iterdir())  # complete entries only
    monkeypatch.setattr(filework, "process_file", real)
    report = build(data, [texts_changed], model="none", workers=1)
    assert report.processed == 1  # the file done before the interrupt was kept
    assert data.require_current() != good


def test_a_file_that_fails_is_reported_and_tried_again(serial, tmp_path, monkeypatch):
    texts, _ = serial
    data = DataDir(tmp_path / "data")
    real = filework.process_file

    def failing(path, sha, entry):
        if path.name == "regulation.md":
            raise ValueError("a fault of ours")
        return real(path, sha, entry)

    monkeypatch.setattr(filework, "process_file", failing)
    report = build(data, [texts], model="none", workers=1)
    assert [(Path(p["file"]).name, p["reason"]) for p in report.problems] == [
        ("regulation.md", "could not be processed (ValueError: a fault of ours)")
    ]
    monkeypatch.setattr(filework, "process_file", real)
    again = build(data, [texts], model="none", workers=1)
    assert again.problems == [] and again.processed == 1


def test_progress_lines_name_stages_counts_and_rates(serial, tmp_path):
    texts, _ = serial
    lines: list[str] = []
    report = build(DataDir(tmp_path / "data"), [texts], model="none", workers=1, progress=lines.append)
    closing = next(line for line in lines if line.startswith("files: 3 files"))
    assert "chars in" in closing and "files/s" in closing
    assert list(report.stages)[:4] == ["hash", "cached files", "files", "copies"]
    assert set(report.steps) == set(filework.STEPS)


def test_a_terminated_build_stops_its_workers_and_keeps_the_last_generation(tmp_path):
    """SIGTERM mid-build (kill, a CI timeout): the command exits, no pool worker outlives
    it, and no half generation is left. The build runs in a session of its own, so every
    process it started shares its process group."""
    import os
    import signal
    import subprocess
    import sys
    import time

    texts = tmp_path / "texts"
    texts.mkdir()
    for n in range(12):  # enough files that the pool is still busy when the signal comes
        for path in SHIPPED_TEXTS.iterdir():
            (texts / f"{n:02d}_{path.name}").write_text(path.read_text(encoding="utf-8") + f"\n附注{n}。\n", encoding="utf-8")
    data = tmp_path / "data"
    cli = "import sys; from policykg.cli import app; sys.argv[0] = 'policykg'; app()"
    process = subprocess.Popen(
        [sys.executable, "-c", cli, "--data", str(data), "build", str(texts), "--model", "none", "--workers", "2"],
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    assert process.stderr is not None
    busy = None
    for line in process.stderr:  # wait until files are being done in the pool
        # progress prints every few seconds, so the first count is whatever is done by then
        busy = re.match(r"files: (\d+)/(\d+)", line)
        if busy and int(busy[1]) < int(busy[2]):
            break
    assert busy and int(busy[1]) < int(busy[2]), "the build ended before a progress line showed it busy"
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=300)
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                os.killpg(process.pid, 0)  # any process left in the build's group?
            except ProcessLookupError:
                break
            assert time.monotonic() < deadline, "a worker outlived the terminated build"
            time.sleep(0.5)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # what a failed run leaves behind
        except ProcessLookupError:
            pass
    assert code == 128 + signal.SIGTERM
    assert not DataDir(data).current()
    assert not list((data / "generations").iterdir()) if (data / "generations").exists() else True
