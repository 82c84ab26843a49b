"""HTTP latency of `policykg serve` under load, measured with wrk on loopback: p50/p99 and
requests per second for /search (hybrid), a typical /sparql query and a search page, as
ratios against a static file served by the same server in the same run.

    .venv/bin/python benchmarks/serve_load.py                    # the current build in POLICYKG_DATA
    .venv/bin/python benchmarks/serve_load.py --connections 4 --seconds 20

Needs wrk (Debian package ``wrk``) and a build (``policykg build``). The server runs in a
child process (uvicorn, one worker), wrk in another, both on this machine's cores, so the
figures include the load tool's own cost. Prints one table; not a test.
"""
from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import urlencode

import httpx

SPARQL = """SELECT ?clause ?department WHERE {
  ?r a pk:Responsibility ; pk:agent ?agent ; pk:role pk:LeadRole ; pk:clause ?clause .
  ?agent skos:prefLabel ?department .
} LIMIT 50"""
TARGETS = {
    "static file (baseline)": "/static/style.css",
    "/search (hybrid, k=10)": "/search?" + urlencode({"q": "MPW流片费用能补贴多少", "k": 10}),
    "/sparql (lead departments, 50 rows)": "/sparql?" + urlencode({"query": SPARQL}),
    "search page (HTML)": "/?" + urlencode({"q": "MPW流片费用能补贴多少"}),
}
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "policykg.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/static/style.css").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.5)
        if server.poll() is not None:
            sys.exit(f"the server stopped: {server.stderr.read()}")
    server.kill()
    sys.exit("the server did not start in 180 s")


def wrk(url: str, connections: int, seconds: int) -> dict[str, float]:
    """p50 and p99 latency (ms) and requests per second from ``wrk --latency``."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in out:
        sys.exit(f"{url} answered errors:\n{out}")
    found = {}
    for name, label in (("p50", "50%"), ("p99", "99%")):
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, flags=re.M).groups()
        found[name] = float(value) * UNITS[unit]
    found["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1, help="open connections (1: one request at a time)")
    parser.add_argument("--seconds", type=int, default=15, help="how long each target is loaded")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    port = free_port()
    server = start_server(port)
    try:
        base = f"http://127.0.0.1:{port}"
        for path in TARGETS.values():  # warm up: the first query loads the encoder, the worker
            httpx.get(base + path, timeout=120).raise_for_status()
        results = {name: wrk(base + path, args.connections, args.seconds) for name, path in TARGETS.items()}
    finally:
        server.terminate()
        server.wait(10)
    baseline = results["static file (baseline)"]
    print(f"wrk, {args.connections} connection(s), {args.seconds} s per target, loopback")
    print(f"{'target':40} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'p50 ×baseline':>14}")
    for name, found in results.items():
        print(f"{name:40} {found['p50']:8.2f} {found['p99']:8.2f} {found['rps']:8.1f} {found['p50'] / baseline['p50']:14.1f}")


if __name__ == "__main__":
    main()
