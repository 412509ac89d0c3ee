"""One run, from start to finish: the database record, every check, the output in input order.

Every command that checks rows (``verify``, ``referrers``, ``discover``,
``verify --queue``) goes through a ``Run``:

1. ``Run(...)`` opens the run in the database (or reopens the unfinished one
   ``--resume`` names) and the output file, under a temporary name;
2. ``expect(...)`` says how many rows there are and which ones an earlier
   run already checked (they take their place again from the database);
3. ``add(result)`` stores a check (committed at once: a run killed with
   SIGKILL resumes without fetching it again); a row answered twice keeps
   its first answer, so whoever answers a row (a page's analysis, a failed
   download, the stall watchdog, the last line of defence) can never write it twice;
4. ``finish(status)`` decides what needs every row (``sitewide``, link
   networks, the market, and so each row's ``verdict``, ``risk`` and
   ``risk_reasons``: ``scoring.triage``), stores it, and writes every result
   in input order: under the output's final name only when the run is
   complete, otherwise as ``NAME.partial.SUFFIX``; the run's status in the
   database says which.

Results are read back from SQLite as a stream when the output is written, so
a 100,000-row list never holds 100,000 results in memory.

When storage fails under the run (``crawler.store.faults``), no answer is lost
and the crawl is never held up:

- the database is locked by another program: answers wait in memory
  (``held``) while ``waiting`` is true, the crawl takes no new rows, the
  lock is tried again each second (``retry``), and the run goes on once it
  is free, or ends as below after ``--db-wait``;
- the disk is full (or the file went read-only, or the lock was held too
  long): ``fault`` is set, ``on_storage`` tells the crawl to stop taking rows
  and end, the pages in flight are still answered (in memory), the run is
  marked ``stopped: disk full`` where the database can still take that, and
  ``finish`` writes every answered row, from the database and from memory,
  to the output (to stdout when the output cannot be written either).
  ``--resume`` later continues from the rows the database kept.
"""

from __future__ import annotations

import heapq
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from crawler.analysis.results import status_key, utc_now
from crawler.reports.writers import ResultWriter
from crawler.run.rowset import RowSet
from crawler.store.database import Store
from crawler.store.faults import DatabaseLocked, StorageError, storage_error
from crawler.store.status import RunStatus, stopped
from scoring.sitewide import SitewideTally, mark_sitewide
from scoring.triage import triage

__all__ = ["Run", "RunSummary", "FINISHED", "INTERRUPTED"]

FINISHED, INTERRUPTED = RunStatus.FINISHED, RunStatus.INTERRUPTED

RETRY_SECONDS = 1.0  # how often answers held in memory try the locked database again
ADD_WAIT = 2.0  # seconds one answer waits for the lock before the run waits without blocking the crawl


@dataclass
class RunSummary:
    run_id: int
    status: str  # finished | interrupted | stopped: REASON
    counts: Counter[str] = field(default_factory=Counter)  # live, lost/link_removed, error/timeout…
    answered: int = 0  # rows with a result, resumed ones included
    written: int = 0  # results written to the output
    output: str | None = None  # where they went: the final name, a .partial file, or None for stdout
    fault: StorageError | None = None  # storage failed under the run: why it stopped
    output_fault: StorageError | None = None  # the output file could not be written: the results went to stdout


class Run:
    def __init__(self, db: str, command: str, input_name: str | None, options: dict, fingerprint: str | None = None,
                 out: str | None = None, resume_run: int | None = None, progress: bool = False,
                 market: str | None = None, brands: tuple[str, ...] = (), keywords: tuple[str, ...] = ()):
        self.store = Store(db)
        self.command = command
        if resume_run is not None:
            self.run_id = int(resume_run)
            self.store.reopen_run(self.run_id)
        else:
            self.run_id = self.store.start_run(command, input_name, utc_now(), options, fingerprint)
        self.writer = ResultWriter(out)
        self.answered = RowSet()
        self.counts: Counter[str] = Counter()
        self.total: int | None = None  # rows expected, when known
        self._sitewide = SitewideTally()  # what the sitewide decision needs, gathered per row
        self._profile = {"market": market, "brands": tuple(brands), "keywords": tuple(keywords)}
        self._progress = None
        self.summary: RunSummary | None = None
        # Storage trouble (see the module's docstring).
        self.held: dict[int, tuple[dict, str]] = {}  # answered rows the database does not have (yet): (result, via)
        self.waiting_since: float | None = None  # the database is locked: answers wait in memory
        self.fault: StorageError | None = None  # storage failed: the run ends
        self.on_storage: Callable[[Run], None] | None = None  # told when waiting starts or ends and on a fault
        self._last_try = 0.0
        self.output_fault: StorageError | None = None
        if progress and sys.stderr.isatty():
            from crawler.run.progress import ProgressBar

            self._progress = ProgressBar()

    def expect(self, total: int, done_rows: Iterable[int] = ()) -> None:
        """``total`` rows, of which ``done_rows`` were checked by an earlier run (``--resume``)."""
        self.total = total
        done = set(done_rows)
        if done:
            for result in self.store.run_results(self.run_id):
                if result["row"] in done and result["row"] not in self.answered:
                    self._arrived(result)

    def add(self, result: dict, via: str | None = None) -> bool:
        """Store one row's result; False when the row was already answered.

        Never raises for storage: a result the database cannot take now is held in memory (see above)."""
        row = result["row"]
        if row in self.answered:
            return False
        # Rows from logs and exports say where they came from ("log", "export").
        self.held[row] = (result, (result.get("input") or {}).get("via") or via or self.command)
        self._arrived(result)
        if self.waiting_since is None or time.monotonic() - self._last_try >= RETRY_SECONDS:
            self.retry()
        if self._progress:
            self._progress.update(len(self.answered), self.total)
        return True

    @property
    def waiting(self) -> bool:
        """The database is locked by another program: the crawl should take no new rows."""
        return self.waiting_since is not None and self.fault is None

    def retry(self) -> None:
        """Store the answers held in memory, in row order; called on each answer and each second while waiting."""
        if self.fault is not None or not self.held:
            return
        self._last_try = time.monotonic()
        try:
            for row in sorted(self.held):
                result, via = self.held[row]
                # Not waiting yet: wait a little (another run's write takes milliseconds). Waiting: only look.
                self.store.add_check(self.run_id, row, result, via=via,
                                     wait=0.0 if self.waiting_since is not None else ADD_WAIT)
                del self.held[row]
        except DatabaseLocked:
            if self.waiting_since is None:
                self.waiting_since = time.monotonic()
                print(f"linkverifier: waiting for the database lock on {self.store.path}: another program is writing "
                      f"to it; no new rows are taken meanwhile (waiting up to {self.store.wait:.0f} s, --db-wait)",
                      file=sys.stderr, flush=True)
                self._tell()
            elif time.monotonic() - self.waiting_since >= self.store.wait:
                self._failed(DatabaseLocked(self.store.path, time.monotonic() - self.waiting_since))
            return
        except StorageError as fault:
            self._failed(fault)
            return
        if self.waiting_since is not None:
            print(f"linkverifier: got the database lock on {self.store.path} after "
                  f"{time.monotonic() - self.waiting_since:.0f} s: going on", file=sys.stderr, flush=True)
            self.waiting_since = None
            self._tell()

    def _failed(self, fault: StorageError) -> None:
        """Storage failed: the run ends (its status says why, where the database still takes that)."""
        self.fault = fault
        self._try(self.store.finish_run, self.run_id, None, stopped(fault.reason), wait=0.0)
        self._tell()

    def _tell(self) -> None:
        if self.on_storage is not None:
            self.on_storage(self)

    @staticmethod
    def _try(write: Callable[..., None], *args, **kwargs) -> bool:
        """A write after a storage fault: done if the database still takes it, else skipped."""
        try:
            write(*args, **kwargs)
        except StorageError:
            return False
        return True

    def _arrived(self, result: dict) -> None:
        self.answered.add(result["row"])
        self.counts[status_key(result)] += 1
        self._sitewide.add(result["row"], result)

    @property
    def complete(self) -> bool:
        return self.total is not None and len(self.answered) >= self.total

    def _results(self) -> Iterator[dict]:
        """Every answered row in row order: from the database, and from memory where it holds a later form."""
        held = self.held
        stored = (result for result in self.store.run_results(self.run_id) if result["row"] not in held)
        kept = (held[row][0] for row in sorted(held))
        return heapq.merge(stored, kept, key=lambda result: result["row"])

    def _result(self, row: int) -> dict | None:
        return self.held[row][0] if row in self.held else self.store.run_result(self.run_id, row)

    def finish(self, status: str) -> RunSummary:
        """Decide what needs every row, write the output in input order, close the run. Safe to call twice.

        After a storage fault every write to the database is tried once and skipped if it fails: the
        output, built from the database and the answers held in memory, holds every answered row."""
        if self.summary is not None:
            return self.summary
        if self._progress:
            self._progress.close()
        self.retry()
        while self.held and self.waiting and status != INTERRUPTED:  # the crawl is over: wait here, up to --db-wait
            time.sleep(RETRY_SECONDS)
            self.retry()
        if self.fault is not None:
            status = stopped(self.fault.reason)
        # After a fault, or with answers still held (interrupted while the database was locked), the
        # database gets one try at each write: the output holds every row either way.
        wait = 0.0 if self.fault is not None or self.held else None
        for row in sorted(self._sitewide.rows()):  # before triage: a sitewide link is riskier
            result = self._result(row)
            if result is not None:
                marked = mark_sitewide(result)
                if not self._try(self.store.update_flags, self.run_id, row, marked, wait=wait):
                    self.held[row] = (marked, self.command)
        judgements = triage(self._results, **self._profile)
        output, written = self._write_output(judgements, complete=status == FINISHED)
        self._try(self.store.set_judgements, self.run_id,
                  [(row, j.verdict, j.risk, j.reasons) for row, j in judgements.items()], wait=wait)
        self._try(self.store.finish_run, self.run_id, utc_now(), status, len(self.answered), wait=wait)
        self.store.close()
        self.summary = RunSummary(self.run_id, status, self.counts, len(self.answered), written, output,
                                  self.fault, self.output_fault)
        return self.summary

    def _write_output(self, judgements: dict, complete: bool) -> tuple[str | None, int]:
        """Every result in input order, with its verdict; to stdout when the output file cannot be written."""
        try:
            return self._write_to(self.writer, judgements, complete)
        except (OSError, StorageError) as exc:
            fault = storage_error(exc, str(self.writer.path))
            if fault is None or self.writer.path is None:
                raise
            self.output_fault = fault
            self.writer.discard()
            return self._write_to(ResultWriter(None), judgements, complete)

    def _write_to(self, writer: ResultWriter, judgements: dict, complete: bool) -> tuple[str | None, int]:
        if writer.format in ("csv", "xlsx"):  # the export's own columns, each a column of its own
            names: dict[str, None] = {}
            for result in self._results():
                names.update(dict.fromkeys(result.get("input") or {}))
            writer.set_input_columns(list(names))
        written = 0
        for result in self._results():
            judgement = judgements[result["row"]]
            result.update(verdict=judgement.verdict, risk=judgement.risk, risk_reasons=judgement.reasons)
            writer.write(result)
            written += 1
        return writer.close(complete=complete), written
