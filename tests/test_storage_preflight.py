"""An output folder that cannot be written ends a command before any fetch, in one line, exit 2,
with no traceback and no run record left ``running`` (#26's first part).

The folder is made unwritable for real: by its mode for an ordinary user, by a read-only tmpfs
mount for root (whom modes do not stop), else by a path through a regular file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from crawler.demo.localweb import LocalWeb
from tests.conftest import ARTICLE_EN, page, run_cli

TARGET = "http://www.acme-secure.com/whitepaper"


@pytest.fixture
def unwritable(tmp_path):
    folder = tmp_path / "readonly"
    folder.mkdir()
    mounted = False
    if os.geteuid() != 0:
        folder.chmod(0o555)
    elif subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)], capture_output=True).returncode == 0:
        mounted = True
    else:
        folder.rmdir()
        folder.write_text("a file where a folder should be")
    # Whatever made it so, no file can be created there.
    with pytest.raises(OSError):
        (folder / "probe").write_text("x")
    yield folder
    if mounted:
        subprocess.run(["umount", str(folder)], check=True)
    elif folder.is_dir():
        folder.chmod(0o755)


def _one_clear_line(run, path: Path):
    assert run.returncode == 2, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(path) in lines[0] and "cannot write" in lines[0], run.stderr
    assert "Traceback" not in run.stderr


def test_verify_into_an_unwritable_folder_fetches_nothing(tmp_path, unwritable):
    out = unwritable / "results.jsonl"
    db = tmp_path / "lv.db"
    with LocalWeb() as web:
        web.add("http://blog.example.com/a", page(f'{ARTICLE_EN}<p><a href="{TARGET}">whitepaper</a></p>'))
        (tmp_path / "links.txt").write_text("http://blog.example.com/a\n")
        run = run_cli(["verify", str(tmp_path / "links.txt"), "--target", TARGET, "--out", str(out), "--db", str(db)], web)
        fetched = list(web.log)
    _one_clear_line(run, out)
    assert fetched == []
    if db.exists():  # no run was opened, so none can be left running
        with sqlite3.connect(db) as connection:
            assert connection.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0] == 0


@pytest.mark.parametrize("command", ["report", "disavow"])
def test_report_and_disavow_into_an_unwritable_folder(tmp_path, unwritable, command):
    from crawler.store.database import Store

    Store(str(tmp_path / "lv.db")).close()  # a database to report on: only the output folder is wrong
    out = unwritable / ("report.html" if command == "report" else "disavow.txt")
    run = run_cli([command, "--db", str(tmp_path / "lv.db"), "--out", str(out)])
    _one_clear_line(run, out)


def test_demo_into_an_unwritable_folder(unwritable):
    run = run_cli(["demo", "--out-dir", str(unwritable / "demo")])
    _one_clear_line(run, unwritable / "demo")
