"""The ``discover`` spider: crawl candidate sites for pages that link to the target.

Each site is crawled breadth first within its own host (``www.`` ignored),
politely (robots.txt, per-host limits), up to ``max_pages`` pages per site.
Every page is verified exactly as ``verify`` verifies a row; pages that link
to the target are emitted in ``verify``'s result format.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from scrapy.http import Request

from crawler.analysis.pool import log_failed_analysis
from crawler.analysis.results import error_result
from crawler.analysis.tasks import discover_page
from crawler.lists.backlinks import Row
from crawler.spiders.verify import TARGET_PRIORITY, VerifySpider, fetched_page
from extract.urls import Target, host_of, invalid_url_reason

__all__ = ["DiscoverSpider"]


class DiscoverSpider(VerifySpider):
    name = "discover"

    def __init__(self, sites=(), target: str | None = None, max_pages: int = 500, *args, **kwargs):
        super().__init__(*args, target=target, **kwargs)
        self.sites = [s for s in (sites.split(",") if isinstance(sites, str) else sites) if s]
        self.max_pages = int(max_pages)
        self.target = Target.parse(target)
        self.pages_per_site: Counter[str] = Counter()
        self.seen: set[str] = set()
        self.emitted = 0
        self.finals: set[str] = set()  # pages analysed, by final URL (redirects land on known pages)

    async def start(self):
        self.profiles[self.target.key] = asyncio.get_running_loop().create_future()
        yield Request(self.target.fetch_url, callback=self.parse_target, errback=self.target_failed,
                      priority=TARGET_PRIORITY, dont_filter=True, meta={"target_key": self.target.key, "dont_obey_robotstxt": True})
        for site in self.sites:
            request = self._request(site, host_of(site))
            if request:
                yield request

    def _request(self, url: str, site: str) -> Request | None:
        url = url.split("#", 1)[0]
        if url in self.seen or invalid_url_reason(url) or host_of(url) != site or self.pages_per_site[site] >= self.max_pages:
            return None
        self.seen.add(url)
        self.pages_per_site[site] += 1
        return Request(url, callback=self.parse_page, errback=self.ignore_failure, dont_filter=True, meta={"site": site})

    def _row(self, url: str) -> Row:
        return Row(index=-1, source_url=url, target_raw=self.target.raw, target=self.target, extra={"via": "crawl"})

    async def parse_page(self, response):
        if response.url in self.finals:
            return
        self.finals.add(response.url)
        row = self._row(response.request.meta.get("redirect_urls", [response.url])[0])
        profiles = {self.target.key: await self.profiles[self.target.key]}
        result, links = await self._discover(response, row, profiles)
        if self.render and result["status"] == "lost" and result["reason"] == "link_removed":
            # Chromium may show a link scripts add; its links are crawled on too.
            yield Request(response.url, callback=self.parse_rendered_page, errback=self.rendered_page_failed, dont_filter=True,
                          meta={"playwright": True, "site": response.meta["site"], "row": row, "served_links": links})
            return
        for item in self._emit(result, links, response.meta["site"]):
            yield item

    async def parse_rendered_page(self, response):
        row = response.meta["row"]
        result, links = await self._discover(response, row, {self.target.key: await self.profiles[self.target.key]})
        if result["status"] == "live":
            result["flags"] = sorted(set(result["flags"]) | {"js_link"})
        for item in self._emit(result, list(dict.fromkeys(response.meta["served_links"] + links)), response.meta["site"]):
            yield item

    def rendered_page_failed(self, failure):
        """Chromium could not show the page: crawl on from its links as served."""
        self.logger.info("rendering %s failed: %s", failure.request.url, failure.value)
        meta = failure.request.meta
        yield from self._emit({"status": "lost"}, meta["served_links"], meta["site"])

    async def _discover(self, response, row: Row, profiles: dict) -> tuple[dict, list[str]]:
        try:
            page = fetched_page(response, row.source_url)
            page.hosting = await self.hosting.fields(page.final_url, page.headers)
            return await self.pool.run(discover_page, page, row, profiles)
        except Exception as exc:  # one strange page must not stop the crawl
            log_failed_analysis(self.logger, response.url, exc)
            return error_result(row, "analysis_error", repr(exc)), []

    def _emit(self, result: dict, links: list[str], site: str):
        """The result when the page links to the target, then requests for its links."""
        if result["status"] == "live":
            result["row"] = self.emitted
            self.emitted += 1
            yield {"result": result}
        for link in links:
            request = self._request(link, site)
            if request:
                yield request

    def ignore_failure(self, failure):
        self.logger.info("not read: %s (%s)", failure.request.url, failure.value)
