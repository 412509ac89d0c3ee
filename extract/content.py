"""The page's main content, as trafilatura extracts it.

We run trafilatura once per page with links kept, and use it for three
things: the main text (language, topic, word count), and the set of links
that sit inside the main content (the strongest single signal that an author
put a link there, macro-F1 ~0.88 on its own).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import trafilatura
from lxml import html

from extract.document import collapse, visible_text
from extract.urls import normalized_key, resolve_href

__all__ = ["MainContent", "main_content", "paragraph_key", "PARAGRAPH_KEY_CHARS"]

# Skip trafilatura's fallback extractors (readability, jusText): 35% less CPU
# per page (27 -> 18 ms on WCEB pages); placement dev macro-F1 measured with it.
FAST = True
# trafilatura logs every page it finds too short; that is expected here.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


@dataclass
class MainContent:
    text: str
    # normalized link key -> anchors (lower-cased, collapsed) seen in main content
    links: dict[str, set[str]] = field(default_factory=dict)
    extracted: bool = True  # False when trafilatura found no main content
    # The opening characters of each main-text paragraph (``paragraph_key``): where the
    # main text sits in the page's own tree, found again by ``scoring.features``.
    paragraphs: frozenset[str] = frozenset()

    def contains_link(self, absolute_href: str, anchor: str) -> bool:
        anchors = self.links.get(normalized_key(absolute_href))
        if anchors is None:
            return False
        anchor = collapse(anchor).lower()
        return not anchor or not anchors or anchor in anchors or any(anchor in a or a in anchor for a in anchors if a)


def main_content(tree: html.HtmlElement | None, url: str) -> MainContent:
    if tree is None:
        return MainContent(text="", extracted=False)
    try:
        document = trafilatura.bare_extraction(
            tree, url=url, include_links=True, include_comments=False, include_tables=True, with_metadata=False,
            fast=FAST,
        )
    except Exception:  # trafilatura raises assorted errors on odd trees
        document = None
    body = getattr(document, "body", None) if document is not None else None
    text = collapse(" ".join(body.itertext())) if body is not None else ""
    if not text:
        # No main content found: all visible text stands in (language, topic).
        page_body = tree.find("body")
        return MainContent(text=visible_text(page_body if page_body is not None else tree), extracted=False)
    links: dict[str, set[str]] = {}
    for ref in body.iter("ref"):
        href = resolve_href(ref.get("target") or "", url)
        if href:
            links.setdefault(normalized_key(href), set()).add(collapse(" ".join(ref.itertext())).lower())
    paragraphs = frozenset(key for p in body.iter("p", "item") if (key := paragraph_key(" ".join(p.itertext()))))
    return MainContent(text=text, links=links, paragraphs=paragraphs)


# A paragraph is found again by its first characters: enough to tell paragraphs apart,
# short enough that markup trafilatura drops inside it (a footnote mark) rarely reaches them.
PARAGRAPH_KEY_CHARS = 48


def paragraph_key(text: str) -> str | None:
    """The key of a paragraph's text, or None when it is too short to tell apart."""
    text = collapse(text)
    return text[:PARAGRAPH_KEY_CHARS] if len(text) >= PARAGRAPH_KEY_CHARS else None
