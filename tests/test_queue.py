"""Scale-out on a real redis-server: two workers, one killed with SIGKILL midway; every row arrives once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time

import redis

from crawler.queue.keys import PROCESSING
from tests.conftest import ARTICLE_EN, free_port, page, run_cli, start

TARGET = "http://www.acme.com/page"
PAGES = 30


def test_two_workers_one_killed_every_row_once(web, tmp_path, redis_url):
    urls = [f"http://site{i % 6}.example.com/p{i}" for i in range(PAGES)]
    link = f'<a href="{TARGET}">Acme</a>'
    for i, url in enumerate(urls):
        # site5 links from its footer on every page: sitewide, decided by the coordinator over the whole run.
        body = f"<article>{ARTICLE_EN}</article><footer>{link}</footer>" if i % 6 == 5 else f"<article>{ARTICLE_EN}<p>The {link} whitepaper explains these exploits.</p></article>"
        web.add(url, page(body), delay=1.0)
    lines = urls + ["ftp://not-a-page/", urls[0]]  # an invalid row and a duplicate too
    (tmp_path / "list.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    coordinator = start(["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--queue", redis_url,
                         "--db", str(tmp_path / "q.db"), "--out", str(out)], web)
    worker_args = ["worker", "--queue", redis_url, "--visibility-timeout", "4", "--concurrency", "4"]
    workers = [start(worker_args, web)]
    server = redis.Redis.from_url(redis_url)
    try:
        # Kill the first worker while it holds leased tasks (each page answers after 1 s).
        deadline = time.monotonic() + 120
        while not server.zcard(PROCESSING) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.zcard(PROCESSING), "the first worker never took a task"
        workers.append(start(worker_args, web))
        os.killpg(workers[0].pid, signal.SIGKILL)
        stdout, stderr = coordinator.communicate(timeout=240)
    finally:
        for process in workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        if coordinator.poll() is None:
            os.killpg(coordinator.pid, signal.SIGKILL)
    assert coordinator.returncode == 0, stderr
    assert "task(s) of a lost worker back in the queue" in stderr  # the killed worker's leases expired
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["source_url"] for r in results] == lines
    assert [r["status"] for r in results] == ["live"] * PAGES + ["error", "live"]
    assert "duplicate_row" in results[-1]["flags"]
    assert [("sitewide" in r["flags"]) for r in results[:PAGES]] == [i % 6 == 5 for i in range(PAGES)]
    with sqlite3.connect(tmp_path / "q.db") as db:
        assert db.execute("SELECT count(*), count(DISTINCT row_number) FROM checks").fetchone() == (len(lines), len(lines))


def test_worker_without_redis_says_so():
    down = run_cli(["worker", "--queue", f"redis://127.0.0.1:{free_port()}/0"])
    assert down.returncode == 1 and "Connection refused" in down.stderr and "Traceback" not in down.stderr
    wrong = run_cli(["worker", "--queue", "http://127.0.0.1:6379/0"])
    assert wrong.returncode == 2 and "--queue" in wrong.stderr
