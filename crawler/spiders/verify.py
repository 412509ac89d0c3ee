"""The ``verify`` spider: fetch every source page once and judge its rows.

Stages:
1. take the backlink list, spooled to disk (``crawler.spool``); bad rows
   become ``invalid_url`` results at once;
2. fetch each distinct target page first (high priority), for topical fit and
   its hreflang cluster;
3. fetch each distinct source page once, however many rows name it, taking
   its rows from the spool only when it is its turn;
4. hand the response to the analysis pool (off the reactor) together with
   the profiles of its targets, and emit one result per row;
5. with ``--render``, a page that answered with HTML but holds no link to
   the target is fetched again through headless Chromium (``crawler.render``),
   and a link that appears there makes the row live, flagged ``js_link``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

import scrapy
from scrapy.http import Request

from crawler.failures import failure_reason
from crawler.fetched import FetchedPage
from crawler.inputs import Row, iter_rows
from crawler.results import error_result
from crawler.spool import RowSpool
from crawler.tasks import analyze_target, verify_page
from crawler.workers import AnalysisPool

__all__ = ["VerifySpider", "fetched_page"]

logger = logging.getLogger(__name__)

TARGET_PRIORITY = 100
# Source pages handed to Scrapy and not yet judged (queued, downloading, or
# waiting for an analysis worker). Scrapy drains start() into its scheduler as
# fast as it can, and fetching outruns analysis: without this window a
# 100,000-row list would sit in memory as requests, then as pages waiting to
# be analysed. 128 covers 32 downloads and a few seconds of analysis work.
MAX_IN_FLIGHT = 128


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

    def __init__(self, input: str | None = None, target: str | None = None, rows: RowSpool | None = None,
                 done_rows: set[int] | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spool = rows  # the CLI reads (and validates) the list itself
        self.own_spool = False
        self.done_rows = done_rows or set()  # --resume: rows checked before the crash
        self.input_path = input
        self.default_target = target
        self.groups: dict[str, list[Row]] = {}  # source pages in flight -> their rows
        self.profiles: dict[str, asyncio.Future] = {}
        self.pool: AnalysisPool | None = None
        self.host_rows: Counter[str] = Counter()  # valid rows per source host (sitewide)
        self.in_flight = 0
        self._room = asyncio.Event()
        self.render = False  # --render: set from the settings in from_crawler

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        kwargs.setdefault("input", crawler.settings.get("LINKVERIFIER_INPUT"))
        kwargs.setdefault("target", crawler.settings.get("LINKVERIFIER_TARGET"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        workers = crawler.settings.get("LINKVERIFIER_WORKERS")
        spider.pool = AnalysisPool(None if workers in (None, "") else int(workers))
        spider.render = crawler.settings.getbool("LINKVERIFIER_RENDER")
        crawler.signals.connect(spider.close_pool, signal=scrapy.signals.spider_closed)
        return spider

    def close_pool(self) -> None:
        if self.pool:
            self.pool.close()
        if self.own_spool:
            self.spool.close()

    def load_rows(self) -> RowSpool:
        if self.spool is None:  # run as `scrapy crawl verify -a input=...`
            self.spool = RowSpool(iter_rows(self.input_path, self.default_target), self.default_target)
            self.own_spool = True
        self.spool.skip(self.done_rows)  # checked before the crash; the output pipeline writes them
        self.crawler.stats.set_value("linkverifier/rows", len(self.spool))
        # Valid rows per host, resumed ones included, known before start() yields
        # anything: the output pipeline holds a host's results until all are in.
        self.host_rows = self.spool.host_rows()
        return self.spool

    async def start(self):
        spool = self.load_rows()
        for row in spool.invalid_rows():
            yield {"result": error_result(row, "invalid_url", row.error)}
        loop = asyncio.get_running_loop()
        for key, target in spool.targets().items():
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
            while self.in_flight >= window:
                self._room.clear()
                await self._room.wait()
            self.in_flight += 1
            group = self.groups[key] = spool.group(key)
            yield Request(
                group[0].source_url,
                callback=self.parse_source,
                errback=self.source_failed,
                dont_filter=True,
                meta={"group": key},
            )

    def _answered(self) -> None:
        """A source page was judged (or failed to download): room for the next one."""
        self.in_flight -= 1
        self._room.set()

    # --- targets -----------------------------------------------------------
    async def parse_target(self, response):
        page = fetched_page(response, response.request.url)
        try:
            profile = await self.pool.run(analyze_target, page)
        except Exception:
            logger.exception("analysis of target %s failed", response.url)
            profile = {"ok": False}
        self._settle(response.meta["target_key"], profile)
        return
        yield  # an async generator, like every callback here

    def target_failed(self, failure):
        self._settle(failure.request.meta["target_key"], {"ok": False})

    def _settle(self, key: str, profile: dict) -> None:
        future = self.profiles[key]
        if not future.done():
            future.set_result(profile)

    # --- sources -----------------------------------------------------------
    async def _verify(self, response, rows: list[Row]) -> list[dict]:
        page = fetched_page(response, rows[0].source_url)
        profiles = {key: await self.profiles[key] for key in {row.target.key for row in rows}}
        try:
            return await self.pool.run(verify_page, page, rows, profiles)
        except Exception as exc:  # a crash on a strange page is a bug, but must not lose rows
            logger.exception("analysis of %s failed", response.url)
            return [error_result(row, "analysis_error", f"internal analysis error: {exc!r}") for row in rows]

    async def parse_source(self, response):
        rows = self.groups.pop(response.meta["group"])
        results = await self._verify(response, rows)
        if self.render and any(r["status"] == "lost" and r["reason"] == "link_removed" for r in results):
            # Still in flight: the page goes to Chromium before its rows are answered.
            yield Request(rows[0].source_url, callback=self.parse_rendered, errback=self.render_failed, dont_filter=True,
                          meta={"playwright": True, "rows": rows, "served": results})
            return
        self._answered()
        for result in results:
            yield {"result": result}

    async def parse_rendered(self, response):
        served = response.meta["served"]
        rendered = await self._verify(response, response.meta["rows"])
        self.crawler.stats.inc_value("linkverifier/rendered")
        self._answered()
        for before, after in zip(served, rendered, strict=True):
            if before["status"] == "lost" and after["status"] == "live":
                # The link exists only once scripts have run: live, and said so.
                after["flags"] = sorted(set(after["flags"]) | {"js_link"})
                yield {"result": after}
            else:
                yield {"result": before}

    def render_failed(self, failure):
        """Chromium could not show the page: the rows keep their verdicts as served."""
        logger.warning("rendering %s failed: %s", failure.request.url, failure.value)
        self.crawler.stats.inc_value("linkverifier/render_failed")
        self._answered()
        for result in failure.request.meta["served"]:
            yield {"result": result}

    def source_failed(self, failure):
        self._answered()
        rows = self.groups.pop(failure.request.meta["group"], [])
        reason = failure_reason(failure.value)
        message = str(failure.value) or type(failure.value).__name__
        for row in rows:
            yield {"result": error_result(row, reason, message)}
