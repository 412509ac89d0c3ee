"""One run, from start to finish: the database record, every check, the output in input order.

Every command that checks rows (``verify``, ``referrers``, ``discover``,
``verify --queue``) goes through a ``Run``:

1. ``Run(...)`` opens the run in the database (or reopens the unfinished one
   ``--resume`` names) and the output file, under a temporary name;
2. ``expect(...)`` says which rows to wait for: how many per source host
   (``sitewide`` is decided once a host's rows are all in) and which rows an
   earlier run already checked (they take their place again from the database);
3. ``add(result)`` stores a check (committed at once: a run killed with
   SIGKILL resumes without fetching it again) and writes every result whose
   turn has come; a row answered twice keeps its first answer, so whoever
   answers a row (a page's analysis, a failed download, the stall watchdog,
   the last line of defence) can never write it twice;
4. ``finish(status)`` writes what is left in input order and closes the
   output: under its final name only when the run is complete, otherwise as
   ``NAME.partial.SUFFIX``; the run's status in the database says which.

Waiting rows are kept as row numbers only: results are read back from
SQLite when their turn comes, so a 100,000-row list never holds 100,000
results in memory.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from crawler.output import ResultWriter
from crawler.results import status_key, utc_now
from crawler.store import Store
from scoring.sitewide import MIN_PAGES, SitewideEntry, mark_sitewide, sitewide_entry, sitewide_rows, source_host

__all__ = ["Run", "RunSummary", "FINISHED", "INTERRUPTED"]

FINISHED = "finished"
INTERRUPTED = "interrupted"


@dataclass
class RunSummary:
    run_id: int
    status: str  # finished | interrupted | stopped: REASON
    counts: Counter[str] = field(default_factory=Counter)  # live, lost/link_removed, error/timeout…
    answered: int = 0  # rows with a result, resumed ones included
    written: int = 0  # results written to the output
    output: str | None = None  # where they went: the final name, a .partial file, or None for stdout


class Run:
    def __init__(self, db: str, command: str, input_name: str | None, options: dict, fingerprint: str | None = None,
                 out: str | None = None, resume_run: int | None = None, progress: bool = False):
        self.store = Store(db)
        self.command = command
        if resume_run is not None:
            self.run_id = int(resume_run)
            self.store.reopen_run(self.run_id)
        else:
            self.run_id = self.store.start_run(command, input_name, utc_now(), options, fingerprint)
        self.writer = ResultWriter(out)
        self.answered: set[int] = set()
        self.counts: Counter[str] = Counter()
        self.total: int | None = None  # rows expected, when known
        self._ready: set[int] = set()  # rows whose result may be written once every earlier row is
        self._next_row = 0
        self._written = 0
        self._host_rows: Counter[str] = Counter()  # rows still expected per host with MIN_PAGES or more
        self._held: dict[str, list[tuple[int, SitewideEntry | None]]] = {}
        self._sitewide: set[int] = set()  # rows to write with the sitewide flag
        self._progress = None
        self.summary: RunSummary | None = None
        if progress and sys.stderr.isatty():
            from crawler.progress import ProgressBar

            self._progress = ProgressBar()

    # --- what to wait for ------------------------------------------------------
    def expect(self, total: int, host_rows: Counter[str], done_rows: Iterable[int] = ()) -> None:
        """``total`` rows; valid rows per source host (resumed ones included); rows checked by an earlier run."""
        self.total = total
        self._host_rows = Counter({host: n for host, n in host_rows.items() if n >= MIN_PAGES})
        done = set(done_rows)
        if done:
            for result in self.store.run_results(self.run_id):
                if result["row"] in done and result["row"] not in self.answered:
                    self._arrived(result)
            self._flush()

    # --- results -------------------------------------------------------------
    def add(self, result: dict, via: str | None = None) -> bool:
        """Store and (in turn) write one row's result; False when the row was already answered."""
        row = result["row"]
        if row in self.answered:
            return False
        # Rows from logs and exports say where they came from ("log", "export").
        self.store.add_check(self.run_id, row, result, via=(result.get("input") or {}).get("via") or via or self.command)
        self.store.commit()
        self._arrived(result)
        self._flush()
        if self._progress:
            self._progress.update(len(self.answered), self.total)
        return True

    def _arrived(self, result: dict) -> None:
        row = result["row"]
        self.answered.add(row)
        self.counts[status_key(result)] += 1
        host = source_host(result) if result["reason"] != "invalid_url" else ""
        if not host or host not in self._host_rows:
            self._ready.add(row)
            return
        self._held.setdefault(host, []).append((row, sitewide_entry(result)))
        self._host_rows[host] -= 1
        if self._host_rows[host] == 0:
            self._release(host)

    def _release(self, host: str) -> None:
        held = self._held.pop(host)
        self._sitewide |= sitewide_rows(held)
        self._ready.update(row for row, _entry in held)

    def _write(self, row: int) -> None:
        result = self.store.run_result(self.run_id, row)
        if result is None:
            return
        if row in self._sitewide:
            self._sitewide.discard(row)
            self.store.update_flags(self.run_id, row, mark_sitewide(result))
        self.writer.write(result)
        self._written += 1

    def _flush(self) -> None:
        while self._next_row in self._ready:
            self._ready.discard(self._next_row)
            self._write(self._next_row)
            self._next_row += 1

    # --- the end -------------------------------------------------------------
    @property
    def complete(self) -> bool:
        return self.total is not None and len(self.answered) >= self.total

    def finish(self, status: str) -> RunSummary:
        """Write what is left in input order, close the output and the run. Safe to call twice."""
        if self.summary is not None:
            return self.summary
        for host in list(self._held):  # a stopped run: decide over what arrived
            self._release(host)
        for row in sorted(self._ready):  # gaps are rows never answered (an interrupted run)
            self._write(row)
        self._ready.clear()
        self.store.commit()
        output = self.writer.close(complete=status == FINISHED)
        if self._progress:
            self._progress.close()
        self.store.finish_run(self.run_id, utc_now(), status, len(self.answered))
        self.store.close()
        self.summary = RunSummary(self.run_id, status, self.counts, len(self.answered), self._written, output)
        return self.summary
