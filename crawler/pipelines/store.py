"""Keep every check in the SQLite database, with the run it belongs to."""

from __future__ import annotations

import time

from scrapy import signals

from crawler.results import utc_now
from crawler.store import Store

__all__ = ["StorePipeline"]

# Commit at most this often. 0: every result is durable once written, so a
# run killed with SIGKILL resumes without fetching a finished page again
# (WAL with synchronous=NORMAL makes a commit cheap: no fsync).
COMMIT_SECONDS = 0.0


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.store = Store(settings.get("LINKVERIFIER_DB"))
        self.via = settings.get("LINKVERIFIER_COMMAND")
        resumed = settings.get("LINKVERIFIER_RESUME_RUN")
        if resumed:
            self.run_id = int(resumed)
            self.store.reopen_run(self.run_id)
        else:
            self.run_id = self.store.start_run(
                command=self.via,
                input_name=settings.get("LINKVERIFIER_INPUT"),
                started_at=utc_now(),
                options={
                    "target": settings.get("LINKVERIFIER_TARGET"),
                    "obey_robots": settings.getbool("LINKVERIFIER_OBEY_ROBOTS"),
                    "timeout": settings.getfloat("DOWNLOAD_TIMEOUT"),
                },
                fingerprint=settings.get("LINKVERIFIER_FINGERPRINT"),
            )
        crawler.stats.set_value("linkverifier/run_id", self.run_id)
        # The output pipeline reads results back and rewrites flags it decides
        # later through this same connection (a second one would fight it for the
        # write lock), so the store closes only once the pipelines have closed.
        crawler.linkverifier_store = self
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        # A resumed run already holds the checks stored before the crash.
        self.count = len(getattr(crawler.spider, "done_rows", ()) or ()) if resumed else 0
        self._last_commit = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        result = item["result"]
        # Rows from logs and exports say where they came from ("log", "export").
        via = (result.get("input") or {}).get("via") or self.via
        self.store.add_check(self.run_id, result.get("row"), result, via=via)
        self.count += 1
        if time.monotonic() - self._last_commit >= COMMIT_SECONDS:
            self.store.commit()
            self._last_commit = time.monotonic()
        return item

    def spider_closed(self, spider, reason):
        status = "finished" if reason == "finished" else f"stopped: {reason}"
        self.store.finish_run(self.run_id, utc_now(), status, self.count)
        self.store.close()
