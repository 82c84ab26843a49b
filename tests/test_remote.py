"""`policykg search` asks a running `policykg serve` over the same build instead of loading
the model (policykg.remote), and answers exactly as it would alone."""
from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from conftest import live_server, run_cli
from policykg.datadir import DataDir
from policykg.kg.vocabulary import load_vocabularies
from policykg.remote import ANNOUNCEMENT, RemoteSearcher, announce
from policykg.settings import Settings


@pytest.fixture(scope="module")
def server(built_data):
    with live_server(Settings(data=built_data, threads=1)) as base:
        yield urlsplit(base)


def test_the_cli_answers_through_a_running_server_as_it_does_alone(built_data, generation, server):
    data = DataDir(built_data)
    args = ["search", "流片花了300万能补多少", "--k", "3", "--json", "--on", "2024-06-01", "--department", "市工业和信息化局",
            "--include-predecessors"]
    alone = run_cli([*args, "--local"], data=built_data)
    with announce(data, generation, server.hostname, server.port):
        assert RemoteSearcher.find(data, generation) is not None
        through = run_cli(args, data=built_data)
    assert (built_data / ANNOUNCEMENT).exists() is False  # the note goes with the server
    assert alone.exit_code == through.exit_code == 0, (alone.stderr, through.stderr)
    assert json.loads(through.stdout) == json.loads(alone.stdout)


def test_a_stale_or_dead_server_is_not_used(built_data, generation, server, tmp_path):
    data = DataDir(built_data)
    with announce(data, tmp_path, server.hostname, server.port):  # serves another generation
        assert RemoteSearcher.find(data, generation) is None
    with announce(data, generation, server.hostname, 1):  # nothing listens there
        assert RemoteSearcher.find(data, generation) is None


def test_the_server_reports_bad_input_as_the_cli_does(built_data, generation, server):
    with announce(DataDir(built_data), generation, server.hostname, server.port):
        printed = run_cli(["search", "补贴", "--min-cap", "很多"], data=built_data)
    assert printed.exit_code == 2
    assert "min_cap: not an amount of money" in printed.stderr


# What a search answered by a server saves: the model, the indexes, the graph, the segmenter.
MODEL_AND_INDEX = ("torch", "sentence_transformers", "transformers", "faiss", "numpy", "bm25s", "jieba")
GRAPH_AND_TEXT = ("rdflib", "pyoxigraph", "cn2an", "opencc", "pydantic_settings")
# Runs the CLI's entry point in a fresh interpreter and prints which top-level modules it loaded.
CLI_THEN_MODULES = """
import json, sys
from policykg.cli import app
try:
    app(sys.argv[1:])
except SystemExit as end:
    code = end.code
print(json.dumps({"code": code, "modules": sorted({name.split(".")[0] for name in sys.modules})}), file=sys.stderr)
"""


def _cli_in_a_fresh_process(*args: str) -> tuple[str, int, set[str]]:
    done = subprocess.run([sys.executable, "-c", CLI_THEN_MODULES, *args], capture_output=True, text=True, timeout=300)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return done.stdout, report["code"], set(report["modules"])


def test_a_search_through_the_server_loads_no_model_index_or_graph_code(built_data, generation, server):
    load_vocabularies()  # the help lists the vocabulary: read from its cached copy, as after any first run
    args = ["--data", str(built_data), "search", "流片花了300万能补多少", "--k", "3", "--award-kind", "subsidy"]
    with announce(DataDir(built_data), generation, server.hostname, server.port):
        printed, code, modules = _cli_in_a_fresh_process(*args, "--json")
        cards, cards_code, cards_modules = _cli_in_a_fresh_process(*args)
    assert code == cards_code == 0
    assert json.loads(printed)["hits"] and "流片" in cards
    assert modules.isdisjoint(MODEL_AND_INDEX + GRAPH_AND_TEXT), modules & set(MODEL_AND_INDEX + GRAPH_AND_TEXT)
    # Cards are printed from a typed result with the page's wording (api.present), which
    # still brings the graph's prefixes (rdflib), but never the model or the indexes.
    assert cards_modules.isdisjoint(MODEL_AND_INDEX), cards_modules & set(MODEL_AND_INDEX)
