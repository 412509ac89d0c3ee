"""Profile figures over referring domains (a site that links from many pages counts once)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from scoring.anchors import ANCHOR_CLASSES
from scoring.check_result import best_link
from scoring.risk import DISAVOW_THRESHOLD, decisive_risk
from scoring.velocity import spikes, week_of, weekly_counts

__all__ = ["summarize", "ProfileSummary", "Timeline", "Hosting", "first_seen_of", "representative_link"]

_FIRST_SEEN_KEYS = ("First seen", "first_seen", "First Seen", "FirstIndexedDate", "First indexed", "first seen")


def first_seen_of(link) -> str | None:
    """The export's first-seen date when it has one, else when we first saw the backlink."""
    extra = link.result.get("input") or {}
    for key in _FIRST_SEEN_KEYS:
        if extra.get(key):
            return str(extra[key])
    return link.first_seen


def representative_link(links: list):
    """A referring domain's link that stands for it: its best (good first, then least risky; then by URL)."""
    return min(links, key=lambda link: (not link.good, link.risk, link.result["source_url"]))


def _shares(counter: Counter) -> list[tuple[str, int, float]]:
    total = sum(counter.values()) or 1
    # Ties by name: the checks reach the database in the order their pages answered, and the report should not.
    return [(key, count, count / total) for key, count in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))]


class Timeline(NamedTuple):
    """New referring domains a week, and the weeks that spike (``scoring.velocity``)."""

    series: list
    spikes: list


class Hosting(NamedTuple):
    """Referring IPs and /24s, the /24s shared by several domains, the hosting countries."""

    referring_ips: int
    referring_subnets: int
    top_subnets: list  # (subnet, its domains, its CDN or mass host or None), most domains first
    hosting_countries: list  # (country, domains, share)
    hosted_known: int  # representative pages whose address is known


@dataclass(frozen=True)
class ProfileSummary:
    """The profile's figures as the report draws them; shares are (value, domains, share), most first."""

    links: int
    domains: int
    market: list[str]
    languages: list
    countries: list
    same_language_share: float  # referring domains whose page is in a market language
    followed: int
    editorial: int
    anchors: list  # (anchor class, links)
    anchors_by_language: dict  # language -> [(anchor class, links)]
    fit_buckets: list  # ("0.0–0.2", referring domains)…
    velocity: Timeline
    velocity_by_language: dict[str, Timeline]
    velocity_by_country: dict[str, Timeline]
    risky_domains: int
    good_links: int
    hosting: Hosting


def summarize(profile) -> ProfileSummary:
    domains = profile.domains()
    # One representative per referring domain: its best link (good first, then least risky).
    representative = {d: representative_link(links) for d, links in domains.items()}
    languages = Counter((link.result.get("page") or {}).get("language") or "unknown" for link in representative.values())
    countries = Counter((link.result.get("page") or {}).get("country") or "generic TLD" for link in representative.values())
    market = profile.market_languages
    same_language = sum(n for lang, n in languages.items() if lang in market)
    anchors = Counter(link.anchor_class or "other" for link in profile.links)
    anchors_by_language: dict[str, Counter] = defaultdict(Counter)
    for link in profile.links:
        anchors_by_language[(link.result.get("page") or {}).get("language") or "unknown"][link.anchor_class or "other"] += 1
    fits = [link.result.get("topical_fit") for link in representative.values() if link.result.get("topical_fit") is not None]
    fit_buckets = Counter(min(int(f * 5), 4) for f in fits)
    first_weeks = {d: min(filter(None, (week_of(first_seen_of(link)) for link in links)), default=None) for d, links in domains.items()}
    overall = weekly_counts([w for w in first_weeks.values() if w])
    def by(field: str, default: str) -> dict[str, Timeline]:
        """Weekly series and spikes per value of a page field (language, country)."""
        groups: dict[str, list] = defaultdict(list)
        for domain, link in representative.items():
            if first_weeks[domain]:
                groups[(link.result.get("page") or {}).get(field) or default].append(first_weeks[domain])
        return {value: Timeline(weekly_counts(weeks), spikes(weekly_counts(weeks))) for value, weeks in groups.items()}

    return ProfileSummary(
        links=len(profile.links),
        domains=len(domains),
        market=sorted(market),
        languages=_shares(languages),
        countries=_shares(countries),
        same_language_share=same_language / (len(domains) or 1),
        followed=sum(1 for link in profile.links if link.result.get("follow")),
        editorial=sum(1 for link in profile.links if best_link(link.result).get("placement") == "editorial"),
        anchors=[(k, anchors.get(k, 0)) for k in ANCHOR_CLASSES],
        anchors_by_language={lang: [(k, c.get(k, 0)) for k in ANCHOR_CLASSES] for lang, c in anchors_by_language.items()},
        fit_buckets=[(f"{i * 0.2:.1f}–{(i + 1) * 0.2:.1f}", fit_buckets.get(i, 0)) for i in range(5)],
        velocity=Timeline(overall, spikes(overall)),
        velocity_by_language=by("language", "unknown"),
        velocity_by_country=by("country", "generic TLD"),
        risky_domains=sum(1 for links in domains.values() if max(decisive_risk(link.reasons) for link in links) >= DISAVOW_THRESHOLD),
        good_links=sum(1 for link in profile.links if link.good),
        hosting=_hosting(representative),
    )


TOP_SUBNETS = 10  # subnets shown with their domains


def _hosting(representative: dict) -> Hosting:
    """Referring IPs and /24s (counted as the suites count them), the /24s shared by several domains,
    and the hosting-country mix, from each referring domain's representative page."""
    pages = {domain: link.result.get("page") or {} for domain, link in representative.items()}
    subnets: dict[str, list[str]] = defaultdict(list)
    for domain, page in pages.items():
        if page.get("ip_network"):
            subnets[page["ip_network"]].append(domain)
    shared = sorted(((net, sorted(domains)) for net, domains in subnets.items() if len(domains) > 1),
                    key=lambda item: (-len(item[1]), item[0]))
    # A subnet's mass host (CDN, shared host) as any of its pages names it: pages of one /24 may differ (one
    # behind the CDN's edge headers, one not), and which came last must not decide.
    hosts: dict[str, str] = {}
    for _domain, page in sorted(pages.items()):
        if page.get("ip_network") and page.get("shared_host"):
            hosts.setdefault(page["ip_network"], page["shared_host"])
    return Hosting(
        referring_ips=len({page["ip"] for page in pages.values() if page.get("ip")}),
        referring_subnets=len(subnets),
        top_subnets=[(net, domains, hosts.get(net)) for net, domains in shared[:TOP_SUBNETS]],
        hosting_countries=_shares(Counter(page.get("hosting_country") or "unknown" for page in pages.values())),
        hosted_known=sum(1 for page in pages.values() if page.get("ip")),
    )
