"""A build file damaged after the build wrote it (truncated, garbled) is one clear error
naming the file when the build is opened for search or for serving, not a parser's
traceback; the files of an intact build all read."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policykg.api.serving import Served
from policykg.datadir import DataDir, DataDirError
from policykg.index.open import BuildFileError, damaged_file, open_searcher
from policykg.settings import Settings


def _copy(generation: Path, tmp_path: Path) -> Path:
    """A data folder holding a copy of the shipped build (the session's stays intact)."""
    target = tmp_path / "data" / "generations" / generation.name
    shutil.copytree(generation, target, ignore=shutil.ignore_patterns("*.lease", "leases"))
    (tmp_path / "data" / "current").symlink_to(Path("generations") / generation.name)
    return target


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 3
    data[middle : middle + 8] = b"\xff\x00{{[[\xfe\""
    path.write_bytes(bytes(data))


def test_an_intact_build_has_no_damaged_file(generation):
    assert damaged_file(generation) is None


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("clauses.jsonl", _truncate),
        ("documents.jsonl", _garble),
        ("keyword/ids.json", _garble),
        ("keyword/data.csc.index.npy", _truncate),
        ("dense/ids.json", _truncate),
        ("dense/meta.json", _garble),
    ],
)
def test_a_damaged_file_is_one_error_naming_it_for_search(generation, tmp_path, name, damage):
    folder = _copy(generation, tmp_path)
    damage(folder / name)
    with pytest.raises(BuildFileError) as raised:
        open_searcher(folder)
    message = str(raised.value)
    assert message.startswith(f"{folder / name} is damaged (")
    assert message.endswith("rebuild with `policykg build --force`")
    assert "\n" not in message


def test_a_truncated_dense_index_is_one_error_for_the_server(generation, tmp_path):
    folder = _copy(generation, tmp_path)
    _truncate(folder / "dense" / "vectors.faiss")
    with pytest.raises(DataDirError, match=r"cannot open the build in .*: the dense index .*vectors\.faiss cannot be read") as raised:
        Served.open(DataDir(tmp_path / "data"), Settings(data=tmp_path / "data"))
    assert isinstance(raised.value, BuildFileError)


def test_a_damaged_record_file_is_one_error_for_the_server(generation, tmp_path):
    folder = _copy(generation, tmp_path)
    _truncate(folder / "facts.jsonl")
    with pytest.raises(BuildFileError, match=r"facts\.jsonl is damaged \(") as raised:
        Served.open(DataDir(tmp_path / "data"), Settings(data=tmp_path / "data"))
    assert "\n" not in str(raised.value)


def test_the_cli_says_one_line_for_a_damaged_build(generation, tmp_path):
    from conftest import run_cli, says

    folder = _copy(generation, tmp_path)
    _truncate(folder / "clauses.jsonl")
    searched = run_cli(["search", "MPW流片", "--local"], data=tmp_path / "data")
    assert searched.exit_code == 1
    assert says(searched.stderr, f"{folder / 'clauses.jsonl'} is damaged")
    assert "Traceback" not in searched.stderr + searched.stdout


def test_serve_refuses_a_damaged_build_before_it_starts(generation, tmp_path):
    from conftest import run_cli, says

    folder = _copy(generation, tmp_path)
    _garble(folder / "documents.jsonl")
    served = run_cli(["serve", "--port", "9"], data=tmp_path / "data")  # never bound: it stops first
    assert served.exit_code == 1
    assert says(served.stderr, f"{folder / 'documents.jsonl'} is damaged; rebuild with `policykg build --force`")


def test_serve_refuses_a_cut_links_table_before_it_starts(generation, tmp_path):
    """links.npz is read by POST /match, not by search: the server reads it as it opens the
    build, so a damaged one stops the start in one line (a cut .npz was a traceback)."""
    from conftest import run_cli, says

    folder = _copy(generation, tmp_path)
    assert (folder / "links.npz").exists()
    _truncate(folder / "links.npz")
    served = run_cli(["serve", "--port", "9"], data=tmp_path / "data")
    assert served.exit_code == 1
    assert says(served.stderr, f"{folder / 'links.npz'} is damaged; rebuild with `policykg build --force`")
