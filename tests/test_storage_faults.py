"""Storage failing under a run (#26): a full disk ends the run in order, a locked database is waited for.

Through the real CLI and a real SQLite file: the disk is a small tmpfs mounted for the test (root only;
elsewhere the database is capped with ``PRAGMA max_page_count`` by a ``sitecustomize`` the test writes,
which SQLite reports as the same "database or disk is full"). The lock is a real write transaction held
by the test's own connection, as a DB browser or a ``recheck`` from cron would hold it.

Every test asserts that the run ends, says what happened in one line (no traceback) and loses no
answered row: what the database kept is what ``--resume`` does not fetch again.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ARTICLE_EN, ROOT, page, run_cli

TARGET = "http://www.acme-secure.com/whitepaper"
EXIT_STORAGE = 74


def _web_of(web, count: int, delay: float = 0.0) -> list[str]:
    urls = [f"http://blog{i % 20}.example.com/post-{i}" for i in range(count)]
    for url in urls:
        web.add(url, page(f'<article>{ARTICLE_EN}<p>The <a href="{TARGET}">whitepaper</a> explains it.</p></article>'),
                delay=delay)
    return urls


class SmallDisk:
    """A folder on a filesystem of ``size`` that can be grown, or (without mount) a database cap."""

    def __init__(self, folder: Path, tmp_path: Path, size: str):
        self.folder = folder
        folder.mkdir()
        self.mounted = os.geteuid() == 0 and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True).returncode == 0
        self.env: dict[str, str] = {}
        if not self.mounted:  # SQLite's own limit: 100 pages of 4 KB, the same error as a full disk
            hook = tmp_path / "hook"
            hook.mkdir()
            (hook / "sitecustomize.py").write_text(
                "import crawler.store.database as d\n"
                "_init = d.Store.__init__\n"
                "def _capped(self, *a, **k):\n"
                "    _init(self, *a, **k)\n"
                "    self.connection.execute('PRAGMA max_page_count = 100')\n"
                "d.Store.__init__ = _capped\n")
            self.env = {"PYTHONPATH": f"{hook}{os.pathsep}{ROOT}"}

    def grow(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,size=64m", str(self.folder)], check=True)
        self.env = {}

    def release(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.folder)], check=False)


@pytest.fixture
def small_disk(tmp_path):
    disk = SmallDisk(tmp_path / "disk", tmp_path, "400k")
    yield disk
    disk.release()


def _stop_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("linkverifier: stopped:")]
    assert len(lines) == 1, stderr
    return lines[0]


def _checked(line: str) -> tuple[int, int, str]:
    match = re.search(r": (\d+) of (\d+) rows checked, (\d+) written to ([^\s;]+)", line)
    assert match, line
    return int(match[1]), int(match[3]), match[4]


def _stored(db: Path) -> set[str]:
    with sqlite3.connect(db) as connection:
        return {url for (url,) in connection.execute(
            "SELECT b.source_url FROM checks c JOIN backlinks b ON b.id = c.backlink_id")}


def _statuses(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [status for (status,) in connection.execute("SELECT status FROM runs ORDER BY id")]


def test_disk_full_under_the_database_ends_the_run_then_resume_completes_it(web, tmp_path, small_disk):
    urls = _web_of(web, 400)
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    db, out = small_disk.folder / "lv.db", tmp_path / "out.jsonl"
    args = ["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--db", str(db), "--out", str(out)]

    run = run_cli(args, web, env=small_disk.env)
    assert run.returncode == EXIT_STORAGE, run.stderr
    line = _stop_line(run.stderr)
    assert f"disk full on {db}" in line and "free some space" in line and "--resume" in line, line
    checked, written, where = _checked(line)
    assert 0 < checked < 400 and written == checked
    assert where == str(tmp_path / "out.partial.jsonl") and not out.exists()
    partial = [json.loads(text) for text in Path(where).read_text(encoding="utf-8").splitlines()]
    sources = [r["source_url"] for r in partial]
    assert [url for url in urls if url in set(sources)] == sources  # in input order
    assert len(set(sources)) == checked and all(r["status"] == "live" for r in partial)
    assert _statuses(db) == ["stopped: disk full"]
    stored = _stored(db)
    assert stored <= {r["source_url"] for r in partial}  # the database kept a part of what the output holds

    small_disk.grow()
    requests_before = len(web.log)
    resumed = run_cli([*args, "--resume"], web, out=out, env=small_disk.env)
    assert resumed.returncode == 0, resumed.stderr
    assert [r["source_url"] for r in resumed.results] == urls  # every row, once, in order
    assert all(r["status"] == "live" for r in resumed.results)
    assert {f"http://{path}" for path in web.log[requests_before:]} & stored == set()
    assert _statuses(db) == ["finished"]


def test_output_on_the_same_full_disk_goes_to_stdout(web, tmp_path, small_disk):
    if not small_disk.mounted:
        pytest.skip("a full disk under the output file needs a tmpfs mount (root)")
    urls = _web_of(web, 400)
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    db, out = small_disk.folder / "lv.db", small_disk.folder / "out.jsonl"
    run = run_cli(["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--db", str(db), "--out", str(out)], web)
    assert run.returncode == EXIT_STORAGE, run.stderr
    line = _stop_line(run.stderr)
    checked, written, where = _checked(line)
    assert where == "stdout" and "the output could not be written" in line, line
    rows = [json.loads(text) for text in run.stdout.splitlines() if text.strip()]
    assert len(rows) == written == checked > 0
    sources = [r["source_url"] for r in rows]
    assert [url for url in urls if url in set(sources)] == sources  # in input order, each once
    assert not list(small_disk.folder.glob("*out*"))  # no half-written file left behind


class Lock:
    """A write transaction another program holds on the database."""

    def __init__(self, db: Path):
        self.connection = sqlite3.connect(db, timeout=30, isolation_level=None)

    def take(self) -> None:
        self.connection.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        self.connection.execute("COMMIT")
        self.connection.close()


def _start(args: list[str], web) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    env.update(http_proxy=web.proxy_url, no_proxy="", PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _lock_after(db: Path, checks: int, process: subprocess.Popen) -> Lock:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db) as connection:
                    if connection.execute("SELECT count(*) FROM checks").fetchone()[0] >= checks:
                        break
            except sqlite3.Error:
                pass
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before the lock was taken"
    lock = Lock(db)
    lock.take()
    return lock


def _run_past_a_lock(web, tmp_path, urls: list[str], checks: int) -> tuple[subprocess.Popen, str, list[str]]:
    """Run ``verify`` over ``urls`` with ``--db-wait 3`` and hold the database locked from the ``checks``-th
    stored check until the run has ended: ``(process, its stderr, the command's arguments)``."""
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    args = ["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--db", str(tmp_path / "lv.db"),
            "--out", str(tmp_path / "out.jsonl"), "--concurrency", "4"]
    process = _start([*args, "--db-wait", "3"], web)
    lock = _lock_after(tmp_path / "lv.db", checks, process)
    try:
        _stdout, stderr = process.communicate(timeout=240)  # ends while the lock is still held
    finally:
        lock.release()
    return process, stderr, args


def test_a_lock_released_within_db_wait_is_waited_for_and_the_run_goes_on(web, tmp_path):
    urls = _web_of(web, 120, delay=0.1)
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    db, out = tmp_path / "lv.db", tmp_path / "out.jsonl"
    process = _start(["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--db", str(db), "--out", str(out),
                      "--concurrency", "4", "--db-wait", "60"], web)
    lock = _lock_after(db, 20, process)
    time.sleep(5)
    lock.release()
    stdout, stderr = process.communicate(timeout=240)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert f"waiting for the database lock on {db}" in stderr and "got the database lock" in stderr, stderr
    results = [json.loads(text) for text in out.read_text(encoding="utf-8").splitlines()]
    assert [r["source_url"] for r in results] == urls
    assert _statuses(db) == ["finished"] and len(_stored(db)) == len(urls)


def test_a_lock_held_past_db_wait_ends_the_run_and_resume_completes_it(web, tmp_path):
    # Pages slow enough that the 100 rows left after the lock is taken need 7.5 s at --concurrency 4, past
    # the 3 s --db-wait: with 0.1 s a page a loaded machine once checked all 120 rows inside the wait.
    urls = _web_of(web, 120, delay=0.3)
    db, out = tmp_path / "lv.db", tmp_path / "out.jsonl"
    process, stderr, args = _run_past_a_lock(web, tmp_path, urls, 20)
    assert process.returncode == EXIT_STORAGE, stderr
    assert f"waiting for the database lock on {db}" in stderr
    line = _stop_line(stderr)
    assert f"database locked on {db}" in line and "--resume" in line, line
    checked, written, where = _checked(line)
    assert 20 <= checked < len(urls) and written == checked
    partial = [json.loads(text) for text in Path(where).read_text(encoding="utf-8").splitlines()]
    assert len({r["source_url"] for r in partial}) == checked
    stored = _stored(db)

    requests_before = len(web.log)
    resumed = run_cli([*args, "--resume"], web, out=out)
    assert resumed.returncode == 0, resumed.stderr
    assert [r["source_url"] for r in resumed.results] == urls
    assert {f"http://{path}" for path in web.log[requests_before:]} & stored == set()
    assert _statuses(db) == ["finished"]


def test_a_lock_on_the_last_rows_still_says_resume_and_resume_finishes_the_run(web, tmp_path):
    # Every row is answered (the last two, slow, while the lock is held) but those two cannot be stored:
    # the run is unfinished in the database and its output stays .partial, so the stop line must still
    # name --resume, and --resume must fetch those two only and finish the run.
    urls = _web_of(web, 30)
    for url in urls[-2:]:
        web.add(url, page(f'<article>{ARTICLE_EN}<p>The <a href="{TARGET}">whitepaper</a> explains it.</p></article>'),
                delay=2.0)
    db, out = tmp_path / "lv.db", tmp_path / "out.jsonl"
    process, stderr, args = _run_past_a_lock(web, tmp_path, urls, 28)
    assert process.returncode == EXIT_STORAGE, stderr
    line = _stop_line(stderr)
    checked, written, where = _checked(line)
    assert checked == written == len(urls) and where.endswith(".partial.jsonl"), line
    assert "run the same command with --resume to finish it" in line, line
    stored = _stored(db)
    assert len(stored) < len(urls) and _statuses(db) == ["running"]

    requests_before = len(web.log)
    resumed = run_cli([*args, "--resume"], web, out=out)
    assert resumed.returncode == 0, resumed.stderr
    assert [r["source_url"] for r in resumed.results] == urls
    refetched = {f"http://{path}" for path in web.log[requests_before:]} & set(urls)  # not robots.txt, the target
    assert refetched == set(urls) - stored
    assert _statuses(db) == ["finished"] and not Path(where).exists()


@pytest.mark.parametrize("tables", [True, False], ids=["used-before", "new-file"])
def test_a_database_locked_at_the_start_is_waited_for_visibly(web, tmp_path, tables):
    urls = _web_of(web, 10)
    db = tmp_path / "lv.db"
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    args = ["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--db", str(db), "--out", str(tmp_path / "out.jsonl")]
    if tables:
        assert run_cli(args, web).returncode == 0  # the database exists
    # A new file locked before its tables exist: what two runs started at once on one new --db meet.
    lock = Lock(db)
    lock.take()
    process = _start([*args, "--db-wait", "60"], web)
    time.sleep(3)
    lock.release()
    stdout, stderr = process.communicate(timeout=240)
    assert process.returncode == 0, stderr
    assert f"waiting for the database lock on {db}" in stderr and "Traceback" not in stderr, stderr
    assert _statuses(db) == ["finished", "finished"] if tables else ["finished"]


def test_two_runs_on_one_database_both_finish(web, tmp_path):
    urls = _web_of(web, 60)
    db = tmp_path / "lv.db"
    lists = []
    for name, part in (("a", urls[:30]), ("b", urls[30:])):
        lists.append(tmp_path / f"{name}.txt")
        lists[-1].write_text("\n".join(part) + "\n", encoding="utf-8")
    processes = [_start(["verify", str(path), "--target", TARGET, "--db", str(db), "--out", str(path.with_suffix(".jsonl"))], web)
                 for path in lists]
    for process in processes:
        _, stderr = process.communicate(timeout=240)
        assert process.returncode == 0 and "Traceback" not in stderr, stderr
    for path in lists:
        assert len(path.with_suffix(".jsonl").read_text(encoding="utf-8").splitlines()) == 30
    assert _statuses(db) == ["finished", "finished"] and len(_stored(db)) == 60


@pytest.mark.parametrize("command", ["report", "hreflang"])
def test_a_full_disk_under_a_written_file_is_one_line_and_exit_74(web, tmp_path, command):
    if os.geteuid() != 0:
        pytest.skip("a disk that fills up after the probe file needs a tmpfs mount (root)")
    disk = SmallDisk(tmp_path / "disk", tmp_path, "256k")
    try:
        # Full: the (empty) probe file still fits, the report or the audit does not.
        (disk.folder / "filler").write_bytes(b"\0" * 256 * 1024)
        if command == "report":
            db = tmp_path / "lv.db"
            urls = _web_of(web, 3)
            assert run_cli(["verify", "-", "--target", TARGET, "--db", str(db)], web, stdin="\n".join(urls)).returncode == 0
            out = disk.folder / "report.html"
            run = run_cli(["report", "--db", str(db), "--out", str(out)])
        else:
            web.add("http://shop.example.com/", page("<p>Hello</p>", head='<link rel="alternate" hreflang="de" href="http://shop.example.com/de/">'))
            web.add("http://shop.example.com/de/", page("<p>Hallo</p>", head='<link rel="alternate" hreflang="en" href="http://shop.example.com/">'))
            out = disk.folder / "hreflang.jsonl"
            run = run_cli(["hreflang", "http://shop.example.com/", "--db", str(tmp_path / "lv.db"), "--out", str(out)], web)
        assert run.returncode == EXIT_STORAGE, run.stderr
        line = _stop_line(run.stderr)
        assert "disk full on" in line and str(disk.folder) in line, line
        assert [text for text in run.stderr.splitlines() if text.strip()] == [line]
        assert not list(disk.folder.glob(".*partial"))  # no half-written file left behind
    finally:
        disk.release()


def test_the_output_folder_removed_during_the_run_sends_the_results_to_stdout(web, tmp_path):
    """Its folder deleted while the pages were fetched (a cleanup job, a user), the output could not be
    renamed into place: an "internal error" traceback, the results nowhere. Now one line, exit 74, and
    the results on stdout."""
    import shutil

    urls = [f"http://slow{i}.example.com/post" for i in range(3)]
    for url in urls:
        web.add(url, page(f"<article>{ARTICLE_EN}<p><a href='{TARGET}'>Acme</a></p></article>"), delay=2.0)
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    folder = tmp_path / "results"
    env = dict(os.environ, http_proxy=web.proxy_url, no_proxy="", PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", "verify", str(tmp_path / "list.txt"), "--target",
                                TARGET, "--db", str(tmp_path / "lv.db"), "--out", str(folder / "out.jsonl")],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(folder.glob(".*partial")) and time.monotonic() < deadline:
        time.sleep(0.05)
    shutil.rmtree(folder)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == EXIT_STORAGE, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    line = _stop_line(stderr)
    assert "folder removed" in line and "written to stdout" in line, line
    assert [json.loads(text)["source_url"] for text in stdout.splitlines() if text.strip()] == urls
