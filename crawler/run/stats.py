"""Our keys in Scrapy's stats collector (beside Scrapy's own): written by the spiders, the watchdog and the
run, read through ``crawler.run.crawl.Outcome``."""

__all__ = ["COUNTS", "ROWS", "STALLED_ROWS", "PAGES", "RENDERED", "RENDER_FAILED"]

COUNTS = "linkverifier/counts"  # rows answered per status
ROWS = "linkverifier/rows"  # rows in the input
STALLED_ROWS = "linkverifier/stalled_rows"  # rows the stall watchdog answered
PAGES = "linkverifier/pages"  # pages crawled (discover, hreflang)
RENDERED = "linkverifier/rendered"  # pages opened again in Chromium (--render)
RENDER_FAILED = "linkverifier/render_failed"  # of those, pages Chromium could not show
