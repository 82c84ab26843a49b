"""Replicas behind nginx, one of each killed under load: does any request fail?

    python benchmarks/replicas.py --data DIR [--seconds 30] [--connections 8] [--apis 2] [--stores 2]

Starts deploy/run.py over the build in DIR (store replicas, API replicas and nginx, all on
127.0.0.1), sends search, document and SPARQL requests from ``--connections`` threads for
``--seconds`` and, a third of the way in, kills one API replica with SIGKILL, and two thirds
of the way in one store replica. Prints the requests sent, the failures (anything but 200,
or no answer) and the retries nginx made (requests its log shows going to more than one
replica), split by side. With ``--stuck``, halfway through one client also sends a query
Oxigraph's server cannot stop (an ORDER BY over a cross product): the API answers it 503 at
its time limit, the watchdog of deploy/run.py restarts the store replica still running it,
and no other request may fail; the watchdog's lines are printed. Exits 1 if any request failed. ``--no-retry`` runs the same without nginx's retry, to show what it saves. Loopback only; bounded in time.
A `--model none` build keeps the API replicas small (no encoder to load). All the load comes
from one address, so the per-client SPARQL limit is raised to the number of connections."""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "deploy" / "run.py"
SPARQL = "SELECT ?title WHERE { ?d a pk:Document ; dct:title ?title } ORDER BY ?title"
REQUESTS = [  # (side, method, path, parameters)
    ("sparql", "GET", "/sparql", {"query": SPARQL}),
    ("search", "GET", "/search", {"q": "集成电路流片补贴", "k": "5"}),
    ("sparql", "POST", "/sparql", {"query": "SELECT (COUNT(?c) AS ?n) WHERE { ?c a pk:Clause }"}),
    ("pages", "GET", "/documents", {}),
]
# Sorted before its first row, so Oxigraph's --timeout-s does not stop it (deploy/supervise.py).
# (The API reads the built graph as the default graph: no GRAPH needed.)
UNSTOPPABLE = "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY STR(?c) STR(?f) LIMIT 1"


@dataclass
class Tally:
    sent: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)  # what the failed requests got: a status or an error
    examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, side: str, problem: str | None) -> None:
        with self.lock:
            self.sent[side] += 1
            if problem is not None:
                self.failed[side] += 1
                self.answers[problem.split(" ", 1)[0].rstrip(":")] += 1
                if len(self.examples) < 5:
                    self.examples.append(f"{side}: {' '.join(problem.split())[:160]}")


def load(base: str, until: float, offset: int, tally: Tally) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        n = offset
        while time.monotonic() < until:
            side, method, path, params = REQUESTS[n % len(REQUESTS)]
            n += 1
            try:
                if method == "GET":
                    response = client.get(path, params=params)
                else:
                    response = client.post(path, data=params)
                tally.add(side, None if response.status_code == 200 else f"{response.status_code} {response.text[:120]}")
            except httpx.HTTPError as problem:
                tally.add(side, f"{type(problem).__name__}: {problem}")


def send_stuck(base: str) -> str:
    """Send the query no store replica can stop; what the API answered."""
    started = time.monotonic()
    try:
        response = httpx.post(f"{base}/sparql", data={"query": UNSTOPPABLE}, timeout=120)
        answer = f"{response.status_code} {response.text[:100]}"
    except httpx.HTTPError as problem:
        answer = f"{type(problem).__name__}: {problem}"
    return f"{answer} after {time.monotonic() - started:.1f} s"


def retries(access_log: Path) -> Counter[str]:
    """Requests nginx sent to more than one replica, by side (the store side's requests are
    POSTs to /query from the API replicas)."""
    counted: Counter[str] = Counter()
    for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        tried = line.split(" tried=", 1)[1].split(" ", 1)[0] if " tried=" in line else ""
        side = "store" if '"POST /query' in line or '"GET /query' in line else "api"
        counted[side + " requests"] += 1
        if "," in tried:
            counted[side + " retried"] += 1
    return counted


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--apis", type=int, default=2)
    parser.add_argument("--stores", type=int, default=2)
    parser.add_argument("--no-retry", action="store_true", help="nginx without proxy_next_upstream: what the retry saves")
    parser.add_argument("--stuck", action="store_true", help="also send one query the store cannot stop, halfway through")
    args = parser.parse_args()

    with TemporaryDirectory(prefix="policykg-replicas-") as tmp:
        run_dir = Path(tmp)
        listen = f"127.0.0.1:{free_port()}"
        # Every request comes from 127.0.0.1: the per-client SPARQL limit (4 at once) would
        # answer 429 to this one "client" once a replica is gone, so it is raised to the
        # number of connections here; that limit is tested elsewhere (tests/test_sparql_safety.py).
        env = dict(os.environ, POLICYKG_SPARQL_WORKERS="2", POLICYKG_THREADS="1",
                   POLICYKG_SPARQL_PER_CLIENT=str(args.connections + args.stuck), POLICYKG_SPARQL_QUEUE=str(2 * args.connections))
        deploy = subprocess.Popen(
            [sys.executable, str(RUN), "--data", str(args.data), "--apis", str(args.apis), "--stores", str(args.stores),
             "--listen", listen, "--run-dir", str(run_dir), "--rate", "100000", *(["--no-retry"] if args.no_retry else [])],
            env=env, stdout=subprocess.PIPE, text=True,
        )
        try:
            assert deploy.stdout is not None
            line = deploy.stdout.readline()  # printed once everything answers
            if not line:
                print(f"the deployment did not start; see {run_dir}/logs", file=sys.stderr)
                return 2
            print(line.strip())
            state = json.loads((run_dir / "deployment.json").read_text(encoding="utf-8"))
            tally = Tally()
            started = time.monotonic()
            until = started + args.seconds
            threads = [threading.Thread(target=load, args=(f"http://{listen}", until, n, tally)) for n in range(args.connections)]
            for thread in threads:
                thread.start()
            kills = [(args.seconds / 3, "api", state["apis"][0]), (2 * args.seconds / 3, "store", state["stores"][0])]
            if args.stuck:  # instead of killing a store replica: the watchdog must find the one stuck
                kills[1] = (args.seconds / 2, "stuck", None)
            stuck: list[str] = []
            for at, kind, replica in kills:
                time.sleep(max(0.0, started + at - time.monotonic()))
                if replica is None:
                    threading.Thread(target=lambda: stuck.append(send_stuck(f"http://{listen}")), daemon=True).start()
                    print(f"{time.monotonic() - started:5.1f} s: sent a query the store cannot stop")
                    continue
                os.kill(replica["pid"], signal.SIGKILL)  # a replica this run started, by its id
                print(f"{time.monotonic() - started:5.1f} s: killed the {kind} replica on port {replica['port']} "
                      f"({sum(tally.sent.values())} requests so far)")
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            watchdog = run_dir / "logs" / "watchdog.log"
            if args.stuck:
                print(f"  the unstoppable query got: {stuck[0] if stuck else 'no answer yet'}")
                deadline = time.monotonic() + 120  # its thread needs the time limit + 5 s of CPU
                while time.monotonic() < deadline and "query thread" not in watchdog.read_text(encoding="utf-8"):
                    time.sleep(1)
                print(f"  {time.monotonic() - started:5.1f} s: the watchdog has {'' if 'query thread' in watchdog.read_text(encoding='utf-8') else 'not '}restarted the stuck replica")
            time.sleep(2)  # the watchdog checks every second
            for line in watchdog.read_text(encoding="utf-8").splitlines():
                print(f"  watchdog: {line}")
        finally:
            deploy.send_signal(signal.SIGTERM)
            try:
                deploy.wait(30)
            except subprocess.TimeoutExpired:
                deploy.kill()
        nginx = retries(run_dir / "access.log")

    sent, failed = sum(tally.sent.values()), sum(tally.failed.values())
    print(f"{sent} requests in {elapsed:.0f} s ({sent / elapsed:.0f}/s) over {args.connections} connections, "
          f"{args.apis} API and {args.stores} store replicas; {'one API replica killed, one store replica stuck' if args.stuck else 'one of each killed'}; nginx retries {'off' if args.no_retry else 'on'}")
    for side in sorted(tally.sent):
        print(f"  {side:7s} sent {tally.sent[side]:6d}  failed {tally.failed[side]}")
    print(f"  nginx: API side {nginx['api requests']} requests, {nginx['api retried']} retried on another replica; "
          f"store side {nginx['store requests']} requests, {nginx['store retried']} retried")
    for example in tally.examples:
        print(f"  failure: {example}")
    if failed:
        print("  failed requests got: " + ", ".join(f"{answer} × {n}" for answer, n in tally.answers.most_common()))
    print(f"failed requests: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
