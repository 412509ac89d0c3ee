"""``linkverifier serve``: the database in Datasette, read-only, on loopback, stopped cleanly by SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from crawler.reports.serve import QUERIES
from tests.conftest import ARTICLE_EN, ROOT, free_port, page, run_cli

TARGET = "http://www.acme-secure.com/whitepaper"
HOSTILE = "<script>document.title='pwned'</script>"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """Two checks of the same list: one link lost in between, one page down at the second check (an error
    tells nothing about its link: not lost); a page with a hostile title."""
    from crawler.demo.localweb import LocalWeb

    tmp = tmp_path_factory.mktemp("serve")
    db = tmp / "lv.db"
    urls = ["http://blog.example.com/a", "http://news.example.org/b", "http://down.example.net/c"]
    (tmp / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    with LocalWeb() as web:
        link = f'<p>The <a href="{TARGET}">whitepaper</a> explains it.</p>'
        web.add(urls[0], page(f"<article>{ARTICLE_EN}{link}</article>", title=HOSTILE))
        web.add(urls[1], page(f"<article>{ARTICLE_EN}{link}</article>"))
        web.add(urls[2], page(f"<article>{ARTICLE_EN}{link}</article>"))
        for _ in range(2):
            assert run_cli(["verify", str(tmp / "list.txt"), "--target", TARGET, "--db", str(db), "-q"], web).returncode == 0
            web.add(urls[1], page(f"<article>{ARTICLE_EN}</article>"))  # removed before the second check
            web.add(urls[2], b"<h1>Internal Server Error</h1>", status=500)  # down at the second check
    return db


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def served(database):
    """The server on a port the system chooses (--port 0): the line it prints says which."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--db", str(database), "--port", "0"],
                               env={**env, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said = process.stderr.readline()
    found = re.search(r"at (http://127\.0\.0\.1:(\d+))/linkverifier ", said)
    assert found and found.group(2) != "0", said
    base = found.group(1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(f"{base}/-/versions.json")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    yield base, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_every_page_and_canned_query_answers_read_only(served, database):
    base, process = served
    status, body = _get(f"{base}/linkverifier")
    assert status == 200 and b"Links lost since their previous check" in body
    for name in QUERIES:
        status, body = _get(f"{base}/linkverifier/{name}.json?_shape=array")
        assert status == 200, (name, body[:300])
        assert isinstance(json.loads(body), list)
    lost = json.loads(_get(f"{base}/linkverifier/lost_links.json?_shape=array")[1])
    assert [(row["source_url"], row["reason"]) for row in lost] == [("http://news.example.org/b", "link_removed")]
    status, body = _get(f"{base}/linkverifier/checks")
    assert status == 200 and b"probability that a person calls the two pages the same topic" in body  # column help
    # Crawled strings are escaped, never markup.
    status, body = _get(f"{base}/linkverifier/pages")
    assert status == 200 and HOSTILE.encode() not in body and b"&lt;script&gt;" in body
    # Nothing writes: arbitrary SQL may only read.
    status, _ = _get(f"{base}/linkverifier.json?sql=DELETE+FROM+checks")
    assert status >= 400
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM checks").fetchone()[0] == 6


def test_sigterm_stops_it_cleanly(served):
    base, process = served
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    assert process.returncode in (0, -signal.SIGTERM)
    assert "Traceback" not in process.stderr.read()
    with pytest.raises(OSError):
        _get(f"{base}/linkverifier")


def test_a_port_in_use_is_one_line_and_exit_2(database):
    """uvicorn met it after "serving ..." had been said, logged it its own way and exited 3."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        run = run_cli(["serve", "--db", str(database), "--port", str(port)])
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip() == f"linkverifier: cannot listen on 127.0.0.1:{port}: Address already in use"


def test_a_missing_database_is_one_line_and_exit_2(tmp_path):
    run = run_cli(["serve", "--db", str(tmp_path / "none.db"), "--port", str(free_port())])
    assert run.returncode == 2 and run.stderr.strip().count("\n") == 0 and "no database" in run.stderr
