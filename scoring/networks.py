"""Link networks: referring domains that share a strong footprint.

Domains are joined when they share a strong footprint (a tracking ID: Google
Analytics, Tag Manager, AdSense, Clarity, Meta pixel, Metrica, Hotjar); a
network is a group of at least ``MIN_DOMAINS`` domains. Weak footprints
(generator, theme, template) are listed as evidence but never join domains:
thousands of unrelated sites share a WordPress theme.
"""

from __future__ import annotations

from collections import defaultdict

from extract.footprints import STRONG

__all__ = ["MIN_DOMAINS", "find_networks"]

# "A network is three or more domains sharing one" footprint (issue #6).
MIN_DOMAINS = 3


def find_networks(footprints_by_domain: dict[str, dict]) -> list[dict]:
    """``[{"domains": [...], "shared": {"ga": ["UA-1-1"], …}, "evidence": {...}}]``, largest first."""
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for domain, footprints in footprints_by_domain.items():
        for kind in STRONG:
            for value in footprints.get(kind, []):
                owners[(kind, value)].add(domain)
    parent = {domain: domain for domain in footprints_by_domain}

    def find(domain: str) -> str:
        while parent[domain] != domain:
            parent[domain] = parent[parent[domain]]
            domain = parent[domain]
        return domain

    for domains in owners.values():
        first, *rest = sorted(domains)
        for other in rest:
            parent[find(other)] = find(first)
    groups: dict[str, set[str]] = defaultdict(set)
    for domain in footprints_by_domain:
        groups[find(domain)].add(domain)
    networks = []
    for members in groups.values():
        if len(members) < MIN_DOMAINS:
            continue
        shared = {f"{kind}:{value}": sorted(domains) for (kind, value), domains in owners.items() if len(domains) > 1 and domains <= members}
        evidence = {}
        for kind in ("generator", "theme", "template"):
            values = defaultdict(list)
            for domain in members:
                if footprints_by_domain[domain].get(kind):
                    values[footprints_by_domain[domain][kind]].append(domain)
            evidence.update({f"{kind}:{value}": sorted(d) for value, d in values.items() if len(d) > 1})
        networks.append({"domains": sorted(members), "shared": shared, "evidence": evidence})
    return sorted(networks, key=lambda n: (-len(n["domains"]), n["domains"]))
