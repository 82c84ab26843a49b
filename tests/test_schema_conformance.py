"""The API answers as its OpenAPI schema says (issue 12, finding 9): schemathesis runs
every default check against ``policykg serve`` over the shipped build, with the settings
in tests/schemathesis.toml (each exception there names the rule a schema cannot state).
A server error, an undocumented status, a schema-valid request refused or a
schema-violating request accepted fails the test with schemathesis's report."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from policykg.settings import Settings

from conftest import live_server

CONFIG = Path(__file__).resolve().parent / "schemathesis.toml"


@pytest.fixture(scope="module")
def base(built_data):
    with live_server(Settings(data=built_data, follow_seconds=0)) as url:
        yield url


def test_schemathesis_finds_no_mismatch(base, tmp_path):
    # One real clause id, so /clauses/{clause_id} is fuzzed past its 404 as well.
    clause = httpx.get(f"{base}/search", params={"q": "补贴", "k": 1, "mode": "keyword"}, timeout=120).json()["hits"][0]["clause_id"]
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        CONFIG.read_text(encoding="utf-8")
        + f'\n[[operations]]\ninclude-name = "GET /clauses/{{clause_id}}"\nparameters = {{ clause_id = "{clause}" }}\n',
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--no-color", "--config-file", str(config), "run", f"{base}/openapi.json",
         "--workers", "1", "--max-examples", "15", "--seed", "12", "--request-timeout", "120"],
        capture_output=True, text=True, timeout=1200, cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    counts = re.search(r"(\d+) generated, (\d+) passed", run.stdout)  # every case ran and passed
    assert counts and int(counts[1]) == int(counts[2]) > 100, run.stdout[-3000:]
