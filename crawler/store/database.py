"""The SQLite store: every run, every backlink, every check, every page.

One table per kind of thing with plain column names, so the file opens in
any SQLite browser. ``checks.result`` keeps the full JSON result; the other
columns are the fields people filter on.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from scoring.check_result import best_link

__all__ = ["Store", "History", "SCHEMA", "read_only"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    input TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
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
    result TEXT NOT NULL
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

    def latest_results(self) -> list[tuple[str, str]]:
        """(result JSON, first seen) of the latest check of every backlink, in check order."""
        return self.connection.execute(
            "SELECT c.result, b.first_seen FROM checks c"
            " JOIN (SELECT backlink_id, MAX(id) AS id FROM checks GROUP BY backlink_id) last ON last.id = c.id"
            " JOIN backlinks b ON b.id = c.backlink_id ORDER BY c.id"
        ).fetchall()

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
    def __init__(self, path: str | Path):
        self.path = str(path)
        self.connection = sqlite3.connect(self.path, timeout=30)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.executescript(SCHEMA)
        columns = {row[1] for row in self.connection.execute("PRAGMA table_info(runs)")}
        if "fingerprint" not in columns:  # a database from before --resume existed
            self.connection.execute("ALTER TABLE runs ADD COLUMN fingerprint TEXT")
        columns = {row[1] for row in self.connection.execute("PRAGMA table_info(checks)")}
        for column, kind in (("verdict", "TEXT"), ("risk", "REAL"), ("risk_reasons", "TEXT")):
            if column not in columns:  # a database from before verdicts were stored
                self.connection.execute(f"ALTER TABLE checks ADD COLUMN {column} {kind}")
        self.connection.commit()

    def start_run(self, command: str, input_name: str | None, started_at: str, options: dict, fingerprint: str | None = None) -> int:
        cursor = self.connection.execute(
            "INSERT INTO runs (command, input, started_at, options, fingerprint) VALUES (?, ?, ?, ?, ?)",
            (command, input_name, started_at, json.dumps(options, sort_keys=True), fingerprint),
        )
        self.connection.commit()
        return int(cursor.lastrowid)

    def unfinished_run(self, command: str, fingerprint: str) -> int | None:
        """The last run of this input that never finished (a crash, a kill), if any."""
        row = self.connection.execute(
            "SELECT id FROM runs WHERE command = ? AND fingerprint = ? ORDER BY id DESC LIMIT 1", (command, fingerprint)
        ).fetchone()
        if row is None:
            return None
        status = self.connection.execute("SELECT status FROM runs WHERE id = ?", (row[0],)).fetchone()[0]
        return None if status == "finished" else int(row[0])

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
        self.connection.execute("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?", (run_id,))
        self.connection.commit()

    def finish_run(self, run_id: int, finished_at: str, status: str, rows: int) -> None:
        self.connection.execute(
            "UPDATE runs SET finished_at = ?, status = ?, rows = ? WHERE id = ?", (finished_at, status, rows, run_id)
        )
        self.connection.commit()

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

    def add_check(self, run_id: int, row_number: int | None, result: dict, via: str = "import") -> None:
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
            json.dumps(result, ensure_ascii=False),
        )
        self.connection.execute(
            "INSERT INTO checks (run_id, backlink_id, row_number, checked_at, status, reason, http_status,"
            " final_url, follow, indexable, anchor_text, rel, placement, region, editorial_score, language,"
            " country, topical_fit, flags, result) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
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

    def update_flags(self, run_id: int, row_number: int, result: dict) -> None:
        """Rewrite a stored check's flags (decided after it was stored: ``sitewide``)."""
        self.connection.execute(
            "UPDATE checks SET flags = ?, result = ? WHERE run_id = ? AND row_number = ?",
            (" ".join(result.get("flags", [])) or None, json.dumps(result, ensure_ascii=False), run_id, row_number),
        )

    def set_judgements(self, run_id: int, judgements: list[tuple[int, str, float | None, list[str]]]) -> None:
        """Store each row's verdict, risk and reasons (decided once the run is in: scoring.triage), in the columns and the JSON."""
        self.connection.executemany(
            "UPDATE checks SET verdict = ?, risk = ?, risk_reasons = ?,"
            " result = json_set(result, '$.verdict', ?, '$.risk', ?, '$.risk_reasons', json(?))"
            " WHERE run_id = ? AND row_number = ?",
            [(verdict, risk, " ".join(reasons) or None, verdict, risk, json.dumps(reasons), run_id, row)
             for row, verdict, risk, reasons in judgements],
        )
        self.connection.commit()

    def add_hreflang_issues(self, run_id: int, issues: list[dict]) -> None:
        self.connection.executemany(
            "INSERT INTO hreflang_issues (run_id, code, severity, url, href, hreflang, detail) VALUES (?,?,?,?,?,?,?)",
            [(run_id, i["code"], i["severity"], i["url"], i["href"], i["hreflang"], i["detail"]) for i in issues],
        )
        self.connection.commit()

    def add_referral_traffic(self, per_domain: dict[str, dict[str, float]], source: str, imported_at: str) -> None:
        """Sessions, engaged sessions, conversions and users per referring domain, from an analytics export."""
        self.connection.executemany(
            "INSERT INTO referral_traffic (domain, sessions, engaged_sessions, conversions, users, source, imported_at)"
            " VALUES (?,?,?,?,?,?,?)",
            [(domain, t.get("sessions"), t.get("engaged_sessions"), t.get("conversions"), t.get("users"), source, imported_at)
             for domain, t in sorted(per_domain.items())],
        )
        self.connection.commit()

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.commit()
        self.connection.close()
