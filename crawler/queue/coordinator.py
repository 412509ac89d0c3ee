"""``verify --queue``: push the work to Redis, collect the results, write output and database.

Stages:
1. take the rows by source page from the spool (duplicates travel together)
   and push one task per page, once per job (the job is the input's fingerprint, so a
   restarted coordinator collects the same job instead of pushing it again);
2. write invalid rows at once; collect results, keeping the first one per row
   (delivery is at least once);
3. return tasks whose lease expired (their worker died) to the queue;
4. finish when every row has a result: decide ``sitewide`` over the whole run,
   write the output in input order from the database (results are not held
   in memory, only their row numbers and what the sitewide decision needs),
   exit 0.
"""

from __future__ import annotations

import json
import signal
import sys
import time

from crawler.analysis.results import error_result
from crawler.queue.keys import TASKS, connect, requeue_expired, results_key, task_of
from crawler.run.lifecycle import FINISHED, INTERRUPTED, Run
from crawler.run.stats import COUNTS, ROWS
from crawler.store.spool import RowSpool
from crawler.store.status import stopped

__all__ = ["run_queue"]

# How often to look for expired leases while waiting for results.
REQUEUE_SECONDS = 1.0


class _Stop(Exception):
    def __init__(self, signum: int):
        self.signum = signum


def _raise_stop(signum, _frame):
    raise _Stop(signum)


def run_queue(spool: RowSpool, url: str, input_name: str, *, out: str | None, db: str, quiet: bool,
              brands: tuple[str, ...] = (), keywords: tuple[str, ...] = ()):
    from crawler.run.crawl import Outcome

    server = connect(url)
    server.ping()  # fail early and clearly when Redis is not there
    job = spool.fingerprint[:16]
    total = len(spool)
    if server.set(f"linkverifier:{job}:queued", "1", nx=True):
        for key in spool.group_keys():
            server.lpush(TASKS, task_of(job, spool.group(key)))
    run = Run(db, "verify", input_name, {"queue": url}, spool.fingerprint, out=out, progress=not quiet,
              brands=brands, keywords=keywords)
    run.expect(total)
    for row in spool.invalid_rows():
        run.add(error_result(row, "invalid_url", row.error))
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    last_requeue = 0.0
    try:
        while not run.complete and run.fault is None:
            popped = server.blpop(results_key(job), timeout=1)
            if popped:
                run.add(json.loads(popped[1]))  # delivery is at least once: the first result per row stands
            elif run.waiting:  # the database is locked: results wait in memory, the lock is tried each second
                run.retry()
            if time.monotonic() - last_requeue > REQUEUE_SECONDS:
                moved = requeue_expired(server)
                if moved and not quiet:
                    print(f"linkverifier: {moved} task(s) of a lost worker back in the queue", file=sys.stderr)
                last_requeue = time.monotonic()
    except _Stop as stop:
        # The queued work stays in Redis: the same command collects it later.
        summary = run.finish(INTERRUPTED)
        return Outcome({COUNTS: dict(summary.counts), ROWS: total}, summary, 128 + stop.signum)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if run.fault is not None:  # storage failed: what is not collected stays in Redis for --resume's run
        summary = run.finish(stopped(run.fault.reason))
        return Outcome({COUNTS: dict(summary.counts), ROWS: total}, summary)
    summary = run.finish(FINISHED)
    server.delete(results_key(job), f"linkverifier:{job}:queued")
    return Outcome({COUNTS: dict(summary.counts), "finish_reason": "finished"}, summary)
