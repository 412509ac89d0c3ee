"""A backlink list spooled to a temporary SQLite file, so a long list costs no memory.

``verify`` reads the list once as a stream (``crawler.lists.backlinks.iter_rows``) into
this spool, working out on the way what needs the whole list: its
fingerprint (for ``--resume``), which rows repeat a (source, target) pair,
and the distinct targets. The crawl then takes source pages one group at a time (every row
naming the same page), in the order the list first names them, and holds
only the groups in flight.

The file lives beside the database when the CLI makes it (``/tmp`` is often
memory), else in the system's temporary directory, and is deleted on close.
A process killed with SIGKILL cannot delete its spool: its name carries the
process id, and the next spool made in that folder deletes those of processes
that are gone, so crashes do not pile up copies of a long list.
Rows are stored pickled, their targets once each: the file is ours, written
and read by one process.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Container, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from crawler.lists.backlinks import Row
from extract.urls import Target

__all__ = ["RowSpool", "remove_stale_spools", "spool_directory"]


_BATCH = 2000
_SCHEMA = """
CREATE TABLE rows (
    idx INTEGER PRIMARY KEY,  -- the row's position in the input
    fetch_key TEXT,           -- the source page; NULL for a row with an error
    target_key TEXT,
    duplicate INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,  -- checked by an earlier run (--resume)
    row BLOB NOT NULL                 -- without its target when it has a target_key
);
CREATE TABLE targets (key TEXT PRIMARY KEY, target BLOB NOT NULL) WITHOUT ROWID;
"""
_ROW = "SELECT r.row, r.duplicate, t.target FROM rows AS r LEFT JOIN targets AS t ON t.key = r.target_key"


@lru_cache(maxsize=1024)
def _target(blob: bytes) -> Target:
    """One Target object per stored target: rows that share one share it."""
    return pickle.loads(blob)


def spool_directory(db: str | os.PathLike) -> Path | None:
    """Where a spool goes: beside the database (``/tmp`` is often memory), else None (the system's temporary directory)."""
    directory = Path(db).resolve().parent
    return directory if directory.is_dir() and os.access(directory, os.W_OK) else None


_PREFIX = ".linkverifier-rows-"


def remove_stale_spools(directory: str | os.PathLike | None) -> list[Path]:
    """Delete the spools in ``directory`` (None: the system's temporary one) whose process is gone; the ones deleted."""
    if os.name != "posix":  # elsewhere os.kill(pid, 0) is no harmless probe
        return []
    removed = []
    for path in Path(directory or tempfile.gettempdir()).glob(f"{_PREFIX}*-*.sqlite"):
        pid = path.name[len(_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:  # another run removed it first, or the folder is read-only: not ours to fail on
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except PermissionError:  # alive, another user's
        return True
    except (ProcessLookupError, OverflowError):  # gone, or never a process id
        return False
    return True


class RowSpool:
    def __init__(self, rows: Iterable[Row], target: str | None = None, directory: str | os.PathLike | None = None):
        """Spool ``rows`` (any iterable: a list, or a stream from ``iter_rows``) into ``directory``."""
        remove_stale_spools(directory)
        handle, self.path = tempfile.mkstemp(prefix=f"{_PREFIX}{os.getpid()}-", suffix=".sqlite", dir=directory)
        os.close(handle)
        try:
            # Scratch data, rebuilt from the input on every run: no journal, no fsync.
            self._db = sqlite3.connect(self.path)
            self._db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            self.fingerprint = self._fill(rows, target)
        except BaseException:
            self.close()
            raise

    def _fill(self, rows: Iterable[Row], target: str | None) -> str:
        # The fingerprint identifies an input for --resume: same rows, same target.
        digest = hashlib.sha256((target or "").encode())
        batch: list[tuple] = []
        stored: set[str] = set()  # target keys already in the targets table (a list has few)
        for row in rows:
            digest.update(json.dumps([row.source_url, row.target_raw, row.extra], sort_keys=True, ensure_ascii=False).encode())
            valid = not row.error and row.target is not None
            if valid and row.target.key not in stored:
                self._db.execute("INSERT OR IGNORE INTO targets VALUES (?, ?)", (row.target.key, pickle.dumps(row.target)))
                if len(stored) >= 10_000:  # a target per row: stop remembering, the table ignores repeats
                    stored.clear()
                stored.add(row.target.key)
            # A tuple, not the Row: no class or field names in every record; the target only
            # when it is not in the targets table (a row with an error may still carry one).
            blob = pickle.dumps((row.index, row.source_url, row.target_raw, row.extra, row.error, None if valid else row.target),
                                pickle.HIGHEST_PROTOCOL)
            batch.append((row.index, row.fetch_key if valid else None, row.target.key if valid else None, blob))
            if len(batch) >= _BATCH:
                self._insert(batch)
        self._insert(batch)
        self._db.executescript("""
            CREATE INDEX rows_page ON rows (fetch_key, target_key, idx);
            -- every row after the first of its (source page, target) pair is a duplicate
            UPDATE rows SET duplicate = 1 WHERE fetch_key IS NOT NULL AND idx > (
                SELECT MIN(idx) FROM rows AS first
                WHERE first.fetch_key = rows.fetch_key AND first.target_key = rows.target_key);
        """)
        self._db.commit()
        return digest.hexdigest()

    def _insert(self, batch: list[tuple]) -> None:
        self._db.executemany("INSERT INTO rows (idx, fetch_key, target_key, row) VALUES (?, ?, ?, ?)", batch)
        batch.clear()

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM rows").fetchone()[0]

    @staticmethod
    def _row(blob: bytes, duplicate: int, target: bytes | None) -> Row:
        index, source_url, target_raw, extra, error, own_target = pickle.loads(blob)
        return Row(index=index, source_url=source_url, target_raw=target_raw, extra=extra, error=error,
                   target=_target(target) if target is not None else own_target, duplicate=bool(duplicate))

    def skip(self, done: Iterable[int]) -> None:
        """Leave out rows an earlier run checked (``--resume``)."""
        self._db.executemany("UPDATE rows SET done = 1 WHERE idx = ?", ((index,) for index in done))
        self._db.commit()

    def targets(self) -> dict[str, Target]:
        """Each distinct target of the valid rows still to check, by key."""
        targets: dict[str, Target] = {}
        query = "SELECT target FROM targets WHERE key IN (SELECT target_key FROM rows WHERE target_key IS NOT NULL AND NOT done)"
        for (blob,) in self._db.execute(query):
            target = _target(blob)
            targets[target.key] = target
        return targets

    def invalid_rows(self) -> Iterator[Row]:
        """Rows that carry an error instead of a source page, in input order."""
        for blob, duplicate, target in self._db.execute(_ROW + " WHERE r.fetch_key IS NULL AND NOT r.done ORDER BY r.idx"):
            yield self._row(blob, duplicate, target)

    def group_keys(self) -> Iterator[str]:
        """Each source page with rows still to check, once, in the order the list first names it."""
        query = "SELECT fetch_key FROM rows WHERE fetch_key IS NOT NULL AND NOT done GROUP BY fetch_key ORDER BY MIN(idx)"
        for (key,) in self._db.execute(query):
            yield key

    def group(self, key: str) -> list[Row]:
        """Every row still to check that names one source page, in input order."""
        query = _ROW + " WHERE r.fetch_key = ? AND NOT r.done ORDER BY r.idx"
        return [self._row(blob, duplicate, target) for blob, duplicate, target in self._db.execute(query, (key,))]

    def rows_except(self, answered: Container[int]) -> Iterator[Row]:
        """Every row not in ``answered``, in input order (the last line of defence: none may go unanswered)."""
        for blob, duplicate, target in self._db.execute(_ROW + " ORDER BY r.idx"):
            row = self._row(blob, duplicate, target)
            if row.index not in answered:
                yield row

    def close(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
            self._db = None
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def __enter__(self) -> RowSpool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
