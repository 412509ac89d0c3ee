"""Every link on a page that points at the target, with what surrounds it.

Stages:
1. walk real ``<a href>`` and ``<area href>`` elements (comments are gone
   already; ``javascript:`` and ``mailto:`` hrefs never count);
2. resolve each href against ``<base href>`` and match it to the target;
3. for each match read anchor text (image links: alt, then title), rel
   tokens, hidden-ness, the template region and ~300 characters of context.
Placement (editorial or boilerplate) is judged later, in ``scoring``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import html

from extract import selectors
from extract.document import collapse, visible_text
from extract.regions import element_region
from extract.urls import Target, match_href, normalized_key, registered_domain, resolve_href_host

__all__ = [
    "FoundLink", "LinkIndex", "ResolvedLink", "anchor_of", "find_links", "resolve_links", "page_link_urls", "outbound_summary",
    "script_mentions", "rel_tokens",
]

CONTEXT_CHARS = 300
_BLOCK_TAGS = {
    "p", "li", "td", "th", "div", "section", "article", "blockquote", "dd", "dt",
    "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "footer", "header", "aside", "nav", "main", "body",
}
_REGION_TAGS = {"nav", "header", "footer", "aside", "body"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d])", re.IGNORECASE)


@dataclass
class FoundLink:
    element: html.HtmlElement = field(repr=False)
    href: str  # absolute
    match: str
    anchor_text: str
    anchor_type: str
    rel: list[str]
    region: str
    hidden: bool
    context: str


def rel_tokens(value: str | None) -> list[str]:
    """``"NoFollow, UGC"`` -> ``["nofollow", "ugc"]`` (space or comma separated, any case)."""
    if not value:
        return []
    seen: list[str] = []
    for token in re.split(r"[\s,]+", value.lower()):
        if token and token not in seen:
            seen.append(token)
    return seen


# Inside a link, never shown as its text: an inline SVG logo's <style> (the anchor read ".cls-1{fill:#fff}"),
# its <title> and <desc> (its alt, below), a script, a template.
_UNSHOWN = frozenset({"style", "script", "template", "title", "desc"})


def _shown_text(element: html.HtmlElement) -> str:
    """``text_content()`` without what ``_UNSHOWN`` names (the usual link holds none: one C call)."""
    if next(element.iter(*_UNSHOWN), None) is None:
        return element.text_content()
    return visible_text(element, skip=_UNSHOWN, block_spaces=False)


def _svg_alt(svg: html.HtmlElement) -> str:
    """What names an inline SVG for a reader of the page: its ``aria-label``, else its ``<title>``."""
    label = svg.get("aria-label")
    if label:
        return label
    title = next(svg.iter("title"), None)
    return title.text_content() if title is not None else ""


def anchor_of(element: html.HtmlElement) -> tuple[str, str]:
    """``(anchor text, anchor type)``: the link's text, else its image's alt (an SVG's title), then title."""
    text = collapse(_shown_text(element))
    if text:
        return text, "text"
    if element.tag == "area":
        return collapse(element.get("alt") or element.get("title") or ""), "image"
    for image in element.iter("img", "svg", "picture", "image"):
        alt = image.get("alt") or image.get("title") or (_svg_alt(image) if image.tag == "svg" else "") or element.get("title") or ""
        return collapse(alt), "image"
    return collapse(element.get("title") or element.get("aria-label") or ""), "text"


def _is_hidden(element: html.HtmlElement) -> bool:
    node: html.HtmlElement | None = element
    while node is not None and node.tag not in ("body", "html"):
        if node.get("hidden") is not None:
            return True
        if _HIDDEN_STYLE.search(node.get("style", "")):
            return True
        node = node.getparent()
    return False


def _context(element: html.HtmlElement, anchor: str, texts: dict | None = None) -> str:
    """The text around the link. ``texts``: the blocks' text already read on this page, by block:
    a page's links to one target often share a block (a list of 5,000 links to one domain read
    that list 5,000 times, 37 s)."""
    texts = {} if texts is None else texts

    def text_of(node: html.HtmlElement) -> str:
        if node not in texts:
            texts[node] = visible_text(node)
        return texts[node]

    block = element.getparent()
    while block is not None and block.tag not in _BLOCK_TAGS:
        block = block.getparent()
    if block is None:
        return anchor
    text = text_of(block)
    # Climb while the block is too short to say anything about the link, but
    # never out of a template region (a footer link's context is the footer).
    while len(text) < CONTEXT_CHARS // 2 and block.tag not in _REGION_TAGS:
        parent = block.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        parent_text = text_of(parent)
        if len(parent_text) > 4 * CONTEXT_CHARS:
            break
        block, text = parent, parent_text
    if len(text) <= CONTEXT_CHARS:
        return text
    position = text.find(anchor) if anchor else -1
    if position < 0:
        return text[:CONTEXT_CHARS].rstrip() + " …"
    start = max(0, position + len(anchor) // 2 - CONTEXT_CHARS // 2)
    end = min(len(text), start + CONTEXT_CHARS)
    start = max(0, end - CONTEXT_CHARS)
    snippet = text[start:end].strip()
    return ("… " if start > 0 else "") + snippet + (" …" if end < len(text) else "")


@dataclass(frozen=True, slots=True)
class ResolvedLink:
    element: html.HtmlElement = field(repr=False)
    url: str  # absolute http(s)
    domain: str  # registrable domain of its host


def resolve_links(tree: html.HtmlElement | None, base: str) -> list[ResolvedLink]:
    """Every followable ``<a>``/``<area>`` of the page, resolved once.

    Target matching, the outbound summary and crawling on all read this list:
    resolving every href once per use cost ~6 ms per page (pages carry hundreds
    of links, most of them repeated).
    """
    if tree is None:
        return []
    seen: dict[str, tuple[str | None, str]] = {}
    links = []
    for element in selectors.LINKS(tree):
        href = element.get("href", "")
        if href not in seen:
            resolved = resolve_href_host(href, base)
            seen[href] = (resolved[0], registered_domain(resolved[1])) if resolved else (None, "")
        absolute, domain = seen[href]
        if absolute:
            links.append(ResolvedLink(element, absolute, domain))
    return links


class LinkIndex:
    """A page's resolved links by registrable domain and, within a domain, by ``normalized_key``:
    a page listed with many targets (one row per page of the site it links to) was matched
    link by link against every target: 1,200 targets 2.4 s, 2,400 8.4 s."""

    # Fewer links than this to one domain are matched one by one (no key to compute).
    KEYED_FROM = 16

    def __init__(self, resolved: list[ResolvedLink]):
        self.by_domain: dict[str, list[ResolvedLink]] = {}
        for link in resolved:
            self.by_domain.setdefault(link.domain, []).append(link)
        self._keys: dict[str, dict[str, list[ResolvedLink]]] = {}
        self.texts: dict = {}  # block -> its visible text, for the contexts of every target's links

    def candidates(self, target: Target) -> list[ResolvedLink]:
        """The links that may match ``target``, in document order: every one that does is among them."""
        links = self.by_domain.get(target.domain, [])
        if target.url is None or len(links) < self.KEYED_FROM:
            return links
        keys = self._keys.get(target.domain)
        if keys is None:
            keys = self._keys[target.domain] = {}
            for link in links:
                keys.setdefault(normalized_key(link.url), []).append(link)
        # An exact match (the same URL but its fragment) has the same key as a normalized one.
        return keys.get(normalized_key(target.url), [])


def find_links(tree: html.HtmlElement | None, base: str, target: Target,
               resolved: list[ResolvedLink] | None = None, index: LinkIndex | None = None) -> list[FoundLink]:
    """The links to ``target``; pass ``resolved`` when the page's links are already resolved, and
    ``index`` (of those) when the page is matched against several targets."""
    found = []
    texts: dict = index.texts if index is not None else {}  # block -> its visible text, for the links' contexts
    if index is not None:
        links = index.candidates(target)
    else:
        links = resolve_links(tree, base) if resolved is None else resolved
    for link in links:
        # Every kind of match (exact, normalized, domain) implies the same registrable domain.
        if link.domain != target.domain:
            continue
        match = match_href(link.url, target)
        if match is None:
            continue
        element = link.element
        anchor, anchor_type = anchor_of(element)
        found.append(
            FoundLink(
                element=element,
                href=link.url,
                match=match,
                anchor_text=anchor,
                anchor_type=anchor_type,
                rel=rel_tokens(element.get("rel")),
                region=element_region(element),
                hidden=_is_hidden(element),
                context=_context(element, anchor, texts),
            )
        )
    return found


def page_link_urls(tree: html.HtmlElement | None, base: str, resolved: list[ResolvedLink] | None = None) -> list[str]:
    """Every distinct http(s) URL the page links to, fragments dropped, sorted (crawling on)."""
    links = resolve_links(tree, base) if resolved is None else resolved
    return sorted({link.url.split("#", 1)[0] for link in links})


def outbound_summary(tree: html.HtmlElement | None, base: str, page_host: str,
                     resolved: list[ResolvedLink] | None = None) -> tuple[int, int]:
    """``(outbound links, distinct external registrable domains)``."""
    own = registered_domain(page_host)
    external = [link.domain for link in (resolve_links(tree, base) if resolved is None else resolved)
                if link.domain and link.domain != own]
    return len(external), len(set(external))


def script_mentions(tree: html.HtmlElement | None, target: Target) -> bool:
    """Whether the target's URL (or domain) is named inside a ``<script>``."""
    if tree is None:
        return False
    needle = (target.url.split("://", 1)[-1].removeprefix("www.") if target.url else target.domain).lower().rstrip("/")
    for script in selectors.SCRIPTS(tree):
        body = (script.text or "").lower().replace("\\/", "/")
        if needle and needle in body:
            return True
    return False
