"""Errors raised by the corpus stage, so the CLI can map them to a message and exit code."""
from __future__ import annotations

from pathlib import Path


class CorpusError(Exception):
    """Base class of every error the corpus stage raises on purpose."""


class UnreadableSource(CorpusError):
    """An input file (or folder) that cannot be turned into text.

    >>> str(UnreadableSource(Path("a.txt"), "empty file"))
    'a.txt: empty file'
    """

    def __init__(self, path: Path, reason: str) -> None:
        # Both go into ``args`` so the exception survives pickling (multiprocessing).
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
