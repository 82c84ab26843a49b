"""HTTP load on `policykg serve`, measured with wrk on loopback: p50/p99, requests per
second and the server's CPU milliseconds per request, for /search with questions it has
answered before and with questions it has never seen, a typical /sparql query and the search
page, against a static file served by the same server in the same run.

    .venv/bin/python benchmarks/serve_load.py                        # the current build in POLICYKG_DATA
    .venv/bin/python benchmarks/serve_load.py --connections 50 --seconds 20

Needs wrk (Debian package ``wrk``) and a build (``policykg build``). The server runs in a
child process (uvicorn, one worker), wrk in another, both on this machine's cores, so on a
shared machine the wall figures (req/s, p50, p99) depend on what else runs: the load average
is printed with them. The server's CPU time per request (user + system of its process, all
threads, from /proc) does not, much: two cores divided by it is the most requests per second
this server can answer here (``capacity``). /sparql runs in worker processes, so its CPU
column counts only the server's side. The encoder's own CPU per question (the same new
questions, encoded one at a time and in a batch in this process) is printed beside it, so
the share of a new question's cost that is the encoder is read off one run. Prints one
table; not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

HERE = Path(__file__).resolve().parent
# The shared evaluation data beside the checkout (../shared), or beside its parent folder
SHARED = next((p / "shared" for p in HERE.parents[1:3] if (p / "shared").is_dir()), HERE.parent.parent / "shared")
SPARQL = """SELECT ?clause ?department WHERE {
  ?r a pk:Responsibility ; pk:agent ?agent ; pk:role pk:LeadRole ; pk:clause ?clause .
  ?agent skos:prefLabel ?department .
} LIMIT 50"""
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
TICKS = os.sysconf("SC_CLK_TCK")
# A question never asked before: a development question with a number after it, different
# for every request of every wrk thread (``request`` below), so neither the server's cache of
# query vectors nor anything else has seen it; the number adds two or three tokens.
NEW_SUFFIX = ' .. "%20" .. tostring(first + n)'


def questions(path: Path) -> list[str]:
    return [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def lua_script(paths: list[str], suffix: str = "") -> str:
    """A wrk script that sends ``paths`` in turn (each with ``suffix`` added, a Lua
    expression of the request count ``n`` and the thread's first number ``first``)."""
    listed = ", ".join(json.dumps(p) for p in paths)
    return (
        f"local paths = {{{listed}}}\nlocal n = 0\nlocal threads = 0\n"
        "setup = function(thread) threads = threads + 1; thread:set(\"first\", threads * 10000000) end\n"
        f"request = function()\n  n = n + 1\n  return wrk.format(nil, paths[(n % #paths) + 1]{suffix})\nend\n"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> tuple[subprocess.Popen, float]:
    """The server, and its start-up time in seconds (until the static file answers)."""
    started = time.monotonic()
    server = subprocess.Popen(
        [sys.executable, "-m", "policykg.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/static/style.css").status_code == 200:
                return server, time.monotonic() - started
        except httpx.TransportError:
            time.sleep(0.2)
        if server.poll() is not None:
            sys.exit(f"the server stopped: {server.stderr.read()}")
    server.kill()
    sys.exit("the server did not start in 180 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def wrk(base: str, script: str, connections: int, seconds: int, pid: int) -> dict[str, float]:
    """p50 and p99 latency (ms), requests per second and the server's CPU ms per request."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8", delete=False) as handle:
        handle.write(script)
    before = cpu_seconds(pid)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", handle.name, base],
            capture_output=True, text=True, check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    spent = cpu_seconds(pid) - before
    if "Non-2xx" in out:
        sys.exit(f"{base} answered errors:\n{out}")
    found = {}
    for name, label in (("p50", "50%"), ("p99", "99%")):
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, flags=re.M).groups()
        found[name] = float(value) * UNITS[unit]
    found["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    found["cpu_ms"] = 1000 * spent / max(requests, 1)
    timeouts = re.search(r"timeout (\d+)", out)  # answers later than wrk's 10 s, left out of p50/p99
    found["timeouts"] = int(timeouts.group(1)) if timeouts else 0
    return found


def encoder_alone(asked: list[str], rounds: int) -> tuple[float, float]:
    """CPU ms per question of the default encoder in this process, on new questions like
    the load's: one question per call, and 32 per call (as a busy server batches them)."""
    from policykg.index.encoders import get_encoder
    from policykg.settings import Settings

    encoder = get_encoder("e5", Settings().threads)
    encoder.encode_queries(["预热"])
    texts = [f"{q} {900000000 + n}" for n, q in enumerate(asked * rounds)]
    started = time.process_time()
    for text in texts:
        encoder.encode_queries([text])
    single = 1000 * (time.process_time() - started) / len(texts)
    texts = [f"{q} {950000000 + n}" for n, q in enumerate(asked * rounds)]
    started = time.process_time()
    for at in range(0, len(texts), 32):
        encoder.encode_queries(texts[at : at + 32])
    batched = 1000 * (time.process_time() - started) / len(texts)
    return single, batched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1, help="open connections (1: one request at a time)")
    parser.add_argument("--seconds", type=int, default=15, help="how long each target is loaded")
    parser.add_argument("--queries", type=Path, default=SHARED / "gold" / "dev_queries.jsonl",
                        help="JSON lines with 'query': the questions /search is asked")
    parser.add_argument("--only", default="", help="comma-separated words: run only the targets whose names hold one (e.g. search)")
    parser.add_argument("--no-encoder", action="store_true", help="skip timing the encoder alone")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    asked = questions(args.queries)
    searches = ["/search?" + urlencode({"k": 10}) + "&q=" + quote(q) for q in asked]
    targets = {
        "static file (baseline)": lua_script(["/static/style.css"]),
        "/search, questions asked before": lua_script(searches),
        "/search, every question new": lua_script(searches, NEW_SUFFIX),
        "/sparql (lead departments, 50 rows)": lua_script(["/sparql?" + urlencode({"query": SPARQL})]),
        "search page (HTML)": lua_script(["/?" + urlencode({"q": asked[0]})]),
    }
    wanted = [w for w in args.only.split(",") if w]
    targets = {name: script for name, script in targets.items() if not wanted or "baseline" in name or any(w in name for w in wanted)}
    port = free_port()
    server, startup = start_server(port)
    load_before = os.getloadavg()[0]
    try:
        base = f"http://127.0.0.1:{port}"
        httpx.get(base + "/sparql", params={"query": SPARQL}, timeout=120).raise_for_status()
        for path in [*searches, "/?" + urlencode({"q": asked[0]})]:  # the questions asked before are asked once first
            httpx.get(base + path, timeout=120).raise_for_status()
        results = {name: wrk(base, script, args.connections, args.seconds, server.pid) for name, script in targets.items()}
    finally:
        server.terminate()
        server.wait(10)
    load_after = os.getloadavg()[0]
    baseline = results["static file (baseline)"]
    print(f"wrk, {args.connections} connection(s), {args.seconds} s per target, loopback; server start-up {startup:.1f} s; "
          f"load average {load_before:.1f} before, {load_after:.1f} after ({os.cpu_count()} cores)")
    print(f"{'target':40} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'>10 s':>6} {'CPU ms/req':>11} {'capacity':>9} {'p50 ×baseline':>14}")
    cores = os.cpu_count() or 1
    for name, found in results.items():
        print(f"{name:40} {found['p50']:8.2f} {found['p99']:8.2f} {found['rps']:8.1f} {found['timeouts']:6d} {found['cpu_ms']:11.2f} "
              f"{1000 * cores / found['cpu_ms']:9.0f} {found['p50'] / baseline['p50']:14.1f}")
    print("capacity: cores / CPU per request, the most requests per second the server's process could answer here; "
          ">10 s: requests wrk gave up on (not in p50/p99)")
    if not args.no_encoder and any("new" in name for name in results):
        single, batched = encoder_alone(asked, rounds=2)
        print(f"the encoder alone on new questions like these (this process, same run): {single:.1f} ms CPU per question "
              f"one at a time, {batched:.1f} ms in batches of 32")


if __name__ == "__main__":
    main()
