"""The soak, small: a hostile web of a few hundred rows through the real CLI.

Fails on a missing or duplicated row, a hang, or a process left behind;
also when Ctrl-C (then --resume) or kill -9 breaks those guarantees.
Pages are generated here (no ../shared needed); ``make soak`` runs the
2,000-row version on the real pages and prints its figures.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3

from bench.hostileweb import build_hostile_web
from bench.soak import run_cli, soak
from crawler.demo.localweb import LocalWeb
from tests.conftest import ROOT

ROWS = 300
TIMEOUT = 3.0
csv.field_size_limit(2**31 - 1)  # the hostile list carries a 300,000-character cell, and so does the output


def _assert_complete(figures: dict) -> None:
    output = figures["output"]
    assert output["results_out"] == output["rows_in"] == ROWS, output["statuses"]
    assert output["in_order"], f"results are not one per row in input order: row, got, expected {output['first_mismatch']}"


def test_soak_every_row_answered_once_in_order_nothing_left(tmp_path):
    figures = soak(tmp_path, rows=ROWS, timeout=TIMEOUT, data=None, deadline=240)
    run = figures["first"]
    assert run.exit_code == 0, run.stderr[-2000:]
    assert run.left == [], run.left
    _assert_complete(figures)
    statuses = figures["output"]["statuses"]
    # The faults were met and answered as what they are, not lost or stalled.
    for reason in ("error/timeout", "error/connection_error", "error/too_large", "error/too_many_redirects",
                   "error/robots_disallowed", "error/invalid_url"):
        assert statuses.get(reason), (reason, statuses)
    assert "error/stalled" not in statuses, statuses
    assert not any(name.startswith(("results.partial", ".results")) for name in figures["partial"]), figures["partial"]


def test_soak_interrupt_writes_checked_rows_then_resume_completes(tmp_path):
    figures = soak(tmp_path, rows=ROWS, timeout=TIMEOUT, mode="interrupt", at=0.4, data=None, deadline=240)
    first, resumed = figures["first"], figures["resume"]
    assert first.exit_code == 130, first.stderr[-2000:]
    assert "interrupted" in first.stderr and "--resume" in first.stderr, first.stderr[-1000:]
    assert first.left == [], first.left
    # The first run's checked rows went to a file named as partial; the final name only once complete.
    assert "results.partial.jsonl" in figures["partial"], figures["partial"]
    assert not figures["final_after_first"], "the interrupted run wrote under the final name"
    assert resumed.exit_code == 0, resumed.stderr[-2000:]
    assert resumed.left == []
    _assert_complete(figures)
    assert not (tmp_path / "results.partial.jsonl").exists(), "the partial file stays after --resume completed it"
    with sqlite3.connect(tmp_path / "soak.db") as db:
        statuses = [status for (status,) in db.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["finished"], statuses  # the interrupted run was resumed, then finished


def _subsequence(items: list, of: list) -> bool:
    walker = iter(of)
    return all(any(item == candidate for candidate in walker) for item in items)


def test_soak_sigterm_marks_run_interrupted_and_writes_checked_rows_in_order(tmp_path):
    with LocalWeb() as web:
        hostile = build_hostile_web(web, ROWS, timeout=TIMEOUT)
        listing = tmp_path / "list.csv"
        listing.write_text(hostile.csv_text, encoding="utf-8")
        out, db = tmp_path / "out.csv", tmp_path / "run.db"
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
        env.update(http_proxy=web.proxy_url, no_proxy=".invalid", PYTHONPATH=str(ROOT))
        run = run_cli(["verify", str(listing), "--out", str(out), "--db", str(db), "--timeout", str(TIMEOUT)], env, db,
                      ROWS, signal_at=0.3, sig=signal.SIGTERM, deadline=240)
    assert run.exit_code == 143, run.stderr[-2000:]
    assert run.left == []
    assert not out.exists(), "an incomplete run must not write under the final name"
    partial = tmp_path / "out.partial.csv"
    assert partial.exists(), "the checked rows are written to a file named as partial"
    with partial.open(encoding="utf-8-sig", newline="") as handle:  # CSV for spreadsheets: with a BOM
        written = [(row["source_url"], row["target"]) for row in csv.DictReader(handle)]
    with sqlite3.connect(db) as connection:
        status, checked = connection.execute("SELECT status, (SELECT COUNT(*) FROM checks) FROM runs").fetchone()
    assert status == "interrupted"
    assert len(written) == checked > 0
    expected = [(r[0], r[1]) for r in csv.reader(io.StringIO(hostile.csv_text))][1:]
    assert _subsequence(written, expected), "checked rows are written in input order"


def test_soak_kill9_leaves_no_process_behind(tmp_path):
    figures = soak(tmp_path, rows=ROWS, timeout=TIMEOUT, mode="kill", at=0.3, data=None, deadline=240)
    assert figures["first"].exit_code == -9
    assert figures["first"].left == [], f"left running 10 s after kill -9: {figures['first'].left}"
    assert figures["resume"].exit_code == 0, figures["resume"].stderr[-2000:]
    _assert_complete(figures)
    results = figures["output"]["results"]
    assert len({json.dumps([r["source_url"], r["target"], r["input"]]) for r in results}) >= ROWS - 2  # one duplicate row
