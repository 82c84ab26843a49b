"""Build the data folder from input texts into a new generation that becomes current only
when complete.

The work is split where the data allows it. Everything one input file needs — read,
layout, documents and clauses, facts, triples, SHACL — runs per file in a process pool over
all cores (``policykg.filework``), and its result is kept on disk by content hash and code
fingerprint, so a rebuild redoes only new or changed files. Only the steps that need the
whole corpus see it, and they take bulk paths: copies of one work are linked from the
files' document lists, the generation's JSON lines are the files' entries concatenated,
the store is bulk-loaded from the entries' N-Triples (or, when few files changed, the last
generation's store is backed up and changed by them: ``_write_store``), the keyword index
is assembled from the units each file's worker counted (kept in the generation as a
table of segments; a rebuild writes only the changed files' units as a new one and
hard-links the rest: ``_term_table``), then the dense index is built."""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from policykg.corpus.artifacts import CLAUSES, DOCUMENTS, iter_clauses, write_jsonl, write_problems
from policykg.corpus.documents import link_copies
from policykg.corpus.errors import CorpusError
from policykg.corpus.models import Document
from policykg.corpus.read import list_sources
from policykg.index.search import iter_searchable
from policykg.kg.artifacts import FACTS
from policykg.kg.build import corpus_graph, load_ontology
from policykg.kg.extract.registry import Registry
from policykg.index.assemble import TermTable
from policykg.index.keyword import FileTerms, KeywordIndex
from policykg.kg.store import has_blank_node, load_ntriples, ntriples_lines, update_store
from policykg.kg.validate import validate_graph

from . import filework
from .datadir import DataDir
from .fingerprint import build_fingerprint, file_fingerprint
from .progress import Progress

MANIFEST = "manifest.json"
EMBEDDING_CACHE = "cache/embeddings"  # under the data folder: shared by all generations
FILE_CACHE = "cache/files"  # per-file entries, one folder per code fingerprint
NO_MODEL = "none"
TERM_TABLE = "keyword-terms"  # in a generation: every file's keyword units in one vocabulary, in segments (index.assemble.TermTable)
SHARED_TRIPLES = "graph-shared.nt"  # in a generation: the triples several files may state, and the corpus's own
# A rebuild changes the last store in place of loading all when the files it removes and
# adds hold less than this share of the triples (measured on the realcorpus: loading
# 1.2 M triples takes about 20 s, removing and adding a file's few thousand well under 1 s).
UPDATE_SHARE = 0.25


class BuildError(CorpusError):
    """The build could not produce anything usable; the previous build stays current."""


@dataclass
class BuildReport:
    generation: Path
    up_to_date: bool = False
    files: int = 0
    documents: int = 0
    clauses: int = 0
    indexed: int = 0
    triples: int = 0
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[dict] = field(default_factory=list)
    per_file: dict[str, dict] = field(default_factory=dict)
    chars: int = 0
    processed: int = 0  # files whose work was done by this build (the rest came from the cache)
    stages: dict[str, float] = field(default_factory=dict)  # wall seconds per stage of this build
    stage_cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of the build's own process per stage
    steps: dict[str, float] = field(default_factory=dict)  # CPU seconds per file step, over the processed files
    step_chars: int = 0  # characters of the processed files


def build(
    data: DataDir,
    paths: list[Path],
    *,
    model: str = "e5",
    threads: int = 1,
    workers: int | None = None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build graph and index for the texts under ``paths``; ``model`` names the encoder of
    the dense index ("none" for keyword search only). ``workers`` processes do the per-file
    work (default: one per core; 1 does it in this process). ``progress`` receives one
    line of text at a time (stages, counts, rates, time left).

    A rebuild of unchanged inputs with unchanged code and model returns at once; files
    whose content and code are unchanged are not processed again (``force`` redoes them),
    and passage embeddings are cached across builds."""
    started = time.perf_counter()
    log = Progress(progress)
    sources = list_sources(paths)
    with log.stage("hash", total=len(sources)) as stage:
        hashed = []
        for path in sources:
            hashed.append((path, filework.file_sha256(path)))
            stage.advance()
    fingerprint = build_fingerprint(hashed, model)
    current = data.current()
    if current is not None and not force:
        manifest = read_manifest(current)
        if manifest.get("fingerprint") == fingerprint:
            return BuildReport(generation=current, up_to_date=True, **_counts(manifest))

    with data.new_generation() as folder:
        cache = data.root / FILE_CACHE / file_fingerprint()[:20]
        entries, processed = _process_files(hashed, cache, workers or os.cpu_count() or 1, force, log)
        metas = [meta for _, meta in entries]
        readable = [(entry, meta) for entry, meta in entries if meta.problem is None]
        problems = [{"file": meta.path, "reason": meta.problem} for meta in metas if meta.problem is not None]
        if not readable:
            reasons = "; ".join(f"{p['file']}: {p['reason']}" for p in problems) or "no .txt or .md files found"
            raise BuildError(f"nothing to build: {reasons}")

        with log.stage("copies"):
            documents = [doc for _, meta in readable for doc in meta.to_documents()]
            # link_copies ranks copies by the length of their text; a range has that length
            # and costs nothing, so the corpus's text need not be held here
            link_copies(
                documents,
                {doc_id: range(n) for _, meta in readable for doc_id, n in meta.lengths.items()},  # type: ignore[misc]
                {doc_id: sketch for _, meta in readable for doc_id, sketch in meta.sketches.items()},
            )
            write_jsonl(folder / DOCUMENTS, (d.to_dict() for d in documents))
            write_problems(folder, problems)
            _concatenate([entry / filework.CLAUSES for entry, _ in readable], folder / CLAUSES)
            _concatenate([entry / filework.FACTS for entry, _ in readable], folder / FACTS)

        with log.stage("store", total=sum(meta.triples for _, meta in readable), unit="triples") as stage:
            registry = Registry.load()
            violations = [v for _, meta in readable for v in meta.violations]
            violations += [str(v) for v in validate_graph(registry.graph)]
            labels: dict[str, str] = {}
            for _, meta in readable:
                for agent, label in meta.agent_labels.items():
                    labels.setdefault(agent, label)
            whole = corpus_graph(documents, [c for _, meta in readable for c in meta.citations], labels)
            whole += registry.graph
            whole += load_ontology()  # so queries can read the labels of roles and kinds
            triples, store_plan = _write_store(folder, current if not force else None, cache, readable, whole.serialize(format="nt", encoding="utf-8"), log)
            stage.done = triples

        with log.stage("keyword index", unit="clauses") as stage:
            table, keyword_plan = _term_table(folder, current if not force else None, cache, readable, log)
            chosen_ids = build_index(folder, readable, documents, table)
            stage.done = len(chosen_ids)
        encoder_name = NO_MODEL
        if model != NO_MODEL:
            # the dense side's modules (FAISS, the encoders, the match links) are imported
            # only for it: a keyword build, and so a one-document rebuild, does not pay for them
            from policykg.index.dense import DenseIndex
            from policykg.index.embed_cache import embed_passages
            from policykg.index.encoders import get_encoder
            from policykg.index.match import write_links

            encoder = get_encoder(model, threads)
            encoder_name = encoder.name
            unit_ids, unit_texts = _dense_units(folder, chosen_ids, documents)
            with log.stage("embed", unit="passages") as stage:

                def advance(encoded: int, to_encode: int) -> None:
                    stage.total = to_encode
                    stage.advance(encoded - stage.done)

                embedded = embed_passages(encoder, unit_texts, data.root / EMBEDDING_CACHE, progress=log.note, advance=advance)
            del unit_texts  # the index needs the ids and vectors only
            with log.stage("dense index", unit="vectors") as stage:
                dense_index = DenseIndex.build(unit_ids, embedded.vectors, encoder_name=encoder.name)
                del embedded  # FAISS holds its own copy of the vectors
                dense_index.save(folder)
                del dense_index
                stage.done = len(unit_ids)
            with log.stage("match links", unit="terms") as stage:  # hook: index.match's semantic links
                stage.done = write_links(folder, encoder)

        per_file = {Path(meta.path).name: {"encoding": meta.encoding, "documents": len(meta.documents), "clauses": meta.clauses} for _, meta in readable}
        steps: dict[str, float] = {}
        for meta in processed:
            for step, seconds in meta.seconds.items():
                steps[step] = round(steps.get(step, 0.0) + seconds, 3)
        report = BuildReport(
            generation=folder,
            files=len(readable),
            documents=len(documents),
            clauses=sum(meta.clauses for _, meta in readable),
            indexed=len(chosen_ids),
            triples=triples,
            violations=violations,
            problems=problems,
            per_file=per_file,
            chars=sum(meta.chars for _, meta in readable),
            processed=len(processed),
            stages=dict(log.seconds),
            stage_cpu=dict(log.cpu),
            steps=steps,
            step_chars=sum(meta.chars for meta in processed),
            seconds=round(time.perf_counter() - started, 2),
        )
        manifest = {
            # a file to try again means the next build is not "up to date" whatever changed
            "fingerprint": "" if any(meta.retry for meta in metas) else fingerprint,
            "inputs": [str(p) for p in sources],
            "files": report.files,
            "documents": report.documents,
            "clauses": report.clauses,
            "indexed": report.indexed,
            "model": encoder_name,
            "triples": report.triples,
            "violations": report.violations,
            "problems": report.problems,
            "per_file": per_file,
            "chars": report.chars,
            "processed": report.processed,
            "store": store_plan,
            "keyword": keyword_plan,
            "stages": report.stages,
            "stage_cpu": report.stage_cpu,
            "steps": report.steps,
            "seconds": report.seconds,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        _prune_cache(data.root / FILE_CACHE, cache, {entry.name for entry, _ in entries})  # under the build lock
    report.generation = data.current() or report.generation
    return report


def _dense_units(folder: Path, chosen_ids: list[str], documents: list[Document]) -> tuple[list[str], list[str]]:
    """(unit ids, texts) of what the encoder embeds for the searchable clauses, in the
    keyword index's order, read from the generation's clauses one at a time: the
    clauses themselves are not held while the corpus is embedded."""
    from policykg.index.search import clause_of_unit, dense_passages

    order = {clause_id: n for n, clause_id in enumerate(chosen_ids)}
    units = dense_passages((clause for clause in iter_clauses(folder / CLAUSES) if clause.id in order), documents)
    units.sort(key=lambda unit: order[clause_of_unit(unit[0])])  # stable: a clause's units keep their order
    return [unit_id for unit_id, _ in units], [text for _, text in units]


def _write_store(
    folder: Path, previous: Path | None, cache: Path, readable: list[tuple[Path, filework.FileMeta]], whole: bytes, log: Progress
) -> tuple[int, dict]:
    """Write the generation's store: the last generation's store changed by the files
    added, changed and removed, when that generation was built from entries of the same
    cache and the change is small; else a bulk load of every file. Returns the number of
    triples and what the next build needs to know (the entries and the cache it came from).

    Blank nodes get new labels whenever a store loads them, so triples that hold one
    cannot be found again by their text: they come only from the ontology and registry
    (whose files the cache's fingerprint covers, so they are the same graph as last time),
    and a file whose graph holds any makes the build load the store whole."""
    whole_lines = ntriples_lines(whole)
    shared: set[bytes] = {line for line in whole_lines if not has_blank_node(line)}
    blank = len(whole_lines) - len(shared)
    files_blank = False
    for entry, _ in readable:
        lines = ntriples_lines((entry / filework.SHARED).read_bytes())
        files_blank = files_blank or any(has_blank_node(line) for line in lines)
        shared |= lines
    (folder / SHARED_TRIPLES).write_bytes(b"".join(sorted(shared)))
    entries = [entry.name for entry, _ in readable]
    plan = {"cache": cache.name, "entries": entries, "mode": "load", "blank": blank}
    last = read_manifest(previous) if previous is not None else {}
    old = last.get("store", {})
    owners = [doc["id"] for _, meta in readable for doc in meta.documents]
    if (
        previous is not None
        and old.get("cache") == cache.name
        and old.get("blank") == blank
        and not files_blank
        and (previous / SHARED_TRIPLES).exists()
        and len(set(owners)) == len(owners)
    ):
        before, now = set(old.get("entries", [])), set(entries)
        removed = [cache / name / filework.TRIPLES for name in sorted(before - now)]
        added = [cache / name / filework.TRIPLES for name in entries if name not in before]
        changed = sum(path.stat().st_size for path in removed + added if path.exists())
        total = sum((entry / filework.TRIPLES).stat().st_size for entry, _ in readable)
        if all(path.exists() for path in removed) and changed <= UPDATE_SHARE * total:
            old_shared = ntriples_lines((previous / SHARED_TRIPLES).read_bytes())
            log.note(f"store: changing the last generation's store: {len(removed)} files out, {len(added)} in")
            triples = update_store(
                previous,
                folder,
                [*removed, b"".join(sorted(old_shared - shared))],
                [*added, b"".join(sorted(shared - old_shared))],
                last.get("triples"),
            )
            return triples, {**plan, "mode": "update"}
    blank_lines = b"".join(sorted(line for line in whole_lines if has_blank_node(line)))
    return load_ntriples(folder, [*(entry / filework.TRIPLES for entry, _ in readable), b"".join(sorted(shared)), blank_lines]), plan


def build_index(folder: Path, readable: list[tuple[Path, filework.FileMeta]], documents: list[Document], table: TermTable) -> list[str]:
    """Write the keyword index of the searchable clauses into the generation and return
    their ids: the clauses ``index.search.iter_searchable`` chooses, reading only
    the clauses of files that hold a copy of a work. The others' clauses are all shown, in
    order, and their ids are in the table; parsing every clause's JSON for its id took
    seconds of a one-document rebuild."""
    by_id = {d.id: d for d in documents}
    with_copies = {d.work for d in documents if d.preferred and d.copies}

    def plain(meta: filework.FileMeta) -> bool:  # no copy, and no preferred copy whose text others are compared with
        return all(by_id[row["id"]].preferred and by_id[row["id"]].work not in with_copies for row in meta.documents)

    others = [entry / filework.CLAUSES for entry, meta in readable if not plain(meta)]
    clauses = (clause for path in others for clause in iter_clauses(path))
    kept = list(iter_searchable(clauses, documents))  # their preferred copies' clauses in order, then the other copies' kept
    preferred = {clause.id for clause in kept if by_id[clause.document].preferred}
    chosen: list[str] = []
    all_ids, bounds = table.ids, table.bounds.tolist()
    for f, (_, meta) in enumerate(readable):
        ids = all_ids[bounds[f] : bounds[f + 1]]
        chosen += ids if plain(meta) else [i for i in ids if i in preferred]
    chosen += [clause.id for clause in kept if not by_id[clause.document].preferred]
    KeywordIndex.from_terms(table, chosen).save(folder)
    return chosen


def _term_table(
    folder: Path, previous: Path | None, cache: Path, readable: list[tuple[Path, filework.FileMeta]], log: Progress
) -> tuple[TermTable, dict]:
    """The keyword units of every file in one table, kept in the generation: the last
    generation's table with only the new and changed files mapped into one new segment
    (its other segments hard-linked), when it came from the same cache and holds most of
    the files; else every file's units merged anew (which also drops the units of files
    long gone). Returns the table and the manifest's note of it."""
    plan: dict[str, str | int] = {"cache": cache.name, "mode": "assemble"}
    old: TermTable | None = None
    if previous is not None and read_manifest(previous).get("keyword", {}).get("cache") == cache.name:
        try:
            old = TermTable.load(previous / TERM_TABLE)
        except (OSError, ValueError, KeyError):  # none, or of an older layout: assembled anew
            old = None
    if old is not None:
        kept = len(set(old.names) & {entry.name for entry, _ in readable})
        if kept < (1 - UPDATE_SHARE) * len(readable):
            old = None
        else:
            log.note(f"keyword index: the last generation's units with {len(readable) - kept} files mapped in")
            plan["mode"] = "update"
    table = TermTable.assemble([(entry.name, partial(FileTerms.load, entry / filework.TERMS)) for entry, _ in readable], old)
    table.save(folder / TERM_TABLE)
    plan["segments"] = len(table.segments)
    # read back memory-mapped: the new segment's arrays (the whole table on a clean
    # build, about 100 MB on 1,235 laws) are not held while the index is assembled
    return TermTable.load(folder / TERM_TABLE), plan


def _process_files(
    hashed: list[tuple[Path, str]], cache: Path, workers: int, force: bool, log: Progress
) -> tuple[list[tuple[Path, filework.FileMeta]], list[filework.FileMeta]]:
    """Every file's entry in input order, doing the work only for files without one (all
    of them with ``force``); also the metas of the files processed now."""
    cache.mkdir(parents=True, exist_ok=True)
    entries: list[Path] = [cache / filework.entry_name(path, sha) for path, sha in hashed]
    metas: dict[int, filework.FileMeta] = {}
    todo = []
    with log.stage("cached files"):
        for i, entry in enumerate(entries):
            if force and entry.exists():
                shutil.rmtree(entry)
            if (entry / filework.META).exists():
                metas[i] = filework.load_meta(entry)
            else:
                todo.append(i)
    if metas:
        log.note(f"files: {len(metas)} of {len(entries)} unchanged (from the cache)")
    processed: list[filework.FileMeta] = []
    with log.stage("files", total=len(todo)) as stage:
        for i, meta in _run(todo, hashed, entries, workers):
            metas[i] = meta
            processed.append(meta)
            stage.advance(chars=meta.chars)
    return [(entries[i], metas[i]) for i in range(len(entries))], processed


def _run(todo: list[int], hashed: list[tuple[Path, str]], entries: list[Path], workers: int):
    """(index, meta) of each file of ``todo`` as its work completes: in this process for
    one worker or one file, else in a pool, largest files first so that a big file does
    not start last and keep the build waiting on one core."""
    if workers <= 1 or len(todo) <= 1:
        for i in todo:
            path, sha = hashed[i]
            yield i, _outcome(lambda: filework.process_file(path, sha, entries[i]), path, sha)
        return
    order = sorted(todo, key=lambda i: -_size(hashed[i][0]))
    # forkserver: workers start from a clean process, not a copy of this one (which may
    # hold threads: a server, an encoder), and import our modules once in the server
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["policykg.filework"])
    with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=context) as pool:
        pending: dict[Future, int] = {}
        queue = iter(order)
        # a bounded queue: results come back as they finish, and few wait in memory
        for i in queue:
            path, sha = hashed[i]
            pending[pool.submit(filework.process_file, path, sha, entries[i])] = i
            if len(pending) >= 4 * workers:
                break
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    i = pending.pop(future)
                    yield i, _outcome(future.result, *hashed[i])
                    nxt = next(queue, None)
                    if nxt is not None:
                        path, sha = hashed[nxt]
                        pending[pool.submit(filework.process_file, path, sha, entries[nxt])] = nxt
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)  # an interrupted build starts no more files
            raise


def _outcome(result: Callable[[], filework.FileMeta], path: Path, sha: str) -> filework.FileMeta:
    """A file's meta; a file whose work failed on a fault of ours is reported by name with
    the error and skipped (it has no entry, so the next build tries it again). A worker
    that died (killed, out of memory) fails the whole build."""
    try:
        return result()
    except BrokenProcessPool:
        raise
    except Exception as error:  # noqa: BLE001 - reported as the file's problem, not hidden
        return filework.FileMeta(
            path=str(path), key=path.stem, sha256=sha, problem=f"could not be processed ({type(error).__name__}: {error})", retry=True
        )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _concatenate(parts: list[Path], target: Path) -> None:
    with target.open("wb") as out:
        for part in parts:
            with part.open("rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)


def _prune_cache(root: Path, cache: Path, used: set[str]) -> None:
    """Keep only the entries this build used: older code's folders and entries of files
    changed or gone are removed (what a running build writes starts with .tmp-)."""
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder != cache:
            shutil.rmtree(folder, ignore_errors=True)
    for entry in cache.iterdir():
        if entry.name not in used:
            shutil.rmtree(entry, ignore_errors=True)


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _counts(manifest: dict) -> dict:
    keys = ("files", "documents", "clauses", "indexed", "triples", "violations", "problems", "per_file", "seconds", "chars")
    return {k: manifest[k] for k in keys if k in manifest}
