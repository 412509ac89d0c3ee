"""The verdict on every link: the one place the outputs, the report and ``disavow`` decide it.

``good``      the analysis calls it a good link: live, editorial, on topic, low risk (never disavowed)
``neutral``   live, not good, not risky
``risky``     risk >= 0.3, or a strong reason (network, link selling, spammy TLD, link farm)
``disavow``   its referring domain would go into the disavow file
``lost``      the page answers without the link, or is gone
``unchecked`` the page could not be checked (status error)

Risk needs facts about the whole profile: link networks (footprints shared
across domains, or a /24 and a trait: scoring.networks), shared hosting, the market's languages (from ``--market`` or the target
pages' language) and whether a domain has a good link anywhere. ``triage``
reads the results twice as a stream (once for those facts, once per link),
so a 100,000-row run holds only a few figures per row and per domain.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from extract.urls import host_of, registered_domain
from scoring.anchors import anchor_class, brand_terms
from scoring.check_result import best_link
from scoring.hosting import MIN_SHARED, hosting_key
from scoring.networks import find_networks, hosting_groups
from scoring.risk import (
    DISAVOW_THRESHOLD,
    RISKY,
    STRONG_REASONS,
    decisive_risk,
    is_good,
    link_farm,
    link_risk,
    sells_links,
)

__all__ = ["Judgement", "Facts", "VERDICTS", "RISKY", "profile_facts", "judge_link", "domain_disavowed", "triage",
           "referring_domain"]

VERDICTS = ("good", "neutral", "risky", "disavow", "lost", "unchecked")


@dataclass
class Judgement:
    verdict: str
    risk: float | None
    reasons: list[str]
    good: bool = False
    anchor_class: str | None = None


@dataclass
class Facts:
    """What a link's judgement needs to know about the whole profile."""

    networks: list[dict] = field(default_factory=list)
    in_network: set[str] = field(default_factory=set)
    market_languages: set[str] = field(default_factory=set)
    brands: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    # Domains on a /24 with MIN_SHARED+ referring domains -> (that subnet, how many domains sit there).
    shared_hosting: dict[str, tuple[str, int]] = field(default_factory=dict)


def referring_domain(result: dict) -> str:
    return registered_domain(host_of(result.get("final_url") or result["source_url"]))


def profile_facts(results: Iterable[dict], market: str | None = None, brands: tuple[str, ...] = (),
                  keywords: tuple[str, ...] = ()) -> Facts:
    """Networks and market languages over the live links of ``results`` (one pass)."""
    footprints: dict[str, dict] = {}
    hosting: dict[str, tuple[str, str | None]] = {}
    traits: dict[str, set[str]] = defaultdict(set)
    exact_only: dict[str, bool] = {}
    target_languages: Counter[str] = Counter()
    for result in results:
        if result["status"] != "live":
            continue
        domain = referring_domain(result)
        page = result.get("page") or {}
        merged = footprints.setdefault(domain, {})
        for kind, value in (page.get("footprints") or {}).items():
            if isinstance(value, list):
                merged[kind] = sorted(set(merged.get(kind, [])) | set(value))
            else:
                merged.setdefault(kind, value)
        ip, network = hosting_key(page)
        if ip:
            hosting.setdefault(domain, (ip, network))
        if sells_links(result):
            traits[domain].add("link_selling")
        if link_farm(page):
            traits[domain].add("link_farm")
        klass = link_anchor_class(result, brands, keywords)
        exact_only[domain] = exact_only.get(domain, True) and klass == "exact"
        if result.get("target_language"):
            target_languages[result["target_language"]] += 1
    for domain, exact in exact_only.items():
        if exact:
            traits[domain].add("exact_match_anchors")
    networks = find_networks(footprints, hosting, traits)
    # Without --market: the language of the target pages (as verified) is the market's.
    market_languages = ({market.split("-")[0].lower()} if market
                        else {target_languages.most_common(1)[0][0]} if target_languages else set())
    shared = {domain: (key.split(":", 1)[1], len(domains)) for key, domains in hosting_groups(hosting).items()
              if len(domains) >= MIN_SHARED for domain in domains}
    return Facts(networks, {d for network in networks for d in network["domains"]}, market_languages,
                 tuple(brands), tuple(keywords), shared)


def link_anchor_class(result: dict, brands: tuple[str, ...] | list[str], keywords: tuple[str, ...] | list[str]) -> str | None:
    """The class of the anchor a result is judged by (brand, exact, generic…), None without a link."""
    best = best_link(result)
    if not best:
        return None
    target = result["target"]
    target_domain = registered_domain(host_of(target)) if "://" in target else target
    return anchor_class(best.get("anchor_text", ""), best.get("anchor_type", "text"),
                        brand_terms(target_domain, brands), list(keywords))


def judge_link(result: dict, facts: Facts) -> Judgement:
    """Risk, reasons and whether it is good; the verdict before the domain-wide disavow decision."""
    if result["status"] == "error":
        return Judgement("unchecked", None, [])
    if result["status"] == "lost":
        return Judgement("lost", None, [])
    klass = link_anchor_class(result, facts.brands, facts.keywords)
    domain = referring_domain(result)
    risk, reasons = link_risk(result, in_network=domain in facts.in_network, market_languages=facts.market_languages,
                              anchor_class=klass, shared_hosting=domain in facts.shared_hosting)
    good = is_good(result, reasons)
    if good:
        verdict = "good"
    elif decisive_risk(reasons) >= RISKY or STRONG_REASONS & set(reasons):
        verdict = "risky"
    else:
        verdict = "neutral"
    return Judgement(verdict, risk, reasons, good, klass)


def domain_disavowed(in_network: bool, worst_risk: float, has_good_link: bool) -> bool:
    """A referring domain goes into the disavow file: a network member or a risky domain, never one with a good link."""
    return not has_good_link and (in_network or worst_risk >= DISAVOW_THRESHOLD)


def triage(results: Callable[[], Iterable[dict]], market: str | None = None, brands: tuple[str, ...] = (),
           keywords: tuple[str, ...] = ()) -> dict[int, Judgement]:
    """The judgement of every result by its ``row``; ``results()`` yields them afresh on each call."""
    facts = profile_facts(results(), market, brands, keywords)
    judgements: dict[int, Judgement] = {}
    domain_of: dict[int, str] = {}
    good_domains: set[str] = set()
    worst: dict[str, float] = defaultdict(float)
    for result in results():
        judgement = judge_link(result, facts)
        judgements[result["row"]] = judgement
        if judgement.risk is None:
            continue
        domain = domain_of[result["row"]] = referring_domain(result)
        worst[domain] = max(worst[domain], decisive_risk(judgement.reasons))
        if judgement.good:
            good_domains.add(domain)
    for row, domain in domain_of.items():
        if domain_disavowed(domain in facts.in_network, worst[domain], domain in good_domains):
            judgements[row].verdict = "disavow"
    return judgements
