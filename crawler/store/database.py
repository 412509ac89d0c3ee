"""The SQLite store: every run, every backlink, every check, every page.

One table per kind of thing with plain column names, so the file opens in
any SQLite browser. ``checks.result`` keeps the full JSON result; the other
columns are the fields people filter on.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from crawler.store.faults import LOCKED, DatabaseLocked, storage_error
from crawler.store.status import RunStatus
from scoring.check_result import best_link

__all__ = ["Store", "History", "SCHEMA", "read_only", "DEFAULT_WAIT"]

T = TypeVar("T")

# How long a writer waits for a database another program holds (a DB browser's transaction, another
# run's write): minutes, as a cron job should; --db-wait / LINKVERIFIER_DB_WAIT change it.
DEFAULT_WAIT = 300.0
# SQLite's own busy handler waits this long at a time, so that a long wait is said on stderr at once.
LOCK_SLICE = 1.0

# The page's hosting fields, also columns of ``checks`` (for SQL and ``linkverifier serve``).
HOSTING_COLUMNS = (("ip", "TEXT"), ("ip_network", "TEXT"), ("asn", "INTEGER"), ("asn_org", "TEXT"), ("hosting_country", "TEXT"))

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    input TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',  -- crawler.store.status
    rows INTEGER,
    options TEXT,
    fingerprint TEXT
);
CREATE TABLE IF NOT EXISTS backlinks (
    id INTEGER PRIMARY KEY,
    source_url TEXT NOT NULL,
    target TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_checked TEXT,
    last_status TEXT,
    discovered_via TEXT,
    UNIQUE (source_url, target)
);
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    backlink_id INTEGER NOT NULL REFERENCES backlinks(id),
    row_number INTEGER,
    checked_at TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    http_status INTEGER,
    final_url TEXT,
    follow INTEGER,
    indexable INTEGER,
    anchor_text TEXT,
    rel TEXT,
    placement TEXT,
    region TEXT,
    editorial_score REAL,
    language TEXT,
    country TEXT,
    topical_fit REAL,
    flags TEXT,
    verdict TEXT,        -- good | neutral | risky | disavow | lost | unchecked (scoring.triage)
    risk REAL,
    risk_reasons TEXT,   -- space-separated
    result TEXT NOT NULL,
    ip TEXT,             -- where the page is served from (crawler.hosting)
    ip_network TEXT,     -- its /24 (IPv4) or /48 (IPv6)
    asn INTEGER,         -- from --ip-db
    asn_org TEXT,
    hosting_country TEXT
);
CREATE INDEX IF NOT EXISTS checks_by_backlink ON checks (backlink_id, checked_at);
CREATE INDEX IF NOT EXISTS checks_by_run ON checks (run_id, row_number);
CREATE TABLE IF NOT EXISTS hreflang_issues (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    url TEXT NOT NULL,
    href TEXT,
    hreflang TEXT,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS hreflang_issues_by_run ON hreflang_issues (run_id, code);
CREATE TABLE IF NOT EXISTS referral_traffic (
    id INTEGER PRIMARY KEY,
    domain TEXT NOT NULL,
    sessions REAL,
    engaged_sessions REAL,
    conversions REAL,
    users REAL,
    source TEXT,
    imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    checked_at TEXT NOT NULL,
    http_status INTEGER,
    final_url TEXT,
    title TEXT,
    language TEXT,
    country TEXT,
    registered_domain TEXT,
    word_count INTEGER,
    outbound_links INTEGER,
    external_domains INTEGER
);
"""


def read_only(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to a database at any path (``?`` and ``#`` in it included)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


class History:
    """The database, read-only: what the commands that never crawl read (report, disavow, changes).

    A wrong file given as ``--db`` is left as it was: ``ensure()`` raises sqlite3.Error when it is not ours.
    """

    def __init__(self, path: str | Path):
        self.connection = read_only(path)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def ensure(self) -> None:
        self.connection.execute("SELECT 1 FROM checks LIMIT 1").fetchall()

    def latest_results(self, batch: int = 2000) -> Iterator[list[tuple[str, str]]]:
        """(result JSON, first seen) of the latest check of every backlink, in check order, ``batch`` rows at a
        time (a profile of 50,000 links never holds all its JSON text at once)."""
        cursor = self.connection.execute(
            "SELECT c.result, b.first_seen FROM checks c"
            " JOIN (SELECT backlink_id, MAX(id) AS id FROM checks GROUP BY backlink_id) last ON last.id = c.id"
            " JOIN backlinks b ON b.id = c.backlink_id ORDER BY c.id"
        )
        while rows := cursor.fetchmany(batch):
            yield rows

    def ip_data_sources(self) -> list[str]:
        """The attributions of the --ip-db files the runs read (their licences ask for them to be shown)."""
        sources: dict[str, None] = {}
        for (options,) in self.connection.execute("SELECT options FROM runs WHERE options LIKE '%ip_data%' ORDER BY id"):
            try:
                sources.update(dict.fromkeys(json.loads(options).get("ip_data") or []))
            except (ValueError, AttributeError):
                continue
        return list(sources)

    def check_history(self) -> list[tuple[int, str, str, str, str]]:
        """(backlink id, source URL, target, checked at, result JSON) of every check, per backlink in time order."""
        return self.connection.execute(
            "SELECT b.id, b.source_url, b.target, c.checked_at, c.result FROM backlinks b JOIN checks c ON c.backlink_id = b.id "
            "ORDER BY b.id, c.checked_at, c.id"
        ).fetchall()

    def latest_hreflang_issues(self) -> list[tuple]:
        """(severity, code, url, href, hreflang, detail) of the latest hreflang audit."""
        run = self.connection.execute("SELECT MAX(id) FROM runs WHERE command = 'hreflang'").fetchone()[0]
        if run is None:
            return []
        return self.connection.execute(
            "SELECT severity, code, url, href, hreflang, detail FROM hreflang_issues WHERE run_id = ? ORDER BY severity, code", (run,)
        ).fetchall()

    def referral_traffic(self) -> dict[str, dict[str, float]]:
        """Sessions, engaged sessions and conversions per referring domain, summed over the analytics exports read."""
        rows = self.connection.execute(
            "SELECT domain, SUM(sessions), SUM(engaged_sessions), SUM(conversions) FROM referral_traffic GROUP BY domain"
        ).fetchall()
        return {domain: {"sessions": s, "engaged_sessions": e, "conversions": c} for domain, s, e, c in rows}


def _bool(value) -> int | None:
    return None if value is None else int(bool(value))


class Store:
    """The database, for writing. Every write goes through ``_write``: one transaction, committed at once,
    a lock waited for (visibly), a full disk or a read-only file raised as ``StorageError``."""

    default_wait = DEFAULT_WAIT  # the process's --db-wait (set by crawler.options)

    def __init__(self, path: str | Path, wait: float | None = None):
        self.path = str(path)
        self.wait = self.default_wait if wait is None else float(wait)
        self._busy = LOCK_SLICE
        self.connection = sqlite3.connect(self.path, timeout=LOCK_SLICE)
        try:
            # Two runs started at once on a new file race to switch it to WAL and create the tables:
            # the loser waits for the lock like any other write instead of stopping at the start.
            self._write(self._set_up)
        except BaseException:
            self.connection.close()
            raise

    def _set_up(self) -> None:
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.executescript(SCHEMA)  # reads only when the tables are there: no lock needed
        self._upgrade()

    def _upgrade(self) -> None:
        columns = {row[1] for row in self.connection.execute("PRAGMA table_info(runs)")}
        if "fingerprint" not in columns:  # a database from before --resume existed
            self.connection.execute("ALTER TABLE runs ADD COLUMN fingerprint TEXT")
        columns = {row[1] for row in self.connection.execute("PRAGMA table_info(checks)")}
        for column, kind in (("verdict", "TEXT"), ("risk", "REAL"), ("risk_reasons", "TEXT")):
            if column not in columns:  # a database from before verdicts were stored
                self.connection.execute(f"ALTER TABLE checks ADD COLUMN {column} {kind}")
        for column, kind in HOSTING_COLUMNS:
            if column not in columns:  # a database from before hosting was looked up
                self.connection.execute(f"ALTER TABLE checks ADD COLUMN {column} {kind}")

    def probe(self) -> None:
        """Take the write lock and let it go: the database can be written (or a StorageError says why)."""
        self._write(lambda: self.connection.execute("BEGIN IMMEDIATE"))

    def _write(self, work: Callable[[], T], wait: float | None = None) -> T:
        """Run ``work`` (its writes) as one transaction and commit it.

        A lock another program holds is waited for up to the store's ``wait``, saying so on stderr once;
        with ``wait`` given, it is tried for that long only and silently (``crawler.run.lifecycle.Run`` waits
        without holding up the crawl, and says so itself). A full disk, a read-only file or a lock held too
        long raise ``StorageError``; the transaction is rolled back, so the database stays as it was.
        """
        patient = wait is None
        limit = self.wait if patient else max(0.0, wait)
        started = time.monotonic()
        said = False
        while True:
            self._busy_timeout(min(LOCK_SLICE, limit) if patient else limit)
            try:
                result = work()
                self.connection.commit()
            except sqlite3.Error as exc:
                self._rollback()
                fault = storage_error(exc, self.path)
                if fault is None:
                    raise
                if fault.reason != LOCKED:
                    raise fault from None
                waited = time.monotonic() - started
                if not patient or waited >= limit:
                    raise DatabaseLocked(self.path, waited) from None
                if not said:
                    said = True
                    print(f"linkverifier: waiting for the database lock on {self.path}: another program is writing "
                          f"to it (waiting up to {limit:.0f} s, --db-wait)", file=sys.stderr, flush=True)
                continue
            if said:
                print(f"linkverifier: got the database lock on {self.path} after {time.monotonic() - started:.0f} s",
                      file=sys.stderr, flush=True)
            return result

    def _busy_timeout(self, seconds: float) -> None:
        if seconds != self._busy:
            self.connection.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
            self._busy = seconds

    def _rollback(self) -> None:
        try:
            self.connection.rollback()
        except sqlite3.Error:  # nothing to roll back, or the file is gone: the write failed either way
            pass

    def start_run(self, command: str, input_name: str | None, started_at: str, options: dict, fingerprint: str | None = None) -> int:
        cursor = self._write(lambda: self.connection.execute(
            "INSERT INTO runs (command, input, started_at, options, fingerprint) VALUES (?, ?, ?, ?, ?)",
            (command, input_name, started_at, json.dumps(options, sort_keys=True), fingerprint),
        ))
        return int(cursor.lastrowid)

    def unfinished_run(self, command: str, fingerprint: str) -> int | None:
        """The last run of this input that never finished (a crash, a kill), if any."""
        row = self.connection.execute(
            "SELECT id FROM runs WHERE command = ? AND fingerprint = ? ORDER BY id DESC LIMIT 1", (command, fingerprint)
        ).fetchone()
        if row is None:
            return None
        status = self.connection.execute("SELECT status FROM runs WHERE id = ?", (row[0],)).fetchone()[0]
        return None if status == RunStatus.FINISHED else int(row[0])

    def run_options(self, run_id: int) -> dict:
        """The options a run was started with (``{"queue": ...}`` for a coordinator's)."""
        row = self.connection.execute("SELECT options FROM runs WHERE id = ?", (run_id,)).fetchone()
        try:
            return json.loads(row[0]) if row and row[0] else {}
        except ValueError:
            return {}

    def run_rows(self, run_id: int) -> set[int]:
        """The row numbers a run has checked."""
        return {
            int(number)
            for (number,) in self.connection.execute("SELECT row_number FROM checks WHERE run_id = ?", (run_id,))
            if number is not None
        }

    def run_result(self, run_id: int, row_number: int) -> dict | None:
        """The stored result of one row of a run."""
        found = self.connection.execute(
            "SELECT result FROM checks WHERE run_id = ? AND row_number = ? ORDER BY id DESC LIMIT 1", (run_id, row_number)
        ).fetchone()
        return json.loads(found[0]) if found else None

    def run_results(self, run_id: int) -> Iterator[dict]:
        """Every result of a run, in row order, read one at a time."""
        cursor = self.connection.execute("SELECT result FROM checks WHERE run_id = ? ORDER BY row_number", (run_id,))
        for (result,) in cursor:
            yield json.loads(result)

    def last_run(self, command: str) -> tuple[int, str, dict] | None:
        """The latest run of a command: (id, status, options)."""
        row = self.connection.execute(
            "SELECT id, status, options FROM runs WHERE command = ? ORDER BY id DESC LIMIT 1", (command,)
        ).fetchone()
        return (int(row[0]), row[1], json.loads(row[2] or "{}")) if row else None

    def max_backlink_id(self) -> int:
        return int(self.connection.execute("SELECT COALESCE(MAX(id), 0) FROM backlinks").fetchone()[0])

    def recheck_backlinks(self, cutoff: str | None, max_id: int, run_id: int | None = None) -> list[tuple[str, str, dict]]:
        """(source URL, target, the latest check's input columns) of every backlink up to ``max_id`` last
        checked before ``cutoff`` (all when None), plus those ``run_id`` checked (a recheck being resumed),
        in the order the lists first named them."""
        rows = self.connection.execute(
            "SELECT b.source_url, b.target, (SELECT json_extract(c.result, '$.input') FROM checks c"
            "  WHERE c.backlink_id = b.id ORDER BY c.id DESC LIMIT 1)"
            " FROM backlinks b WHERE b.id <= ? AND (? IS NULL OR b.last_checked IS NULL OR b.last_checked < ?"
            "  OR b.id IN (SELECT backlink_id FROM checks WHERE run_id = ?))"
            # in the order the backlinks were first listed: their first check's run, then its row
            " ORDER BY (SELECT c.run_id * 10000000000 + COALESCE(c.row_number, 0) FROM checks c"
            "  WHERE c.backlink_id = b.id ORDER BY c.id LIMIT 1), b.id",
            (max_id, cutoff, cutoff, run_id),
        ).fetchall()
        return [(source, target, json.loads(extra) if extra else {}) for source, target, extra in rows]

    def reopen_run(self, run_id: int) -> None:
        self._write(lambda: self.connection.execute(
            "UPDATE runs SET status = ?, finished_at = NULL WHERE id = ?", (RunStatus.RUNNING, run_id)))

    def finish_run(self, run_id: int, finished_at: str | None, status: str, rows: int | None = None,
                   wait: float | None = None) -> None:
        """Set a run's status (``finished_at`` None: still going, as when a storage fault is first met)."""
        self._write(lambda: self.connection.execute(
            "UPDATE runs SET finished_at = ?, status = ?, rows = COALESCE(?, rows) WHERE id = ?",
            (finished_at, status, rows, run_id)), wait)

    def _backlink_id(self, source_url: str, target: str, checked_at: str, status: str, via: str,
                     seen_before: str | None = None) -> int:
        # A log may have seen the referrer long before we checked it.
        first_seen = min(checked_at, seen_before) if seen_before and seen_before[:4].isdigit() else checked_at
        self.connection.execute(
            "INSERT INTO backlinks (source_url, target, first_seen, discovered_via) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (source_url, target) DO NOTHING",
            (source_url, target, first_seen, via),
        )
        self.connection.execute(
            "UPDATE backlinks SET last_checked = ?, last_status = ? WHERE source_url = ? AND target = ?",
            (checked_at, status, source_url, target),
        )
        row = self.connection.execute(
            "SELECT id FROM backlinks WHERE source_url = ? AND target = ?", (source_url, target)
        ).fetchone()
        return int(row[0])

    def add_check(self, run_id: int, row_number: int | None, result: dict, via: str = "import",
                  wait: float | None = None) -> None:
        """Store one check, committed at once (``wait``: see ``_write``)."""
        self._write(lambda: self._add_check(run_id, row_number, result, via), wait)

    def add_checks(self, run_id: int, results: list[dict], via: str = "import", wait: float | None = None) -> None:
        """Store many checks (each its ``row``) in one transaction: an import, a generated profile."""
        self._write(lambda: [self._add_check(run_id, result.get("row"), result, via) for result in results], wait)

    def _add_check(self, run_id: int, row_number: int | None, result: dict, via: str) -> None:
        checked_at = result["checked_at"]
        backlink_id = self._backlink_id(result["source_url"], result["target"], checked_at, result["status"], via,
                                        (result.get("input") or {}).get("first_seen"))
        best = best_link(result)
        page = result.get("page") or {}
        values = (
            run_id, backlink_id, row_number, checked_at, result["status"], result["reason"],
            result.get("http_status"), result.get("final_url"), _bool(result.get("follow")),
            _bool(result.get("indexable")), best.get("anchor_text"), " ".join(best.get("rel", [])) or None,
            best.get("placement"), best.get("region"), best.get("editorial_score"), page.get("language"),
            page.get("country"), result.get("topical_fit"), " ".join(result.get("flags", [])) or None,
            json.dumps(result, ensure_ascii=False), *(page.get(column) for column, _kind in HOSTING_COLUMNS),
        )
        self.connection.execute(
            "INSERT INTO checks (run_id, backlink_id, row_number, checked_at, status, reason, http_status,"
            " final_url, follow, indexable, anchor_text, rel, placement, region, editorial_score, language,"
            " country, topical_fit, flags, result, ip, ip_network, asn, asn_org, hosting_country)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            values,
        )
        if page and result.get("final_url"):
            self.connection.execute(
                "INSERT OR REPLACE INTO pages (url, checked_at, http_status, final_url, title, language, country,"
                " registered_domain, word_count, outbound_links, external_domains) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    result["source_url"], checked_at, result.get("http_status"), result.get("final_url"),
                    page.get("title"), page.get("language"), page.get("country"), page.get("registered_domain"),
                    page.get("word_count"), page.get("outbound_links"), page.get("external_domains"),
                ),
            )

    def update_flags(self, run_id: int, row_number: int, result: dict, wait: float | None = None) -> None:
        """Rewrite a stored check's flags (decided after it was stored: ``sitewide``)."""
        self._write(lambda: self.connection.execute(
            "UPDATE checks SET flags = ?, result = ? WHERE run_id = ? AND row_number = ?",
            (" ".join(result.get("flags", [])) or None, json.dumps(result, ensure_ascii=False), run_id, row_number),
        ), wait)

    def set_judgements(self, run_id: int, judgements: list[tuple[int, str, float | None, list[str]]],
                       wait: float | None = None) -> None:
        """Store each row's verdict, risk and reasons (decided once the run is in: scoring.triage), in the columns and the JSON."""
        self._write(lambda: self.connection.executemany(
            "UPDATE checks SET verdict = ?, risk = ?, risk_reasons = ?,"
            " result = json_set(result, '$.verdict', ?, '$.risk', ?, '$.risk_reasons', json(?))"
            " WHERE run_id = ? AND row_number = ?",
            [(verdict, risk, " ".join(reasons) or None, verdict, risk, json.dumps(reasons), run_id, row)
             for row, verdict, risk, reasons in judgements],
        ), wait)

    def add_hreflang_issues(self, run_id: int, issues: list[dict]) -> None:
        self._write(lambda: self.connection.executemany(
            "INSERT INTO hreflang_issues (run_id, code, severity, url, href, hreflang, detail) VALUES (?,?,?,?,?,?,?)",
            [(run_id, i["code"], i["severity"], i["url"], i["href"], i["hreflang"], i["detail"]) for i in issues],
        ))

    def add_referral_traffic(self, per_domain: dict[str, dict[str, float]], source: str, imported_at: str) -> None:
        """Sessions, engaged sessions, conversions and users per referring domain, from an analytics export."""
        self._write(lambda: self.connection.executemany(
            "INSERT INTO referral_traffic (domain, sessions, engaged_sessions, conversions, users, source, imported_at)"
            " VALUES (?,?,?,?,?,?,?)",
            [(domain, t.get("sessions"), t.get("engaged_sessions"), t.get("conversions"), t.get("users"), source, imported_at)
             for domain, t in sorted(per_domain.items())],
        ))

    def close(self) -> None:
        """Close the connection (every write was committed by ``_write``)."""
        self.connection.close()
