"""Scrapy's resolver with ``--resolve HOST:ADDRESS`` applied, and one lookup per host at a time.

As curl's option of the same name: check a site on a staging server, or a
web served on loopback addresses, under its real host names. The hosting
fields (``crawler.hosting.addresses``) read the same pins, and resolve through
this resolver, so a page's ``ip`` is the address it was fetched from.

A backlink list holds dead domains, and some of them do not answer at all (a
lame delegation): each lookup then holds one of the resolver's threads until
the system resolver gives up (10 s and more). Scrapy looked such a host up
for robots.txt, for its retry, for the page and for its retry, and the hosting
fields once more, five threads' worth of waiting per dead host: 40 such hosts
took 161 s, with every other host's lookup queued behind them. Here a name
being looked up is not looked up again meanwhile (the callers share the
answer), and a name that failed fails at once for ``FAILED_SECONDS``.

Scrapy's resolver asks ``gethostbyname``, IPv4 only: a host with only an
IPv6 address (AAAA, no A record) was a ``dns_error`` although the page was
there. Here the lookup is ``getaddrinfo`` for both families, in the same
threads and under the same timeout; the IPv4 address is used where a host has
both (what the /24 counts, and what works on a machine without IPv6).
"""

from __future__ import annotations

import socket
import time

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer, threads
from twisted.internet.base import ThreadedResolver
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from crawler.bounded import trim_oldest
from crawler.hosting.addresses import parse_resolve, preferred_address

__all__ = ["PinnedResolver", "FAILED_SECONDS", "TIMED_OUT_SECONDS", "address_of", "timed_out"]

# How long a name that did not resolve is answered as such without asking again (a worker runs for
# days: a host down for an hour is looked up again after this); a lookup that timed out, less long
# (the resolver may have been busy), but long enough to spare the retry and the page after robots.txt.
FAILED_SECONDS = 600.0
TIMED_OUT_SECONDS = 60.0
_FAILED_KEPT = 100_000  # names remembered as failed at most (a list of a million dead domains stays bounded)


def timed_out(reason: str | BaseException) -> bool:
    """Whether a lookup failed for want of an answer in time (Twisted's "…: timeout error"), not "no such host"."""
    return "timeout" in str(reason)


def address_of(name: str) -> str:
    """``name``'s address, IPv4 first, else IPv6 (blocking: run in a thread); ``socket.gaierror`` if none."""
    address = preferred_address(socket.getaddrinfo(name, None, type=socket.SOCK_STREAM))
    if address is None:
        raise socket.gaierror(socket.EAI_NONAME, "no address")
    return address


class _DualStackResolver(ThreadedResolver):
    """Twisted's threaded resolver asking ``address_of`` instead of ``gethostbyname`` (IPv4 only)."""

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 - Twisted's name
        lookup = threads.deferToThreadPool(self.reactor, self.reactor.getThreadPool(), address_of, name)
        # The thread cannot be stopped: on the timeout its answer is dropped, as Twisted's own resolver does.
        lookup.addTimeout(sum(timeout) if timeout else 60, self.reactor)

        def failed(failure: Failure) -> Failure:
            why = "timeout error" if failure.check(defer.TimeoutError, defer.CancelledError) else failure.getErrorMessage()
            return Failure(DNSLookupError(f"address {name!r} not found: {why}"))

        return lookup.addErrback(failed)


class PinnedResolver(CachingThreadedResolver, _DualStackResolver):
    pinned: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._waiting: dict[str, list[defer.Deferred]] = {}  # name -> callers waiting on its lookup
        self._failed: dict[str, tuple[float, str]] = {}  # name -> (when, why), oldest first

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.pinned = parse_resolve(crawler.settings.getlist("LINKVERIFIER_RESOLVE"))
        return resolver

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 - Twisted's name
        key = name.lower().rstrip(".")
        pinned = self.pinned.get(key)
        if pinned is not None:
            return defer.succeed(pinned)
        failed = self._failed.get(key)
        if failed is not None:
            if time.monotonic() - failed[0] < (TIMED_OUT_SECONDS if timed_out(failed[1]) else FAILED_SECONDS):
                return defer.fail(DNSLookupError(failed[1]))
            del self._failed[key]
        # Each caller its own Deferred: one that gives up waiting (the hosting fields' bound) cancels its
        # own, not the lookup the fetch of the same host waits on.
        answer: defer.Deferred = defer.Deferred()
        if key in self._waiting:
            self._waiting[key].append(answer)
        else:
            self._waiting[key] = [answer]
            # (Settled at once when Scrapy's cache has the name: the answer is registered first.)
            super().getHostByName(name, timeout).addBoth(self._settled, key)
        return answer

    def _settled(self, result, key: str) -> None:
        waiting = self._waiting.pop(key, [])
        if isinstance(result, Failure) and result.check(DNSLookupError):
            self._failed[key] = (time.monotonic(), str(result.value))
            trim_oldest(self._failed, _FAILED_KEPT)
        for answer in waiting:
            if answer.called:  # cancelled by its caller
                continue
            if isinstance(result, Failure):
                answer.errback(result)
            else:
                answer.callback(result)
