"""Reproduce the findings of issue 12 against a running `policykg serve` and show what it
does now: bounded, loopback only, each case stops by itself.

    .venv/bin/python benchmarks/reliability.py --data DIR                 # every case
    .venv/bin/python benchmarks/reliability.py --data DIR --only 1,2,8
    .venv/bin/python benchmarks/reliability.py --data DIR --python /work/main/.venv/bin/python  # "before"

``--data`` is a data folder with a build of the shipped corpus (``policykg --data DIR
build``); cases 4 and 7 make their own small builds in a temporary folder. ``--python``
runs the server (and builds) with another checkout's interpreter, to measure the code
before a change on the same machine in the same way. Case 8 needs wrk (Debian ``wrk``).
Prints one line per case; not a test (the fast cases are tests in tests/).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil

HERE = Path(__file__).resolve().parent.parent
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUESTION = "MPW流片费用能补贴多少"
TEXTS = HERE / "corpus" / "texts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(python: str, data: Path, env: dict[str, str] | None = None):
    """``policykg serve`` on a free loopback port; yields (base URL, process)."""
    port = free_port()
    process = subprocess.Popen(
        [python, "-m", "policykg.cli", "--data", str(data), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})}, cwd=tempfile.gettempdir(),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        try:
            if httpx.get(f"{base}/static/style.css", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            sys.exit("the server did not start")
        time.sleep(0.5)
    httpx.get(f"{base}/search", params={"q": QUESTION}, timeout=300)  # warm up
    try:
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        for pid in children(process.pid):
            os.kill(pid, signal.SIGKILL)  # whatever a killed server left


def children(pid: int) -> list[int]:
    """The live (not zombie) processes ``pid`` started."""
    try:
        return [c.pid for c in psutil.Process(pid).children() if c.status() != psutil.STATUS_ZOMBIE]
    except psutil.NoSuchProcess:
        return []


def rss_mb(pid: int) -> float:
    text = (Path("/proc") / str(pid) / "status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024


def timed_get(url: str, **kwargs) -> tuple[int | str, float]:
    started = time.monotonic()
    try:
        status: int | str = httpx.get(url, **{"timeout": 120, **kwargs}).status_code
    except httpx.TimeoutException:
        status = "timeout"
    except httpx.TransportError as problem:
        status = type(problem).__name__
    return status, time.monotonic() - started


# --- the cases ------------------------------------------------------------------------------


def case_1_ssrf(args) -> str:
    hits: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_GET = do_POST  # noqa: N815

        def log_message(self, *a):
            pass

    outside = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=outside.serve_forever, daemon=True).start()
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{outside.server_address[1]}/x> {{ ?s ?p ?o }} }}"
    with server(args.python, args.data) as (base, _):
        statuses = [
            httpx.get(f"{base}/sparql", params={"query": query}, timeout=60).status_code,
            httpx.post(f"{base}/sparql", data={"query": query}, timeout=60).status_code,
            httpx.get(f"{base}/ui/sparql", params={"query": query}, timeout=60).status_code,
        ]
    outside.shutdown()
    return f"SERVICE to a loopback port via GET, POST, the page: statuses {statuses}, requests the server made: {len(hits)}"


def case_2_isolation(args) -> str:
    env = {"POLICYKG_SPARQL_TIMEOUT_SECONDS": "20"}
    with server(args.python, args.data, env) as (base, _):
        statuses: list = []
        threads = [threading.Thread(target=lambda: statuses.append(timed_get(f"{base}/sparql", params={"query": ENDLESS})[0]))
                   for _ in range(args.long_queries)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        search = [timed_get(f"{base}/search", params={"q": QUESTION}) for _ in range(3)]
        page = timed_get(f"{base}/ui/documents")
        for thread in threads:
            thread.join()
    counts = {s: [str(x) for x in statuses].count(s) for s in sorted(set(map(str, statuses)))}
    worst = max(t for _, t in search)
    return (f"{args.long_queries} long SPARQL queries at once: statuses {counts}; meanwhile /search {[s for s, _ in search]} "
            f"worst {worst:.2f} s, the documents page {page[0]} in {page[1]:.2f} s")


def case_3_long_q(args) -> str:
    with server(args.python, args.data) as (base, _):
        result = {}
        for chars in (500, 6666):
            result[chars] = timed_get(f"{base}/search", params={"q": ("广州市企业研发补贴申请条件是什么" * 500)[:chars]}, timeout=600)
    return "; ".join(f"q of {n} chars: {s} in {t:.2f} s" for n, (s, t) in result.items())


def case_4_rebuilds(args) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        texts, data = Path(tmp) / "texts", Path(tmp) / "data"
        texts.mkdir()
        shutil.copy(next(TEXTS.glob("003_*")), texts)
        build(args.python, data, texts)
        env = {"POLICYKG_SPARQL_TIMEOUT_SECONDS": "3", "POLICYKG_FOLLOW_SECONDS": "0.5"}
        with server(args.python, data, env) as (base, _):
            failures, done = [], threading.Event()

            def load():
                while not done.is_set():
                    status, _ = timed_get(f"{base}/search", params={"q": "人工智能"})
                    if status != 200:
                        failures.append(status)

            loader = threading.Thread(target=load)
            loader.start()
            for name in ("000", "001"):
                shutil.copy(next(TEXTS.glob(f"{name}_*")), texts)
                build(args.python, data, texts)
            timed_get(f"{base}/sparql", params={"query": ENDLESS})  # a timeout
            time.sleep(3)
            after = [timed_get(f"{base}/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?d a <https://w3id.org/policykg/ontology#Document> }"}, headers={"Accept": "text/csv"}) for _ in range(3)]
            documents = httpx.get(f"{base}/documents", timeout=60).json().get("count")
            done.set()
            loader.join()
    return (f"two rebuilds and a timeout while serving: /sparql after {[s for s, _ in after]}, "
            f"/documents now counts {documents} (3 files built), failed /search during: {len(failures)}")


def build(python: str, data: Path, texts: Path) -> None:
    subprocess.run([python, "-m", "policykg.cli", "--data", str(data), "build", "--model", "none", str(texts)],
                   check=True, capture_output=True, cwd=tempfile.gettempdir(), timeout=600)


def case_5_body(args) -> str:
    with server(args.python, args.data) as (base, process):
        before = rss_mb(process.pid)
        peak = before
        size = args.body_mb * 1_000_000

        def body():
            chunk = b"x" * 1_000_000
            for _ in range(args.body_mb):
                yield chunk

        stop = threading.Event()

        def watch():
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, rss_mb(process.pid))
                time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        started = time.monotonic()
        try:
            status = httpx.post(f"{base}/sparql", content=body(), headers={"Content-Type": "application/sparql-query",
                                "Content-Length": str(size)}, timeout=300).status_code
        except httpx.TransportError as problem:
            status = type(problem).__name__
        seconds = time.monotonic() - started
        stop.set()
        watcher.join()
    return f"POST of {args.body_mb} MB: {status} in {seconds:.2f} s, server memory {before:.0f} → peak {peak:.0f} MB"


def case_6_orphans(args) -> str:
    with server(args.python, args.data) as (base, process):
        threading.Thread(target=lambda: timed_get(f"{base}/sparql", params={"query": ENDLESS}), daemon=True).start()
        time.sleep(3)
        workers = children(process.pid)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        time.sleep(5)
        alive = [pid for pid in workers if (Path("/proc") / str(pid)).exists() and "Z" not in (Path("/proc") / str(pid) / "stat").read_text().split(")")[1][:3]]
        for pid in alive:
            os.kill(pid, signal.SIGKILL)
    return f"kill -9 of the server mid-query: {len(workers)} worker(s) before, {len(alive)} still running 5 s later"


def case_7_inputs(args) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        texts = Path(tmp) / "texts"
        texts.mkdir()
        shutil.copy(next(TEXTS.glob("003_*")), texts)
        os.mkfifo(texts / "fifo.txt")
        (texts / "dangling.txt").symlink_to(texts / "gone.txt")
        (texts / "loop.txt").symlink_to(texts / "loop.txt")
        (texts / "utf16.txt").write_bytes(next(TEXTS.glob("000_*")).read_text(encoding="utf-8").encode("utf-16"))
        started = time.monotonic()
        try:
            run = subprocess.run([args.python, "-m", "policykg.cli", "--data", str(Path(tmp) / "data"), "build", "--model", "none", str(texts)],
                                 capture_output=True, text=True, timeout=300, cwd=tmp)
            outcome = f"exit {run.returncode}"
            said = " | ".join(line.strip() for line in run.stderr.splitlines() if "skipped" in line or "error" in line.lower() or "utf16" in line)
        except subprocess.TimeoutExpired:
            outcome, said = "hung (stopped after 300 s)", ""
    return f"FIFO, dangling and looping links, UTF-16: {outcome} in {time.monotonic() - started:.0f} s; {said[:400]}"


def case_8_throughput(args) -> str:
    if shutil.which("wrk") is None:
        return "wrk is not installed: apt-get install wrk"
    queries = [json.loads(line)["query"] for line in Path(args.queries).read_text(encoding="utf-8").splitlines() if line.strip()]
    script = Path(tempfile.mkdtemp()) / "queries.lua"
    paths = ", ".join(json.dumps("/search?" + urlencode({"q": q, "k": 10})) for q in queries)
    unique = '"/search?" .. "q=" .. "MPW%E6%B5%81%E7%89%87%E8%B4%B9%E7%94%A8" .. n'
    script.write_text(
        f"local paths = {{{paths}}}\nlocal n = 0\nrequest = function()\n  n = n + 1\n"
        f"  if os.getenv('UNIQUE') then return wrk.format(nil, {unique}) end\n"
        "  return wrk.format(nil, paths[(n % #paths) + 1])\nend\n",
        encoding="utf-8",
    )
    lines = []
    with server(args.python, args.data) as (base, _):
        for label, env in (("dev questions in turn", {}), ("every question new", {"UNIQUE": "1"})):
            out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "-s", str(script), base],
                                 capture_output=True, text=True, env={**os.environ, **env}).stdout
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            lat = {p: re.search(rf"^\s*{p}%\s+([\d.]+)(us|ms|s)", out, re.M) for p in ("50", "99")}
            ms = {p: float(m.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[m.group(2)] for p, m in lat.items()}
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            lines.append(f"{label}: {rps:.0f} req/s, p50 {ms['50']:.0f} ms, p99 {ms['99']:.0f} ms, non-2xx {errors.group(1) if errors else 0}")
    return f"/search, {args.connections} connections, {args.seconds} s: " + "; ".join(lines)


def case_9_hygiene(args) -> str:
    with server(args.python, args.data) as (base, _):
        head = httpx.head(f"{base}/", timeout=60)
        page = httpx.get(f"{base}/", timeout=60).headers
        redirect = httpx.get(f"{base}/id/doc/x", headers={"Host": "evil.example", "Accept": "application/json"}, timeout=60)
        updates = [httpx.post(f"{base}/sparql", data={"update": "CLEAR ALL"}, timeout=60).status_code,
                   httpx.get(f"{base}/sparql", params={"query": "CLEAR ALL"}, timeout=60).status_code]
    present = [h for h in ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options") if h in page]
    return (f"HEAD / {head.status_code}; security headers {present or 'none'}; redirect Location {redirect.headers.get('location')!r}; "
            f"refused updates {updates}")


CASES = {1: case_1_ssrf, 2: case_2_isolation, 3: case_3_long_q, 4: case_4_rebuilds, 5: case_5_body, 6: case_6_orphans,
         7: case_7_inputs, 8: case_8_throughput, 9: case_9_hygiene}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a data folder with a build of the shipped corpus")
    parser.add_argument("--python", default=sys.executable, help="interpreter of the checkout to measure (default: this one)")
    parser.add_argument("--only", default="", help="comma-separated case numbers (default: all)")
    parser.add_argument("--long-queries", type=int, default=20, help="case 2: long SPARQL queries sent at once")
    parser.add_argument("--body-mb", type=int, default=200, help="case 5: size of the request body")
    parser.add_argument("--connections", type=int, default=50, help="case 8: wrk connections")
    parser.add_argument("--seconds", type=int, default=20, help="case 8: seconds per wrk run")
    parser.add_argument("--queries", default=str(HERE.parent / "shared" / "gold" / "dev_queries.jsonl"), help="case 8: JSON lines with 'query'")
    args = parser.parse_args()
    wanted = [int(n) for n in args.only.split(",") if n] or list(CASES)
    for number in wanted:
        started = time.monotonic()
        print(f"{number}. {CASES[number](args)}  [{time.monotonic() - started:.0f} s]", flush=True)


if __name__ == "__main__":
    main()
