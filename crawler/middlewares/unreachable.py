"""Hosts whose connections time out, answered at once for a while instead of waited on again.

A backlink list holds dead servers whose address swallows connections (a firewall dropping them, a
machine gone): each connection attempt waits the whole ``--timeout``. Scrapy tried robots.txt, its
retry, the page and its retry, four timeouts a host, holding a request slot all the while (20 such
hosts at ``--timeout 5``: 31 s). A connection to a host that timed out is not attempted again for
``UNREACHABLE_SECONDS``: the request fails at once with the same error, which the spider answers as
``error``/``timeout`` as before. Only the connection's own timeout counts (not a slow response, not a
refused connection, which fails at once anyway), and not through a proxy, where the connection is
the proxy's.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from twisted.internet import error

from crawler.bounded import trim_oldest

__all__ = ["UnreachableHostsMiddleware", "UNREACHABLE_SECONDS"]

# A worker runs for days: a host that timed out is tried again after this.
UNREACHABLE_SECONDS = 600.0
_KEPT = 100_000  # hosts remembered at most
_CONNECT_TIMEOUTS = (error.TimeoutError, error.TCPTimedOutError, error.NoRouteError)


def _host_key(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        return f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}" if parts.hostname else None
    except ValueError:
        return None


def _connect_timeout(exception: BaseException) -> bool:
    """A connection that timed out: Twisted's error, or Scrapy's DownloadTimeoutError raised from it (Scrapy
    2.13+; its own "took longer than" for a slow response has no such cause)."""
    return isinstance(exception, _CONNECT_TIMEOUTS) or isinstance(exception.__cause__, _CONNECT_TIMEOUTS)


class UnreachableHostsMiddleware:
    def __init__(self) -> None:
        self._unreachable: dict[str, tuple[float, Exception]] = {}  # host:port -> (when, what), oldest first

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_request(self, request, spider=None):
        if request.meta.get("proxy") or request.meta.get("playwright"):
            return None
        key = _host_key(request.url)
        known = self._unreachable.get(key) if key else None
        if known is None:
            return None
        if time.monotonic() - known[0] >= UNREACHABLE_SECONDS:
            del self._unreachable[key]
            return None
        raise type(known[1])(f"{known[1]} (this host's connection timed out earlier in this run)")

    def process_exception(self, request, exception, spider=None):
        if _connect_timeout(exception) and not request.meta.get("proxy") and not request.meta.get("playwright"):
            key = _host_key(request.url)
            if key and key not in self._unreachable:
                self._unreachable[key] = (time.monotonic(), exception)
                trim_oldest(self._unreachable, _KEPT)
        return None
