"""The record the hreflang audit keeps per page, before anything is read from it.

Kept apart from ``crawler.analysis.hreflang_page`` (which reads pages, in the analysis
workers) so the crawling process can make records for failed fetches without
importing the analysis libraries.
"""

from __future__ import annotations

__all__ = ["page_record"]


def page_record(url: str, final_url: str, status: int | None, *, redirected: bool = False,
                googlebot_allowed: bool = True, error: str | None = None) -> dict:
    """A page record with nothing read yet (also what a failed fetch leaves)."""
    return {
        "url": url,
        "final_url": final_url,
        "status": status,
        "redirected": redirected,
        "googlebot_allowed": googlebot_allowed,
        "error": error,
        "html": False,
        "noindex": False,
        "canonical": None,
        "html_lang": None,
        "language": None,
        "language_probability": 0.0,
        "letters": 0,
        "alternates": [],
        "links": [],
        "vary": [],  # the Vary header's fields, lower case ("accept-language": the page varies by the reader's language)
    }
