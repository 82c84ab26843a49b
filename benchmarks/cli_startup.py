"""How long a `policykg` command takes from the shell, start to exit: a search alone (it
loads indexes and model) and with a `policykg serve` over the same build running (it asks
the server), and the commands that never load the model (help, sparql, departments).

    python benchmarks/cli_startup.py --data DATA [--runs 5] [--only search-served,…]

Starts `policykg serve` on a free loopback port, waits for it, times RUNS of each command
and prints, per command, the median wall-clock seconds and the median CPU seconds of the
process (user + system, from the child's resource usage: on a shared machine CPU moves
less than wall time), with the load average before and after. The searches through the
server are compared with the search alone, in the same run. Stops the server at the end.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

QUESTION = "MPW流片费用能补贴多少"
SPARQL = "SELECT ?kind (COUNT(?a) AS ?n) WHERE { ?a pk:awardKind ?kind } GROUP BY ?kind"


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def command() -> list[str]:
    found = shutil.which("policykg") or str(Path(sys.executable).with_name("policykg"))
    return [found]


def timed(args: list[str]) -> Timing:
    """One run of ``args``: wall seconds and the CPU seconds it (and its children) used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Timing(wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def medians(runs: list[Timing]) -> Timing:
    return Timing(statistics.median(t.wall for t in runs), statistics.median(t.cpu for t in runs))


def start_server(base: list[str]) -> tuple[subprocess.Popen, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([*base, "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
            return server, port
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit("the server did not start")
            time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="Comma-separated names of the commands to time (default: all).")
    args = parser.parse_args()
    base = [*command(), "--data", str(args.data)]
    alone = {
        "help": [*command(), "--help"],
        "search-alone": [*base, "search", QUESTION, "--json", "--local"],
        "sparql": [*base, "sparql", SPARQL],
        "departments": [*base, "departments"],
        "department": [*base, "departments", "市科技局"],
    }
    served = {
        "search-served": [*base, "search", QUESTION, "--json"],
        "search-served-cards": [*base, "search", QUESTION],
    }
    wanted = set(filter(None, args.only.split(","))) or set(alone) | set(served)
    load_before = os.getloadavg()
    found: dict[str, Timing] = {}
    for name, argv in alone.items():
        if name in wanted:
            found[name] = medians([timed(argv) for _ in range(args.runs)])
    if wanted & set(served):
        server, _ = start_server(base)
        try:
            for name, argv in served.items():
                if name in wanted:
                    found[name] = medians([timed(argv) for _ in range(args.runs)])
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(30)
    load_after = os.getloadavg()
    print(f"median of {args.runs} runs, {os.cpu_count()} cores, load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    for name, t in found.items():
        print(f"{name:20} wall {t.wall:6.2f} s   cpu {t.cpu:6.2f} s")
    if "search-alone" in found and "search-served" in found:
        a, s = found["search-alone"], found["search-served"]
        print(f"search through a running serve: {a.wall / s.wall:.1f}× faster in wall time, {a.cpu / s.cpu:.1f}× less CPU than alone")


if __name__ == "__main__":
    main()
