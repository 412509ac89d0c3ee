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
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from crawler.analysis.results import status_key, utc_now
from crawler.store.database import Store
from crawler.store.writers import ResultWriter
from scoring.sitewide import SitewideEntry, mark_sitewide, sitewide_entry, sitewide_rows
from scoring.triage import triage

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
        self.answered: set[int] = set()
        self.counts: Counter[str] = Counter()
        self.total: int | None = None  # rows expected, when known
        self._entries: list[tuple[int, SitewideEntry | None]] = []  # what the sitewide decision needs, per row
        self._profile = {"market": market, "brands": tuple(brands), "keywords": tuple(keywords)}
        self._progress = None
        self.summary: RunSummary | None = None
        if progress and sys.stderr.isatty():
            from crawler.progress import ProgressBar

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
        """Store one row's result; False when the row was already answered."""
        row = result["row"]
        if row in self.answered:
            return False
        # Rows from logs and exports say where they came from ("log", "export").
        self.store.add_check(self.run_id, row, result, via=(result.get("input") or {}).get("via") or via or self.command)
        self.store.commit()
        self._arrived(result)
        if self._progress:
            self._progress.update(len(self.answered), self.total)
        return True

    def _arrived(self, result: dict) -> None:
        self.answered.add(result["row"])
        self.counts[status_key(result)] += 1
        if result["reason"] != "invalid_url":
            self._entries.append((result["row"], sitewide_entry(result)))

    @property
    def complete(self) -> bool:
        return self.total is not None and len(self.answered) >= self.total

    def finish(self, status: str) -> RunSummary:
        """Decide what needs every row, write the output in input order, close the run. Safe to call twice."""
        if self.summary is not None:
            return self.summary
        if self._progress:
            self._progress.close()
        for row in sitewide_rows(self._entries):  # before triage: a sitewide link is riskier
            result = self.store.run_result(self.run_id, row)
            if result is not None:
                self.store.update_flags(self.run_id, row, mark_sitewide(result))
        self.store.commit()
        judgements = triage(lambda: self.store.run_results(self.run_id), **self._profile)
        if self.writer.format in ("csv", "xlsx"):  # the export's own columns, each a column of its own
            names: dict[str, None] = {}
            for result in self.store.run_results(self.run_id):
                names.update(dict.fromkeys(result.get("input") or {}))
            self.writer.set_input_columns(list(names))
        written = 0
        for result in self.store.run_results(self.run_id):
            judgement = judgements[result["row"]]
            result.update(verdict=judgement.verdict, risk=judgement.risk, risk_reasons=judgement.reasons)
            self.writer.write(result)
            written += 1
        self.store.set_judgements(self.run_id, [(row, j.verdict, j.risk, j.reasons) for row, j in judgements.items()])
        output = self.writer.close(complete=status == FINISHED)
        self.store.finish_run(self.run_id, utc_now(), status, len(self.answered))
        self.store.close()
        self.summary = RunSummary(self.run_id, status, self.counts, len(self.answered), written, output)
        return self.summary
