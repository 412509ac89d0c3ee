"""Scrapy's cookie handling, with the cookies of hosts long left behind dropped.

Cookies are kept so that a site that sets one and redirects to itself (a consent
or session check) lets the page through. Scrapy keeps every cookie of every
host for the whole run: on the real web most sites set some, and a list of
4,000 distinct hosts setting four each grew the crawling process by 17.5 MB,
a 100,000-row list by about 440 MB. The jar keeps the cookies of the
``MAX_DOMAINS`` cookie domains answered last (a host's robots.txt, page and
redirects come together); older domains' cookies go.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.utils.httpobj import urlparse_cached

from crawler.bounded import touch, trim_oldest

__all__ = ["BoundedCookiesMiddleware", "MAX_DOMAINS"]

MAX_DOMAINS = 1000
_CHECK_EVERY = 100  # responses between looks at the jars' size


class BoundedCookiesMiddleware(CookiesMiddleware):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._responses = 0

    def process_response(self, request, response, spider=None):
        result = super().process_response(request, response, spider) if spider is not None else \
            super().process_response(request, response)
        cookies = self.jars[request.meta.get("cookiejar")].jar._cookies
        _seen(cookies, urlparse_cached(request).hostname or "")
        self._responses += 1
        if self._responses % _CHECK_EVERY == 0:
            for jar in self.jars.values():
                trim_oldest(jar.jar._cookies, MAX_DOMAINS)
        return result


def _seen(cookies: dict, host: str) -> None:
    """Move the cookie domains that match ``host`` (itself, and ``.parent`` domains) to the end: seen last."""
    labels = host.split(".")
    for key in (host, *("." + ".".join(labels[i:]) for i in range(len(labels) - 1))):
        touch(cookies, key)
