"""A run killed with SIGKILL resumes with --resume: every row once, no finished page fetched again."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from tests.conftest import ARTICLE_EN, ROOT, page, run_cli

TARGET = "http://www.acme.com/page"
PAGES = 40


def test_sigkill_at_40_percent_then_resume(web, tmp_path):
    urls = [f"http://site{i % 8}.example.com/p{i}" for i in range(PAGES)]
    link = f'<a href="{TARGET}">Acme</a>'
    for i, url in enumerate(urls):
        # site7 links from its footer on all 5 pages: sitewide must count the pages checked before the kill too.
        body = f"<article>{ARTICLE_EN}</article><footer>{link}</footer>" if i % 8 == 7 else f"<article>{ARTICLE_EN}<p>The {link} whitepaper explains these exploits.</p></article>"
        web.add(url, page(body), delay=0.3)
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    db, out = tmp_path / "r.db", tmp_path / "out.jsonl"
    args = ["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--db", str(db), "--out", str(out), "--concurrency", "4"]
    env = dict(os.environ, http_proxy=web.proxy_url, no_proxy="", PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", *args, "-q"], env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done_before = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and done_before < PAGES * 0.4:
        time.sleep(0.1)
        if db.exists():
            try:
                with sqlite3.connect(db) as connection:
                    done_before = connection.execute("SELECT count(*) FROM checks").fetchone()[0]
            except sqlite3.Error:
                continue
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert PAGES * 0.4 <= done_before < PAGES, done_before
    assert not out.exists()  # the output only appears complete
    with sqlite3.connect(db) as connection:
        finished = {row[0] for row in connection.execute("SELECT b.source_url FROM checks c JOIN backlinks b ON b.id = c.backlink_id")}
    requests_before = len(web.log)

    assert len(list(tmp_path.glob(".linkverifier-rows-*"))) == 1  # the killed run's spool of the list

    run = run_cli([*args, "--resume"], web, out=out)
    assert run.returncode == 0, run.stderr
    # The resumed run deleted the spool the killed one could not; its own is gone with it.
    assert list(tmp_path.glob(".linkverifier-rows-*")) == []
    assert "resuming run 1" in run.stderr
    assert [r["source_url"] for r in run.results] == urls  # every row, once, in order
    assert all(r["status"] == "live" for r in run.results)
    assert [("sitewide" in r["flags"]) for r in run.results] == [i % 8 == 7 for i in range(PAGES)]
    fetched_again = {f"http://{path}" for path in web.log[requests_before:]} & finished
    assert fetched_again == set()
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT status, rows FROM runs").fetchall() == [("finished", PAGES)]
        assert connection.execute("SELECT count(*) FROM checks").fetchone()[0] == PAGES


def test_resume_without_an_unfinished_run_starts_fresh(web, tmp_path):
    web.add("http://a.example.com/1", page(f'<a href="{TARGET}">x</a>'))
    run = run_cli(["verify", "-", "--target", TARGET, "--db", str(tmp_path / "d.db"), "--resume"], web, stdin="http://a.example.com/1\n")
    assert run.returncode == 0 and "nothing to resume" in run.stderr
    assert json.dumps(run.results[0]["status"]) == '"live"'
