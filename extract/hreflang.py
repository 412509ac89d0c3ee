"""hreflang annotations of one page: HTML ``<link>`` tags and HTTP ``Link`` headers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import html

from extract import selectors
from extract.urls import resolve_href

__all__ = ["Alternate", "html_alternates", "header_links", "header_alternates", "header_canonical"]


@dataclass(frozen=True)
class Alternate:
    hreflang: str  # as written
    href: str  # as written
    url: str | None  # absolute
    method: str  # "html" | "header" | "sitemap"
    in_head: bool = True


def html_alternates(tree: html.HtmlElement | None, base: str) -> list[Alternate]:
    if tree is None:
        return []
    found = []
    for link in selectors.HREFLANG_LINKS(tree):
        href = link.get("href", "")
        in_head = any(a.tag == "head" for a in link.iterancestors())
        found.append(Alternate(link.get("hreflang", "").strip(), href, resolve_href(href, base), "html", in_head))
    return found


# One link-value of an RFC 8288 Link header: <uri> followed by ;params.
_LINK_VALUE = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+(?:=(?:\"[^\"]*\"|[^;,]*))?\s*)*)")
_PARAM = re.compile(r";\s*([^\s=;,]+)\s*(?:=\s*(\"[^\"]*\"|[^;,]*))?")


def header_links(values: Iterable[str]) -> list[tuple[str, dict[str, str]]]:
    """Parse ``Link`` header values into ``(uri, {param: value})`` pairs."""
    parsed = []
    for value in values:
        for match in _LINK_VALUE.finditer(value):
            params = {
                key.lower(): (raw or "").strip().strip('"')
                for key, raw in _PARAM.findall(match.group(2) or "")
            }
            parsed.append((match.group(1).strip(), params))
    return parsed


def header_alternates(values: Iterable[str], document_url: str) -> list[Alternate]:
    found = []
    for uri, params in header_links(values):
        rels = params.get("rel", "").lower().split()
        if "alternate" in rels and "hreflang" in params:
            found.append(Alternate(params["hreflang"].strip(), uri, resolve_href(uri, document_url), "header"))
    return found


def header_canonical(values: Iterable[str], document_url: str) -> str | None:
    for uri, params in header_links(values):
        if "canonical" in params.get("rel", "").lower().split():
            return resolve_href(uri, document_url)
    return None
