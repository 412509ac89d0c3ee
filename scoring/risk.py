"""Risk of each link and each referring domain, with every reason spelled out.

A link's score is the sum of the weights of its reasons, capped at 1. Being
foreign is never a reason by itself: a German editorial page on the target's
topic is a good link. Relevance and quality decide.

| reason | weight | threshold |
| network | 0.7 | the domain shares a tracking ID with 2+ other linking domains |
| spammy_tld | 0.3 | the page's TLD is in SPAMMY_TLDS |
| link_selling | 0.3 | title, anchor or context name paid or spam topics (LINK_SELLING) |
| off_topic_foreign | 0.3 | topical fit < 0.35 and the page's language is outside the market |
| off_topic | 0.15 | topical fit < 0.2 (same market) |
| thin_content | 0.2 | fewer than 150 words of main text |
| link_farm | 0.2 | 100+ outbound links or 50+ external domains on the page |
| exact_match_anchor | 0.2 | the anchor is exactly a money keyword |
| sitewide | 0.1 | the link repeats across the host's pages in its template |
| shared_hosting | 0.05 | the domain's /24 holds 3+ referring domains (not a CDN's or mass host's: scoring.hosting) |

Shared hosting is a weak reason (WEAK_REASONS): it adds to the score, so it
orders links, but never decides a verdict: whether a link is good, risky or
disavowed is decided on the other reasons (``decisive_risk``). With a shared
trait, shared hosting makes a network (scoring.networks), a strong reason.
"""

from __future__ import annotations

import re

from extract.urls import host_of
from scoring.check_result import best_link

__all__ = ["WEIGHTS", "DISAVOW_THRESHOLD", "RISKY", "ON_TOPIC", "SPAMMY_TLDS", "STRONG_REASONS", "link_risk", "is_good", "sells_links", "decisive_risk", "WEAK_REASONS",
           "link_farm"]

WEIGHTS = {
    "network": 0.7, "spammy_tld": 0.3, "link_selling": 0.3, "off_topic_foreign": 0.3, "off_topic": 0.15,
    "thin_content": 0.2, "link_farm": 0.2, "exact_match_anchor": 0.2, "sitewide": 0.1, "shared_hosting": 0.05,
}
# A domain whose riskiest link reaches this is proposed for disavowal.
DISAVOW_THRESHOLD = 0.6
# A link at or above this decisive risk is "risky" (scoring.triage); a good link stays below it.
RISKY = 0.3
# Topical fit: 0.5 is where a person calls the two pages the same topic (scoring.topical); a good link is there.
ON_TOPIC = 0.5
# Below these a link is off topic: for a page outside the market's languages a little sooner.
OFF_TOPIC_FOREIGN = 0.35
OFF_TOPIC = 0.2
THIN_WORDS = 150  # a page with fewer words of main text is thin content
SPAMMY_TLDS = frozenset("xyz top click loan work gq tk ml cf ga buzz rest fit bid win review download racing date stream men party trade science cricket accountant faith".split())
LINK_SELLING = re.compile(
    r"\b(casino|casinos|poker|betting|viagra|cialis|payday|porn|xxx|escort|replica|buy (?:cheap )?(?:links|backlinks)|"
    r"cheap links|seo links|guest post(?:ing)? service|link building service|sponsored post|write for us|"
    r"казино|дешевые ссылки|купить ссылки|ставки)\b",
    re.IGNORECASE,
)


# Reasons that disqualify a link from being "good" whatever else it has going for it
# (and make it "risky" whatever its score: scoring.triage).
STRONG_REASONS = frozenset({"network", "link_selling", "spammy_tld", "link_farm"})
# Reasons that add to the score but never decide a verdict (see above).
WEAK_REASONS = frozenset({"shared_hosting"})


def decisive_risk(reasons: list[str]) -> float:
    """The risk a verdict is decided on: the score without the weak reasons."""
    return min(1.0, round(sum(WEIGHTS[r] for r in reasons if r not in WEAK_REASONS), 3))


def is_good(result: dict, reasons: list[str]) -> bool:
    """Editorial, on topic, low risk: the analysis calls this link good (never disavowed)."""
    best = best_link(result)
    fit = result.get("topical_fit")
    low_risk = decisive_risk(reasons) < RISKY and not STRONG_REASONS & set(reasons)
    return result["status"] == "live" and best.get("placement") == "editorial" and fit is not None and fit >= ON_TOPIC and low_risk


def sells_links(result: dict) -> bool:
    """Title, anchor or context name paid or spam topics."""
    page = result.get("page") or {}
    best = best_link(result)
    return bool(LINK_SELLING.search(" ".join(filter(None, [page.get("title"), best.get("anchor_text"), best.get("context")]))))


def link_farm(page: dict) -> bool:
    return (page.get("outbound_links") or 0) >= 100 or (page.get("external_domains") or 0) >= 50


def link_risk(result: dict, *, in_network: bool, market_languages: set[str], anchor_class: str | None,
              shared_hosting: bool = False) -> tuple[float, list[str]]:
    page = result.get("page") or {}
    reasons = []
    if in_network:
        reasons.append("network")
    tld = host_of(result["source_url"]).rsplit(".", 1)[-1]
    if tld in SPAMMY_TLDS:
        reasons.append("spammy_tld")
    if sells_links(result):
        reasons.append("link_selling")
    fit = result.get("topical_fit")
    language = page.get("language")
    if fit is not None and fit < OFF_TOPIC_FOREIGN and language and market_languages and language not in market_languages:
        reasons.append("off_topic_foreign")
    elif fit is not None and fit < OFF_TOPIC:
        reasons.append("off_topic")
    if page.get("word_count") is not None and page["word_count"] < THIN_WORDS:
        reasons.append("thin_content")
    if link_farm(page):
        reasons.append("link_farm")
    if anchor_class == "exact":
        reasons.append("exact_match_anchor")
    if "sitewide" in result.get("flags", []):
        reasons.append("sitewide")
    if shared_hosting and not in_network:  # a network says it already
        reasons.append("shared_hosting")
    return min(1.0, round(sum(WEIGHTS[r] for r in reasons), 3)), reasons
