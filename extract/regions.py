"""Which region of the page template an element sits in.

The region is read from the element's ancestors, nearest first: HTML5
sectioning tags (``nav``, ``header``, ``footer``, ``aside``), ARIA roles, and
class/id tokens that templates use (``sidebar``, ``widget``, ``comment``…).
The nearest ancestor that names a region decides, except that any
boilerplate region wins over an ``article`` further out (a related-posts box
inside ``<article>`` is still boilerplate), and nothing outside the page's
``<main>`` landmark counts (a layout wrapper around the whole page is no footer).

Beside the contract's regions, four tell a user why a link inside an article
is still boilerplate: ``teaser_list`` (related posts, "read also", more
stories, recommendation carousels, search results), ``share_follow`` (share
buttons, follow-us lines, newsletter boxes, WhatsApp and Telegram channels),
``post_meta`` (a post's tags, categories, entry footer and links to its
comments) and ``embedded_post`` (a tweet, Instagram or TikTok post, Reddit or
Bluesky post embedded in the article: its links are its author's, not the
article's). Tokens that page builders put on every block (``elementor-widget``,
``wp-block-…``) or that wrap embeds of any kind (``…-embed``) name no region:
they say nothing about placement.
"""

from __future__ import annotations

import re

from lxml import html

__all__ = ["REGIONS", "element_region", "ancestor_tokens"]

REGIONS = ("content", "navigation", "header", "footer", "sidebar", "comments", "author", "other",
           "teaser_list", "share_follow", "post_meta", "embedded_post")

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
# Tokens that name no region although a pattern below would match them: page
# builders' per-block classes, and wrappers of embedded posts and of whole
# articles (seen on real pages marking editorial links as sidebar ones).
_NEUTRAL_TOKENS = re.compile(r"^(elementor-.*|e-con.*|wp-block-.*|.*-embed|embed.*|share-zone|.*-widget-container)$")
# The class each network's embed code puts on the post it embeds (checked before the
# neutral tokens: ``tiktok-embed`` is a post, ``video-embed`` a wrapper of anything).
_EMBEDDED_POST = re.compile(r"^(twitter-tweet|twitter-timeline|instagram-media|tiktok-embed|reddit-embed-bq|"
                            r"reddit-card|bluesky-embed|mastodon-embed|threads-post|text-post-media|fb-post|"
                            r"fb-xfbml-parse-ignore)$")
# An author's box, card or bio under any prefix, a page builder's included (``mvp-author-box-text``,
# ``wp-block-tc23-author-card``, ``elementor-author-box``): checked before the neutral tokens. Of the 281
# labelled links under such a class in the placement sets, 5 are editorial; none of the 82 that the
# patterns below read as another region (content, navigation, other...) is.
_AUTHOR_BOX = re.compile(r"author-?(box|bio|info|card|profile|details)")
# Order matters: the first pattern that matches a token names the region.
_TOKEN_PATTERNS = [
    ("comments", re.compile(r"^(comments?|comment-.*|.*-comments?|commentlist|commentform|disqus.*|respond|replies|reply|"
                            r"discussion)$")),
    # A forum post's signature is its poster's promotion; an article's, its byline.
    ("author", re.compile(r"^(author.*|.*-author|byline|bio|about-author|authorbox|post-author|writer|signature|"
                          r".*-signature|signature-.*|sig|usersig|postsig)$")),
    # WordPress's entry footer holds the post's tags and categories, not the site's footer.
    ("post_meta", re.compile(r"^(entry-?footer|post-?footer|article-?footer|entry-?meta|post-?meta|postmetadata|"
                             r"post-?info|article-?meta|meta-?data|posted-?on|tags?|tag-?(list|links|cloud)|tags-links|"
                             r"cat-links|categories|post-?tags|article-?tags|post-?categories)$")),
    ("teaser_list", re.compile(r"^(related.*|.*-related|recommended.*|popular.*|trending.*|read-?more|more-?stories|"
                               r"read-?also|also-?read|more-?from.*|teaser.*|.*-teasers?|.*-view-more|view-more|rock-list|"
                               r"you-?may-?like|recirc.*|outbrain.*|taboola.*|ob-widget.*|yarpp.*|jp-relatedposts.*|"
                               r"recommendations?|.*-recommendations?|carousel.*|.*-carousel|search-?results?)$")),
    ("share_follow", re.compile(r"^(share|shares|sharing|share-?(buttons?|bar|links?|icons?|tools?|box|this)|.*-share|"
                                r"sharedaddy|addtoany|a2a.*|social|social-?(share|sharing|links?|icons?|media|buttons?|"
                                r"follow|bar|networks?|profiles?)|follow-?us|follow|newsletter.*|.*-newsletter|"
                                r"subscribe.*|.*-subscribe|signup|whatsapp.*|.*-whatsapp|telegram.*|.*-telegram)$")),
    ("navigation", re.compile(r"^(nav|navbar|navigation|.*-nav|nav-.*|menu|.*-menu|menu-.*|breadcrumbs?|pagination|pager|tabs|toc|skip-link)$")),
    ("header", re.compile(r"^(header|masthead|site-header|top-?bar|banner|page-header|branding)$")),
    ("footer", re.compile(r"^(footer|site-footer|.*-footer|footer-.*|colophon|copyright|bottom)$")),
    ("sidebar", re.compile(
        r"^(sidebar|side-bar|.*-sidebar|sidebar-.*|aside|widget.*|.*-widget|"
        r"ad|ads|advert.*|sponsor.*|promo.*|archives?|blogroll|partners?)$"
    )),
    ("content", re.compile(r"^(content|main|main-content|article|post|entry|entry-content|post-content|story|article-body|post-body|text|body-text)$")),
]
_TOKEN_SPLIT = re.compile(r"[\s_]+")


def ancestor_tokens(element: html.HtmlElement) -> list[str]:
    """Lower-cased class and id tokens of an element."""
    raw = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return [t for t in _TOKEN_SPLIT.split(raw) if t]


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _section_anchor(element: html.HtmlElement, token: str) -> bool:
    """Whether ``token`` is the id a documentation generator gave a section after its title: Sphinx's
    ``<section id="navigation"><h2>Navigation<a class="headerlink" href="#navigation">¶</a></h2>`` (Django's
    docs prefix it ``s-``). The heading's permalink to the section is the generator's signature; a template's
    "Related posts" box, named after its own heading too, has none."""
    if token not in (element.get("id") or "").lower().split() or token in (element.get("class") or "").lower().split():
        return False  # a class that names the region is the template's, whatever the id says
    targets = {f"#{token}", f"#{token.removeprefix('s-')}"}
    for child in element.iterchildren():
        if not isinstance(child.tag, str):
            continue
        if child.tag in _HEADINGS:
            return any((link.get("href") or "").lower() in targets for link in child.iter("a"))
        if child.tag not in ("span", "a"):  # Sphinx may put the old-style anchor <span id=…> first
            return False
    return False


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
        if _EMBEDDED_POST.match(token):
            return "embedded_post"
        if _AUTHOR_BOX.search(token):
            return "author"
        if _NEUTRAL_TOKENS.match(token):
            continue
        for region, pattern in _TOKEN_PATTERNS:
            if pattern.match(token):
                if _section_anchor(element, token):
                    break  # a section titled "Related models" or "Navigation", not a template's region
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
            # The page's one main landmark ends the walk: a layout wrapper around it
            # (``div.flex-wrap-footer`` holding the whole page) names no region of it.
            # An <article> does not: teaser cards are articles inside sidebars.
            if node.tag == "main" or (node.get("role") or "").lower().strip() == "main":
                return "content"
            found_content = True
        node = node.getparent()
    return "content" if found_content else "other"
