"""Which region of the page template an element sits in.

The region is read from the element's ancestors, nearest first: HTML5
sectioning tags (``nav``, ``header``, ``footer``, ``aside``), ARIA roles, and
class/id tokens that templates use (``sidebar``, ``widget``, ``comment``…).
The nearest ancestor that names a region decides, except that any
boilerplate region wins over an ``article``/``main`` further out (a related-
posts box inside ``<article>`` is still boilerplate).
"""

from __future__ import annotations

import re

from lxml import html

__all__ = ["REGIONS", "element_region", "ancestor_tokens"]

REGIONS = ("content", "navigation", "header", "footer", "sidebar", "comments", "author", "other")

_TAG_REGION = {"nav": "navigation", "header": "header", "footer": "footer", "aside": "sidebar", "menu": "navigation"}
_ROLE_REGION = {
    "navigation": "navigation",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "sidebar",
    "menu": "navigation",
    "menubar": "navigation",
    "main": "content",
    "article": "content",
}
# Order matters: the first pattern that matches a token names the region.
_TOKEN_PATTERNS = [
    ("comments", re.compile(r"^(comments?|comment-.*|.*-comments?|disqus.*|respond|replies|reply|discussion)$")),
    ("author", re.compile(r"^(author.*|.*-author|byline|bio|about-author|authorbox|post-author|writer)$")),
    ("navigation", re.compile(r"^(nav|navbar|navigation|.*-nav|nav-.*|menu|.*-menu|menu-.*|breadcrumbs?|pagination|pager|tabs|toc|skip-link)$")),
    ("header", re.compile(r"^(header|masthead|site-header|top-?bar|banner|page-header|branding)$")),
    ("footer", re.compile(r"^(footer|site-footer|.*-footer|footer-.*|colophon|copyright|bottom)$")),
    ("sidebar", re.compile(
        r"^(sidebar|side-bar|.*-sidebar|sidebar-.*|aside|widget.*|.*-widget|related.*|.*-related|"
        r"recommended|popular|trending|share|sharing|social.*|share-.*|newsletter|subscribe|"
        r"ad|ads|advert.*|sponsor.*|promo.*|tags?|tag-?cloud|categories|archives?|blogroll|partners?)$"
    )),
    ("content", re.compile(r"^(content|main|main-content|article|post|entry|entry-content|post-content|story|article-body|post-body|text|body-text)$")),
]
_TOKEN_SPLIT = re.compile(r"[\s_]+")


def ancestor_tokens(element: html.HtmlElement) -> list[str]:
    """Lower-cased class and id tokens of an element."""
    raw = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return [t for t in _TOKEN_SPLIT.split(raw) if t]


def _own_region(element: html.HtmlElement) -> str | None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _TAG_REGION:
        return _TAG_REGION[tag]
    role = (element.get("role") or "").lower().strip()
    if role in _ROLE_REGION:
        return _ROLE_REGION[role]
    if tag in ("article", "main"):
        return "content"
    for token in ancestor_tokens(element):
        for region, pattern in _TOKEN_PATTERNS:
            if pattern.match(token):
                return region
    return None


def element_region(element: html.HtmlElement) -> str:
    """The template region of ``element``, or ``other`` when nothing names one."""
    found_content = False
    node = element.getparent()
    # <html> and <body> classes describe the whole page, not a region of it.
    while node is not None and node.tag not in ("body", "html"):
        region = _own_region(node)
        if region and region != "content":
            return region
        if region == "content":
            found_content = True
        node = node.getparent()
    return "content" if found_content else "other"
