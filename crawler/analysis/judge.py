"""From a fetch (or its failure) to the verdict of every row that named it.

``verify_page`` runs in an analysis worker: one page, all rows that asked for
it, the profiles of their targets. (A download that failed is mapped to its
reason by ``crawler.failures``, in the crawling process.)
"""

from __future__ import annotations

from crawler.analysis.fetched import FetchedPage
from crawler.analysis.page import analyze_source, page_problem
from crawler.analysis.results import error_result, page_result

__all__ = ["verify_page", "discover_page", "fetch_info", "status_reason"]

_BLOCKED_STATUSES = {401, 403, 407, 429, 451}


def fetch_info(page: FetchedPage) -> dict:
    flags = []
    if any(r["type"] == "http" for r in page.redirects):
        flags.append("redirected")
    if any(r["type"] == "meta_refresh" for r in page.redirects):
        flags.append("meta_refresh")
    if not page.googlebot_allowed:
        flags.append("robots_disallowed")
    return {"http_status": page.status, "final_url": page.final_url, "redirects": page.redirects, "flags": flags}


def status_reason(status: int) -> tuple[str, str] | None:
    """``(status, reason)`` decided by the HTTP status alone, or None for 2xx."""
    if status in (404, 410):
        return "lost", "page_not_found"
    if status in _BLOCKED_STATUSES:
        return "error", "blocked"
    if status >= 500:
        return "error", "server_error"
    if status >= 400:
        return "error", "blocked"
    if 300 <= status < 400:
        return "error", "server_error"  # a redirect without a usable Location
    return None


def verify_page(page: FetchedPage, rows: list, profiles: dict) -> list[dict]:
    return _judge(page, rows, profiles, collect_links=False)[0]


def _judge(page: FetchedPage, rows: list, profiles: dict, collect_links: bool) -> tuple[list[dict], list[str]]:
    """Results for ``rows`` from one page (parsed once), and its links when asked for."""
    fetch = fetch_info(page)
    decided = status_reason(page.status)
    if decided and decided[0] == "error" and page_problem(page) == "blocked":
        decided = ("error", "blocked")  # a bot challenge, whatever its status code
    if decided:
        status, reason = decided
        message = f"HTTP {page.status}"
        if page.status == 429:  # asked again as the site asked (crawler.middlewares.rate_limits), still refused
            wait = page.header("retry-after")
            message += " (rate limited" + (f"; the site asks to wait {wait}" if wait else "") + ")"
        if 300 <= page.status < 400:  # a redirect not followed: to mailto:, ftp:, javascript: or nowhere
            location = page.header("location")
            message += f" to {location[:300]}, not a web page" if location else " without a Location to go to"
        return [error_result(row, reason, message, status=status, fetch=fetch) for row in rows], []
    if not page.body or page.body.isspace():
        # A PHP error with display off, a WAF, an overloaded server: nothing was said about the link, so
        # the row is no "lost" (and no alert that a good link disappeared).
        message = f"HTTP {page.status} with an empty body: the server sent no page"
        return [error_result(row, "server_error", message, fetch=fetch) for row in rows], []
    analysis = analyze_source(page, list({row.target.key: row.target for row in rows}.values()), collect_links)
    if analysis.error:
        message = analysis.message or f"HTTP {page.status}, Content-Type {page.header('content-type') or 'none'}"
        return [error_result(row, analysis.error, message, fetch=fetch) for row in rows], []
    results = [page_result(row, row.target, fetch, analysis, profiles.get(row.target.key)) for row in rows]
    return results, list(analysis.links)


def discover_page(page: FetchedPage, row, profiles: dict) -> tuple[dict, list[str]]:
    """Verify one crawled page for ``row``'s target; also return the page's links to crawl on."""
    results, links = _judge(page, [row], profiles, collect_links=True)
    return results[0], links
