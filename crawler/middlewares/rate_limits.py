"""A site that says "too many requests" is waited for, as it asks, before a row is called blocked.

Big sites (forums, blog platforms, social networks) answer 429 once a client asks faster than they
allow, often with ``Retry-After``. Scrapy's AutoThrottle never slows down for it and 429 is not
retried, so a list of 30 pages on a site allowing two requests a second came back with 27 rows
``error``/``blocked`` for pages that were there. Here a 429 (or a 503 with ``Retry-After``) slows the
host's downloader slot to what the site asked (``Retry-After``, seconds or a date; 5 s when it says
nothing) and asks again, up to ``MAX_TRIES`` times and ``MAX_WAIT`` seconds in all a request; each
wait is bounded so that the stall watchdog, which waits 4 x ``--timeout``, never mistakes it for a
stall. A site that asks for longer, or still refuses, is answered as before: ``error``/``blocked``.
"""

from __future__ import annotations

import email.utils
import time

__all__ = ["RateLimitMiddleware", "MAX_TRIES", "MAX_WAIT", "retry_after"]

MAX_TRIES = 4  # asked again at most this many times a request
MAX_WAIT = 120.0  # seconds of waiting in all a request
DEFAULT_WAIT = 5.0  # a 429 without Retry-After


def retry_after(value: bytes | str | None, now: float | None = None) -> float | None:
    """``Retry-After`` in seconds from now (delta-seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RateLimitMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        # One wait may not reach the stall watchdog's bound (4 x --timeout, at least 10 s): half of it.
        from crawler.run.watchdog import stall_bound

        self.longest_wait = min(60.0, stall_bound(crawler.settings) / 2)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        asked = retry_after(response.headers.get(b"Retry-After"))
        if response.status != 429 and not (response.status == 503 and asked is not None):
            return response
        wait = DEFAULT_WAIT if asked is None else asked
        tries = request.meta.get("rate_limited_tries", 0)
        waited = request.meta.get("rate_limited_wait", 0.0)
        if tries >= MAX_TRIES or wait > self.longest_wait or waited + wait > MAX_WAIT:
            return response  # answered as the site answered: blocked
        self._slow_down(request, wait)
        self.crawler.stats.inc_value("linkverifier/rate_limited")
        again = request.replace(dont_filter=True)
        again.meta["rate_limited_tries"] = tries + 1
        again.meta["rate_limited_wait"] = waited + wait
        return again

    def _slow_down(self, request, wait: float) -> None:
        """The host's slot sends its next request ``wait`` seconds after the refused one at the earliest
        (AutoThrottle brings the delay down again as the site answers)."""
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(request.meta.get("download_slot") or downloader.get_slot_key(request))
        if slot is not None:
            slot.delay = max(slot.delay, wait)
