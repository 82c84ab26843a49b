"""Running SPARQL for the endpoint and the SPARQL page: read-only, in a bounded pool of
worker processes, with a time limit and a result-size limit that really hold, and limits
per client.

pyoxigraph has no query timeout of its own in Python, and a thread cannot be stopped, so
queries run in worker processes that are killed when their time is up (and started afresh
for the next query). The pool has ``workers`` processes and lets ``queue`` more queries
wait; past that a query is refused at once (with the seconds to wait) instead of piling up, and
one client address may have at most ``per_client`` queries running or waiting. The
pool's own threads wait for the workers, so a slow query never holds a thread that serves
search or pages.

A worker also ends itself: an interval timer with the default action of SIGALRM (terminate)
fires shortly after the query's deadline even if the server is stuck or gone, and on Linux
the kernel kills it when the server dies (``PR_SET_PDEATHSIG``), so ``kill -9`` of the server
leaves no query running. Results are serialised in the worker with rdflib's result
serialisers, in the format the caller asks for. Each request names the generation
folder to query, so a server that switches to a new build sends its queries there, or the
upstream endpoint that serves that generation (``Limits.upstream``, ``kg.sources``): then the
worker only waits for it, and every limit and refusal here still holds.

Nothing here knows HTTP as a server: a refusal says why (``Refusal``), and ``api.present``
turns reasons into status codes and formats into media types (content negotiation)."""
from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from .sources import Dataset

if TYPE_CHECKING:  # the stores are opened by the worker only
    from .sources import Source

# A worker's own alarm rings this long after the deadline the server enforces, so the
# server's kill (with its clear message) normally comes first.
WORKER_GRACE_SECONDS = 2.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class Refusal(StrEnum):
    """Why a query got no answer."""

    BAD_QUERY = "bad_query"  # cannot be read, fails, or calls a SERVICE not allowed
    READ_ONLY = "read_only"  # an update
    NOT_ACCEPTABLE = "not_acceptable"  # no format the caller takes fits the query's form
    TOO_LARGE = "too_large"  # the query text or its result is over its limit
    BUSY = "busy"  # every worker busy and the queue full
    CLIENT_LIMIT = "client_limit"  # this client has its share of places
    TIMED_OUT = "timed_out"  # stopped at the time limit
    UNAVAILABLE = "unavailable"  # a worker would not start or died, or the upstream store is down


class EndpointError(Exception):
    """A query the endpoint will not answer: ``reason`` says why, ``retry_after`` how many
    seconds to wait before asking again (for a full pool), ``form`` the query form when
    its result could not be written as asked."""

    def __init__(self, message: str, reason: Refusal = Refusal.BAD_QUERY, retry_after: int | None = None,
                 form: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after
        self.form = form


@dataclass(frozen=True)
class Formats:
    """The rdflib result-serializer names to write a SELECT/ASK result (``table``) and a
    CONSTRUCT/DESCRIBE graph (``graph``) in; None where the caller takes neither form."""

    table: str | None = "json"
    graph: str | None = "turtle"


@dataclass(frozen=True)
class Answer:
    body: bytes
    format: str  # the serializer name it was written with
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE


@dataclass(frozen=True)
class Limits:
    """What the pool allows; ``Settings`` holds each as a setting."""

    timeout_seconds: float = 10.0
    max_results: int = 10_000
    workers: int = 2
    queue: int = 8
    per_client: int = 4
    allowed_services: tuple[str, ...] = ()
    upstream: str | None = None  # a read-only SPARQL endpoint of the same generation, else its folder
    max_memory_mb: int | None = None  # what one worker may allocate (None: no bound)


def _die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this process when the server dies (Linux); elsewhere the closed
    pipe and the alarm end it."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the pipe and the alarm still end it
    if os.getppid() != parent_pid:  # the server died before the line above ran
        os._exit(1)


def _answer(
    source: Source, query: str, formats: Formats, max_results: int, allowed: Sequence[str], dataset: Dataset, base: str | None,
) -> Answer:
    from policykg.kg.build import bind_prefixes
    from policykg.kg.queries import query_source

    result = query_source(source, query, allowed, dataset, base)
    fmt = formats.table if result.type in ("SELECT", "ASK") else formats.graph
    if fmt is None:
        raise EndpointError(f"cannot write a {result.type} result in a format the request accepts",
                            Refusal.NOT_ACCEPTABLE, form=result.type)
    if result.type == "SELECT":
        rows = list(islice(result, max_results + 1))  # no more read than needed to refuse it
        if len(rows) > max_results:
            raise EndpointError(f"the query returns more than {max_results} rows; narrow it or add LIMIT", Refusal.TOO_LARGE)
    elif result.type in ("CONSTRUCT", "DESCRIBE") and result.graph is not None and len(result.graph) > max_results:
        raise EndpointError(f"the query returns more than {max_results} triples; narrow it", Refusal.TOO_LARGE)
    if result.graph is not None:
        bind_prefixes(result.graph)  # Turtle written with pk:, dct: … as queries use them
    body = result.serialize(format=fmt)
    return Answer(body if isinstance(body, bytes) else str(body).encode("utf-8"), fmt, result.type)


def _bound_memory(megabytes: int | None) -> None:
    """Cap what this process may allocate (Linux: ``RLIMIT_DATA`` counts the heap and private
    anonymous mappings, not the store's files). The time limit alone let one ORDER BY over a
    cross product take a worker to 2.2 GB in its 10 s; past the cap an allocation fails, the
    worker ends, and the query is answered 503 (or its MemoryError is)."""
    if megabytes is None or not sys.platform.startswith("linux"):
        return
    import resource

    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _worker(conn: Connection, parent_pid: int, max_memory_mb: int | None = None) -> None:
    """Worker process: answers (where, query, formats, max_results, allowed, seconds, dataset,
    base) requests until the pipe closes; ``where`` is a generation folder or an upstream URL.
    The source of the last ``where`` stays open."""
    _die_with_parent(parent_pid)
    _bound_memory(max_memory_mb)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the alarm terminates, whatever runs then
    from policykg.kg.queries import QueryError, UpdateRefused
    from policykg.kg.sources import SourceUnavailable, open_source

    conn.send(("ready",))  # imports done: the server's clock for a query starts now
    opened: tuple[str, Source] | None = None
    reply: tuple[str, bytes | str, str, str | None]
    while True:
        try:
            where, query, formats, max_results, allowed, seconds, dataset, base = conn.recv()
        except (EOFError, OSError):
            return
        signal.setitimer(signal.ITIMER_REAL, seconds + WORKER_GRACE_SECONDS)
        try:
            if opened is None or opened[0] != where:
                if opened is not None:
                    opened[1].close()
                opened = (where, open_source(where))  # the store is read-only
            answer = _answer(opened[1], query, formats or Formats(), max_results, allowed, dataset, base)
            reply = ("ok", answer.body, answer.format, answer.form)
        except SourceUnavailable as problem:
            reply = ("error", str(problem), Refusal.UNAVAILABLE, None)
        except UpdateRefused as problem:
            reply = ("error", str(problem), Refusal.READ_ONLY, None)
        except QueryError as problem:
            reply = ("error", str(problem), Refusal.BAD_QUERY, None)
        except EndpointError as problem:
            reply = ("error", str(problem), problem.reason, problem.form)
        except MemoryError:
            reply = ("error", f"the query needed more than the {max_memory_mb} MB a worker may use; try a narrower query",
                     Refusal.UNAVAILABLE, None)
        except Exception as problem:  # report any failure of one query to the client, keep serving
            reply = ("error", f"the query failed: {problem}", Refusal.BAD_QUERY, None)
        signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


# How long a new worker may take to import its libraries before it counts as broken.
WORKER_START_SECONDS = 120


class _Worker:
    """One worker process and its pipe; started ahead of use, replaced after a kill."""

    def __init__(self, warm_folder: Path | None = None, upstream: str | None = None, max_memory_mb: int | None = None) -> None:
        self.process: multiprocessing.process.BaseProcess | None = None
        self.conn: Connection | None = None
        self.warm_folder = warm_folder  # a generation to open as soon as it starts
        self.upstream = upstream
        self.max_memory_mb = max_memory_mb
        self._starting = threading.Lock()

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")  # a clean interpreter: no store handles inherited
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(child, os.getpid(), self.max_memory_mb), daemon=True)
        try:
            process.start()
        finally:
            child.close()
        self.process, self.conn = process, parent
        # Wait for the worker's imports, so a query's time limit counts only the query.
        if not parent.poll(WORKER_START_SECONDS) or parent.recv() != ("ready",):
            self.stop()
            raise EndpointError("the SPARQL worker did not start; try again", Refusal.UNAVAILABLE)
        if self.warm_folder is not None:  # open the graph now, not on a client's time
            parent.send((self.upstream or str(self.warm_folder), "ASK {}", None, 1, [], WORKER_START_SECONDS, Dataset(), None))
            if not parent.poll(WORKER_START_SECONDS):
                self.stop()
                raise EndpointError("the SPARQL worker could not open the graph; try again", Refusal.UNAVAILABLE)
            parent.recv()

    def ensure_started(self) -> None:
        with self._starting:
            if self.process is None or not self.process.is_alive():
                self.stop()
                self.start()

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join(5)
        if self.conn is not None:
            self.conn.close()
        self.process = self.conn = None

    def run(self, folder: Path, query: str, formats: Formats, limits: Limits, dataset: Dataset, base: str | None) -> Answer:
        """Run one query here, blocking this (pool) thread for at most the time limit."""
        self.ensure_started()
        assert self.conn is not None and self.process is not None
        where = limits.upstream or str(folder)
        self.conn.send((where, query, formats, limits.max_results, list(limits.allowed_services), limits.timeout_seconds, dataset, base))
        if not self.conn.poll(limits.timeout_seconds) and self.process.is_alive():
            self.stop()
            raise EndpointError(f"the query ran longer than {limits.timeout_seconds:g} s and was stopped", Refusal.TIMED_OUT)
        try:
            status, payload, kind, form = self.conn.recv()
        except (EOFError, OSError):
            self.stop()
            raise EndpointError("the query stopped its worker (too much memory or time?); try a narrower query",
                                Refusal.UNAVAILABLE) from None
        if status == "ok":
            return Answer(body=payload, format=kind, form=form)
        raise EndpointError(payload, Refusal(kind), form=form)


class SparqlPool:
    """A bounded pool of SPARQL worker processes, shared by the endpoint and the web page."""

    def __init__(self, limits: Limits, warm_folder: Path | None = None) -> None:
        """``warm_folder``: the generation workers open as they start (the one served)."""
        self.limits = limits
        self._workers = [_Worker(warm_folder, limits.upstream, limits.max_memory_mb) for _ in range(limits.workers)]
        self._idle = list(self._workers)
        self._idle_lock = threading.Lock()
        self._threads = ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix="sparql")
        # Started by the pool's own threads, which live as long as it (a worker dies with the
        # thread that started it, PR_SET_PDEATHSIG).
        self._warming = [self._threads.submit(worker.ensure_started) for worker in self._workers]
        self._slots: asyncio.Semaphore | None = None  # made in the server's event loop
        self._admitted = 0
        self._by_client: Counter[str] = Counter()

    def wait_ready(self) -> None:
        """Wait until every worker has started and opened the graph (a worker that failed
        is started again by the next query)."""
        for future in self._warming:
            future.exception()

    def follow(self, folder: Path) -> None:
        """Open ``folder`` in workers started from now on (the server switched to it)."""
        for worker in self._workers:
            worker.warm_folder = folder

    @property
    def retry_after(self) -> int:
        """Seconds a refused client should wait: one query's time limit."""
        return max(1, round(self.limits.timeout_seconds))

    def admit(self, client: str) -> None:
        """Take a place for ``client``'s query, or refuse it now: ``BUSY`` when the pool and
        its queue are full, ``CLIENT_LIMIT`` when this client already has its share."""
        if self._admitted >= self.limits.workers + self.limits.queue:
            raise EndpointError(
                f"the SPARQL endpoint is busy ({self._admitted} queries running or waiting); try again shortly",
                Refusal.BUSY, retry_after=self.retry_after,
            )
        if self._by_client[client] >= self.limits.per_client:
            raise EndpointError(
                f"too many SPARQL queries from {client} at once (at most {self.limits.per_client}); wait for one to finish",
                Refusal.CLIENT_LIMIT, retry_after=self.retry_after,
            )
        self._admitted += 1
        self._by_client[client] += 1

    def _release(self, client: str) -> None:
        self._admitted -= 1
        self._by_client[client] -= 1
        if not self._by_client[client]:
            del self._by_client[client]

    async def run(
        self, folder: Path, query: str, formats: Formats, client: str, dataset: Dataset = Dataset(), base: str | None = None,
    ) -> Answer:
        """Answer ``query`` over the generation in ``folder`` (or the upstream that serves
        it), reading the protocol's ``dataset`` and resolving relative IRIs against ``base``.
        A client that goes away does not free its worker early: the query finishes (or is
        stopped) first."""
        self.admit(client)
        job = asyncio.ensure_future(self._job(folder, query, formats, client, dataset, base))
        return await asyncio.shield(job)

    async def _job(self, folder: Path, query: str, formats: Formats, client: str, dataset: Dataset, base: str | None) -> Answer:
        try:
            if self._slots is None:
                self._slots = asyncio.Semaphore(self.limits.workers)
            async with self._slots:
                with self._idle_lock:
                    worker = self._idle.pop()
                try:
                    loop = asyncio.get_running_loop()
                    return await loop.run_in_executor(self._threads, worker.run, folder, query, formats, self.limits, dataset, base)
                except EndpointError:
                    if worker.process is None:  # killed at its time limit: start the next one now
                        try:
                            self._threads.submit(worker.ensure_started)
                        except RuntimeError:  # the pool is closing
                            pass
                    raise
                finally:
                    with self._idle_lock:
                        self._idle.append(worker)
        finally:
            self._release(client)

    def close(self) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)
        for worker in self._workers:
            worker.stop()
