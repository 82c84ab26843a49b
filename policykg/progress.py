"""Progress of a long build as plain lines (for a log file as much as for a terminal):
per stage, a line every few seconds with counts, rate and time left, and a closing line;
the stage times (wall, and CPU of this process) are kept for the build's summary.

    parse: 312/1235 files (25%), 5.1M chars, 41.2 files/s, 690k chars/s, ~22 s left
    parse: 1235 files, 21.9M chars in 30.1 s (41.0 files/s, 727k chars/s)
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

# A progress line at most this often (seconds): often enough to see a build move, rare
# enough that a log of a long build stays short.
EVERY_SECONDS = 5.0


def _count(n: float) -> str:
    """1234 -> '1234', 56_700 -> '56.7k', 21_900_000 -> '21.9M'."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= size * 10 or (suffix != "k" and n >= size):
            return f"{n / size:.1f}{suffix}"
    return f"{n:.0f}"


@dataclass
class StageProgress:
    """One stage under way: ``advance`` after each piece of work."""

    name: str
    total: int | None
    unit: str
    write: Callable[[str], None] | None
    every: float = EVERY_SECONDS
    done: int = 0
    chars: int = 0
    started: float = field(default_factory=time.perf_counter)
    _last: float = field(default_factory=time.perf_counter)

    def advance(self, n: int = 1, chars: int = 0) -> None:
        self.done += n
        self.chars += chars
        now = time.perf_counter()
        if self.write and now - self._last >= self.every:
            self._last = now
            self.write(self._line(now))

    def _line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        parts = [f"{self.done}/{self.total} {self.unit} ({100 * self.done / max(self.total, 1):.0f}%)" if self.total else f"{self.done} {self.unit}"]
        if self.chars:
            parts.append(f"{_count(self.chars)} chars")
        parts.append(f"{self.done / elapsed:.1f} {self.unit}/s")
        if self.chars:
            parts.append(f"{_count(self.chars / elapsed)} chars/s")
        if self.total and self.done:
            parts.append(f"~{(self.total - self.done) * elapsed / self.done:.0f} s left")
        return f"{self.name}: " + ", ".join(parts)

    def closing(self, seconds: float) -> str:
        rate = f"{self.done / max(seconds, 1e-9):.1f} {self.unit}/s"
        if self.chars:
            rate += f", {_count(self.chars / max(seconds, 1e-9))} chars/s"
        size = f"{self.done} {self.unit}" + (f", {_count(self.chars)} chars" if self.chars else "")
        return f"{self.name}: {size} in {seconds:.1f} s ({rate})"


class Progress:
    """Stages of a build, each reported through ``write`` (None: silent) and timed."""

    def __init__(self, write: Callable[[str], None] | None = None, every: float = EVERY_SECONDS) -> None:
        self.write = write
        self.every = every
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}  # CPU seconds of this process per stage (not of pool workers)

    def note(self, message: str) -> None:
        if self.write:
            self.write(message)

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "files") -> Iterator[StageProgress]:
        """Time a stage; its closing line is written only when it did some counted work."""
        stage = StageProgress(name, total, unit, self.write, self.every)
        cpu = time.process_time()
        yield stage
        seconds = time.perf_counter() - stage.started
        self.seconds[name] = round(self.seconds.get(name, 0.0) + seconds, 3)
        self.cpu[name] = round(self.cpu.get(name, 0.0) + time.process_time() - cpu, 3)
        if self.write:
            self.write(stage.closing(seconds) if stage.done else f"{name}: {seconds:.1f} s")


__all__ = ["EVERY_SECONDS", "Progress", "StageProgress"]
