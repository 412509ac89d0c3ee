"""The ``verify`` spider: fetch every source page once and judge its rows.

Stages:
1. take the backlink list, spooled to disk (``crawler.store.spool``); bad rows
   become ``invalid_url`` results at once;
2. fetch each distinct target page first (high priority), for topical fit and
   its hreflang cluster;
3. fetch each distinct source page once, however many rows name it, taking
   its rows from the spool only when it is its turn;
4. hand the response to the analysis pool (off the reactor) together with
   the profiles of its targets and where its host is served from
   (``crawler.hosting``: looked up while the page downloads), and emit one
   result per row;
5. with ``--render``, a page that answered with HTML but holds no link to
   the target is fetched again through headless Chromium (``crawler.render``),
   and a link that appears there makes the row live, flagged ``js_link``.

Every row is answered exactly once, whatever happens on the way. Each
source page in flight has an entry in the ledger (``crawler.spiders.ledger``);
it leaves it only by being answered there, which hands its results to the run
(``crawler.run.lifecycle``) and frees its place in the in-flight window (``_answered``). A page whose request never
comes back (a request Scrapy drops without calling back, a callback that
raises, an analysis that is cancelled) would otherwise hold its place for
ever, and once the window is full of them nothing moves: the stall
watchdog (``crawler.run.watchdog``) answers such pages and unblocks the run.
Results go straight to the run, not through Scrapy's item pipelines, so
the watchdog and the interrupt handler can answer rows outside a callback.
"""

from __future__ import annotations

import asyncio
import logging

import scrapy
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request

from crawler.analysis.fetched import FetchedPage, TargetProfile
from crawler.analysis.pool import AnalysisPool, log_failed_analysis
from crawler.analysis.results import error_result
from crawler.analysis.tasks import analyze_target, verify_page
from crawler.failures import failure_message, failure_reason
from crawler.hosting.lookup import Hosting
from crawler.lists.backlinks import Row, iter_rows
from crawler.run.stats import RENDER_FAILED, RENDERED, ROWS
from crawler.run.watchdog import Watchdog
from crawler.spiders.ledger import RowLedger
from crawler.store.spool import RowSpool
from crawler.store.status import stopped

__all__ = ["VerifySpider", "fetched_page"]

logger = logging.getLogger(__name__)

TARGET_PRIORITY = 100
# Source pages handed to Scrapy and not yet judged (queued, downloading, or
# waiting for an analysis worker). Scrapy drains start() into its scheduler as
# fast as it can, and fetching outruns analysis: without this window a
# 100,000-row list would sit in memory as requests, then as pages waiting to
# be analysed. 128 covers 32 downloads and a few seconds of analysis work.
MAX_IN_FLIGHT = 128


# The profile of a target page that could not be read; its rows get no
# topical fit and the flag ``target_unreachable``.


def fetched_page(response, requested_url: str) -> FetchedPage:
    """A picklable copy of what the analysis needs from a Scrapy response."""
    redirects = []
    urls = response.meta.get("redirect_urls", [])
    reasons = response.meta.get("redirect_reasons", [])
    for url, reason in zip(urls, reasons, strict=False):
        if reason == "meta refresh":
            redirects.append({"url": url, "status": None, "type": "meta_refresh"})
        else:
            redirects.append({"url": url, "status": reason, "type": "http"})
    headers = {
        key.decode("latin-1").lower(): [v.decode("latin-1") for v in values]
        for key, values in response.headers.items()
    }
    return FetchedPage(
        url=requested_url,
        final_url=response.url,
        status=response.status,
        headers=headers,
        body=response.body,
        redirects=redirects,
        googlebot_allowed=response.meta.get("googlebot_allowed", True),
    )


class VerifySpider(scrapy.Spider):
    name = "verify"
    keeps_run = True  # answers go to a run in --db (the queue's worker sends them to Redis)

    def __init__(self, input: str | None = None, target: str | None = None, rows: RowSpool | None = None,
                 done_rows: set[int] | None = None, run=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spool = rows  # the CLI reads (and validates) the list itself
        self.own_spool = False
        self.done_rows = done_rows or set()  # --resume: rows checked before the crash
        self.input_path = input
        self.default_target = target
        self.ledger = RowLedger(self._answered)  # source pages in flight -> their rows, answered once
        self.profiles: dict[str, asyncio.Future] = {}
        self.pool: AnalysisPool | None = None
        self.run = run  # crawler.run.lifecycle.Run: every answer goes there (None: one of its own, or none)
        self.own_run = False
        self._room = asyncio.Event()
        self.render = False  # --render: set from the settings in from_crawler
        self.stopping = False  # an interrupt: take no new rows
        self.abandoned = False  # past the interrupt's grace: answers still to come are dropped, not written
        self.watchdog: Watchdog | None = None
        self._tasks: set[asyncio.Task] = set()  # pages being judged (see parse_source)
        self.started_all = False  # every row has been handed to Scrapy (or the run was interrupted)
        self.hosting = Hosting()  # each host's address, ASN and country (--ip-db, --resolve: from_crawler)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        kwargs.setdefault("input", crawler.settings.get("LINKVERIFIER_INPUT"))
        kwargs.setdefault("target", crawler.settings.get("LINKVERIFIER_TARGET"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.pool = AnalysisPool.from_settings(crawler.settings)
        spider.render = crawler.settings.getbool("LINKVERIFIER_RENDER")
        spider.hosting = Hosting.from_settings(crawler.settings)
        spider.own_run = spider.run is None and spider.keeps_run
        if spider.own_run:  # run as `scrapy crawl verify -a input=...`: a run of its own, finished on close
            from crawler.run.crawl import open_run

            spider.run = open_run(crawler.settings)
        spider.watchdog = Watchdog(crawler, spider)
        crawler.signals.connect(spider.closed_down, signal=scrapy.signals.spider_closed)
        crawler.signals.connect(spider._keep_open, signal=scrapy.signals.spider_idle)
        return spider

    def closed_down(self, reason: str = "finished") -> None:
        if self.watchdog:
            self.watchdog.stop()
        if self.stopping:  # interrupted: pages still being judged stay unchecked, for --resume
            self.abandoned = True
            for task in list(self._tasks):
                task.cancel()
        if self.pool:
            self.pool.close(kill=self.stopping)
        if self.own_run:
            from crawler.run.lifecycle import FINISHED

            self.run.finish(FINISHED if self.run.complete else stopped(reason))
        if self.own_spool:
            self.spool.close()
        self.hosting.close()

    def load_rows(self) -> RowSpool:
        if self.spool is None:  # run as `scrapy crawl verify -a input=...`
            self.spool = RowSpool(iter_rows(self.input_path, self.default_target), self.default_target)
            self.own_spool = True
        self.spool.skip(self.done_rows)  # checked before the crash; the run writes them from the database
        self.crawler.stats.set_value(ROWS, len(self.spool))
        self.run.expect(len(self.spool), self.done_rows)
        return self.spool

    @property
    def in_flight(self) -> int:
        return len(self.ledger)

    async def start(self):
        self.watchdog.start()  # from the first request: targets wait on downloads too
        spool = self.load_rows()
        for row in spool.invalid_rows():
            self._answer_rows([error_result(row, "invalid_url", row.error)])
        loop = asyncio.get_running_loop()
        for key, target in spool.targets().items():
            if self.stopping:
                break
            self.profiles[key] = loop.create_future()
            yield Request(
                target.fetch_url,
                callback=self.parse_target,
                errback=self.target_failed,
                priority=TARGET_PRIORITY,
                dont_filter=True,
                meta={"target_key": key, "dont_obey_robotstxt": True},
            )
        window = max(MAX_IN_FLIGHT, 4 * self.crawler.settings.getint("CONCURRENT_REQUESTS"))
        # Only the groups in flight are in memory: each is read from the spool
        # when its turn comes and dropped once judged.
        for key in spool.group_keys():
            # No new page while the window is full, nor while the database is locked (answers wait in memory).
            while (self.in_flight >= window or self.run.waiting) and not self.stopping:
                self._room.clear()
                await self._room.wait()
            if self.stopping:
                break
            group = self.ledger.open(key, spool.group(key))
            self.hosting.start(group[0].source_url)
            yield Request(
                group[0].source_url,
                callback=self.parse_source,
                errback=self.source_failed,
                dont_filter=True,
                meta={"group": key},
            )
        self.started_all = True

    def storage_changed(self) -> None:
        """The database's lock came or went (``crawler.run.lifecycle.Run.waiting``): look at the window again."""
        self._room.set()

    def stop_taking_rows(self) -> None:
        """An interrupt: no new rows; what is in flight may still finish."""
        self.stopping = True
        self._room.set()

    # --- answers -------------------------------------------------------------
    def _answer_rows(self, results: list[dict]) -> None:
        if self.abandoned:
            return
        for result in results:
            self.run.add(result)
        self.watchdog.progressed()

    def _answer(self, key: str, results: list[dict]) -> None:
        """A source page's rows are answered, unless they were already (by the watchdog: the first answer stands)."""
        self.ledger.answer(key, results)

    def _answered(self, key: str, results: list[dict]) -> None:
        """Every way a source page leaves the ledger ends here: its rows delivered, its place in the window freed."""
        self._deliver(key, results)
        self._room.set()

    def _deliver(self, key: str, results: list[dict]) -> None:
        """Where a page's answers go: the run (the queue's worker sends them to Redis instead)."""
        self._answer_rows(results)

    def answer_stalled(self, message: str) -> int:
        for key in list(self.profiles):
            self._settle(key, TargetProfile.unreachable("stalled"))
        return self.ledger.answer_all("stalled", message)

    def answer_dropped(self, request) -> None:
        """The scheduler refused ``request`` (the watchdog hears it): its rows, or the rows waiting on its
        target, are answered now, not at the next stall."""
        key = request.meta.get("group")
        if key is not None:
            self.ledger.answer_with_error(key, "stalled", "the request was dropped by the crawler")
        elif request.meta.get("target_key") is not None:
            self._settle(request.meta["target_key"], TargetProfile.unreachable("dropped"))

    # --- targets -----------------------------------------------------------
    async def parse_target(self, response):
        key = response.meta["target_key"]
        profile = TargetProfile.unreachable("analysis_error")
        try:
            profile = await self.pool.run(analyze_target, fetched_page(response, response.request.url))
        except Exception as exc:
            log_failed_analysis(logger, response.url, exc)
        finally:  # settled whatever happens: rows wait on this
            self._settle(key, profile)
        return
        yield  # an async generator, like every callback here

    def target_failed(self, failure):
        self._settle(failure.request.meta["target_key"], TargetProfile.unreachable(failure_reason(failure.value)))

    def _settle(self, key: str, profile: TargetProfile) -> None:
        future = self.profiles.get(key)
        if future is not None and not future.done():
            future.set_result(profile)

    # --- sources -----------------------------------------------------------
    # A source page's callback returns at once and its judgement runs as a
    # task of ours. Awaiting the targets inside the callback kept the response
    # in Scrapy's scraper, whose 5 MB budget (SCRAPER_SLOT_MAX_ACTIVE_SIZE) a
    # dozen real pages fill: the engine then backed out and never fetched
    # the very targets they waited for, and the run stopped for good. Our
    # own bound on pages held is the in-flight window.
    async def _verify(self, page: FetchedPage, rows: list[Row]) -> list[dict]:
        try:
            keys = {row.target.key for row in rows}
            profiles = {key: await self.profiles[key] for key in keys if key in self.profiles}
            page.hosting = await self.hosting.fields(page.final_url, page.headers)
            return await self.pool.run(verify_page, page, rows, profiles)
        except Exception as exc:  # a crash on a strange page is a bug, but must not lose rows
            if self.abandoned:  # the run is ending (an interrupt, a storage fault) and killed the pool: unchecked, not news
                raise asyncio.CancelledError from exc
            log_failed_analysis(logger, page.final_url, exc)
            return [error_result(row, "analysis_error", f"internal analysis error: {exc!r}") for row in rows]

    def parse_source(self, response):
        key = response.meta["group"]
        rows = self.ledger.rows(key)
        if rows is None:
            return None  # answered already (by the watchdog)
        task = asyncio.ensure_future(self._judge(key, fetched_page(response, rows[0].source_url)))
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return None

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("judging a page failed", exc_info=task.exception())
        if not self._tasks and not self.ledger:
            self._wake_engine()

    def _wake_engine(self) -> None:
        """Have the engine look at once whether the crawl is done. Pages are judged in our
        own tasks, which the engine does not watch: left alone it looks again only at its
        next heartbeat, and a finished run waited up to 5 s to end (``make bench`` on one
        tree: 36.0 s before, 34.4 s after). The slot is Scrapy's own, not an API: should it
        go, the heartbeat still ends the run."""
        nextcall = getattr(getattr(self.crawler.engine, "_slot", None), "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    async def _judge(self, key: str, page: FetchedPage) -> None:
        rows = self.ledger.rows(key)
        if rows is None:
            return
        try:
            results = await self._verify(page, rows)
            if self.render and not self.stopping and any(r["status"] == "lost" and r["reason"] == "link_removed" for r in results):
                # Still in flight: the page goes to Chromium before its rows are answered.
                self.crawler.engine.crawl(Request(
                    rows[0].source_url, callback=self.parse_rendered, errback=self.render_failed, dont_filter=True,
                    meta={"playwright": True, "group": key, "served": results}))
                return
        except BaseException as exc:  # cancelled, or a bug: the rows are still answered (first answer wins)
            self._answer(key, [error_result(row, "analysis_error", f"internal error: {exc!r}") for row in rows])
            raise
        self._answer(key, results)

    def _keep_open(self) -> None:
        """The engine sees no request in flight while pages are judged by our tasks: not idle yet."""
        if self.ledger or self._tasks:
            raise DontCloseSpider

    async def parse_rendered(self, response):
        key = response.meta["group"]
        served = response.meta["served"]
        rows = self.ledger.rows(key)
        if rows is None:
            return
        try:
            rendered = await self._verify(fetched_page(response, rows[0].source_url), rows)
        except BaseException:  # cancelled: the rows keep their verdicts as served
            self._answer(key, served)
            raise
        self.crawler.stats.inc_value(RENDERED)
        results = []
        for before, after in zip(served, rendered, strict=True):
            if before["status"] == "lost" and after["status"] == "live":
                # The link exists only once scripts have run: live, and said so.
                after["flags"] = sorted(set(after["flags"]) | {"js_link"})
                results.append(after)
            else:
                results.append(before)
        self._answer(key, results)
        return
        yield

    def render_failed(self, failure):
        """Chromium could not show the page: the rows keep their verdicts as served."""
        logger.warning("rendering %s failed: %s", failure.request.url, failure.value)
        self.crawler.stats.inc_value(RENDER_FAILED)
        self._answer(failure.request.meta["group"], failure.request.meta["served"])

    def source_failed(self, failure):
        key = failure.request.meta["group"]
        rows = self.ledger.rows(key) or []
        reason = failure_reason(failure.value)
        message = failure_message(failure.value)
        fetch = None
        if reason == "robots_disallowed" and not failure.request.meta.get("googlebot_allowed", True):
            # Kept out like us, Googlebot cannot crawl the page either: not indexable.
            fetch = {"flags": ["robots_disallowed"], "indexable": False}
        self._answer(key, [error_result(row, reason, message, fetch=fetch) for row in rows])
