"""A long build step says how far it is: counts, rate and time left, a line every few
seconds, then a closing line (policykg.progress; the build passes its lines to stderr)."""
from __future__ import annotations

import re

from policykg.progress import Progress


def test_a_long_step_reports_counts_rate_and_time_left():
    lines: list[str] = []
    log = Progress(lines.append, every=0)  # a line at every step, as a long step writes every few seconds
    with log.stage("files", total=4) as stage:
        for _ in range(4):
            stage.advance(chars=25_000)
    assert re.fullmatch(r"files: 1/4 files \(25%\), 25\.0k chars, [\d.]+ files/s, [\d.]+[kMG]? chars/s, ~\d+ s left", lines[0]), lines[0]
    assert lines[3].startswith("files: 4/4 files (100%), 100.0k chars") and lines[3].endswith("~0 s left")
    assert re.fullmatch(r"files: 4 files, 100\.0k chars in [\d.]+ s \([\d.]+ files/s, [\d.]+[kMG]? chars/s\)", lines[-1]), lines[-1]
    assert set(log.seconds) == {"files"}


def test_a_step_whose_total_comes_later_reports_time_left_once_known():
    """The embedding step learns how many passages need the model after the cache is read."""
    lines: list[str] = []
    log = Progress(lines.append, every=0)
    with log.stage("embed", unit="passages") as stage:
        stage.advance(10)
        stage.total = 40
        stage.advance(10)
    assert lines[0].startswith("embed: 10 passages, ") and "left" not in lines[0]
    assert lines[1].startswith("embed: 20/40 passages (50%)") and lines[1].endswith("s left")


def test_a_quiet_build_writes_nothing_but_keeps_its_times():
    log = Progress(None, every=0)
    with log.stage("hash", total=2) as stage:
        stage.advance(2)
    assert list(log.seconds) == ["hash"]
