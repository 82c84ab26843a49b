"""Build speed and memory on a real corpus, as ratios against a floor measured in the same
run: reading the same files, NFKC-normalising them and segmenting them with jieba.

    .venv/bin/python benchmarks/build.py                       # ../shared/realcorpus/laws
    .venv/bin/python benchmarks/build.py --corpus DIR --encoder-sample 256

Steps, each in a fresh process so its peak memory is its own (the peak is the largest sum
of resident memory over the process and its workers, sampled every 0.2 s):

1. the floor, in one process (one core);
2. a clean keyword build (``policykg build --model none``) into an empty data folder:
   wall time, CPU time (workers included) and peak memory as ratios to the floor's; the
   keyword index alone (the per-file step that counts units plus the stage that assembles
   the index) against the floor; per file step (CPU of the workers) and per stage (wall,
   and CPU of the build's own process) the throughput and the ratio to the floor's CPU;
3. the rebuild after changing one document, and after adding one;
4. the default encoder (e5): a timed sample of the build's own passages, extrapolated to
   every passage of the corpus (stated as an extrapolation: embedding thousands of
   documents takes hours on two cores).

Prints one table; not a test. Goals (issue 11): keyword build ≤ 3× the floor, peak ≤ 2 GB,
one-document rebuild ≤ 10 s.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the checkout (or beside the folder of worktrees)
DEFAULT_CORPUS = next((p / "shared" / "realcorpus" / "laws" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()), ROOT.parent / "shared" / "realcorpus" / "laws")
SAMPLE_SECONDS = 0.2
# A document a user adds: written for this benchmark, not one of the corpus's.
ADDED = """# 某市数据要素市场培育办法

第一条 为培育数据要素市场，促进数据依法有序流通，制定本办法。

第二条 市政务服务数据管理局负责数据要素市场的统筹推进，市发展改革委、市财政局按职责分工做好相关工作。

第三条 对通过数据管理能力成熟度评估的企业，按评估费用的30%给予补贴，最高不超过20万元。

第四条 本办法自2024年1月1日起施行，有效期五年。
"""

FLOOR = """
import sys, time, unicodedata
from pathlib import Path
import jieba
jieba.initialize()
paths = [Path(line) for line in sys.stdin.read().splitlines()]
started = time.perf_counter()
chars = 0
for path in paths:
    text = unicodedata.normalize("NFKC", path.read_bytes().decode("utf-8", errors="replace"))
    chars += len(text)
    for _ in jieba.cut(text):
        pass
print(chars, time.perf_counter() - started)
"""

EMBED_SAMPLE = """
import json, sys, time
from pathlib import Path
from policykg.corpus.artifacts import load_clauses, load_documents
from policykg.index.encoders import get_encoder
from policykg.index.search import dense_passages, searchable
generation, model, sample, threads = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
documents = load_documents(generation)
chosen = searchable(load_clauses(generation), documents)
units = [text for _, text in dense_passages(chosen, documents)]
clause_units = len(chosen)
encoder = get_encoder(model, threads)
step = max(1, len(units) // sample)
picked = units[::step][:sample]
encoder.encode_passages(picked[:8])  # warm up
started = time.perf_counter()
for start in range(0, len(picked), 64):
    encoder.encode_passages(picked[start:start + 64])
seconds = time.perf_counter() - started
print(json.dumps({"units": len(units), "clause_units": clause_units, "sample": len(picked), "seconds": seconds,
                  "sample_chars": sum(map(len, picked)), "chars": sum(map(len, units))}))
"""


def _tree_rss(pid: int, cpu: dict[int, float]) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc); records each
    one's CPU seconds so far in ``cpu`` (pool workers are not children whose usage the
    build's process collects, so rusage alone misses them)."""
    total, todo = 0, [pid]
    ticks = os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            cpu[p] = max(cpu.get(p, 0.0), (int(fields[11]) + int(fields[12])) / ticks)  # utime + stime
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


_REAPED = {"seconds": 0.0}


def _own_cpu(proc: subprocess.Popen) -> float:
    """CPU seconds of the command's own process and the children it waited for (rusage
    of this process's reaped children, less what earlier commands used)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = usage.ru_utime + usage.ru_stime
    own, _REAPED["seconds"] = total - _REAPED["seconds"], total
    return own


CPU = {"seconds": 0.0}  # CPU seconds (user + system) of the last run's process tree


def run(args: list[str], stdin: str | None = None) -> tuple[float, int, str]:
    """Run a command; (wall seconds, peak resident bytes of its process tree, stdout).
    Its CPU seconds, workers included, are left in ``CPU``: on a shared machine wall time
    depends on the load, CPU time much less."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak = [0]
    cpu: dict[int, float] = {}

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid, cpu))
            time.sleep(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate(stdin)
    seconds = time.perf_counter() - started
    sampler.join()
    # the last sample of every process seen, the command's own total (it has exited)
    # taken from rusage instead; what ran under 0.2 s unseen is not counted
    cpu.pop(proc.pid, None)
    CPU["seconds"] = sum(cpu.values()) + _own_cpu(proc)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args[:3])}… failed ({proc.returncode}):\n{err[-3000:]}")
    return seconds, peak[0], out


def policykg(data: Path, *args: str) -> tuple[float, int, dict]:
    seconds, peak, _ = run([sys.executable, "-m", "policykg.cli", "--data", str(data), "build", *args])
    current = data / "current"
    manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    return seconds, peak, manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--encoder", default="e5", help="encoder of the extrapolated dense build (default e5; none: skip it)")
    parser.add_argument("--encoder-sample", type=int, default=256, help="passages timed for the extrapolation")
    parser.add_argument("--workers", type=int, default=None, help="build workers (default: one per core)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the data folder here (default: a temporary one)")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="policykg-build-bench-"))
    texts = work / "texts"
    shutil.copytree(options.corpus, texts)
    files = sorted(p for p in texts.rglob("*") if p.suffix in (".md", ".txt"))
    data = options.keep or work / "data"
    workers = ["--workers", str(options.workers)] if options.workers else []
    cores = os.cpu_count() or 1
    rows: list[tuple[str, str]] = []

    floor_seconds, floor_peak, out = run([sys.executable, "-c", FLOOR], "\n".join(map(str, files)))
    chars, floor_inner = out.split()
    chars = int(chars)
    floor_cpu = CPU["seconds"]
    rows.append(("corpus", f"{len(files)} files, {chars:,} characters; {cores} cores; load average {os.getloadavg()[0]:.1f} at the start"))
    rows.append(("floor (read + NFKC + jieba, one process)", f"{floor_seconds:.1f} s wall ({float(floor_inner):.1f} s without start-up), {floor_cpu:.1f} s CPU, peak {floor_peak / 2**20:.0f} MB, {chars / floor_seconds:,.0f} chars/s"))

    seconds, peak, manifest = policykg(data, str(texts), "--model", "none", *workers)
    build_cpu = CPU["seconds"]
    rows.append(("whole keyword build (clean, --model none)", f"{seconds:.1f} s wall = {seconds / floor_seconds:.2f}× the floor's wall; {build_cpu:.1f} s CPU = {build_cpu / floor_cpu:.2f}× the floor's CPU; peak {peak / 2**20:.0f} MB = {peak / floor_peak:.2f}× the floor's"))
    rows.append(("  documents, clauses, triples", f"{manifest['documents']}, {manifest['clauses']}, {manifest['triples']}; problems {len(manifest['problems'])}, SHACL violations {len(manifest['violations'])}"))
    steps, stage_cpu = manifest["steps"], manifest.get("stage_cpu", {})
    # the keyword index alone: the units each file's worker counts, and the assembly of the index from them
    keyword_cpu = steps.get("keyword", 0.0) + stage_cpu.get("keyword index", 0.0)
    rows.append(("  keyword index alone (CPU)", f"{keyword_cpu:.1f} s = {keyword_cpu / floor_cpu:.2f}× the floor's CPU, {chars / max(keyword_cpu, 1e-9):,.0f} chars/s (file step keyword {steps.get('keyword', 0.0):.1f} s + stage keyword index {stage_cpu.get('keyword index', 0.0):.1f} s)"))
    rows.append(("  floor (CPU)", f"{floor_cpu:.1f} s, {chars / max(floor_cpu, 1e-9):,.0f} chars/s"))
    for step, step_seconds in steps.items():
        rows.append((f"  file step {step} (CPU, workers)", f"{step_seconds:.1f} s = {step_seconds / floor_cpu:.2f}× the floor's CPU, {chars / max(step_seconds, 1e-9):,.0f} chars/s per core"))
    for stage, stage_seconds in manifest["stages"].items():
        cpu = stage_cpu.get(stage)
        cpu_text = f", {cpu:.1f} s CPU = {cpu / floor_cpu:.2f}× the floor's CPU" + (" (the workers' CPU: file steps above)" if stage == "files" else "") if cpu is not None else ""
        rate = f", {chars / stage_seconds:,.0f} chars/s" if stage_seconds >= 0.1 else ""
        rows.append((f"  stage {stage}", f"{stage_seconds:.1f} s wall{rate}{cpu_text}"))
    rows.append(("  outside the stages (start-up, publish)", f"{seconds - sum(manifest['stages'].values()):.1f} s wall"))

    def rebuild(label: str) -> None:
        seconds, peak, manifest = policykg(data, str(texts), "--model", "none", *workers)
        ok = "meets" if seconds <= 10 else "misses"
        rows.append((label, f"{seconds:.1f} s wall ({ok} the 10 s goal at this load), {CPU['seconds']:.1f} s CPU ({manifest['processed']} file processed), peak {peak / 2**20:.0f} MB"))
        stages = manifest["stages"]
        cpu = manifest.get("stage_cpu", {})
        rows.append(("  its stages, wall / CPU (s)", ", ".join(f"{name} {stages[name]:.1f}/{cpu.get(name, 0.0):.1f}" for name in stages) + f"; outside the stages {seconds - sum(stages.values()):.1f} wall"))

    changed = files[len(files) // 2]
    with changed.open("a", encoding="utf-8") as fh:
        fh.write("\n本规定由本机关负责解释。\n")
    rebuild("rebuild, one document changed")
    (texts / "added_某市数据要素市场培育办法.md").write_text(ADDED, encoding="utf-8")
    rebuild("rebuild, one document added")

    generation = (data / "current").resolve()
    if options.encoder == "none":
        out = ""
    else:
        _, _, out = run([sys.executable, "-c", EMBED_SAMPLE, str(generation), options.encoder, str(options.encoder_sample), str(cores)])
    if out:
        sample = json.loads(out)
        rate = sample["sample"] / sample["seconds"]
        rows.append((f"{options.encoder} encoder, timed sample", f"{sample['sample']} passages in {sample['seconds']:.1f} s wall = {rate:.1f} passages/s"))
        rows.append((
            f"{options.encoder} build, EXTRAPOLATED",
            f"{sample['units']:,} passages (clauses and their sentences) ≈ {sample['units'] / rate / 60:.0f} min to embed; "
            f"clause vectors only: {sample['clause_units']:,} ≈ {sample['clause_units'] / rate / 60:.0f} min (plus the keyword build)",
        ))

    rows.append(("load average at the end (1, 5, 15 min)", ", ".join(f"{x:.1f}" for x in os.getloadavg())))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if options.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
