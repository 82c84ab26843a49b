"""Run a policykg deployment on this machine: N store replicas (`oxigraph serve-read-only`
over the current generation's store), M API replicas (`policykg serve`, pinned to the same
generation, sending user SPARQL to the store replicas through nginx) and nginx in front of
both, from deploy/nginx.conf.template.

    python deploy/run.py --data DIR [--apis 2] [--stores 2] [--port 8080] [--run-dir DIR]

It holds a lease on the generation (so no build deletes it while the replicas read it),
writes ``RUN_DIR/deployment.json`` (ports and process ids) once every replica answers, and
stops everything on SIGINT / SIGTERM. Meanwhile it restarts a store replica that exits, or
that is stuck on a query past the time limit or over ``--store-memory-mb``
(deploy/supervise.py: Oxigraph's server cannot stop such a query itself), and says so in
``RUN_DIR/logs/watchdog.log``. Every process listens on loopback except nginx's
public port (``--listen`` to choose its address). A new build is rolled out by starting a
second deployment on the new generation and moving traffic to it, then stopping this one.

Oxigraph's executable comes from PyPI (`pip install oxigraph`); nginx from Debian
(`apt-get install nginx-light`)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from policykg.datadir import DataDir
from policykg.kg.store import STORE_DIR
from supervise import Bounds, Watched, check  # beside this script

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx.conf.template"
START_SECONDS = 180  # an API replica loads its indexes (and the model, for an e5 build) first


@dataclass
class Replica:
    kind: str  # "api" or "store"
    port: int
    pid: int = 0


@dataclass
class Deployment:
    generation: str
    listen: str  # nginx's public address
    store_listen: str  # nginx's loopback address for the store replicas
    apis: list[Replica] = field(default_factory=list)
    stores: list[Replica] = field(default_factory=list)
    nginx_pid: int = 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def executable(name: str, given: str | None) -> str:
    """``given``, else ``name`` beside this Python (a venv's bin), else on PATH."""
    if given:
        return given
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not found:
        raise SystemExit(f"error: {name} not found (oxigraph: pip install oxigraph; nginx: apt-get install nginx-light)")
    return found


RETRY_ON = "error timeout http_502 http_504 non_idempotent"  # why these: see the template's head


def nginx_config(deployment: Deployment, run_dir: Path, rate: int, read_timeout: float, retry: bool = True) -> str:
    def servers(replicas: list[Replica]) -> str:
        return "\n".join(f"        server 127.0.0.1:{r.port} max_fails=1 fail_timeout=10s;" for r in replicas)

    values = {
        "@RUN@": str(run_dir), "@LISTEN@": deployment.listen, "@STORE_LISTEN@": deployment.store_listen,
        "@API_SERVERS@": servers(deployment.apis), "@STORE_SERVERS@": servers(deployment.stores),
        "@RATE@": str(rate), "@BURST@": str(rate * 2), "@READ_TIMEOUT@": str(int(read_timeout)),
        "@TRIES@": str(max(len(deployment.apis), len(deployment.stores), 2)), "@NEXT_UPSTREAM@": RETRY_ON if retry else "off",
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(name, value)
    return text


def wait_until_answers(url: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, OSError):
            if process.poll() is not None:
                raise SystemExit(f"error: {what} exited with code {process.returncode}")
            if time.monotonic() > deadline:
                raise SystemExit(f"error: {what} did not answer within {START_SECONDS} s")
            time.sleep(0.3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=os.environ.get("POLICYKG_DATA"), required="POLICYKG_DATA" not in os.environ)
    parser.add_argument("--apis", type=int, default=2, help="API replicas (policykg serve)")
    parser.add_argument("--stores", type=int, default=2, help="store replicas (oxigraph serve-read-only)")
    parser.add_argument("--listen", default="127.0.0.1:8080", help="nginx's public address (0.0.0.0:80 behind TLS termination)")
    parser.add_argument("--store-port", type=int, default=0, help="nginx's loopback port for the store replicas (default: any free)")
    parser.add_argument("--run-dir", type=Path, default=None, help="logs, nginx.conf, deployment.json (default: DATA/deploy)")
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("POLICYKG_SPARQL_TIMEOUT_SECONDS", 10)),
                        help="SPARQL time limit in seconds, for the API and the store replicas")
    parser.add_argument("--store-memory-mb", type=float, default=2048,
                        help="a store replica holding more than this is restarted (deploy/supervise.py)")
    parser.add_argument("--rate", type=int, default=50, help="requests per second one client address may make (nginx limit_req)")
    parser.add_argument("--no-retry", action="store_true", help="nginx does not retry on another replica (to measure what the retry saves)")
    parser.add_argument("--oxigraph", default=None, help="the oxigraph executable")
    parser.add_argument("--nginx", default=None, help="the nginx executable")
    parser.add_argument("--policykg", default=None, help="the policykg executable")
    args = parser.parse_args(argv)

    data = DataDir(args.data)
    lease = data.lease_current()  # held until we exit: no build deletes what the replicas read
    generation = lease.generation
    run_dir = (args.run_dir or data.root / "deploy").resolve()
    for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi", "logs"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    store_listen = f"127.0.0.1:{args.store_port or free_port()}"
    deployment = Deployment(generation=generation.name, listen=args.listen, store_listen=store_listen)
    processes: list[subprocess.Popen] = []

    def start(command: list[str], log: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        with open(run_dir / "logs" / log, "ab") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        processes.append(process)
        return process

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # SIGINT is KeyboardInterrupt: both end in finally
    try:
        oxigraph = executable("oxigraph", args.oxigraph)
        watched: list[Watched] = []
        for n in range(args.stores):
            replica = Replica("store", free_port())
            command = [oxigraph, "serve-read-only", "--location", str(generation / STORE_DIR),
                       "--bind", f"127.0.0.1:{replica.port}", "--timeout-s", str(max(1, round(args.timeout)))]
            process = start(command, f"store-{n}.log")
            replica.pid = process.pid
            deployment.stores.append(replica)
            watched.append(Watched(f"store replica {n} (port {replica.port})",
                                   lambda command=command, n=n: start(command, f"store-{n}.log"), process))
            wait_until_answers(f"http://127.0.0.1:{replica.port}/query?query=ASK%7B%7D", process, f"store replica {n}")

        policykg = executable("policykg", args.policykg)
        env = dict(os.environ, POLICYKG_GENERATION=generation.name, POLICYKG_FOLLOW_SECONDS="0",
                   POLICYKG_SPARQL_UPSTREAM=f"http://{store_listen}/query", POLICYKG_SPARQL_TIMEOUT_SECONDS=str(args.timeout))
        api_processes = []
        for n in range(args.apis):
            replica = Replica("api", free_port())
            process = start([policykg, "--data", str(data.root), "serve", "--host", "127.0.0.1", "--port", str(replica.port)],
                            f"api-{n}.log", env)
            replica.pid = process.pid
            deployment.apis.append(replica)
            api_processes.append(process)
        for replica, process in zip(deployment.apis, api_processes):  # they start side by side
            wait_until_answers(f"http://127.0.0.1:{replica.port}/documents", process, f"API replica on {replica.port}")

        config = run_dir / "nginx.conf"
        config.write_text(nginx_config(deployment, run_dir, args.rate, args.timeout + 5, retry=not args.no_retry), encoding="utf-8")
        nginx = start([executable("nginx", args.nginx), "-p", str(run_dir), "-c", str(config), "-e", str(run_dir / "error.log"),
                       "-g", "daemon off;"], "nginx.log")
        deployment.nginx_pid = nginx.pid
        wait_until_answers(f"http://{args.listen.replace('0.0.0.0', '127.0.0.1')}/documents", nginx, "nginx")
        wait_until_answers(f"http://{store_listen}/query?query=ASK%7B%7D", nginx, "nginx (store side)")

        state = run_dir / "deployment.json"
        state.write_text(json.dumps(asdict(deployment), indent=2), encoding="utf-8")
        print(f"serving generation {generation.name} on http://{args.listen}: {args.apis} API replicas, {args.stores} store replicas;"
              f" state in {state}", flush=True)
        # Until a signal. A dead API replica is nginx's to route around; a store replica that
        # died or is stuck on a query its server cannot stop is restarted (deploy/supervise.py).
        bounds = Bounds.for_timeout(args.timeout, memory_mb=args.store_memory_mb)
        with open(run_dir / "logs" / "watchdog.log", "a", encoding="utf-8") as log:
            def say(line: str) -> None:
                print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {line}", file=log, flush=True)

            while True:
                time.sleep(1)
                if check(watched, bounds, say):
                    for replica, running in zip(deployment.stores, watched):
                        replica.pid = running.process.pid
                    state.write_text(json.dumps(asdict(deployment), indent=2), encoding="utf-8")
    except KeyboardInterrupt:
        return 0
    finally:
        for process in reversed(processes):  # nginx first, then the API replicas, then the stores
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        (run_dir / "deployment.json").unlink(missing_ok=True)
        lease.release()


if __name__ == "__main__":
    sys.exit(main())
