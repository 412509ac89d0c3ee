"""The check result: one per input row, the record every output, the store and every judgment share.

It travels as the contract's JSON object (``../shared/contract.md``): from the
analysis process to the crawler, into SQLite and Redis, out to JSONL, CSV,
JSON and XLSX, and back from the store for the report, ``disavow``,
``changes`` and ``recheck``. So it stays a plain dict, typed here once
(``CheckResult``), built in ``crawler.analysis.results`` and written in
``crawler.reports.writers``; what every reader asks of it — the best link —
is answered here only.
"""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = ["CheckResult", "LinkRecord", "PageFields", "best_link"]


class LinkRecord(TypedDict):
    """One ``<a>`` on the source page that points at the target."""

    href: str
    match: str  # exact | normalized | domain
    anchor_text: str
    anchor_type: str
    rel: list[str]
    follow: bool
    placement: str  # editorial | boilerplate
    region: str
    editorial_score: float
    context: str
    hidden: bool


class PageFields(TypedDict, total=False):
    title: str | None
    language: str | None
    language_source: str | None
    country: str | None  # the ccTLD's, else the hosting country's
    country_source: str | None  # cctld | hosting
    registered_domain: str | None
    word_count: int
    outbound_links: int
    external_domains: int
    footprints: dict[str, Any]
    ip: str | None  # the address the final host resolved to (crawler.hosting)
    ip_network: str | None  # its /24 (IPv4) or /48 (IPv6)
    asn: int | None  # from --ip-db
    asn_org: str | None
    hosting_country: str | None  # ISO 3166-1 alpha-2, from --ip-db
    shared_host: str | None  # a CDN or mass host ("Cloudflare"): its address says nothing of the owner


class CheckResult(TypedDict, total=False):
    source_url: str
    target: str
    checked_at: str
    status: str | None  # live | lost | error
    reason: str | None
    http_status: int | None
    final_url: str | None
    redirects: list[dict[str, Any]]
    follow: bool | None
    indexable: bool | None
    canonical_url: str | None
    links: list[LinkRecord]  # best first: see best_link
    page: PageFields | None
    topical_fit: float | None
    target_language: str | None
    localized_target: str | None
    flags: list[str]
    verdict: str | None  # good | neutral | risky | disavow | lost | unchecked (set when the run finishes)
    risk: float | None
    risk_reasons: list[str]
    input: dict[str, Any]
    message: str | None
    row: int


def best_link(result: CheckResult | dict) -> LinkRecord | dict:
    """The link a result is judged by, ``{}`` when the page holds none.

    The analysis sorts a page's links best first (``crawler.analysis.page``):
    followed before nofollow, visible before hidden, editorial before
    boilerplate, exact before looser matches, then by editorial score.
    """
    links = result.get("links")
    return links[0] if links else {}
