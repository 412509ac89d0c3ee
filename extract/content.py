"""The page's main content, as trafilatura extracts it.

We run trafilatura once per page with links kept, and use it for three
things: the main text (language, topic, word count), and the set of links
that sit inside the main content (the strongest single signal that an author
put a link there, macro-F1 ~0.88 on its own).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import trafilatura
from lxml import html

from extract.document import collapse, visible_text
from extract.urls import normalized_key, resolve_href

__all__ = ["MainContent", "main_content", "paragraph_key", "PARAGRAPH_KEY_CHARS", "PARAGRAPH_MIN_CHARS"]

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


# A paragraph is found again by its first characters other than white space: enough to tell paragraphs
# apart, short enough that markup trafilatura drops inside it (a footnote mark) rarely reaches them. 40 is
# what 48 characters of a European language hold (which was the key, spaces counted, until December 2026).
PARAGRAPH_KEY_CHARS = 40
# Han, kana and Hangul carry a word or a syllable in one character: each counts as three towards the key's
# length, so a Japanese or Chinese paragraph of 14 characters (a 50-character English sentence's worth) has
# a key. Counted one each, the main-text paragraphs of CJK news pages were mostly too short to key: 0 of
# the 62 editorial main-text links on fundus's Japanese pages sat in a found paragraph.
_DENSE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_DENSE_WEIGHT = 3
# The shortest text that can make a key (all of it dense): the callers' cheap length test.
PARAGRAPH_MIN_CHARS = -(-PARAGRAPH_KEY_CHARS // _DENSE_WEIGHT)


def paragraph_key(text: str) -> str | None:
    """The key of a paragraph's text, or None when it is too short to tell apart. White space does not count:
    trafilatura's text puts spaces around a link ("気象庁 は13日", "see this , and") that the page does not."""
    window = PARAGRAPH_KEY_CHARS * 4
    head = "".join(text[:window].split())
    if len(head) < PARAGRAPH_KEY_CHARS and len(text) > window:
        head = "".join(text.split())  # a run of indentation filled the window
    if not _DENSE.search(head, 0, PARAGRAPH_KEY_CHARS):
        return head[:PARAGRAPH_KEY_CHARS] if len(head) >= PARAGRAPH_KEY_CHARS else None
    weight = 0
    for end, character in enumerate(head, 1):
        weight += _DENSE_WEIGHT if _DENSE.match(character) else 1
        if weight >= PARAGRAPH_KEY_CHARS:
            return head[:end]
    return None
