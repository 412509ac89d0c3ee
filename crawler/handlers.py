"""Scrapy's HTTP download handler, with few idle connections kept, and not for long.

Twisted's connection pool keeps every connection idle for 240 s after its
response, up to 4 a host, in case the host is asked again. A backlink list is
mostly distinct hosts, each asked once or twice in a row (robots.txt, then the
page): the idle connections grew to thousands of open files, and past the usual
limit (``ulimit -n`` 1,024) every request failed as a ``connection_error`` (502
of 1,500 distinct hosts, measured). Here an idle connection is closed after
``IDLE_CONNECTION_SECONDS``, and no more stay idle, all hosts together, than
requests may be in flight (the oldest goes first): the robots.txt-then-page
reuse is kept, and open files follow ``--concurrency``, not the list's length
or the crawl's rate.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from twisted.web.client import HTTPConnectionPool

__all__ = ["HTTPHandler", "IDLE_CONNECTION_SECONDS", "bound_idle_connections"]

IDLE_CONNECTION_SECONDS = 5.0


class _BoundedPool(HTTPConnectionPool):
    """At most ``max_idle`` idle connections over all hosts. (Twisted's ``_timeouts`` holds each idle
    connection's timer in the order they became idle: its first is the oldest.)"""

    max_idle = 32

    def _putConnection(self, key, connection):
        connection._linkverifier_pool_key = key
        super()._putConnection(key, connection)
        while len(self._timeouts) > self.max_idle:
            oldest = next(iter(self._timeouts))
            self._timeouts[oldest].cancel()
            self._removeConnection(oldest._linkverifier_pool_key, oldest)

    def _removeConnection(self, key, connection):
        super()._removeConnection(key, connection)
        if not self._connections.get(key):  # one entry per host ever seen would pile up over a long list
            self._connections.pop(key, None)


def bound_idle_connections(handler: HTTP11DownloadHandler, max_idle: int) -> None:
    """Give ``handler`` a pool that closes idle connections early and keeps at most ``max_idle``."""
    from twisted.internet import reactor

    old = handler._pool
    pool = _BoundedPool(reactor, persistent=True)
    pool.maxPersistentPerHost = old.maxPersistentPerHost
    pool._factory = old._factory  # Scrapy's lenient HTTP/1.1 client factory
    pool.cachedConnectionTimeout = IDLE_CONNECTION_SECONDS
    pool.max_idle = max(1, max_idle)
    handler._pool = pool


class HTTPHandler(HTTP11DownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        bound_idle_connections(self, crawler.settings.getint("CONCURRENT_REQUESTS"))
