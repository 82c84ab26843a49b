"""The ``policykg`` command: a thin skin over the library functions. Each command parses
options, calls one function, prints, and turns our errors into a message and exit code."""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

# Commands import what they need when they run: a search answered by a running server
# must not pay for the build's and the model's imports (tests/test_remote.py checks it).
from policykg.kg.vocabulary import AWARD_KINDS, ROLES, listed

from .datadir import DataDir, DataDirError, default_data_dir

if TYPE_CHECKING:
    from .settings import Settings

app = typer.Typer(
    help="Knowledge graph and search over Chinese government policy documents.",
    no_args_is_help=True,
    add_completion=False,
)
export_app = typer.Typer(help="Write what a build holds, as JSON lines.", no_args_is_help=True)
app.add_typer(export_app, name="export")

err = Console(stderr=True)
out = Console()


@app.callback()
def main(
    ctx: typer.Context,
    data: Annotated[
        Optional[Path],
        typer.Option(
            "--data", envvar="POLICYKG_DATA", show_envvar=False,
            help="Data folder for graph and index (env: POLICYKG_DATA; default: the user data folder).",
        ),
    ] = None,
) -> None:
    """policykg: build from policy texts, then search and export."""
    ctx.obj = Run(data)


@dataclass
class Run:
    """What ``main`` read for this run: the data folder (``--data``, else POLICYKG_DATA, else
    the user data folder), and the settings, made when a command first asks for them:
    pydantic-settings costs a search answered by a running server a third of its time."""

    data: Path | None
    settings: Settings | None = None


# Above this many files the build lists counts only, not a table row per file.
PER_FILE_TABLE_LIMIT = 50


def _settings(ctx: typer.Context) -> Settings:
    """The settings from ``--data`` and the environment, for this run only."""
    from .settings import Settings

    run: Run = ctx.find_root().obj
    if run.settings is None:
        run.settings = Settings(data=run.data) if run.data is not None else Settings()
    return run.settings


def _data(ctx: typer.Context) -> DataDir:
    run: Run = ctx.find_root().obj
    return DataDir(run.data if run.data is not None else default_data_dir())


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@app.command("build")
def build_command(
    ctx: typer.Context,
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders of .txt/.md texts (default: the shipped corpus).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if inputs and code are unchanged.")] = False,
    model: Annotated[
        Optional[str],
        typer.Option("--model", help="Encoder of the dense index: e5, use, minilm, st:<name or folder>, or none (env: POLICYKG_MODEL; default e5)."),
    ] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="Processes reading the files (default: one per core).")] = None,
) -> None:
    """Build graph and index from texts into a new generation of the data folder.

    Progress goes to stderr as plain lines (stage, counts, rate, time left), so it reads
    in a log file as well as on a terminal."""
    from rich.table import Table

    from policykg.corpus.errors import CorpusError
    from policykg.corpus.ingest import SHIPPED_TEXTS
    from policykg.index.encoders import EncoderError

    from .build import build

    inputs = paths or [SHIPPED_TEXTS]
    settings = _settings(ctx)

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    import signal

    # SIGTERM (kill, a service manager, a CI timeout) ends the build as Ctrl-C does: the
    # pool's workers are stopped and the half-written generation removed. Its default
    # action killed this process alone and left the workers running on, orphaned.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        report = build(
            _data(ctx), inputs, model=model or settings.model, threads=settings.threads, workers=workers, force=force, progress=progress,
        )
    except (CorpusError, DataDirError, EncoderError, OSError) as problem:
        raise _fail(str(problem)) from None
    for skipped in report.problems:
        err.print(f"[yellow]skipped[/yellow] {skipped['file']}: {skipped['reason']}")
    if report.up_to_date:
        err.print(f"up to date: {report.generation}")
    if len(report.per_file) <= PER_FILE_TABLE_LIMIT:
        table = Table("file", "encoding", "documents", "clauses", title=f"built {report.generation}")
        for name, row in report.per_file.items():
            table.add_row(name, row["encoding"], str(row["documents"]), str(row["clauses"]))
        err.print(table)
    for violation in report.violations:
        err.print(f"[yellow]SHACL[/yellow] {violation}", markup=False)
    if report.stages:
        stages = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in report.stages.items())
        err.print(f"stages (wall): {stages}", markup=False, highlight=False)
        cpu = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in report.stage_cpu.items())
        err.print(f"stages (CPU of the build's process, not its workers): {cpu}", markup=False, highlight=False)
    if report.steps:
        steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in report.steps.items())
        err.print(f"per-file steps over {report.processed} files (CPU seconds): {steps}", markup=False, highlight=False)
    err.print(
        f"{report.files} files, {report.documents} documents, {report.clauses} clauses ({report.indexed} searchable), "
        f"{report.triples} triples ({len(report.violations)} SHACL violations) in {report.seconds}s"
    )


@app.command("status")
def status_command(ctx: typer.Context) -> None:
    """Show the current build: where it is and what it holds."""
    from .build import read_manifest

    try:
        folder = _data(ctx).require_current()
    except DataDirError as problem:
        raise _fail(str(problem)) from None
    manifest = read_manifest(folder)
    out.print_json(json.dumps({"generation": str(folder), **{k: v for k, v in manifest.items() if k != "fingerprint"}}, ensure_ascii=False))


@export_app.command("clauses")
def export_clauses(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line (the only format so far).")] = True,
) -> None:
    """Every clause with its text, path, document, source span, departments, awards and targets.

    A clause whose responsibility notes, paragraphs or table rows name departments, awards
    or targets of their own is followed by those segments (kind "segment", with their
    "parent"); segments without facts of their own are not listed."""
    from policykg.api.present import json_line
    from policykg.kg.records import clause_records, exported

    for record in exported(clause_records(_current(ctx))):
        sys.stdout.write(json_line(record) + "\n")


@export_app.command("documents")
def export_documents(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line (the only format so far).")] = True,
) -> None:
    """Every document with its metadata and copies."""
    from policykg.api.present import json_line
    from policykg.corpus.artifacts import load_documents

    for document in load_documents(_current(ctx)):
        sys.stdout.write(json_line(document) + "\n")


@export_app.command("problems")
def export_problems(ctx: typer.Context) -> None:
    """Input files the current build skipped, with the reason."""
    from policykg.corpus.artifacts import load_problems

    for row in load_problems(_current(ctx)):
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


@export_app.command("graph")
def export_graph(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="turtle, nt or jsonld.")] = "turtle",
) -> None:
    """The whole graph, serialised."""
    from policykg.api.present import GRAPH_FORMATS, serializer_options
    from policykg.kg.build import bind_prefixes
    from policykg.kg.store import open_graph

    if fmt not in GRAPH_FORMATS:
        raise _fail(f"unknown format {fmt!r}: use turtle, nt or jsonld", code=2)
    graph = open_graph(_current(ctx))
    bind_prefixes(graph)
    sys.stdout.write(graph.serialize(format=GRAPH_FORMATS[fmt], **serializer_options(GRAPH_FORMATS[fmt])))


@app.command("sparql")
def sparql_command(
    ctx: typer.Context,
    query: Annotated[Optional[str], typer.Argument(help="A SPARQL query (or use --file).")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", help="Read the query from a file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="SPARQL 1.1 JSON results instead of a table.")] = False,
) -> None:
    """Run a SPARQL query over the built graph (prefixes pk, eli, org, skos, prov, dct, schema are predefined)."""
    from rdflib.query import ResultRow
    from rich.table import Table

    from policykg.kg.queries import QueryError, run_query

    if (query is None) == (file is None):
        raise _fail("give a QUERY or --file FILE (not both)", code=2)
    text = query if query is not None else _read_text(file)
    try:
        result = run_query(_current(ctx), text, _settings(ctx).sparql_allowed_services)
    except QueryError as problem:
        raise _fail(str(problem), code=2) from None
    if as_json or result.type != "SELECT":
        fmt = "json" if result.type in ("SELECT", "ASK") else "turtle"
        payload = result.serialize(format=fmt)
        assert payload is not None  # bytes when no destination is given
        sys.stdout.write(payload.decode("utf-8") + "\n")
        return
    table = Table(*[str(v) for v in result.vars or ()])
    for row in result:
        assert isinstance(row, ResultRow)  # a SELECT answers rows
        table.add_row(*["" if value is None else str(value) for value in row])
    out.print(table)


def _read_text(path: Path | None) -> str:
    assert path is not None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise _fail(f"{path}: {problem}", code=2) from None


@app.command("search")
def search_command(
    ctx: typer.Context,
    query: Annotated[Optional[str], typer.Argument(help="A question or keywords, Simplified or Traditional. Leave it out to list the clauses the filters select.")] = None,
    batch: Annotated[Optional[Path], typer.Option("--batch", help="File with one query per line.")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many hits per query (per page).")] = 10,
    page: Annotated[int, typer.Option("--page", min=1, help="Which page of k hits.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON line per query.")] = False,
    mode: Annotated[str, typer.Option("--mode", help="hybrid, dense or keyword.")] = "hybrid",
    document: Annotated[Optional[str], typer.Option("--document", help="Only this document (id, 文号 or part of its title).")] = None,
    issuer: Annotated[Optional[str], typer.Option("--issuer", help="Only documents of this issuer.")] = None,
    jurisdiction: Annotated[
        Optional[str], typer.Option("--jurisdiction", help="Only documents of this place, whoever issued them (深圳, 广东省, 普陀区).")
    ] = None,
    department: Annotated[Optional[str], typer.Option("--department", help="Only clauses naming this department.")] = None,
    role: Annotated[Optional[str], typer.Option("--role", help=f"With --department: {listed(ROLES)}.")] = None,
    include_predecessors: Annotated[
        bool, typer.Option("--include-predecessors", help="With --department: also the clauses of the bodies it was renamed or merged from.")
    ] = False,
    award_kind: Annotated[Optional[str], typer.Option("--award-kind", help=f"{listed(AWARD_KINDS)}.")] = None,
    industry: Annotated[Optional[str], typer.Option("--industry", help="A keyword such as 集成电路, 人工智能, 生物医药.")] = None,
    min_cap: Annotated[Optional[str], typer.Option("--min-cap", help="Only clauses with an award capped at least this (e.g. 1000万).")] = None,
    in_force: Annotated[
        bool,
        typer.Option("--in-force", help="Only documents known to be in force on --on (default today). Documents whose validity is unknown (no end date, or 有效期5年 without a start) are left out; without this option they are shown, marked 有效期不明."),
    ] = False,
    on: Annotated[Optional[str], typer.Option("--on", help="The day validity is judged on, YYYY-MM-DD (default today).")] = None,
    local: Annotated[bool, typer.Option("--local", help="Search in this process even when a `policykg serve` over the same build is running.")] = False,
) -> None:
    """Find the clauses that answer a question, with their award parameters.

    When no clause answers it, says so ("answered": false in --json) and shows the
    nearest ones.

    When `policykg serve` is running over the same build, the search is sent to it (no
    model to load: well under a second); otherwise this process loads the indexes."""
    from datetime import date

    if query is not None and batch is not None:
        raise _fail("give a QUERY or --batch FILE (not both)", code=2)
    # The filters as the API's parameters, as typed: a running server reads them as
    # ``Filters.from_strings`` does here, so the fast path needs no index code.
    options = {
        "document": document, "issuer": issuer, "jurisdiction": jurisdiction, "department": department, "role": role,
        "award_kind": award_kind, "industry": industry, "min_cap": min_cap, "in_force": "true" if in_force else None,
    }
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError as problem:
        raise _fail(str(problem), code=2) from None
    if query is None and batch is None and not any(value and value.strip() for value in options.values()):
        raise _fail("give a QUERY, --batch FILE, or filters (e.g. --department 市科技局) to list the clauses they select", code=2)
    if include_predecessors and not department:
        raise _fail("--include-predecessors applies to --department; give --department too", code=2)
    queries = _read_batch(batch) if batch is not None else [query or ""]
    folder = _current(ctx)
    remote = None if local or any(not q.strip() for q in queries) else _remote(ctx, folder)
    searcher = None  # this process's, loaded when no server answers
    for q in queries:
        if remote is not None:
            from .remote import ServerUnavailable

            try:
                body = remote.search(q, k, mode=mode, filters=options, today=day, offset=(page - 1) * k, include_predecessors=include_predecessors)
            except ServerUnavailable:  # the server went away or is busy: load the build here
                remote = None
            except ValueError as problem:
                raise _fail(str(problem), code=2) from None
            else:
                _print_remote(body, as_json)
                continue
        if searcher is None:
            searcher, filters = _local_searcher(ctx, folder, options)
        try:
            result = searcher.search(q, k, mode=mode, filters=filters, today=day, offset=(page - 1) * k, include_predecessors=include_predecessors)
        except ValueError as problem:
            raise _fail(str(problem), code=2) from None
        _print_result(result, as_json)


def _remote(ctx: typer.Context, folder: Path):
    """The running server that serves ``folder``, if any."""
    from .remote import RemoteSearcher

    return RemoteSearcher.find(_data(ctx), folder)


def _local_searcher(ctx: typer.Context, folder: Path, options: dict[str, str | None]):
    """A searcher loaded here (indexes and model) and the filters read from ``options``."""
    from policykg.index.filters import Filters

    try:
        filters = Filters.from_strings(
            document=options["document"], issuer=options["issuer"], jurisdiction=options["jurisdiction"],
            department=options["department"], role=options["role"],
            award_kind=options["award_kind"], industry=options["industry"], min_cap=options["min_cap"],
            in_force_only=options["in_force"] is not None,
        )
    except ValueError as problem:
        raise _fail(str(problem), code=2) from None
    from policykg.index.open import open_searcher  # loads the indexes only for this command

    try:
        return open_searcher(folder, threads=_settings(ctx).threads), filters
    except DataDirError as problem:  # a damaged build file: one line naming it, not a traceback
        raise _fail(str(problem)) from None


def _print_result(result, as_json: bool) -> None:
    if as_json:
        from policykg.api.present import json_line

        sys.stdout.write(json_line(result) + "\n")
    else:
        from .answers import print_answer

        print_answer(out, result)


def _print_remote(body: dict, as_json: bool) -> None:
    """A server's answer: as JSON it is printed as the server rendered it (the rendering
    ``--json`` prints here too); as cards it is read back into a ``SearchResult``."""
    if as_json:
        sys.stdout.write(json.dumps(body, ensure_ascii=False) + "\n")
    else:
        from .remote import result_from_dict

        _print_result(result_from_dict(body), as_json=False)


@app.command("departments")
def departments_command(
    ctx: typer.Context,
    name: Annotated[Optional[str], typer.Argument(help="A department's name (any of its names, e.g. 市科技局); leave out to list them all.")] = None,
    role: Annotated[Optional[str], typer.Option("--role", help="With NAME: only clauses it leads (lead) or cooperates on (cooperating).")] = None,
    include_predecessors: Annotated[bool, typer.Option("--include-predecessors", help="With NAME: also the clauses of the bodies it was renamed or merged from.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Departments the texts name, with how many clauses each leads and cooperates on; with
    NAME, that body's renamings and its clauses by role."""
    from rich.table import Table

    from policykg.index.catalog import Catalog, NotFound
    from policykg.kg.records import as_json as rendered

    if role is not None and role not in ROLES:
        raise _fail(f"--role: expected {listed(ROLES)}, got {role!r}", code=2)
    if name is None and (role or include_predecessors):
        raise _fail("--role and --include-predecessors apply to one department: give its NAME", code=2)
    catalog = Catalog.load(_current(ctx))

    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, default=rendered)

    if name is None:
        bodies = catalog.departments()
        if as_json:
            for body in bodies:
                sys.stdout.write(dump(body) + "\n")
            return
        table = Table("department", "lead", "cooperating", "id", title=f"{len(bodies)} departments")
        for body in bodies:
            table.add_row(body.label, str(body.clauses["lead"]), str(body.clauses["cooperating"]), body.id)
        out.print(table)
        return
    department_id = _department_id(catalog, name)
    try:
        department = catalog.department(department_id)
        lineage = catalog.lineage(department_id)
        rows = catalog.department_clauses(department_id, role, predecessors=include_predecessors)
    except NotFound as problem:
        raise _fail(str(problem)) from None
    if as_json:
        sys.stdout.write(dump({**rendered(department), "lineage": lineage, "clauses": rows}) + "\n")
        return
    out.print(f"[bold]{department.label}[/bold]  ({department.id})  牵头 {department.clauses['lead']} 条，配合 {department.clauses['cooperating']} 条")
    if len(lineage) > 1:
        chain = " → ".join(
            "、".join(body.label for body in stage.bodies) + (f"（{stage.change.date}）" if stage.change and stage.change.date else "")
            for stage in lineage
        )
        out.print(f"沿革：{chain}")
    table = Table("role", "clause", "path", "document", "named as", title=f"{len(rows)} clauses")
    for row in rows:
        inherited = "" if row.department.id == department_id else "（前身）"
        table.add_row(
            "牵头" if row.role == "lead" else "配合", row.clause_id, " › ".join(row.path),
            row.document.title or "", inherited + row.department.label,
        )
    out.print(table)


def _department_id(catalog, name: str) -> str:
    """The id of the department ``name`` means: one the texts name under that name, else
    the registry's reading of it in the cities whose bodies the build names (a body the
    registry knows first), so 市工业和信息化局 over Shenzhen's texts is Shenzhen's bureau."""
    from policykg.index.filters import department_key

    key = department_key(name)
    for entry in catalog.departments():
        if entry.id == name or any(department_key(label) == key for label in entry.labels):
            return entry.id
    found = [catalog.registry.find(name, city) for city in catalog.cities()]
    return next((body.id for body in found if body.known), found[0].id)


@app.command("match")
def match_command(
    ctx: typer.Context,
    profile: Annotated[Optional[Path], typer.Option("--profile", help="A JSON file describing the enterprise (contract: ../shared/eval/eval_match.py).")] = None,
    batch: Annotated[Optional[Path], typer.Option("--batch", help="A file with one profile JSON per line.")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Also list the rules the enterprise does not qualify for.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines: one per rule (--profile) or one per profile (--batch).")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="The date asked (YYYY-MM-DD); overrides the profile's as_of (default today).")] = None,
) -> None:
    """Which award rules an enterprise may apply for: verdict, deciding conditions, estimate."""
    from policykg.index.match import matcher_for, read_profiles

    from .answers import print_match

    if (profile is None) == (batch is None):
        raise _fail("give --profile FILE or --batch FILE (not both)", code=2)
    path = profile if profile is not None else batch
    assert path is not None  # one of the two was given
    try:
        profiles = read_profiles(path)
        if as_of is not None:
            from datetime import date

            day = date.fromisoformat(as_of)
            for p in profiles:
                p.as_of = day
    except (OSError, UnicodeDecodeError) as problem:
        raise _fail(f"{path}: {problem}", code=2) from None
    except ValueError as problem:  # ProfileError, or a bad --as-of
        raise _fail(str(problem), code=2) from None
    if profile is not None and len(profiles) != 1:
        raise _fail(f"{path}: --profile takes one profile, found {len(profiles)} (use --batch)", code=2)
    matcher = matcher_for(_current(ctx))
    for p in profiles:
        found = matcher.match(p, include_not_eligible=show_all)
        if not as_json:
            print_match(out, found)
        elif batch is not None:
            sys.stdout.write(json.dumps({"profile": found.profile, "as_of": found.as_of, "results": [r.to_dict() for r in found.results]}, ensure_ascii=False) + "\n")
        else:
            for result in found.results:
                sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")


def _read_batch(path: Path | None) -> list[str]:
    assert path is not None
    try:
        return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError) as problem:
        raise _fail(f"{path}: {problem}", code=2) from None


def _current(ctx: typer.Context) -> Path:
    try:
        return _data(ctx).require_current()
    except DataDirError as problem:
        raise _fail(str(problem)) from None


@app.command("serve")
def serve_command(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    cors_origin: Annotated[
        Optional[list[str]],
        typer.Option("--cors-origin", help="An origin whose web pages may call the API (repeat for several, * for any); CORS is off by default."),
    ] = None,
) -> None:
    """Serve the HTTP API over the current build (OpenAPI docs at /docs). While it runs,
    `policykg search` over the same data folder asks it instead of loading the model."""
    import uvicorn

    from policykg.api import create_app

    from .remote import announce

    from policykg.api.serving import Served
    from policykg.index.open import BuildFileError

    _current(ctx)  # no build: a message and exit code 1, before the server starts
    # The build is opened here, once, and handed to the app: a damaged file is then said in
    # one line (inside uvicorn it would be a start-up traceback), and nothing is read twice.
    try:
        served = Served.open(_data(ctx), _settings(ctx))
    except BuildFileError as problem:
        if problem.path is None:
            raise _fail(str(problem)) from None
        raise _fail(f"{problem.path} is damaged; rebuild with `policykg build --force` ({problem.reason})") from None
    except DataDirError as problem:
        raise _fail(str(problem)) from None
    try:
        err.print(f"serving {served.folder} on http://{host}:{port} (docs: /docs)")
        with announce(_data(ctx), served.folder, host, port):
            uvicorn.run(create_app(_settings(ctx), cors_origins=cors_origin or (), opened=served), host=host, port=port)
    finally:
        served.close()


if __name__ == "__main__":
    app()
