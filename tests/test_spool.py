"""The on-disk spool a long backlink list is read into before the crawl."""

import os

from crawler.lists.backlinks import iter_rows, read_rows
from crawler.store.spool import RowSpool


def write(tmp_path, text: str) -> str:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


LIST = (
    "source_url,target_url,anchor\n"
    "http://b.com/1,acme.com,one\n"        # 0
    "http://a.com/x,acme.com,two\n"        # 1
    "ftp://bad.com/,acme.com,three\n"      # 2: invalid
    "http://b.com/1,acme.com/pricing,four\n"  # 3: same page, another target
    "http://www.b.com/1/,acme.com,five\n"  # 4: duplicate of row 0
    "http://a.com/y,acme.com,six\n"        # 5
)


def test_groups_come_in_first_mention_order_with_duplicates_marked(tmp_path):
    path = write(tmp_path, LIST)
    with RowSpool(iter_rows(path)) as spool:
        assert len(spool) == 6
        keys = list(spool.group_keys())
        groups = [[(row.index, row.duplicate) for row in spool.group(key)] for key in keys]
        assert groups == [[(0, False), (3, False), (4, True)], [(1, False)], [(5, False)]]
        assert [row.index for row in spool.invalid_rows()] == [2]
        assert sorted(target.raw for target in spool.targets().values()) == ["acme.com", "acme.com/pricing"]
        # The spool marks the same duplicates as the in-memory reader.
        assert [r.duplicate for r in read_rows(path)] == [False, False, False, False, True, False]


def test_skipped_rows_still_count_per_host_but_are_not_handed_out(tmp_path):
    with RowSpool(iter_rows(write(tmp_path, LIST))) as spool:
        spool.skip({0, 2, 3, 4})
        assert [[row.index for row in spool.group(key)] for key in spool.group_keys()] == [[1], [5]]
        assert list(spool.invalid_rows()) == []
        assert [t.raw for t in spool.targets().values()] == ["acme.com"]


def test_fingerprint_follows_the_rows_and_the_file_is_removed(tmp_path):
    path = write(tmp_path, LIST)
    with RowSpool(iter_rows(path)) as first, RowSpool(read_rows(path)) as second:
        assert first.fingerprint == second.fingerprint
        spool_file = first.path
        assert os.path.exists(spool_file)
    assert not os.path.exists(spool_file)
    with RowSpool(iter_rows(write(tmp_path, LIST.replace("six", "seven")))) as changed:
        assert changed.fingerprint != first.fingerprint


def test_rows_come_back_whole_from_the_directory_asked_for(tmp_path):
    path = write(tmp_path, LIST)
    spool_dir = tmp_path / "beside-the-db"
    spool_dir.mkdir()
    with RowSpool(iter_rows(path), directory=spool_dir) as spool:
        assert os.path.dirname(spool.path) == str(spool_dir)
        spooled = [row for key in spool.group_keys() for row in spool.group(key)] + list(spool.invalid_rows())
        # Every field survives, the target included (stored once, shared by its rows) ...
        assert sorted(spooled, key=lambda r: r.index) == read_rows(path)
    # A row with an error keeps the target it had (here --target's, for a plain list).
    plain = tmp_path / "list.txt"
    plain.write_text("ftp://bad.com/\nhttp://a.com/x\n")
    with RowSpool(iter_rows(str(plain), "acme.com"), directory=spool_dir) as spool:
        (bad,) = spool.invalid_rows()
        assert bad.error and bad.target.raw == "acme.com"


def test_a_killed_runs_spool_is_deleted_by_the_next_one(tmp_path):
    """kill -9 leaves the spool of the list behind; the next spool made in that folder deletes the
    spools of processes that are gone, and keeps those of processes still running."""
    import subprocess
    import sys
    from pathlib import Path

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    stale = tmp_path / f".linkverifier-rows-{gone.stdout.strip()}-abc.sqlite"
    running = tmp_path / f".linkverifier-rows-{os.getppid()}-def.sqlite"  # pytest's parent: alive
    other = tmp_path / "notes.sqlite"
    for path in (stale, running, other):
        path.write_bytes(b"x" * 10)
    with RowSpool([], directory=tmp_path) as spool:
        assert Path(spool.path).name.startswith(f".linkverifier-rows-{os.getpid()}-")
        assert not stale.exists() and running.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([running.name, other.name])
