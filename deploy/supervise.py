"""The store replicas' watchdog: what `oxigraph serve-read-only --timeout-s` does not bound.

Oxigraph's server checks its time limit only between the results it streams. A query that
streams (a plain SELECT, CONSTRUCT) stops at the limit: the answer is a 200 whose body ends
with "The SPARQL operation has been cancelled" (``kg.sources`` reads that as the store
giving up, a 503). A query that must finish an operator before its first result (ORDER BY,
GROUP BY or COUNT over a large join) is not stopped: it runs on, holding a core and growing
in memory, after the time limit and after the client has gone (measured with oxigraph
0.5.13 on the shipped build: an ORDER BY over a two-way cross product ran past 100 s at
--timeout-s 3 and 470 MB, and was still running when the client gave up; ORDER BY STR(?c)
over the same answered after 12 s at --timeout-s 1). Nothing in the server can cancel it.
Worse, ORDER BY over two variables holding terms of mixed kinds (``ORDER BY ?c ?f`` over
any triples) makes the whole server process abort (SIGABRT) in its sort ("comparison
function does not correctly implement a total order"): one query takes a replica down.

So the deployment watches each replica from outside: Oxigraph's server gives every
connection its own thread (named after the client's address), and nginx opens a connection
per query to the store replicas (no keep-alive on that side), so a thread's CPU time is one
query's. A replica is restarted (SIGKILL, then the same command on the same port) when

- it has exited (a crash, an abort, the OOM killer);
- one of its query threads has used more CPU seconds than the time limit allows
  (``cpu_seconds``, the limit plus a grace): CPU time never exceeds wall time, so that
  query is past its limit for certain, however loaded the machine;
- its resident memory is over ``memory_mb``.

Killing a replica ends the other queries it was running; nginx sends those to another
replica (``proxy_next_upstream``), and marks the restarting one down for ``fail_timeout``.
Linux only (it reads /proc)."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Bounds:
    """When a store replica is restarted: a query thread past ``cpu_seconds`` of CPU, or the
    process past ``memory_mb`` resident."""

    cpu_seconds: float
    memory_mb: float

    @classmethod
    def for_timeout(cls, timeout_seconds: float, memory_mb: float = 2048, grace_seconds: float = 5) -> Bounds:
        return cls(cpu_seconds=timeout_seconds + grace_seconds, memory_mb=memory_mb)


def query_threads(pid: int) -> dict[str, float]:
    """CPU seconds used so far by each of ``pid``'s threads that serves a connection (Oxigraph
    names them after the client's address, "127.0.0.1:43112"), by thread name."""
    found: dict[str, float] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            stat = (task / "stat").read_text()
        except OSError:  # the thread ended meanwhile
            continue
        if ":" not in name:
            continue  # the main thread, RocksDB's
        fields = stat.rsplit(")", 1)[1].split()
        found[f"{name} ({task.name})"] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return found


def resident_mb(pid: int) -> float:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES / 1e6


def why_restart(process: subprocess.Popen, bounds: Bounds) -> str | None:
    """Why this replica must be restarted now, or None while it is within its bounds."""
    code = process.poll()
    if code is not None:
        return f"it exited with code {code}"
    try:
        threads = query_threads(process.pid)
        memory = resident_mb(process.pid)
    except OSError:
        return "it exited"
    if threads:
        name, seconds = max(threads.items(), key=lambda item: item[1])
        if seconds > bounds.cpu_seconds:
            return f"its query thread {name} has used {seconds:.1f} s of CPU (bound {bounds.cpu_seconds:g} s)"
    if memory > bounds.memory_mb:
        return f"it holds {memory:.0f} MB (bound {bounds.memory_mb:g} MB)"
    return None


@dataclass
class Watched:
    """A store replica the watchdog restarts: how to start it, and the process now running."""

    name: str
    start: Callable[[], subprocess.Popen]
    process: subprocess.Popen
    restarts: list[tuple[float, str]] = field(default_factory=list)  # (time.time(), why)


def check(replicas: list[Watched], bounds: Bounds, say: Callable[[str], None] = print) -> int:
    """Restart every replica that is out of its bounds; returns how many were."""
    restarted = 0
    for replica in replicas:
        reason = why_restart(replica.process, bounds)
        if reason is None:
            continue
        if replica.process.poll() is None:
            os.kill(replica.process.pid, signal.SIGKILL)  # nothing else stops a running query
        replica.process.wait()
        replica.process = replica.start()
        replica.restarts.append((time.time(), reason))
        say(f"restarted {replica.name}: {reason}")
        restarted += 1
    return restarted
