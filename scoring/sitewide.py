"""Sitewide links: one host linking to the target from many pages, mostly in the template.

A blogroll or footer link repeats on every page of a site; search engines
discount it, and a profile full of them looks bought. We call a link
sitewide when the same host links to the same target from at least
``MIN_PAGES`` of the checked pages and most of those links sit outside the
main content.
"""

from __future__ import annotations

from collections import defaultdict

from extract.urls import host_of

__all__ = ["MIN_PAGES", "sitewide_keys", "source_host"]

# The contract's "three or more of the checked pages".
MIN_PAGES = 3


def source_host(result: dict) -> str:
    return host_of(result["source_url"])


def sitewide_keys(results: list[dict]) -> set[tuple[str, str]]:
    """``(host, target)`` pairs whose live links are sitewide."""
    pages: dict[tuple[str, str], dict[str, bool]] = defaultdict(dict)
    for result in results:
        if result["status"] != "live" or "duplicate_row" in result["flags"]:
            continue
        key = (source_host(result), result["target"])
        pages[key][result.get("final_url") or result["source_url"]] = result["links"][0]["placement"] != "editorial"
    return {
        key
        for key, boilerplate_by_page in pages.items()
        if len(boilerplate_by_page) >= MIN_PAGES and sum(boilerplate_by_page.values()) * 2 > len(boilerplate_by_page)
    }
