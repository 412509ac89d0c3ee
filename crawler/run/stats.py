"""Our keys in Scrapy's stats collector (beside Scrapy's own): written by the spiders, the watchdog and the
run, read through ``crawler.run.crawl.Outcome``."""

__all__ = ["COUNTS", "ROWS", "STALLED_ROWS", "PAGES", "UNREAD_PAGES", "RENDERED", "RENDER_FAILED"]

COUNTS = "linkverifier/counts"  # rows answered per status
ROWS = "linkverifier/rows"  # rows in the input
STALLED_ROWS = "linkverifier/stalled_rows"  # rows the stall watchdog answered
PAGES = "linkverifier/pages"  # pages crawled (discover, hreflang)
UNREAD_PAGES = "linkverifier/unread_pages"  # of hreflang's, those that gave no usable answer, by reason
RENDERED = "linkverifier/rendered"  # pages opened again in Chromium (--render)
RENDER_FAILED = "linkverifier/render_failed"  # of those, pages Chromium could not show
