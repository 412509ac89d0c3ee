"""A page's hosting fields: the address its host resolves to, then its /24, ASN and country."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from crawler.hosting.addresses import HostAddresses
from crawler.hosting.ipdb import IpDatabases, ip_network
from scoring.hosting import shared_host

__all__ = ["Hosting", "HOSTING_FIELDS", "no_hosting"]

logger = logging.getLogger(__name__)

HOSTING_FIELDS = ("ip", "ip_network", "asn", "asn_org", "hosting_country", "shared_host")


def no_hosting() -> dict:
    return dict.fromkeys(HOSTING_FIELDS)


class Hosting:
    """One a run: its hosts' addresses cached, its --ip-db files open."""

    def __init__(self, databases: IpDatabases | None = None, pinned: dict[str, str] | None = None):
        self.addresses = HostAddresses(pinned)
        self.databases = databases or IpDatabases()

    @classmethod
    def from_settings(cls, settings) -> Hosting:
        from crawler.hosting.addresses import parse_resolve

        return cls(IpDatabases(settings.getlist("LINKVERIFIER_IP_DB")), parse_resolve(settings.getlist("LINKVERIFIER_RESOLVE")))

    def start(self, url: str) -> None:
        """Look the host up now: the page's fetch takes longer than that."""
        self.addresses.start(_hostname(url))

    async def fields(self, url: str, headers: dict[str, list[str]] | None = None) -> dict:
        """Where ``url`` is served from (after redirects: pass the final URL); unknown fields are None.
        Never raises: hosting is evidence beside the verdict, and a strange host must not cost a row its answer."""
        try:
            address = await self.addresses.of(_hostname(url))
            fields = {"ip": address, "ip_network": ip_network(address), **self.databases.lookup(address)}
            fields["shared_host"] = shared_host(fields["asn"], fields["asn_org"], headers)
        except Exception:  # noqa: BLE001 - a resolver or database fault is logged, the page goes on without it
            logger.debug("no hosting fields for %s", url, exc_info=True)
            return no_hosting()
        return fields

    @property
    def attributions(self) -> list[str]:
        return self.databases.attributions

    def close(self) -> None:
        self.databases.close()


def _hostname(url: str) -> str:
    """The host as the fetch asked for it (``www.`` kept: it may live elsewhere than the bare domain)."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""
