"""What a fetched answer is before any analysis: a readable page or not, and the canonical it names.

Kept apart from ``crawler.analysis.page`` so that ``hreflang``'s workers, which
need these and the main text but no judgement, do not import the scoring models.
"""

from __future__ import annotations

from crawler.analysis.fetched import FetchedPage
from extract.challenges import challenge_markers
from extract.hreflang import canonical_url
from extract.selectors import PageTags

__all__ = ["page_canonical", "page_problem"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def page_problem(page: FetchedPage) -> str | None:
    """An error reason when the answer cannot be read as a page, else None."""
    content_type = (page.header("content-type") or "").split(";")[0].strip().lower()
    head = page.body[:2048].lstrip().lower()
    looks_html = head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<meta", b"<title"))
    if page.header("cf-mitigated") or (page.status in (403, 429, 503) and challenge_markers(page.body)):
        return "blocked"
    if content_type and content_type not in _HTML_TYPES and not (content_type == "text/plain" and looks_html):
        return "not_html"
    if not content_type and not looks_html:
        return "not_html"
    if len(page.body) < 64 * 1024 and challenge_markers(page.body):
        return "blocked"
    return None


def page_canonical(tree, page: FetchedPage, base: str, tags: PageTags | None = None) -> str | None:
    """The canonical URL from ``<link rel=canonical>``, else the HTTP ``Link`` header."""
    return canonical_url(tree, base, page.header_list("link"), page.final_url, tags)
