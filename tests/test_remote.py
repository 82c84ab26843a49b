"""`policykg search` asks a running `policykg serve` over the same build instead of loading
the model (policykg.remote), and answers exactly as it would alone."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from conftest import live_server, run_cli
from policykg.datadir import DataDir
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
