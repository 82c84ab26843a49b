"""Where graph and index live, and how a build replaces them without ever leaving a half one.

A build writes a new *generation* beside the current one and switches over only when it is
complete, so a failed or killed build leaves the last good generation in place::

    root/
      build.lock                     held (flock) while a build runs
      current -> generations/<id>    relative symlink, switched atomically
      generations/<id>/              complete generations; ids sort oldest first
      generations/.tmp-<id>/         the build under way (or left by a killed one)
      leases/<id>                    held (shared flock) by each server reading generation <id>

A server holds a lease on the generation it serves, so pruning old generations after a
build skips one that a live server still reads; the lease goes with the process, so a
killed server holds nothing.
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import platformdirs

GENERATIONS = "generations"
CURRENT = "current"
LOCK = "build.lock"
LEASES = "leases"
TMP_PREFIX = ".tmp-"
SWITCH_LINK = ".current.tmp"  # the new symlink before it replaces ``current``
DEFAULT_KEEP = 2  # one to serve, one to go back to

# e.g. 20261122T233001Z-0000: UTC second, then a counter for builds within the same second.
GENERATION_ID = re.compile(r"(\d{8}T\d{6}Z)-([0-9a-f]{4})")  # use with fullmatch


class DataDirError(Exception):
    """Base class of the data folder's errors."""


class NoBuild(DataDirError):
    """There is no complete generation to read yet."""


class BuildInProgress(DataDirError):
    """Another build holds the lock."""


class Lease:
    """A shared lock on one generation's lease file: while it is held, no build deletes
    that generation. ``release()`` (or the process ending) gives it up."""

    def __init__(self, generation: Path, fd: int) -> None:
        self.generation = generation
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def default_data_dir() -> Path:
    """The per-user data folder, used when neither ``--data`` nor settings name one."""
    return Path(platformdirs.user_data_dir("policykg"))


class DataDir:
    """The data folder: its generations, the ``current`` pointer and the build lock."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.generations_dir = self.root / GENERATIONS
        self.current_link = self.root / CURRENT
        self.lock_path = self.root / LOCK
        self.leases_dir = self.root / LEASES

    def generations(self) -> list[Path]:
        """Complete generations, oldest first (temp folders of running builds excluded)."""
        if not self.generations_dir.is_dir():
            return []
        found = [path for path in self.generations_dir.iterdir() if GENERATION_ID.fullmatch(path.name)]
        return sorted((path for path in found if path.is_dir()), key=lambda path: path.name)

    def current(self) -> Path | None:
        """The current generation's own folder, or None before the first build.

        Readers should open this folder, not ``root/current``, so a build switching over
        while they read does not change files under them.
        """
        if not os.path.lexists(self.current_link):
            return None
        if not self.current_link.is_symlink():
            raise DataDirError(f"{self.current_link} should be a symlink to a generation, but is not")
        target = Path(os.readlink(self.current_link))
        generation = self.generations_dir / target.name
        if target != Path(GENERATIONS) / target.name or not GENERATION_ID.fullmatch(target.name):
            raise DataDirError(f"{self.current_link} points to {target}, which is not a generation")
        if not generation.is_dir():
            raise DataDirError(f"{self.current_link} points to {target}, which is missing")
        return generation

    def require_current(self) -> Path:
        """Like ``current()``, but a missing build is an error with advice for the user."""
        generation = self.current()
        if generation is None:
            raise NoBuild(f"no graph or index in {self.root} yet; run `policykg build` first")
        return generation

    def lease(self, generation: Path) -> Lease:
        """Hold ``generation`` (a folder under ``generations/``) against pruning. Raises
        ``DataDirError`` if it is gone (a build pruned it before the lease was taken)."""
        self.leases_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.leases_dir / generation.name, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits while a build is deleting it
        if not (self.generations_dir / generation.name).is_dir():
            os.close(fd)
            raise DataDirError(f"generation {generation.name} was removed; open the current one")
        return Lease(generation, fd)

    def lease_current(self) -> Lease:
        """A lease on the current generation, taken so that a build switching over at the
        same moment cannot remove it first."""
        while True:
            try:
                return self.lease(self.require_current())
            except NoBuild:
                raise
            except DataDirError:
                continue  # pruned between reading ``current`` and the lease: read it again

    @contextmanager
    def new_generation(self, keep: int = DEFAULT_KEEP) -> Iterator[Path]:
        """Yield an empty folder to build into; make it current only if the block succeeds.

        On success the folder is renamed to ``generations/<id>``, ``current`` is switched to
        it atomically, and generations beyond the newest ``keep`` (plus the current one) are
        removed. On any exception, Ctrl-C included, the folder is removed and ``current``
        is left as it was.
        """
        if keep < 1:
            raise ValueError(f"keep must be at least 1, not {keep}")
        self.generations_dir.mkdir(parents=True, exist_ok=True)
        lock = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise BuildInProgress(
                    f"another build is running in {self.root} (it holds {self.lock_path}); "
                    "wait for it to finish"
                ) from None
            self._remove_leftovers()
            generation_id = self._next_id()
            building = self.generations_dir / f"{TMP_PREFIX}{generation_id}"
            building.mkdir()
            try:
                yield building
            except BaseException:
                # Best effort: whatever stays behind is removed by the next build.
                shutil.rmtree(building, ignore_errors=True)
                raise
            self._publish(building, generation_id)
            self._prune(keep)
        finally:
            os.close(lock)  # closing releases the flock

    def _remove_leftovers(self) -> None:
        """Remove what a killed build left: its temp folder and an unswitched symlink."""
        for path in self.generations_dir.glob(f"{TMP_PREFIX}*"):
            shutil.rmtree(path)
        switch = self.root / SWITCH_LINK
        if os.path.lexists(switch):
            switch.unlink()

    def _next_id(self) -> str:
        """A new id that sorts after every existing one, even within the same second or
        after the clock went back; the build lock makes the counter safe."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        existing = self.generations()
        last = GENERATION_ID.fullmatch(existing[-1].name) if existing else None
        if last and last[1] >= stamp:
            return f"{last[1]}-{int(last[2], 16) + 1:04x}"
        return f"{stamp}-0000"

    def _publish(self, building: Path, generation_id: str) -> None:
        _fsync_tree(building)
        final = self.generations_dir / generation_id
        os.rename(building, final)
        _fsync_dir(self.generations_dir)
        switch = self.root / SWITCH_LINK
        os.symlink(Path(GENERATIONS) / generation_id, switch)
        os.replace(switch, self.current_link)
        _fsync_dir(self.root)

    def _prune(self, keep: int) -> None:
        """Remove generations beyond the newest ``keep``, except the current one and those
        a live server holds a lease on (they go at a later build, once released)."""
        current = self.current()
        for generation in self.generations()[:-keep]:
            if generation != current:
                self._remove_unless_leased(generation)
        if self.leases_dir.is_dir():  # lease files of generations already gone
            kept = {g.name for g in self.generations()}
            for path in self.leases_dir.iterdir():
                if path.name not in kept:
                    self._remove_unless_leased(self.generations_dir / path.name)

    def _remove_unless_leased(self, generation: Path) -> bool:
        self.leases_dir.mkdir(parents=True, exist_ok=True)
        lease_file = self.leases_dir / generation.name
        fd = os.open(lease_file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # a server reads it
            if generation.is_dir():
                shutil.rmtree(generation)
            lease_file.unlink(missing_ok=True)  # while locked: a reader waiting on it then sees the folder gone
            return True
        finally:
            os.close(fd)


def _fsync_tree(folder: Path) -> None:
    """Flush every file and folder of a finished build, so ``current`` never points to
    files whose contents are still only in the page cache."""
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                continue  # not ours to flush
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
