"""Scale-out on a real redis-server: two workers, one killed with SIGKILL midway; every row arrives once.
Redis restarted without its data, a coordinator killed and started again, Redis gone for good: every row
still arrives once, or the run ends in one line with exit 69 and the same command collects the rest."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from collections import Counter

import redis

from crawler.queue.keys import PROCESSING, TASKS
from tests.conftest import ARTICLE_EN, free_port, page, run_cli, start

QUEUE_LOST = 69

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
    # Nothing of the job stays in Redis for ever (a result of a task done twice, sent after the job ended).
    assert all(server.ttl(key) > 0 for key in server.keys("linkverifier:*") if key not in (TASKS.encode(), PROCESSING.encode()))


def test_worker_without_redis_says_so():
    down = run_cli(["worker", "--queue", f"redis://127.0.0.1:{free_port()}/0"])
    assert down.returncode == QUEUE_LOST and "Connection refused" in down.stderr and "Traceback" not in down.stderr
    secret = run_cli(["worker", "--queue", f"redis://:hunter2@127.0.0.1:{free_port()}/0"])
    assert secret.returncode == QUEUE_LOST and "hunter2" not in secret.stderr and ":***@127.0.0.1" in secret.stderr
    wrong = run_cli(["worker", "--queue", "http://127.0.0.1:6379/0"])
    assert wrong.returncode == 2 and "--queue" in wrong.stderr


def _job(web, tmp_path, redis_url, pages: int = 24, delay: float = 0.5):
    """A list of ``pages`` slow pages that each link to TARGET, and the coordinator's command for it."""
    urls = [f"http://queue{i % 4}.example.com/p{i}" for i in range(pages)]
    for url in urls:
        web.add(url, page(f"<article>{ARTICLE_EN}<p>The <a href='{TARGET}'>Acme</a> whitepaper.</p></article>"), delay=delay)
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    command = ["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--queue", redis_url,
               "--db", str(tmp_path / "q.db"), "--out", str(out)]
    return urls, out, command


def _collected(db) -> int:
    """Rows in the coordinator's database so far (read-only: the test must not create the file first)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            return connection.execute("SELECT count(DISTINCT row_number) FROM checks").fetchone()[0]
    except sqlite3.OperationalError:  # its tables are not there yet
        return 0


def _wait_for(predicate, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def _every_row_once(urls, out, db) -> None:
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["source_url"] for r in results] == urls
    assert {r["status"] for r in results} == {"live"}
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(DISTINCT row_number) FROM checks").fetchone()[0] == len(urls)


def _stop(process) -> tuple[str, str]:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def test_redis_restarted_without_its_data_loses_no_row(web, tmp_path, redis_server):
    urls, out, command = _job(web, tmp_path, redis_server.url)
    coordinator = start(command, web)
    worker = start(["worker", "--queue", redis_server.url, "--concurrency", "2"], web)
    try:
        _wait_for(lambda: _collected(tmp_path / "q.db") >= 4)
        redis_server.kill()  # its tasks, leases and results are gone with it
        time.sleep(2)
        redis_server.start()
        stdout, stderr = coordinator.communicate(timeout=180)
        assert worker.poll() is None, "the worker ended with the outage"
    finally:
        _stop(coordinator)
        worker_out, worker_err = _stop(worker)
    assert coordinator.returncode == 0, stderr
    assert "lost (" in stderr and "back after" in stderr and "pushed again" in stderr
    assert "lost (" in worker_err and "back after" in worker_err
    assert "Traceback" not in stderr + worker_err
    _every_row_once(urls, out, tmp_path / "q.db")


def test_a_coordinator_killed_midway_is_continued_by_the_same_command(web, tmp_path, redis_url):
    urls, out, command = _job(web, tmp_path, redis_url)
    first = start(command, web)
    worker = start(["worker", "--queue", redis_url, "--concurrency", "2"], web)
    try:
        _wait_for(lambda: _collected(tmp_path / "q.db") >= 4)
        os.killpg(first.pid, signal.SIGKILL)  # results it took from Redis are in its database only
        first.wait(10)
        second = start(command, web)
        stdout, stderr = second.communicate(timeout=180)
    finally:
        for process in (first, worker):
            _stop(process)
    assert second.returncode == 0, stderr
    assert "going on with run 1" in stderr
    _every_row_once(urls, out, tmp_path / "q.db")
    with sqlite3.connect(tmp_path / "q.db") as connection:
        assert connection.execute("SELECT count(*) FROM runs WHERE status = 'finished'").fetchone() == (1,)


def test_redis_gone_past_queue_wait_ends_both_in_one_line_then_the_same_command_finishes(web, tmp_path, redis_server):
    urls, out, command = _job(web, tmp_path, redis_server.url)
    env = {"LINKVERIFIER_QUEUE_WAIT": "3"}
    coordinator = start(command, web, env)
    worker = start(["worker", "--queue", redis_server.url, "--concurrency", "2"], web, env)
    try:
        _wait_for(lambda: _collected(tmp_path / "q.db") >= 4)
        redis_server.kill()
        _, stderr = coordinator.communicate(timeout=60)
        _, worker_err = worker.communicate(timeout=60)
    finally:
        _stop(coordinator)
        _stop(worker)
    assert coordinator.returncode == QUEUE_LOST, stderr
    assert worker.returncode == QUEUE_LOST, worker_err
    assert "unreachable for 3 s" in stderr and "run the same command when Redis is back" in stderr
    assert "worker stopped: queue" in worker_err
    assert "Traceback" not in stderr + worker_err
    assert _collected(tmp_path / "q.db") < len(urls)
    # Redis is back, empty: the same command collects what the first run did not.
    redis_server.start()
    again = start(command, web)
    worker = start(["worker", "--queue", redis_server.url, "--concurrency", "2"], web)
    try:
        _, stderr = again.communicate(timeout=180)
    finally:
        _stop(again)
        _stop(worker)
    assert again.returncode == 0, stderr
    _every_row_once(urls, out, tmp_path / "q.db")


def test_entries_in_the_queue_that_are_not_ours_are_dropped_in_one_line(web, tmp_path, redis_url):
    urls, out, command = _job(web, tmp_path, redis_url, pages=8, delay=0.0)
    server = redis.Redis.from_url(redis_url)
    coordinator = start(command, web)
    worker = None
    try:
        _wait_for(lambda: server.keys("linkverifier:*:queued"))
        job = server.keys("linkverifier:*:queued")[0].decode()[len("linkverifier:"):-len(":queued")]
        # Another program's entries, or another version's, under our keys: each broke a worker's batch (a
        # traceback, its tasks leased until they expired to break the next) or ended the coordinator.
        server.rpush(TASKS, b"not json", b'{"job": "x"}', b"[1, 2]", b"\xff\xfe")
        server.rpush(f"linkverifier:{job}:results", b"not json", b'{"row": 99999}', b'{"no": "row"}')
        worker = start(["worker", "--queue", redis_url, "--concurrency", "2"], web)
        _, stderr = coordinator.communicate(timeout=120)
    finally:
        _stop(coordinator)
        _, worker_err = _stop(worker) if worker else ("", "")
    assert coordinator.returncode == 0, stderr
    assert stderr.count("a result in the queue could not be read") == 3
    assert worker_err.count("a task in the queue could not be read") == 4
    assert "Traceback" not in stderr + worker_err
    assert not server.zcard(PROCESSING)
    _every_row_once(urls, out, tmp_path / "q.db")


def test_a_second_coordinator_for_the_same_input_stops_at_once_and_no_page_is_fetched_twice(web, tmp_path, redis_url):
    urls, out, command = _job(web, tmp_path, redis_url, pages=12, delay=0.2)
    server = redis.Redis.from_url(redis_url)
    first = start(command, web)
    second = worker = None
    try:
        _wait_for(lambda: server.keys("linkverifier:*:queued"))
        # The same command on a second machine (its own database and output), or a cron job firing twice:
        # both took half the results, then pushed the other half again as owed.
        twin = command[:6] + ["--db", str(tmp_path / "twin.db"), "--out", str(tmp_path / "twin.jsonl")]
        second = start(twin, web)
        _, second_err = second.communicate(timeout=60)
        worker = start(["worker", "--queue", redis_url, "--concurrency", "2"], web)
        _, stderr = first.communicate(timeout=180)
    finally:
        for process in (first, second, worker):
            if process:
                _stop(process)
    assert second.returncode == 75, second_err
    assert f"another coordinator (pid {first.pid} on " in second_err and "Traceback" not in second_err
    assert not (tmp_path / "twin.jsonl").exists()
    assert first.returncode == 0, stderr
    _every_row_once(urls, out, tmp_path / "q.db")
    fetched = Counter(entry.split("?")[0] for entry in web.log)
    assert all(fetched[url.split("//")[1]] == 1 for url in urls), fetched
    assert not server.keys("linkverifier:*:coordinator")  # let go of at the end
