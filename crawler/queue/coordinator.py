"""``verify --queue``: push the work to Redis, collect the results, write output and database.

Stages:
1. take the rows by source page from the spool (duplicates travel together)
   and push one task per page, once per job (the job is the input's fingerprint, so a
   restarted coordinator collects the same job instead of pushing it again);
2. write invalid rows at once; collect results, keeping the first one per row
   (delivery is at least once);
3. return tasks whose lease expired (their worker died) to the queue;
4. push again the rows nothing holds any more (Redis restarted without its
   data; a coordinator before this one took their results and died before
   storing them), once no result has come for a few seconds;
5. ride out Redis going away (``crawler.queue.outage``): one line when it is
   lost, one when it is back, and past ``--queue-wait`` the run ends, resumable;
6. finish when every row has a result: decide ``sitewide`` over the whole run,
   write the output in input order from the database (results are not held
   in memory, only their row numbers and what the sitewide decision needs),
   exit 0.

One coordinator collects a job at a time (``crawler.queue.lock``): a second one
started for the same input stops at once, exit 75.
"""

from __future__ import annotations

import json
import signal
import sys
import time

import redis

from crawler.analysis.results import error_result
from crawler.queue.keys import (
    JOB_KEYS_SECONDS,
    TASKS,
    connect,
    job_in_flight,
    queued_key,
    requeue_expired,
    results_key,
    task_of,
)
from crawler.queue.lock import CoordinatorLock
from crawler.queue.outage import DEFAULT_QUEUE_WAIT, Outage, QueueLost
from crawler.run.lifecycle import FINISHED, INTERRUPTED, Run
from crawler.run.stats import COUNTS, ROWS
from crawler.store.database import Store
from crawler.store.spool import RowSpool
from crawler.store.status import stopped

__all__ = ["run_queue"]

# How often to look for expired leases while waiting for results.
REQUEUE_SECONDS = 1.0
# No new result for this long: make sure each row still owed is on its way (queued, leased or answered).
OWED_SECONDS = 5.0
# Found on its way: look again after this long (each look reads the whole queue while our tasks wait in it).
OWED_RECHECK_SECONDS = 30.0


class _Stop(Exception):
    def __init__(self, signum: int):
        self.signum = signum


def _raise_stop(signum, _frame):
    raise _Stop(signum)


def run_queue(spool: RowSpool, url: str, input_name: str, *, out: str | None, db: str, quiet: bool,
              brands: tuple[str, ...] = (), keywords: tuple[str, ...] = (), queue_wait: float = DEFAULT_QUEUE_WAIT,
              resume: bool = False):
    """Push, collect and write the job; raises ``QueueLost`` when Redis stays away past ``queue_wait``
    (the run is left resumable: the same command collects the rest), ``JobTaken`` when another coordinator
    collects the same input's job (before anything is stored)."""
    server = connect(url)
    server.ping()  # fail early and clearly when Redis is not there
    job = spool.fingerprint[:16]
    lock = CoordinatorLock(url, job)  # JobTaken: another coordinator collects this job
    lock.acquire(say=lambda line: quiet or print(f"linkverifier: {line}", file=sys.stderr))
    try:
        return _run_job(server, job, spool, url, input_name, out=out, db=db, quiet=quiet, brands=brands,
                        keywords=keywords, queue_wait=queue_wait, resume=resume)
    finally:
        lock.release()


def _run_job(server: redis.Redis, job: str, spool: RowSpool, url: str, input_name: str, *, out, db, quiet, brands,
             keywords, queue_wait, resume):
    from crawler.run.crawl import Outcome

    total = len(spool)
    # A coordinator that stopped (Ctrl-C, kill -9, Redis gone) left its rows in the database: the same
    # command takes them from there, so nothing is fetched twice and none is waited for in vain.
    earlier, done = _earlier_run(db, spool.fingerprint, resume)
    run = Run(db, "verify", input_name, {"queue": url}, spool.fingerprint, out=out, progress=not quiet,
              brands=brands, keywords=keywords, resume_run=earlier)
    run.expect(total, done)
    if earlier is not None and not quiet:
        print(f"linkverifier: going on with run {earlier}: {len(done)} of {total} rows were collected before it stopped",
              file=sys.stderr)
    spool.skip(done)
    if server.set(queued_key(job), "1", nx=True, ex=JOB_KEYS_SECONDS):
        _push_owed(server, job, spool, run)
    for row in spool.invalid_rows():
        run.add(error_result(row, "invalid_url", row.error))
    outage = Outage(url, queue_wait, "the coordinator")
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    last_check = 0.0
    owed_check = time.monotonic() + OWED_SECONDS  # when to make sure every row owed is on its way
    try:
        while not run.complete and run.fault is None:
            try:
                popped = server.blpop(results_key(job), timeout=1)
                if outage.succeeded():
                    owed_check = time.monotonic() + OWED_SECONDS  # workers send what they held: give them a moment
                if popped:
                    result = _result_of(popped[1], total)
                    if result is not None and run.add(result):  # delivery is at least once: the first per row stands
                        owed_check = time.monotonic() + OWED_SECONDS
                elif run.waiting:  # the database is locked: results wait in memory, the lock is tried each second
                    run.retry()
                if time.monotonic() - last_check > REQUEUE_SECONDS:
                    last_check = time.monotonic()
                    moved = requeue_expired(server)
                    if moved and not quiet:
                        print(f"linkverifier: {moved} task(s) of a lost worker back in the queue", file=sys.stderr)
                    if time.monotonic() >= owed_check:
                        owed_check = time.monotonic() + OWED_RECHECK_SECONDS
                        if _nothing_on_its_way(server, job):
                            pushed = _push_owed(server, job, spool, run)
                            server.set(queued_key(job), "1", ex=JOB_KEYS_SECONDS)
                            if pushed and not quiet:
                                print(f"linkverifier: {pushed} task(s) neither answered nor in the queue (Redis lost"
                                      " them, or a coordinator before this one) pushed again", file=sys.stderr)
                            owed_check = time.monotonic() + OWED_SECONDS
            except redis.RedisError as error:  # connection lost, timed out, Redis loading or read-only
                outage.failed(error)
                if outage.expired:
                    raise outage.gave_up() from None
                time.sleep(1)
    except _Stop as stop:
        # The queued work stays in Redis: the same command collects it later.
        summary = run.finish(INTERRUPTED)
        return Outcome({COUNTS: dict(summary.counts), ROWS: total}, summary, 128 + stop.signum)
    except QueueLost as lost:
        lost.summary = run.finish(stopped("queue unreachable"))
        lost.rows = total
        raise
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if run.fault is not None:  # storage failed: what is not collected stays in Redis for --resume's run
        summary = run.finish(stopped(run.fault.reason))
        return Outcome({COUNTS: dict(summary.counts), ROWS: total}, summary)
    summary = run.finish(FINISHED)
    try:
        server.delete(results_key(job), queued_key(job))
    except redis.RedisError:  # the job's keys expire with Redis's data; every row is in the database
        pass
    return Outcome({COUNTS: dict(summary.counts), "finish_reason": "finished"}, summary)


def _result_of(data: bytes, total: int) -> dict | None:
    """A worker's result, or None (said) for an entry that is not one: another program's, or a row this
    input does not have. Its row, if it had one, is pushed again when nothing else is on its way."""
    try:
        result = json.loads(data)
        if isinstance(result, dict) and isinstance(result.get("row"), int) and 0 <= result["row"] < total:
            return result
    except ValueError:
        pass
    print(f"linkverifier: a result in the queue could not be read ({data[:200]!r}): dropped", file=sys.stderr)
    return None


def _earlier_run(db: str, fingerprint: str, resume: bool) -> tuple[int | None, set[int]]:
    """The last unfinished run of this input that a coordinator kept (any, with ``--resume``), and its rows."""
    store = Store(db)
    try:
        run_id = store.unfinished_run("verify", fingerprint)
        if run_id is None or not (resume or "queue" in store.run_options(run_id)):
            return None, set()
        return run_id, store.run_rows(run_id)
    finally:
        store.close()


def _nothing_on_its_way(server: redis.Redis, job: str) -> bool:
    """No task of the job queued or leased, and no result waiting (looked at in that order: a task that
    ends between the two looks has its results waiting)."""
    return not job_in_flight(server, job) and not server.llen(results_key(job))


def _push_owed(server: redis.Redis, job: str, spool: RowSpool, run: Run) -> int:
    """Push a task for each source page with rows not answered yet; the number pushed."""
    pushed = 0
    for key in spool.group_keys():
        owed = [row for row in spool.group(key) if row.index not in run.answered]
        if owed:
            server.lpush(TASKS, task_of(job, owed))
            pushed += 1
    return pushed
