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

from extract.document import BLOCK_TAGS

__all__ = ["REGIONS", "element_region", "ancestor_tokens", "follow_line", "comment_link"]

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
    ("author", re.compile(r"^(author.*|.*-author|byline|bio|about-author|authorbox|post-author|writer)$")),
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


# A line asking the reader to follow, like, join or subscribe, in the 30 market languages: "Follow us on
# Facebook", "Abonnez-vous à notre newsletter", "Folgen Sie uns auf Instagram". Written into article bodies
# by hand, so no class names it (the "follow us on Facebook lines" at 0.84): of the 236 links on such
# lines on the placement sets' training sites, 233 are labelled boilerplate.
_FOLLOW = re.compile("|".join([
    r"\b(follow|like) us\b", r"\bjoin us on\b", r"\bjoin our\b", r"\bsubscribe to (our|the)\b", r"\bsign up for (our|the)\b",
    r"folgen sie uns", r"folge uns", r"abonnieren sie", r"suivez[- ]nous", r"abonnez-vous", r"síguenos", r"suscríbete",
    r"seguici", r"iscriviti", r"siga-nos", r"segue-nos", r"obserwuj nas", r"подписывайтесь", r"подпишитесь", r"följ oss",
    r"volg ons", r"følg os", r"følg oss", r"seuraa meitä", r"sledujte nás", r"kövess(en)? minket", r"urmăriți-ne",
    r"ακολουθήστε μας", r"bizi takip edin", r"ikuti kami", r"theo dõi chúng tôi", r"フォローして", r"关注我们", r"팔로우",
    r"تابعونا", r"עקבו אחרינו", r"слідкуйте", r"последвайте ни",
]), re.IGNORECASE)
_LINE_CHARS = 200  # a longer block is prose that may mention following someone, not a follow-us line


def follow_line(element: html.HtmlElement) -> bool:
    """Whether the link's line (its nearest block, as the placement features read it) asks the reader to
    follow, join or subscribe."""
    block = element.getparent()
    while block is not None and block.tag not in BLOCK_TAGS:
        block = block.getparent()
    if block is None:
        return False
    pieces, length = [], 0
    for piece in block.itertext():  # stops early: a link inside a page-wide <div> costs 400 characters, not the page
        length += len(piece)
        if length > 2 * _LINE_CHARS:
            return False
        pieces.append(piece)
    text = " ".join("".join(pieces).split())
    return len(text) <= _LINE_CHARS and bool(_FOLLOW.search(text))


# A link that counts or opens a post's comments ("12 Comments", "Comments (5)", "View comments", "Leave a
# comment", "7 Kommentare", "Kommentieren"), in the 30 market languages: the post's meta, whatever markup holds it
# (the "view comments" at 0.61 editorial). Only the whole anchor counts: "comments" inside prose or a
# headline about comments is not one. Of the 257 such links in the sets people labelled (Mozilla, fundus,
# GoogleTrends, CleanEval) 246 are boilerplate; the others are LWN's "Comments (5 posted)", which readability
# keeps, and 8 "N comments" on CleanEval pages.
_COMMENT_WORDS = (r"comments?|kommentare?|commentaires?|comentarios?|comentários?|commenti|commento|komentarz[ey]?|"
                  r"komentarzy|reacties?|kommentarer?|kommenttia?|kommentit|komentářů|komentáře?|hozzászólás(ok)?|"
                  r"comentari[iu]|σχόλι[αο]|yorum(lar)?|komentar|bình luận|コメント|评论|評論|댓글|تعليق(ات)?|תגובו?ת|"
                  r"תגובה|коментар(і|ів|и)?|комментари(й|и|ев)")
_COMMENT_VERBS = (r"view|show|read|see|leave|add|post|write|load|open|jump to|go to|alle|laisser|voir|afficher|"
                  r"ajouter|deja|dejar|ver|añadir|lascia|leggi|mostra|zostaw|dodaj|pokaż|zobacz|deixe|mostrar")
_COMMENT_LINK = re.compile(
    rf"^\W*(\d[\d.,]*\s*({_COMMENT_WORDS})\b.{{0,40}}"  # "12 Comments", "11Comments. Click to view comments"
    rf"|({_COMMENT_WORDS})\s*[(\[:]?\s*(\d[\d.,]*|none|no)\s*(posted)?\s*[)\]]?"  # "Comments (5)", "comments: none"
    rf"|({_COMMENT_VERBS})\s+(a|an|un|una|all|the|les|los|i|\d+)?\s*({_COMMENT_WORDS})(\s*[(\[]?\s*\d[\d.,]*\s*[)\]]?)?"
    rf"|no comments|be the first to comment|kommentar schreiben|(jetzt )?kommentieren|commenter|comentar|commenta|"
    rf"skomentuj|komentuj)\W*$",
    re.IGNORECASE)


def comment_link(anchor_text: str) -> bool:
    """Whether a link's whole anchor counts or opens the post's comments ("12 Comments", "View comments")."""
    return len(anchor_text) <= 80 and bool(_COMMENT_LINK.match(" ".join(anchor_text.split())))
