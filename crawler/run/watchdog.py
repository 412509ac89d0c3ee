"""The last line of defence: a run that stops moving answers what it waits on, and ends.

Every download either answers or fails within ``--timeout`` (DNS within the
same bound), and every analysis within ``--analysis-timeout``. So
when no download has finished, no analysis is running and no row has been
answered for a few times ``--timeout``, the run is waiting on something
that will never come: a request dropped without a callback, a future
nobody will settle. The watchdog then answers every source page in flight
``error/stalled`` (with a message), settles every target still pending as
unreachable, says so on stderr, and the run goes on with the next rows. If
every row is answered and the engine still does not close, it closes it.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time

from scrapy import signals

from crawler.run.stats import STALLED_ROWS

__all__ = ["Watchdog", "stall_bound"]

logger = logging.getLogger(__name__)

CHECK_SECONDS = 1.0


def stall_bound(settings) -> float:
    """Seconds without progress before the run counts as stalled: 4 x --timeout, at least 10 s."""
    explicit = settings.getfloat("LINKVERIFIER_STALL_SECONDS")
    return explicit if explicit > 0 else max(4 * settings.getfloat("DOWNLOAD_TIMEOUT"), 10.0)


class Watchdog:
    def __init__(self, crawler, spider):
        self.crawler = crawler
        self.spider = spider
        self.bound = stall_bound(crawler.settings)
        self.last = time.monotonic()
        self._task: asyncio.Task | None = None
        self._closing_since: float | None = None
        for signal in (signals.response_received, signals.request_left_downloader, signals.item_scraped):
            crawler.signals.connect(self.progressed, signal=signal)
        crawler.signals.connect(self._dropped, signal=signals.request_dropped)

    def progressed(self, *args, **kwargs) -> None:
        self.last = time.monotonic()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._watch())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _dropped(self, request, spider=None) -> None:
        """The scheduler refused a request: the spider answers its rows now, not at the next stall."""
        self.spider.answer_dropped(request)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            try:
                self.check()
            except Exception:  # the watchdog must outlive any bug it guards against
                logger.exception("stall watchdog")

    def check(self) -> None:
        now = time.monotonic()
        spider = self.spider
        if spider.run is not None and spider.run.waiting:  # the database is locked: not a stall
            spider.run.retry()
            self.last = now
            return
        busy = spider.pool is not None and spider.pool.active > 0
        if busy or now - self.last < self.bound:
            return
        pending_targets = any(not future.done() for future in spider.profiles.values())
        if spider.ledger or pending_targets:
            answered = spider.answer_stalled(f"no answer: nothing progressed for {self.bound:.0f} s (stall watchdog)")
            self.crawler.stats.inc_value(STALLED_ROWS, answered)
            print(f"linkverifier: nothing progressed for {self.bound:.0f} s: answered {answered} waiting rows "
                  "as error/stalled and went on", file=sys.stderr)
            self.last = now
            return
        run = spider.run
        if run is not None and run.complete and spider.started_all:
            # Every row is answered, yet the engine still waits on something: close it.
            if self._closing_since is None:
                self._closing_since = now
                logger.warning("every row is answered but the crawl did not end: closing it")
                from crawler.run.interrupts import close_spider

                close_spider(self.crawler, "finished")
            elif now - self._closing_since > self.bound:
                from twisted.internet import reactor

                logger.warning("the crawl did not close: stopping the reactor")
                reactor.stop()
