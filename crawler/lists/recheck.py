"""``recheck``: the backlinks the database knows, as rows to verify again (the monitoring loop).

Each backlink is checked against its own target, and keeps the export's
columns its latest check carried (DR, First seen…), so a recheck's output
reads like the first verification's. ``--older-than`` leaves out backlinks
checked recently. The selection (a cutoff time and the highest backlink id)
is kept with the run, so ``--resume`` rebuilds the very same rows and
continues where an interrupted recheck stopped.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.lists.backlinks import Row, make_row
from crawler.run.lifecycle import FINISHED
from crawler.store.database import Store

__all__ = ["recheck_rows"]


def recheck_rows(db: str, older_than: float | None, resume: bool = False) -> tuple[list[Row], dict]:
    """The rows to verify and the selection to keep with the run (``run_options``)."""
    store = Store(db)
    try:
        previous = store.last_run("recheck") if resume else None
        if previous is not None and previous[1] != FINISHED and "max_backlink_id" in previous[2]:
            run_id, _status, options = previous
            cutoff, max_id = options.get("cutoff"), options["max_backlink_id"]
        else:
            run_id = None
            cutoff = (datetime.now(UTC) - timedelta(seconds=older_than)).strftime("%Y-%m-%dT%H:%M:%SZ") if older_than else None
            max_id = store.max_backlink_id()
        found = store.recheck_backlinks(cutoff, max_id, run_id)
    finally:
        store.close()
    rows = [make_row(index, source, target, None, extra) for index, (source, target, extra) in enumerate(found)]
    return rows, {"cutoff": cutoff, "max_backlink_id": max_id}
