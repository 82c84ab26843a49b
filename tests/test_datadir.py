from __future__ import annotations

import fcntl
import os
from pathlib import Path

import platformdirs
import pytest

from policykg.datadir import (
    GENERATION_ID,
    BuildInProgress,
    DataDir,
    DataDirError,
    NoBuild,
    default_data_dir,
)


def build(data: DataDir, content: str, keep: int = 2) -> Path:
    """One successful build writing ``graph.txt``; returns the new current generation."""
    with data.new_generation(keep=keep) as folder:
        assert folder.name.startswith(".tmp-")
        (folder / "graph.txt").write_text(content)
        (folder / "index").mkdir()
        (folder / "index" / "vectors.npy").write_bytes(b"\x93NUMPY")
    current = data.current()
    assert current is not None
    return current


def tmp_folders(data: DataDir) -> list[str]:
    return sorted(path.name for path in data.generations_dir.iterdir() if path.name.startswith(".tmp-"))


def test_default_data_dir() -> None:
    assert default_data_dir() == Path(platformdirs.user_data_dir("policykg"))


def test_empty_data_dir_has_no_current(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    assert data.current() is None
    assert data.generations() == []
    with pytest.raises(NoBuild) as caught:
        data.require_current()
    assert isinstance(caught.value, DataDirError)
    assert str(caught.value) == f"no graph or index in {tmp_path / 'data'} yet; run `policykg build` first"


def test_first_generation_becomes_current(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    first = build(data, "one")
    assert GENERATION_ID.fullmatch(first.name)
    assert first.parent == tmp_path / "generations"
    assert data.require_current() == first
    assert data.generations() == [first]
    assert os.readlink(tmp_path / "current") == f"generations/{first.name}"
    assert (tmp_path / "current" / "graph.txt").read_text() == "one"
    assert (first / "index" / "vectors.npy").read_bytes() == b"\x93NUMPY"
    assert tmp_folders(data) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["build.lock", "current", "generations"]


def test_second_generation_switches(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    first = build(data, "one")
    second = build(data, "two")
    assert second != first and second.name > first.name
    assert data.current() == second
    assert data.generations() == [first, second]
    assert (tmp_path / "current" / "graph.txt").read_text() == "two"
    assert (first / "graph.txt").read_text() == "one"


def test_ids_sort_in_build_order_within_one_second(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    built = [build(data, str(n), keep=10) for n in range(5)]
    assert data.generations() == built
    assert [(path / "graph.txt").read_text() for path in data.generations()] == ["0", "1", "2", "3", "4"]


def test_failed_build_leaves_current_intact(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    first = build(data, "one")
    with pytest.raises(RuntimeError, match="extraction failed"):
        with data.new_generation() as folder:
            (folder / "graph.txt").write_text("half")
            raise RuntimeError("extraction failed")
    assert data.current() == first
    assert data.generations() == [first]
    assert (tmp_path / "current" / "graph.txt").read_text() == "one"
    assert (first / "index" / "vectors.npy").read_bytes() == b"\x93NUMPY"
    assert tmp_folders(data) == []


def test_interrupted_build_leaves_no_current(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        with data.new_generation() as folder:
            (folder / "graph.txt").write_text("half")
            raise KeyboardInterrupt
    assert data.current() is None
    assert data.generations() == []
    assert tmp_folders(data) == []


def test_leftover_of_killed_build_is_cleaned(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    first = build(data, "one")
    killed = tmp_path / "generations" / ".tmp-x"
    (killed / "index").mkdir(parents=True)
    (killed / "index" / "partial.npy").write_bytes(b"\x00")
    os.symlink("generations/.tmp-x", tmp_path / ".current.tmp")  # killed right before the switch
    # The leftover is neither a generation nor current.
    assert data.generations() == [first]
    assert data.current() == first
    with data.new_generation() as folder:
        assert tmp_folders(data) == [folder.name]
        assert not os.path.lexists(tmp_path / ".current.tmp")
        (folder / "graph.txt").write_text("two")
    assert tmp_folders(data) == []
    assert (tmp_path / "current" / "graph.txt").read_text() == "two"
    assert data.generations() == [first, data.current()]


def test_concurrent_build_is_refused(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    first = build(data, "one")
    with open(tmp_path / "build.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(BuildInProgress) as caught:
            with data.new_generation():
                pytest.fail("a second build must not start")
    assert str(caught.value) == (
        f"another build is running in {tmp_path} (it holds {tmp_path / 'build.lock'}); wait for it to finish"
    )
    assert data.current() == first
    assert tmp_folders(data) == []
    # Once the lock is released, building works again.
    assert build(data, "two") != first


def test_nested_build_is_refused(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    with data.new_generation() as folder:
        (folder / "graph.txt").write_text("one")
        with pytest.raises(BuildInProgress):
            with data.new_generation():
                pytest.fail("a second build must not start")
    assert (tmp_path / "current" / "graph.txt").read_text() == "one"


def test_pruning_keeps_two(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    built = [build(data, str(n)) for n in range(4)]
    assert data.generations() == built[2:]
    assert data.current() == built[3]
    assert not built[0].exists() and not built[1].exists()


def test_pruning_keeps_current_even_when_older(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    old, new = build(data, "old"), build(data, "new")
    # After a build ``current`` is always the newest; this guards a hand-made rollback.
    os.remove(tmp_path / "current")
    os.symlink(f"generations/{old.name}", tmp_path / "current")
    assert data.current() == old
    data._prune(keep=1)
    assert data.generations() == [old, new]  # newest kept, current kept
    data._prune(keep=2)
    assert data.generations() == [old, new]


def test_keep_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="keep must be at least 1, not 0"):
        with DataDir(tmp_path).new_generation(keep=0):
            pass


def test_broken_current_is_an_error(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    first = build(data, "one")
    os.remove(tmp_path / "current")
    os.symlink("generations/20990101T000000Z-0000", tmp_path / "current")
    with pytest.raises(DataDirError, match="which is missing"):
        data.current()
    os.remove(tmp_path / "current")
    os.symlink(str(first), tmp_path / "current")  # absolute, not made by us
    with pytest.raises(DataDirError, match="which is not a generation"):
        data.current()


def test_a_leased_generation_is_not_pruned_until_released(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    first = build(data, "one", keep=1)
    lease = data.lease_current()  # a server reading the first build
    assert lease.generation == first
    for n in range(3):
        build(data, f"later {n}", keep=1)
    assert first.is_dir() and (first / "graph.txt").read_text() == "one"
    assert len(data.generations()) == 2  # the leased one and the current one
    lease.release()
    newest = build(data, "after release", keep=1)
    assert data.generations() == [newest]
    assert sorted(p.name for p in data.leases_dir.iterdir()) == []  # no lease files left behind


def test_a_lease_on_a_removed_generation_is_refused(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    first = build(data, "one", keep=1)
    build(data, "two", keep=1)
    assert not first.exists()
    with pytest.raises(DataDirError, match="was removed"):
        data.lease(first)


def test_a_lease_dies_with_its_process(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    first = build(data, "one", keep=1)
    holder = os.fork()
    if holder == 0:  # a server that takes a lease and is killed
        data.lease_current()
        os.kill(os.getpid(), 9)
    os.waitpid(holder, 0)
    build(data, "two", keep=1)
    assert not first.exists()
