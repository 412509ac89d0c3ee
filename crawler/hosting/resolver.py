"""Scrapy's resolver with ``--resolve HOST:ADDRESS`` applied: a pinned host is fetched from its address.

As curl's option of the same name: check a site on a staging server, or a
web served on loopback addresses, under its real host names. The hosting
fields (``crawler.hosting.addresses``) read the same pins, so a page's ``ip``
is the address it was fetched from.
"""

from __future__ import annotations

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer

from crawler.hosting.addresses import parse_resolve

__all__ = ["PinnedResolver"]


class PinnedResolver(CachingThreadedResolver):
    pinned: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.pinned = parse_resolve(crawler.settings.getlist("LINKVERIFIER_RESOLVE"))
        return resolver

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 - Twisted's name
        pinned = self.pinned.get(name.lower().rstrip("."))
        if pinned is not None:
            return defer.succeed(pinned)
        return super().getHostByName(name, timeout)
