"""The CLI's fast path: `policykg serve` says where it listens in the data folder
(``serve.json``), and `policykg search` asks that server instead of loading the indexes and
the model itself (≈ 5 s a call on two cores; a question to the running server takes tens of
milliseconds). This module and the CLI's path through it import only the standard library
and what the CLI itself needs: the indexes' and the model's imports are what it saves.

The server is used only when it serves the generation that is current now (a rebuild since
it started makes it stale), its process is alive, and it answers; otherwise the CLI loads
the build itself, so the answer never depends on whether a server is running. Only loopback
servers are announced (`serve --host 0.0.0.0` is announced as 127.0.0.1).
"""
from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .datadir import DataDir

if TYPE_CHECKING:
    from policykg.index.models import SearchResult

ANNOUNCEMENT = "serve.json"
# Long enough for a search over a loaded index, short enough that a hung server costs
# little before the CLI falls back to loading the build itself.
TIMEOUT_SECONDS = 10.0


class ServerUnavailable(Exception):
    """The announced server did not answer (gone, or shedding load): search locally."""


@dataclass(frozen=True)
class Announcement:
    url: str  # http://127.0.0.1:PORT
    pid: int
    generation: str  # the generation folder the server loaded


@contextmanager
def announce(data: DataDir, generation: Path, host: str, port: int) -> Iterator[None]:
    """Announce a server in the data folder while it runs; remove the note afterwards
    (only if it is still ours: another server may have announced itself since)."""
    loopback = host if host.startswith("127.") or host == "localhost" else "127.0.0.1"
    note = Announcement(f"http://{loopback}:{port}", os.getpid(), str(generation.resolve()))
    path = data.root / ANNOUNCEMENT
    temporary = path.with_name(f".{ANNOUNCEMENT}.{os.getpid()}")
    temporary.write_text(json.dumps(asdict(note)), encoding="utf-8")
    os.replace(temporary, path)
    try:
        yield
    finally:
        if _read(path) == note:
            path.unlink(missing_ok=True)


def _read(path: Path) -> Announcement | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Announcement(url=str(raw["url"]), pid=int(raw["pid"]), generation=str(raw["generation"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class RemoteSearcher:
    """``Searcher.search`` over HTTP: the same question and options, answered with the
    search response's JSON (``SearchResult`` as the API renders it; ``result_from_dict``
    reads it back). The filters go as the user typed them, and the server reads them as
    the CLI reads its options (``Filters.from_strings``), so bad input gets the same message."""

    url: str

    @classmethod
    def find(cls, data: DataDir, generation: Path) -> RemoteSearcher | None:
        """The announced server, if it is alive, serves ``generation`` and answers."""
        note = _read(data.root / ANNOUNCEMENT)
        if note is None or note.generation != str(generation.resolve()) or not _alive(note.pid):
            return None
        # Something must listen there (a TCP connect, not a request: a busy server may shed
        # a request it would answer a moment later); a search that then fails falls back.
        address = urllib.parse.urlsplit(note.url)
        try:
            socket.create_connection((address.hostname, address.port), timeout=2).close()
        except OSError:
            return None
        return cls(note.url)

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        filters: Mapping[str, str | None] | None = None,
        today: date | None = None,
        offset: int = 0,
        include_predecessors: bool = False,
    ) -> dict:
        """The server's answer as JSON. ``filters`` are the API's filter parameters
        (``api.deps.search_filters``: document, issuer, jurisdiction, department, role, award_kind,
        industry, min_cap, in_force) as typed; unset ones are None."""
        params: dict[str, str] = {"q": query, "k": str(k), "mode": mode, "offset": str(offset)}
        if today is not None:
            params["on"] = today.isoformat()
        if include_predecessors:
            params["include_predecessors"] = "true"
        params.update({name: value for name, value in (filters or {}).items() if value is not None})
        request = urllib.request.Request(f"{self.url}/search?{urllib.parse.urlencode(params)}", headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as problem:
            if problem.code in (429, 503):
                raise ServerUnavailable(f"{self.url} answered {problem.code}") from None
            detail = problem.read().decode("utf-8", "replace")
            try:
                detail = json.loads(detail).get("detail") or detail
            except ValueError:
                pass
            raise ValueError(str(detail)) from None
        except OSError as problem:  # refused, reset, timed out
            raise ServerUnavailable(f"{self.url}: {problem}") from None


def result_from_dict(body: dict) -> SearchResult:
    """A ``SearchResult`` from its JSON (``SearchResult.to_dict``). A responsibility's
    department id is written as ``id`` (its serialisation alias) and read back as
    ``department``. (Imported here: a search printed as JSON needs no typed result.)"""
    from pydantic import TypeAdapter

    from policykg.index.models import SearchResult

    data = {**body, "hits": [_hit_fields(hit) for hit in body.get("hits") or []]}
    return TypeAdapter(SearchResult).validate_python(data)


def _hit_fields(hit: dict) -> dict:
    departments = [{("department" if k == "id" else k): v for k, v in d.items()} for d in hit.get("departments") or []]
    return {**hit, "departments": departments}
