"""Link networks: referring domains that share a strong footprint, or hosting and one more trait.

Domains are joined when they share a strong footprint (a tracking ID: Google
Analytics, Tag Manager, AdSense, Clarity, Meta pixel, Metrica, Hotjar); a
network is a group of at least ``MIN_DOMAINS`` domains. Weak footprints
(generator, theme, template) are listed as evidence but never join domains
alone: thousands of unrelated sites share a WordPress theme.

Hosting is the same kind of evidence: a /24 holds many unrelated sites at a
shared host, so ``MIN_DOMAINS`` domains on one /24 (never a CDN's or a mass
host's: scoring.hosting) are joined only when they also share a trait: a
theme or template, a link-selling footprint, a link-farm outbound pattern, or
links that all carry exact-match anchors. The network then names the subnet
(or the one IP) in what its domains share.
"""

from __future__ import annotations

from collections import defaultdict

from extract.footprints import STRONG

__all__ = ["MIN_DOMAINS", "find_networks", "hosting_groups", "TRAITS"]

# "A network is three or more domains sharing one" footprint (issue #6).
MIN_DOMAINS = 3


# Traits that, with shared hosting, join domains (scoring.triage finds them on each domain's links).
TRAITS = ("exact_match_anchors", "link_selling", "link_farm")
# WordPress's default themes (twentytwentyfour…) and the most installed free ones ship with every new site:
# three fresh blogs on one shared host's /24 share them without sharing an owner.
DEFAULT_THEMES = ("twenty", "astra", "hello-elementor", "generatepress", "kadence", "oceanwp")


def hosting_groups(hosting_by_domain: dict[str, tuple[str, str | None]]) -> dict[str, set[str]]:
    """``{"subnet:203.0.113.0/24": {domains}}`` for every /24 (or /48) that holds more than one domain."""
    groups: dict[str, set[str]] = defaultdict(set)
    for domain, (_ip, network) in hosting_by_domain.items():
        if network:
            groups[f"subnet:{network}"].add(domain)
    return {key: domains for key, domains in groups.items() if len(domains) > 1}


def find_networks(footprints_by_domain: dict[str, dict], hosting_by_domain: dict[str, tuple[str, str | None]] | None = None,
                  traits_by_domain: dict[str, set[str]] | None = None) -> list[dict]:
    """``[{"domains": [...], "shared": {"ga:UA-1-1": [...], "subnet:…": [...]}, "evidence": {...}}]``, largest first.

    ``hosting_by_domain``: each domain's (IP, /24), CDNs and mass hosts left out; ``traits_by_domain``:
    the TRAITS each domain shows."""
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for domain, footprints in footprints_by_domain.items():
        for kind in STRONG:
            for value in footprints.get(kind, []):
                owners[(kind, value)].add(domain)
    hosting_by_domain = hosting_by_domain or {}
    joins: list[tuple[str, str, set[str]]] = []  # (subnet, trait, domains) that hosting joined
    for key, hosted in hosting_groups(hosting_by_domain).items():
        for trait, members in _shared_traits(hosted, footprints_by_domain, traits_by_domain or {}).items():
            if len(members) >= MIN_DOMAINS:
                joins.append((key, trait, members))
    parent = {domain: domain for domain in footprints_by_domain}

    def find(domain: str) -> str:
        while parent[domain] != domain:
            parent[domain] = parent[parent[domain]]
            domain = parent[domain]
        return domain

    for domains in [*owners.values(), *(members for _key, _trait, members in joins)]:
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
        for key, trait, joined in joins:
            if joined <= members:
                ips = {hosting_by_domain[d][0] for d in joined}
                # One address is a stronger footprint than one /24: say which it was.
                shared[f"ip:{next(iter(ips))}" if len(ips) == 1 else key] = sorted(joined)
                shared[trait] = sorted(set(shared.get(trait, ())) | joined)
        evidence = {}
        for kind in ("generator", "theme", "template"):
            values = defaultdict(list)
            for domain in members:
                if footprints_by_domain[domain].get(kind):
                    values[footprints_by_domain[domain][kind]].append(domain)
            evidence.update({f"{kind}:{value}": sorted(d) for value, d in values.items() if len(d) > 1})
        networks.append({"domains": sorted(members), "shared": shared, "evidence": evidence})
    return sorted(networks, key=lambda n: (-len(n["domains"]), n["domains"]))


def _shared_traits(hosted: set[str], footprints_by_domain: dict[str, dict], traits_by_domain: dict[str, set[str]]) -> dict[str, set[str]]:
    """The domains of one /24 by each trait they show: a TRAIT, or one theme or template."""
    by_trait: dict[str, set[str]] = defaultdict(set)
    for domain in hosted:
        for trait in traits_by_domain.get(domain, ()):
            by_trait[trait].add(domain)
        for kind in ("theme", "template"):
            value = (footprints_by_domain.get(domain) or {}).get(kind)
            if value and not (kind == "theme" and value.startswith(DEFAULT_THEMES)):
                by_trait[f"{kind}:{value}"].add(domain)
    return by_trait
