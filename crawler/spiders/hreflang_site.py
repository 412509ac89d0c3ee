"""The ``hreflang`` spider: crawl a site's own international setup.

Stages:
1. robots.txt of the start host (its ``Sitemap:`` lines), the sitemaps given
   with ``--sitemap``, and the start URL;
2. sitemaps and sitemap indexes (gzip too), streamed: every ``<loc>`` is a
   page to crawl and its ``xhtml:link`` alternates are annotations;
3. pages breadth-first through internal links (the start's registrable
   domain and every host hreflang names), up to ``--max-pages``;
4. every hreflang target, wherever it is, fetched once (status, redirects,
   robots, canonical, noindex recorded);
5. every page of a cluster (one that names alternates, or is named by one)
   fetched once more, asking for another of the cluster's languages in
   ``Accept-Language``: a page that redirects or answers differently by the
   reader's language is locale-adaptive, which Googlebot (it sends no
   ``Accept-Language``, as every first fetch here) cannot see through.
The records are audited after the crawl (``scoring.hreflang_audit``).
"""

from __future__ import annotations

import gzip
import io
import logging
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Request

from crawler.analysis.pool import AnalysisPool, log_failed_analysis
from crawler.analysis.tasks import analyze_hreflang_page
from crawler.failures import failure_reason
from crawler.spiders.verify import fetched_page
from extract.hreflang import HreflangRecord, iter_sitemap
from extract.urls import host_of, invalid_url_reason, registered_domain

__all__ = ["HreflangSpider"]

logger = logging.getLogger(__name__)

# Hreflang targets outside the crawl are fetched too, up to this many per crawled page.
TARGETS_PER_PAGE = 10
MAX_SITEMAPS = 1000
# Google reads a sitemap's first 50 MB, uncompressed, and no more; so does the audit. A gzip'd sitemap
# of a few MB can unpack to gigabytes (by accident or as a bomb): read whole, it held the crawl's one
# thread for as long as lxml took over it.
SITEMAP_MAX_BYTES = 50 * 1024 * 1024


class SitemapTooLarge(Exception):
    """A sitemap past ``SITEMAP_MAX_BYTES`` uncompressed: what came before is read, the rest is not."""


class _Capped(io.RawIOBase):
    """``stream``, ending in ``SitemapTooLarge`` once ``limit`` bytes have been read from it."""

    def __init__(self, stream, limit: int = SITEMAP_MAX_BYTES):
        self.stream, self.left = stream, limit

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            if not self.stream.read(1):
                return b""  # exactly at the limit, and no further: a sitemap Google reads whole
            raise SitemapTooLarge
        data = self.stream.read(self.left if size is None or size < 0 else min(size, self.left))
        self.left -= len(data)
        return data


class HreflangSpider(scrapy.Spider):
    name = "hreflang"
    # As Googlebot: no Accept-Language (Scrapy's default sends "en"); the probes send one.
    custom_settings = {"ITEM_PIPELINES": {}, "DEFAULT_REQUEST_HEADERS": {
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}}

    def __init__(self, start_url: str, sitemaps: list[str] | tuple = (), max_pages: int = 5000, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_url = start_url
        self.sitemaps = [s for s in (sitemaps.split(",") if isinstance(sitemaps, str) else sitemaps) if s]
        self.max_pages = int(max_pages)
        self.records: dict[str, HreflangRecord] = {}  # requested URL -> page record
        self.sitemap_alternates: dict[str, list[tuple[str, str]]] = {}  # <loc> -> [(hreflang, href)]
        self.discovered: set[str] = {start_url}  # URLs reachable by links or sitemaps
        self.crawl_pages: set[str] = set()  # URLs crawled as site pages (not only as targets)
        self.scheduled: set[str] = set()
        self.sitemap_count = 0
        self.domains = {registered_domain(host_of(start_url))}
        self.pool: AnalysisPool | None = None
        self.render = False  # --render: pages are read as Chromium shows them (hreflang tags scripts add count)
        self.probes: dict[str, HreflangRecord] = {}  # requested URL -> its record fetched with another Accept-Language
        self.probe_language: dict[str, str] = {}  # requested URL -> the language that probe asked for
        self.cluster_languages: dict[str, set[str]] = {}  # URL -> the languages of the annotations that name it

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.pool = AnalysisPool.from_settings(crawler.settings, warm_up="hreflang")
        spider.render = crawler.settings.getbool("LINKVERIFIER_RENDER")
        crawler.signals.connect(spider.pool.close, signal=scrapy.signals.spider_closed)
        return spider

    async def start(self):
        parts = urlsplit(self.start_url)
        yield Request(f"{parts.scheme}://{parts.netloc}/robots.txt", callback=self.parse_robots,
                      errback=self.ignore, meta={"dont_obey_robotstxt": True}, priority=10)
        for sitemap in self.sitemaps:
            request = self._sitemap_request(sitemap)
            if request:
                yield request
        yield self._page_request(self.start_url, crawl=True)

    # --- scheduling ----------------------------------------------------------
    def _page_request(self, url: str, crawl: bool) -> Request | None:
        url = url.split("#", 1)[0]
        if crawl:
            if url in self.crawl_pages or len(self.crawl_pages) >= self.max_pages:
                return None
            self.crawl_pages.add(url)
        if url in self.scheduled or invalid_url_reason(url):
            return None
        if not crawl and len(self.scheduled) >= self.max_pages * TARGETS_PER_PAGE:
            return None
        self.scheduled.add(url)
        return Request(url, callback=self.parse_page, errback=self.page_failed, dont_filter=True,
                       meta={"requested": url, "playwright": self.render})

    def _sitemap_request(self, url: str) -> Request | None:
        if self.sitemap_count >= MAX_SITEMAPS or invalid_url_reason(url):
            return None
        self.sitemap_count += 1
        return Request(url, callback=self.parse_sitemap, errback=self.ignore, dont_filter=True, priority=5)

    def _internal(self, url: str) -> bool:
        return registered_domain(host_of(url)) in self.domains

    # --- callbacks -----------------------------------------------------------
    def parse_robots(self, response):
        for line in response.text.splitlines() if hasattr(response, "text") else []:
            key, _, value = line.partition(":")
            if key.strip().lower() == "sitemap" and value.strip():
                request = self._sitemap_request(value.strip())
                if request:
                    yield request

    def parse_sitemap(self, response):
        body = response.body
        stream = _Capped(gzip.GzipFile(fileobj=io.BytesIO(body)) if body[:2] == b"\x1f\x8b" else io.BytesIO(body))
        try:
            for entry in iter_sitemap(stream):
                if entry[0] == "sitemap":
                    request = self._sitemap_request(entry[1])
                else:
                    _kind, loc, alternates = entry
                    self.sitemap_alternates.setdefault(loc, []).extend(alternates)
                    self.discovered.add(loc)
                    for _code, href in alternates:
                        self._note_domain(href)
                        target = self._page_request(href, crawl=False)
                        if target:
                            yield target
                    request = self._page_request(loc, crawl=True)
                if request:
                    yield request
        except (OSError, EOFError) as exc:  # a broken gzip or truncated file
            logger.warning("sitemap %s unreadable: %s", response.url, exc)
        except SitemapTooLarge:
            logger.warning("sitemap %s is larger than Google reads (%d MB uncompressed): the rest is not read",
                           response.url, SITEMAP_MAX_BYTES // 2**20)

    def _note_domain(self, url: str) -> None:
        if url.startswith(("http://", "https://")):
            self.domains.add(registered_domain(host_of(url)))

    async def parse_page(self, response):
        requested = response.meta["requested"]
        try:
            record = await self.pool.run(analyze_hreflang_page, fetched_page(response, requested))
        except Exception as exc:  # the page stays in the audit, as one that gave no usable answer
            log_failed_analysis(logger, response.url, exc)
            record = HreflangRecord(requested, response.url, response.status, error="analysis_error",
                                    googlebot_allowed=response.meta.get("googlebot_allowed", True))
        self.records[requested] = record
        for alternate in record.alternates:
            if alternate.url:
                self._note_domain(alternate.url)
        annotations = [(a.hreflang, a.url) for a in record.alternates if a.url] + self.sitemap_alternates.get(requested, [])
        languages = {_language(code) for code, _url in annotations} - {None}
        for _code, url in annotations:
            self.cluster_languages.setdefault(url, set()).update(languages)
        for _code, url in annotations:
            request = self._page_request(url, crawl=False)
            if request:
                yield request
        probe = self._probe_request(requested, record, languages)
        if probe:
            yield probe
        if requested in self.crawl_pages:
            for link in record.links:
                self.discovered.add(link)  # linked from the site, wherever it points
                if self._internal(link):
                    request = self._page_request(link, crawl=True)
                    if request:
                        yield request

    # --- locale-adaptive probes ---------------------------------------------------
    def _probe_request(self, requested: str, record: HreflangRecord, languages: set[str]) -> Request | None:
        """The page again, asking for one of its cluster's languages other than the one it served."""
        if requested in self.probe_language or record.error:
            return None
        served = _language(record.language) or _language(record.html_lang)
        choices = sorted((languages | self.cluster_languages.get(requested, set())) - {served})
        if not choices:
            return None
        self.probe_language[requested] = choices[0]
        return Request(requested, callback=self.parse_probe, errback=self.probe_failed, dont_filter=True, priority=-1,
                       headers={"Accept-Language": f"{choices[0]},{choices[0]};q=0.9"},
                       meta={"requested": requested, "playwright": self.render})

    async def parse_probe(self, response):
        requested = response.meta["requested"]
        try:
            self.probes[requested] = await self.pool.run(analyze_hreflang_page, fetched_page(response, requested))
        except Exception as exc:  # a second look that fails says nothing: the page keeps its first answer's issues
            log_failed_analysis(logger, f"{response.url} (Accept-Language probe)", exc)
        return
        yield

    def probe_failed(self, failure):
        requested = failure.request.meta["requested"]
        self.probes[requested] = HreflangRecord(requested, requested, None, error=failure_reason(failure.value))

    def page_failed(self, failure):
        requested = failure.request.meta["requested"]
        self.records[requested] = HreflangRecord(
            requested, requested, None, googlebot_allowed=failure.request.meta.get("googlebot_allowed", True),
            error=failure_reason(failure.value),
        )

    def ignore(self, failure):
        logger.info("not read: %s (%s)", failure.request.url, failure.value)


def _language(code: str | None) -> str | None:
    """The language of an hreflang code or a detected language (``de-AT`` -> ``de``); None for x-default."""
    if not code or code.lower() == "x-default":
        return None
    return code.split("-")[0].split("_")[0].lower() or None
