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
import sys
import time
from collections import Counter

from crawler.output import open_writer
from crawler.queue import TASKS, connect, requeue_expired, results_key, task_of
from crawler.results import error_result, status_key, utc_now
from crawler.spool import RowSpool
from crawler.store import Store
from scoring.sitewide import SitewideEntry, mark_sitewide, sitewide_entry, sitewide_rows

__all__ = ["run_queue"]

# How often to look for expired leases while waiting for results.
REQUEUE_SECONDS = 1.0


def run_queue(spool: RowSpool, url: str, input_name: str, *, out: str | None, db: str, quiet: bool) -> dict:
    server = connect(url)
    server.ping()  # fail early and clearly when Redis is not there
    job = spool.fingerprint[:16]
    total = len(spool)
    if server.set(f"linkverifier:{job}:queued", "1", nx=True):
        for key in spool.group_keys():
            server.lpush(TASKS, task_of(job, spool.group(key)))
    store = Store(db)
    run_id = store.start_run("verify", input_name, utc_now(), {"queue": url}, spool.fingerprint)
    done: set[int] = set()
    counts: Counter[str] = Counter()
    entries: list[tuple[int, SitewideEntry]] = []

    def arrived(result: dict) -> None:
        done.add(result["row"])
        counts[status_key(result)] += 1
        entry = sitewide_entry(result)
        if entry is not None:
            entries.append((result["row"], entry))
        store.add_check(run_id, result["row"], result)

    for row in spool.invalid_rows():
        arrived(error_result(row, "invalid_url", row.error))
    store.commit()
    last_requeue = 0.0
    while len(done) < total:
        popped = server.blpop(results_key(job), timeout=1)
        if popped:
            result = json.loads(popped[1])
            if result["row"] not in done:
                arrived(result)
                store.commit()
        if time.monotonic() - last_requeue > REQUEUE_SECONDS:
            moved = requeue_expired(server)
            if moved and not quiet:
                print(f"linkverifier: {moved} task(s) of a lost worker back in the queue", file=sys.stderr)
            last_requeue = time.monotonic()
    sitewide = sitewide_rows(entries)
    writer = open_writer(out)
    for result in store.run_results(run_id):
        if result["row"] in sitewide:
            store.update_flags(run_id, result["row"], mark_sitewide(result))
        writer.write(result)
    writer.close()
    store.finish_run(run_id, utc_now(), "finished", len(done))
    store.close()
    server.delete(results_key(job), f"linkverifier:{job}:queued")
    return {"linkverifier/counts": dict(counts), "finish_reason": "finished"}
