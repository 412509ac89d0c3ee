"""scrapy-playwright's download handler (``--render``), its plain-HTTP pool closing idle connections as
``crawler.handlers`` explains. Imported by Scrapy only when ``--render`` is given (an optional extra)."""

from __future__ import annotations

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.handlers import bound_idle_connections

__all__ = ["RenderHandler"]


class RenderHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        bound_idle_connections(self, crawler.settings.getint("CONCURRENT_REQUESTS"))
