"""Each host's address, resolved once a run, off the reactor.

Through the system resolver (``getaddrinfo`` in asyncio's thread pool), so
``/etc/hosts`` and the machine's DNS settings count, as for any program on it.
``--resolve HOST:ADDRESS`` (curl's option of the same name) pins a host to an
address for the hosting evidence, as for checking a site on a staging server.
A host that does not resolve, or not within ``TIMEOUT``, has no address: the
page's hosting fields are ``null`` and nothing else changes.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket

__all__ = ["HostAddresses", "parse_resolve", "TIMEOUT"]

logger = logging.getLogger(__name__)

# Seconds one lookup may take: a resolver that does not answer must not hold a page's rows for long.
TIMEOUT = 10.0
# Lookups in a row that time out before the run stops asking (a machine that reaches the web only
# through a proxy may have no DNS at all): the rest of its pages get null addresses at once.
GIVE_UP_AFTER = 3


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
        self._timeouts = 0  # in a row

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
        return found

    async def _resolve(self, host: str) -> str | None:
        if host in self.pinned:
            return self.pinned[host]
        try:
            return str(ipaddress.ip_address(host.strip("[]")))  # already an address
        except ValueError:
            pass
        if not host or self._timeouts >= GIVE_UP_AFTER:
            return None
        loop = asyncio.get_running_loop()
        try:
            answers = await asyncio.wait_for(loop.getaddrinfo(host, 80, type=socket.SOCK_STREAM), TIMEOUT)
        except TimeoutError:
            self._timeouts += 1
            if self._timeouts == GIVE_UP_AFTER:
                logger.warning("the system resolver does not answer (%d lookups timed out): pages get no IP address "
                               "this run (--resolve HOST:ADDRESS pins one)", GIVE_UP_AFTER)
            return None
        except (OSError, UnicodeError, ValueError):  # no such host, no DNS, a name too long to encode or with a NUL
            return None
        self._timeouts = 0
        addresses = [info[4][0] for info in answers]
        # IPv4 first: where both exist, the /24 is what the suites count.
        return next((a for a in addresses if ":" not in a), addresses[0] if addresses else None)
