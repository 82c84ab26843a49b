"""How long one `policykg search` takes from the shell: alone (it loads indexes and model)
and with a `policykg serve` over the same build running (it asks the server).

    python benchmarks/cli_startup.py --data DATA [--runs 5]

Starts `policykg serve` on a free loopback port, waits for it, times RUNS searches each
way (wall clock of the whole process), prints medians and their ratio, and stops the
server.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

QUESTION = "MPW流片费用能补贴多少"


def command() -> list[str]:
    found = shutil.which("policykg") or str(Path(sys.executable).with_name("policykg"))
    return [found]


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = [*command(), "--data", str(args.data)]
    alone = [timed([*base, "search", QUESTION, "--json", "--local"]) for _ in range(args.runs)]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([*base, "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.5)
        through = [timed([*base, "search", QUESTION, "--json"]) for _ in range(args.runs)]
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
    a, t = statistics.median(alone), statistics.median(through)
    print(f"search alone: median {a:.2f} s; through a running serve: median {t:.2f} s ({a / t:.1f}× faster); runs {args.runs}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
