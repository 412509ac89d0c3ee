"""Each host's address, resolved once a run, off the reactor.

Through the crawl's own resolver (``crawler.hosting.resolver``: the system
resolver in threads, so ``/etc/hosts`` and the machine's DNS settings count,
and the fetch's lookup of the same host is shared, not repeated); outside a
crawl, through asyncio's ``getaddrinfo``. ``--resolve HOST:ADDRESS`` (curl's
option of the same name) pins a host to an address for the hosting evidence,
as for checking a site on a staging server. A host that does not resolve, or
not within ``TIMEOUT``, has no address: the page's hosting fields are ``null``
and nothing else changes.

On a machine with no DNS (it reaches the web through a proxy), every lookup
would wait ``TIMEOUT``: after ``GIVE_UP_AFTER`` lookups in a row time out with
none answered for a while, the run stops asking, and tries one lookup again
every ``RETRY_SECONDS``. Timeouts while other hosts resolve are those hosts'
(a dead domain's name servers), not the machine's: until December 2026 three
dead domains close together in a list cost every later page its address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time

from crawler.bounded import trim_oldest

__all__ = ["HostAddresses", "parse_resolve", "preferred_address", "TIMEOUT"]

logger = logging.getLogger(__name__)

# Seconds one lookup may take: a resolver that does not answer must not hold a page's rows for long.
TIMEOUT = 10.0
# Lookups in a row that time out, none answered meanwhile, before the run stops asking (a machine
# that reaches the web only through a proxy may have no DNS at all): its pages get null addresses at once.
GIVE_UP_AFTER = 3
# A lookup answered this recently means the resolver works: a timeout is then the host's own.
WORKING_SECONDS = 2 * TIMEOUT
# Given up, one lookup is tried again this often; an answer resumes the lookups.
RETRY_SECONDS = 60.0
# Answers kept for hosts asked again (a host's rows come together; the resolver caches too).
KEPT_LOOKUPS = 4096


def parse_resolve(values) -> dict[str, str]:
    """``["blog.example.com:203.0.113.7", …]`` -> ``{host: address}``; ValueError names a bad one."""
    pinned = {}
    for value in values:
        host, sep, address = value.rpartition(":") if value.count(":") == 1 else value.partition(":")
        try:
            if not sep or not host:
                raise ValueError
            address = str(ipaddress.ip_address(address.strip("[]")))
        except ValueError:
            raise ValueError(f"--resolve: {value}: expected HOST:ADDRESS, as in blog.example.com:203.0.113.7") from None
        pinned[host.lower().rstrip(".")] = address
    return pinned


class HostAddresses:
    """``await addresses.of(host)`` -> ``"203.0.113.7"`` or None; one lookup per host a run."""

    def __init__(self, pinned: dict[str, str] | None = None):
        self.pinned = dict(pinned or {})
        self._lookups: dict[str, asyncio.Future] = {}
        self._timeouts = 0  # in a row, none answered meanwhile
        self._answered_at = float("-inf")  # when a lookup last got an answer (an address or "no such host")
        self._gave_up_at: float | None = None

    def start(self, host: str) -> None:
        """Begin looking ``host`` up (at request time: the answer is there by the time the page is judged)."""
        self._lookup(host)

    async def of(self, host: str) -> str | None:
        return await asyncio.shield(self._lookup(host))

    def _lookup(self, host: str) -> asyncio.Future:
        host = (host or "").lower().rstrip(".")
        found = self._lookups.get(host)
        if found is None:
            found = self._lookups[host] = asyncio.ensure_future(self._resolve(host))
            # One a host for ever grew with the list: the oldest answers go (not a lookup still running).
            trim_oldest(self._lookups, KEPT_LOOKUPS, keep=lambda lookup: not lookup.done())
        return found

    async def _resolve(self, host: str) -> str | None:
        if host in self.pinned:
            return self.pinned[host]
        try:
            return str(ipaddress.ip_address(host.strip("[]")))  # already an address
        except ValueError:
            pass
        if not host or not self._asking():
            return None
        try:
            address = await asyncio.wait_for(_system_lookup(host), TIMEOUT)
        except TimeoutError:
            self._timed_out()
            return None
        except Exception:  # noqa: BLE001 - no such host, no DNS, a name too long to encode or with a NUL
            self._answered()
            return None
        self._answered()
        return address

    def _asking(self) -> bool:
        """Whether to look up now: always, unless the resolver was given up on (then once a while)."""
        if self._gave_up_at is None:
            return True
        now = time.monotonic()
        if now - self._gave_up_at < RETRY_SECONDS:
            return False
        self._gave_up_at = now  # this lookup is the retry; the others wait for the next one
        return True

    def _answered(self) -> None:
        self._answered_at = time.monotonic()
        self._timeouts = 0
        if self._gave_up_at is not None:
            self._gave_up_at = None
            logger.warning("the system resolver answers again: pages get their IP address")

    def _timed_out(self) -> None:
        if time.monotonic() - self._answered_at < WORKING_SECONDS or self._gave_up_at is not None:
            return  # other hosts resolve: this host's name servers do not answer
        self._timeouts += 1
        if self._timeouts >= GIVE_UP_AFTER:
            self._gave_up_at = time.monotonic()
            logger.warning("the system resolver does not answer (%d lookups timed out): pages get no IP address "
                           "until it does (--resolve HOST:ADDRESS pins one)", GIVE_UP_AFTER)


async def _system_lookup(host: str) -> str | None:
    """``host``'s address: through the crawl's resolver where a crawl runs (shared with the fetch, one lookup
    a host), else asyncio's ``getaddrinfo`` (IPv4 first: where both exist, the /24 is what the suites count)."""
    resolver = _crawl_resolver()
    if resolver is not None:
        from twisted.internet.error import DNSLookupError

        from crawler.hosting.resolver import timed_out

        try:
            return await resolver.getHostByName(host).asFuture(asyncio.get_running_loop())
        except DNSLookupError as error:
            if timed_out(error):
                raise TimeoutError from None
            raise
    answers = await asyncio.get_running_loop().getaddrinfo(host, 80, type=socket.SOCK_STREAM)
    return preferred_address(answers)


def preferred_address(answers) -> str | None:
    """The address to use of ``getaddrinfo``'s answers: IPv4 first (the /24 the suites count, and what works
    on a machine without IPv6), else IPv6; None when there is none."""
    addresses = [info[4][0] for info in answers if info[0] in (socket.AF_INET, socket.AF_INET6)]
    return next((a for a in addresses if ":" not in a), addresses[0] if addresses else None)


def _crawl_resolver():
    """The resolver Scrapy installed on the running reactor, if this is a crawl."""
    import sys

    if "twisted.internet.reactor" not in sys.modules:
        return None
    from twisted.internet import reactor

    resolver = getattr(reactor, "resolver", None)
    from crawler.hosting.resolver import PinnedResolver

    return resolver if isinstance(resolver, PinnedResolver) and reactor.running else None
