"""What a build does with awkward inputs and failures: other encodings, empty and binary
files, a step failing halfway, an unchanged rebuild, a missing path and a missing build.

Each test builds a copy of the small seed 003 into its own temporary folder."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import run_cli, says, shipped_file
from policykg.corpus.artifacts import CLAUSES, load_clauses, load_problems
from policykg.build import build
from policykg.datadir import DataDir

SEED = "003"
SEED_CLAUSES = 43
SEED_FIRST_CLAUSE = "db3f060d893/p"

# A few bytes of a PNG image: NUL bytes make it binary whatever its name.
PNG_BYTES = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def _seed_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(shipped_file(SEED), folder)
    return folder


def _exported_ids(stdout: str) -> list[str]:
    """Ids of the exported clauses (not of their segments)."""
    records = [json.loads(line) for line in stdout.splitlines()]
    return [r["clause_id"] for r in records if r["kind"] != "segment"]


def test_gb18030_copy_builds_the_same_clauses(tmp_path, corpus_clauses):
    source = shipped_file(SEED)
    texts = tmp_path / "gbk"
    texts.mkdir()
    (texts / source.name).write_bytes(source.read_text(encoding="utf-8").encode("gb18030"))
    data = DataDir(tmp_path / "data")

    report = build(data, [texts], model="none")

    assert report.per_file == {source.name: {"encoding": "gb18030", "documents": 1, "clauses": SEED_CLAUSES}}
    gbk = [(c.id, c.text, c.text_original) for c in load_clauses(data.require_current())]
    utf8 = [(c.id, c.text, c.text_original) for c in corpus_clauses if c.spans[0].file == source.stem]
    assert gbk == utf8


def test_empty_and_binary_files_are_reported_by_name(tmp_path):
    texts = _seed_folder(tmp_path / "texts")
    (texts / "empty.txt").write_bytes(b"")
    (texts / "image.txt").write_bytes(PNG_BYTES)
    data = DataDir(tmp_path / "data")

    report = build(data, [texts], model="none")

    assert report.files == 1
    assert list(report.per_file) == [shipped_file(SEED).name]
    assert report.clauses == SEED_CLAUSES
    expected = {"empty.txt": "empty file", "image.txt": "binary file, not text"}
    assert {Path(p["file"]).name: p["reason"] for p in report.problems} == expected
    assert {Path(p["file"]).name: p["reason"] for p in load_problems(data.require_current())} == expected

    exported = run_cli(["export", "problems"], data=data.root)
    assert exported.exit_code == 0
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert {Path(row["file"]).name: row["reason"] for row in rows} == expected
    assert {row["file"] for row in rows} == {str(texts / "empty.txt"), str(texts / "image.txt")}


def test_failed_build_keeps_the_previous_generation(tmp_path, monkeypatch):
    texts = _seed_folder(tmp_path / "texts")
    data = DataDir(tmp_path / "data")
    first = build(data, [texts], model="none")
    before = run_cli(["export", "clauses"], data=data.root)
    assert _exported_ids(before.stdout)[0] == SEED_FIRST_CLAUSE

    halfway: list[bool] = []

    def failing_index(folder, *args):
        halfway.append((folder / CLAUSES).exists())  # the corpus stage has written its output
        raise RuntimeError("index step failed")

    monkeypatch.setattr("policykg.build.build_index", failing_index)
    with pytest.raises(RuntimeError, match="index step failed"):
        build(data, [texts], model="none", force=True)

    assert halfway == [True]
    assert data.current() == first.generation
    assert data.generations() == [first.generation]
    assert sorted(p.name for p in data.generations_dir.iterdir()) == [first.generation.name]  # no .tmp-* left
    after = run_cli(["export", "clauses"], data=data.root)
    assert after.exit_code == 0
    assert after.stdout == before.stdout
    assert len(_exported_ids(after.stdout)) == SEED_CLAUSES


def test_unchanged_rebuild_is_up_to_date(tmp_path):
    texts = _seed_folder(tmp_path / "texts")
    data = DataDir(tmp_path / "data")
    first = build(data, [texts], model="none")

    again = build(data, [texts], model="none")

    assert first.up_to_date is False
    assert again.up_to_date is True
    assert again.generation == first.generation
    assert (again.documents, again.clauses) == (1, SEED_CLAUSES)
    assert data.generations() == [first.generation]

    via_cli = run_cli(["build", "--model", "none", str(texts)], data=data.root)
    assert via_cli.exit_code == 0
    assert says(via_cli.stderr, f"up to date: {first.generation}")


def test_missing_input_path_is_named(tmp_path):
    missing = tmp_path / "no-such-folder" / "policy.txt"

    result = run_cli(["build", str(missing)], data=tmp_path / "data")

    assert result.exit_code == 1
    assert says(result.stderr, f"error: {missing}: no such file or folder")
    assert DataDir(tmp_path / "data").current() is None


@pytest.mark.parametrize(
    "args",
    [["export", "clauses"], ["export", "documents"], ["export", "problems"], ["status"], ["search", "集成电路"]],
)
def test_reading_before_any_build_says_to_build(tmp_path, args):
    result = run_cli(args, data=tmp_path / "empty")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert says(result.stderr, f"error: no graph or index in {tmp_path / 'empty'} yet; run `policykg build` first")


def test_special_files_and_broken_links_are_skipped_with_a_reason(tmp_path):
    texts = _seed_folder(tmp_path / "texts")
    os.mkfifo(texts / "fifo.txt")  # reading it would wait for a writer forever
    (texts / "dangling.txt").symlink_to(texts / "gone.txt")
    (texts / "loop.txt").symlink_to(texts / "loop.txt")
    (texts / "utf16.txt").write_bytes(shipped_file(SEED).read_text(encoding="utf-8").encode("utf-16"))
    data = DataDir(tmp_path / "data")

    report = build(data, [texts], model="none")

    assert report.per_file[shipped_file(SEED).name]["clauses"] == SEED_CLAUSES
    assert report.per_file["utf16.txt"] == {"encoding": "utf-16", "documents": 1, "clauses": SEED_CLAUSES}
    assert {Path(p["file"]).name: p["reason"] for p in report.problems} == {
        "fifo.txt": "not a regular file but a FIFO; skipped",
        "dangling.txt": f"dangling symbolic link (to {texts / 'gone.txt'}); skipped",
        "loop.txt": "symbolic link loop; skipped",
    }


def test_full_disk_while_writing_the_index_is_one_clear_error(tmp_path):
    """FAISS reports ENOSPC as a C++ assertion, or only on stderr when it comes at close; the
    index is written by Python instead, so a full disk is an OSError the build command prints
    as one line. /dev/full is a disk that is always full."""
    import numpy as np

    from policykg.index.dense import _FAISS_FILE, INDEX_DIR, DenseIndex

    vectors = np.eye(4, dtype=np.float32)
    index = DenseIndex.build(["a", "b", "c", "d"], vectors, encoder_name="test")
    (tmp_path / INDEX_DIR).mkdir()
    (tmp_path / INDEX_DIR / _FAISS_FILE).symlink_to("/dev/full")
    with pytest.raises(OSError) as caught:
        index.save(tmp_path)
    assert str(caught.value) == f"[Errno 28] cannot write {tmp_path / INDEX_DIR / _FAISS_FILE}: No space left on device"
