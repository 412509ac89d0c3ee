"""Sitewide links: one host linking to the target from many pages, mostly in the template.

A blogroll or footer link repeats on every page of a site; search engines
discount it, and a profile full of them looks bought. We call a link
sitewide when the same host links to the same target from at least
``MIN_PAGES`` of the checked pages and most of those links sit outside the
main content.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from extract.urls import host_of
from scoring.check_result import best_link

__all__ = ["MIN_PAGES", "SitewideEntry", "mark_sitewide", "sitewide_entry", "sitewide_keys", "sitewide_rows", "source_host"]

# The contract's "three or more of the checked pages".
MIN_PAGES = 3


class SitewideEntry(NamedTuple):
    """What the sitewide decision needs from one live result (a few hundred bytes, not the result)."""

    host: str
    target: str
    page: str  # final URL, else the source URL
    boilerplate: bool  # the best link sits outside the main content


def source_host(result: dict) -> str:
    return host_of(result["source_url"])


def sitewide_entry(result: dict) -> SitewideEntry | None:
    """The entry of a live, non-duplicate result; None for every other result."""
    if result["status"] != "live" or "duplicate_row" in result["flags"]:
        return None
    # A run keeps one entry per row until its end, and most rows share their host and target: one copy of
    # each string instead of one per row (100,000 rows on 1,000 hosts: 42 MB -> 26 MB).
    return SitewideEntry(sys.intern(source_host(result)), sys.intern(result["target"]),
                         result.get("final_url") or result["source_url"], best_link(result).get("placement") != "editorial")


def sitewide_keys(entries: Iterable[SitewideEntry | None]) -> set[tuple[str, str]]:
    """``(host, target)`` pairs whose live links are sitewide."""
    pages: dict[tuple[str, str], dict[str, bool]] = defaultdict(dict)
    for entry in entries:
        if entry is not None:
            pages[(entry.host, entry.target)][entry.page] = entry.boilerplate
    return {
        key
        for key, boilerplate_by_page in pages.items()
        if len(boilerplate_by_page) >= MIN_PAGES and sum(boilerplate_by_page.values()) * 2 > len(boilerplate_by_page)
    }


def sitewide_rows(entries: Iterable[tuple[int, SitewideEntry | None]]) -> set[int]:
    """The rows, of ``(row, entry)`` pairs, whose link is sitewide."""
    entries = list(entries)
    keys = sitewide_keys(entry for _row, entry in entries)
    return {row for row, entry in entries if entry is not None and (entry.host, entry.target) in keys}


def mark_sitewide(result: dict) -> dict:
    result["flags"] = sorted(set(result["flags"]) | {"sitewide"})
    return result
