"""The backlink profile from the database: the latest check of every backlink, judged.

Used by ``disavow`` (and the report): referring domains, their footprints,
networks, anchor classes and risk.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field

from extract.urls import host_of, registered_domain
from scoring.anchors import anchor_class, brand_terms
from scoring.networks import find_networks
from scoring.risk import is_good, link_risk

__all__ = ["Profile", "LinkVerdict", "load_profile"]


@dataclass
class LinkVerdict:
    result: dict
    domain: str
    anchor_class: str | None
    risk: float
    reasons: list[str]
    good: bool
    first_seen: str | None = None  # when the database first saw this backlink


@dataclass
class Profile:
    links: list[LinkVerdict] = field(default_factory=list)
    networks: list[dict] = field(default_factory=list)
    market_languages: set[str] = field(default_factory=set)
    checks: list[dict] = field(default_factory=list)  # the latest check of every backlink, live or not

    def domains(self) -> dict[str, list[LinkVerdict]]:
        grouped: dict[str, list[LinkVerdict]] = defaultdict(list)
        for link in self.links:
            grouped[link.domain].append(link)
        return dict(grouped)


def latest_results(db_path: str) -> list[dict]:
    """The latest check of every backlink, with ``_first_seen`` from the backlinks table."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT c.result, b.first_seen FROM checks c"
        " JOIN (SELECT backlink_id, MAX(id) AS id FROM checks GROUP BY backlink_id) last ON last.id = c.id"
        " JOIN backlinks b ON b.id = c.backlink_id ORDER BY c.id"
    ).fetchall()
    connection.close()
    results = []
    for result, first_seen in rows:
        record = json.loads(result)
        record["_first_seen"] = first_seen
        results.append(record)
    return results


def load_profile(db_path: str, market: str | None = None, brands: tuple[str, ...] = (), keywords: tuple[str, ...] = ()) -> Profile:
    checks = latest_results(db_path)
    results = [r for r in checks if r["status"] == "live"]
    footprints: dict[str, dict] = {}
    for result in results:
        domain = registered_domain(host_of(result["final_url"] or result["source_url"]))
        merged = footprints.setdefault(domain, {})
        for kind, value in ((result.get("page") or {}).get("footprints") or {}).items():
            if isinstance(value, list):
                merged[kind] = sorted(set(merged.get(kind, [])) | set(value))
            else:
                merged.setdefault(kind, value)
    networks = find_networks(footprints)
    in_network = {domain for network in networks for domain in network["domains"]}
    market_languages = {market.split("-")[0].lower()} if market else _inferred_market(results)
    profile = Profile(networks=networks, market_languages=market_languages, checks=checks)
    for result in results:
        domain = registered_domain(host_of(result["final_url"] or result["source_url"]))
        target_domain = registered_domain(host_of(result["target"])) if "://" in result["target"] else result["target"]
        best = result["links"][0] if result["links"] else {}
        klass = anchor_class(best.get("anchor_text", ""), best.get("anchor_type", "text"), brand_terms(target_domain, brands), list(keywords)) if best else None
        risk, reasons = link_risk(result, in_network=domain in in_network, market_languages=market_languages, anchor_class=klass)
        profile.links.append(LinkVerdict(result, domain, klass, risk, reasons, is_good(result, reasons), result.pop("_first_seen", None)))
    return profile


def _inferred_market(results: list[dict]) -> set[str]:
    """Without --market: the language of the target pages (as verified) is the market's."""
    counts: dict[str, int] = defaultdict(int)
    for result in results:
        language = result.get("target_language")
        if language:
            counts[language] += 1
    return {max(counts, key=counts.get)} if counts else set()
