"""Extractors on hand-written pages: no engine, no network."""

import pytest

from extract.cues import comment_link, line_cue
from extract.document import parse_html
from extract.encoding import decode_html
from extract.hreflang import header_alternates, header_canonical, header_links
from extract.language import detect_language
from extract.links import find_links, rel_tokens, script_mentions
from extract.robots import robots_directives
from extract.urls import Target

TARGET = Target.parse("http://acme.com/page")


def links_of(body: str, base: str = "http://blog.example.com/post"):
    return find_links(parse_html(f"<html><body>{body}</body></html>"), base, TARGET)


@pytest.mark.parametrize("value, tokens", [
    ("nofollow", ["nofollow"]), ("NoFollow Noopener", ["nofollow", "noopener"]),
    ("sponsored,ugc", ["sponsored", "ugc"]), (" ugc ,  nofollow ", ["ugc", "nofollow"]), ("", []), (None, []),
])
def test_rel_tokens(value, tokens):
    assert rel_tokens(value) == tokens


@pytest.mark.parametrize("markup, region", [
    ("<nav><a href='http://acme.com/page'>x</a></nav>", "navigation"),
    ("<footer><p><a href='http://acme.com/page'>x</a></p></footer>", "footer"),
    ("<div class='widget-area'><a href='http://acme.com/page'>x</a></div>", "sidebar"),
    ("<div id='comments'><div class='comment-body'><a href='http://acme.com/page'>x</a></div></div>", "comments"),
    ("<div class='author-box'><a href='http://acme.com/page'>x</a></div>", "author"),
    # An author box under a theme's or a page builder's prefix (an MVP theme's box scored 0.89 editorial).
    ("<article><div class='mvp-author-box-text'><p><a href='http://acme.com/page'>x</a></p></div></article>", "author"),
    ("<article><div class='wp-block-tc23-author-card'><a href='http://acme.com/page'>x</a></div></article>", "author"),
    ("<article><div class='elementor-author-box'><a href='http://acme.com/page'>x</a></div></article>", "author"),
    # A forum post's signature: its poster's promotion under every post.
    ("<article class='message'><div class='message-body'><p>Thanks!</p></div><div class='message-signature'>"
     "<div class='bbWrapper'><a href='http://acme.com/page'>My SEO shop</a></div></div></article>", "author"),
    ("<div class='post'><div class='content'>Thanks!</div><div class='signature'><a href='http://acme.com/page'>x</a>"
     "</div></div>", "author"),
    ("<div role='contentinfo'><a href='http://acme.com/page'>x</a></div>", "footer"),
    ("<article><p><a href='http://acme.com/page'>x</a></p></article>", "content"),
    ("<article><div class='related-posts'><a href='http://acme.com/page'>x</a></div></article>", "teaser_list"),
    ("<article><div class='entry-footer'><a href='http://acme.com/page'>x</a></div></article>", "post_meta"),
    ("<article><p class='postmetadata'><a href='http://acme.com/page'>x</a></p></article>", "post_meta"),
    ("<article><div class='c-view-more'><a href='http://acme.com/page'>x</a></div></article>", "teaser_list"),
    ("<article><ul class='teaserable'><li><a href='http://acme.com/page'>x</a></li></ul></article>", "teaser_list"),
    # Recommendation carousels and search results, kept by trafilatura on shop and listing pages
    # (an Amazon product page's "customers also bought" at 0.65 editorial).
    ("<div class='a-carousel-container'><ol class='a-carousel'><li><div class='mes-dp recommendation'>"
     "<a href='http://acme.com/page'>The 48 Laws of Power</a></div></li></ol></div>", "teaser_list"),
    ("<article><div class='owl-carousel'><div class='item'><a href='http://acme.com/page'>x</a></div></div></article>",
     "teaser_list"),
    ("<main><ul class='search-results'><li><a href='http://acme.com/page'>x</a></li></ul></main>", "teaser_list"),
    # A documentation section's id is its title (Sphinx; Django's docs prefix it "s-"), marked by the heading's
    # permalink: "select_related()" or "Navigation" is what the section is about, not a template's region.
    ("<main><section id='s-select-related'><span id='select-related'></span><h4>select_related()<a class='headerlink' "
     "href='#select-related'>¶</a></h4><p>See <a href='http://acme.com/page'>x</a>.</p></section></main>", "content"),
    ("<div role='main'><section id='navigation'><h2>Navigation<a class='headerlink' href='#navigation'>¶</a></h2>"
     "<p><a href='http://acme.com/page'>x</a></p></section></div>", "content"),
    # ... while a template's box named after its own heading, without a permalink, is still the box, and a class
    # that names the region is read whatever the id says.
    ("<div class='navigation' id='navigation'><h2>Navigation<a class='headerlink' href='#navigation'>¶</a></h2>"
     "<a href='http://acme.com/page'>x</a></div>", "navigation"),
    ("<article><section id='related-posts'><h2>Related posts</h2><ul><li><a href='http://acme.com/page'>x</a></li>"
     "</ul></section></article>", "teaser_list"),
    ("<article><p class='follow-us'><a href='http://acme.com/page'>x</a></p></article>", "share_follow"),
    ("<div class='newsletter-box'><a href='http://acme.com/page'>x</a></div>", "share_follow"),
    ("<article><div class='whatsapp-group'><a href='http://acme.com/page'>Join us on WhatsApp</a></div></article>",
     "share_follow"),
    # A tweet embedded in an article: its links are the tweet author's (a WashingtonPost page's @handles).
    ("<article><blockquote class='twitter-tweet'><p>snow <a href='http://acme.com/page'>#cowx</a></p></blockquote>"
     "</article>", "embedded_post"),
    ("<article><div class='social-media-embed'><blockquote class='instagram-media'><a href='http://acme.com/page'>x</a>"
     "</blockquote></div></article>", "embedded_post"),
    # Page builders' per-block classes and embed wrappers name no region: the article around them decides.
    ("<article><div class='elementor-widget elementor-widget-text-editor'><p><a href='http://acme.com/page'>x</a></p>"
     "</div></article>", "content"),
    ("<div class='flex-wrap-footer'><main><dl><dt><a href='http://acme.com/page'>x</a></dt></dl></main></div>", "content"),
    ("<aside><article><a href='http://acme.com/page'>x</a></article></aside>", "sidebar"),
    ("<article><div class='share-zone'><p><a href='http://acme.com/page'>x</a></p></div></article>", "content"),
    ("<article><div class='social-media-embed'><p><a href='http://acme.com/page'>x</a></p></div></article>", "content"),
    ("<div><p><a href='http://acme.com/page'>x</a></p></div>", "other"),
])
def test_regions(markup, region):
    assert links_of(markup)[0].region == region


@pytest.mark.parametrize("anchor", [
    "12 Comments", "0 comments", "1 Comment", "Comments (5)", "comments: none", "View comments (12)", "Leave a comment",
    "Add a Comment", "Post a Comment →", "11Comments. Click to view comments", "Load Comments (0)", "7 Kommentare",
    "Kommentieren", "Jetzt kommentieren", "3 commentaires", "Laisser un commentaire", "5 comentarios", "Deja un comentario",
    "2 commenti", "4 komentarze", "8 комментариев", "コメント (3)", "댓글 5", "No comments",
])
def test_comment_links(anchor):
    assert comment_link(anchor)


@pytest.mark.parametrize("anchor", [
    "comments", "Comments on Cisco, Mozilla, and H.264", "the FCC's public comments on net neutrality", "Reply",
    "Response", "zero-day whitepaper", "Kommentar: Warum die Regierung irrt", "Read the full comment by the CEO here",
    "", "12 Comments " + "x" * 80,
])
def test_not_comment_links(anchor):
    assert not comment_link(anchor)


@pytest.mark.parametrize("line, cue", [
    ("This post contains affiliate links. Read our {a}.", "post_meta"),
    ("We may earn a commission when you buy through links on our site. {a}", "post_meta"),
    ("As an Amazon Associate I earn from qualifying purchases. {a}", "post_meta"),
    ("Die mit einem Symbol gekennzeichneten Links sind Affiliate-Links. {a}", "post_meta"),
    ("Follow us on {a} for more.", "share_follow"),
    ("追蹤我們的{a}粉絲專頁", "share_follow"), ("歡迎關注我們：{a}", "share_follow"),
    # Prose that mentions commissions or affiliate links is not a disclosure, nor is a long paragraph.
    ("Brokers earn a commission on each trade, the {a} found.", None),
    ("The retailer said its affiliate program would end, according to {a}.", None),
    ("This post contains affiliate links. " + "Zero-day exploits are flaws attackers use before a patch. " * 6 + "{a}",
     None),
    ("Researchers at {a} found the flaw first.", None),
    # A "Read also" line whose rest is the link: the site's teaser for its own story, in any language.
    ("Read also: {a}", "teaser_list"), ("<strong>Lesen Sie auch:</strong> {a}", "teaser_list"),
    ("Les også: {a}", "teaser_list"), ("» Related: {a} »", "teaser_list"), ("Читайте также: {a}", "teaser_list"),
    ("延伸閱讀：{a}", "teaser_list"), ("【関連記事】{a}", "teaser_list"), ("▶관련기사: {a}", "teaser_list"),
    ("相关阅读 》{a}", "teaser_list"), ("あわせて読みたい：{a}", "teaser_list"),
    # ... not when the link is a word of a sentence, one of several, or the cue comes after it.
    ("See also the report by {a} on patch gaps.", None), ("Related: {a} and <a href='/b'>Beta</a>", None),
    ("{a} — read more", None), ("Read more about {a}", None), ("延伸閱讀這份{a}的報告，內容很完整。", None),
])
def test_line_cues(line, cue):
    link = "<a href='http://acme.com/page'>Acme</a>"
    tree = parse_html(f"<html><body><article><p>{line.format(a=link)}</p></article></body></html>")
    assert line_cue(next(tree.iter("a")), "Acme") == cue


def test_anchor_text_and_context():
    text = "Lorem ipsum " * 40
    found = links_of(f"<p>{text}<b>See</b> the <a href='http://acme.com/page'>Acme <i>guide</i></a> today. {text}</p>")[0]
    assert found.anchor_text == "Acme guide"
    assert "See the Acme guide today." in found.context
    assert len(found.context) <= 310


def test_context_has_spaces_between_blocks():
    found = links_of("<ul><li>First item</li><li><a href='http://acme.com/page'>second</a></li></ul>")[0]
    assert "First item second" in found.context


def test_comments_and_javascript_are_not_links():
    assert links_of("<!-- <a href='http://acme.com/page'>x</a> --><a href='javascript:location=\"http://acme.com/page\"'>y</a>") == []


def test_base_href():
    tree = parse_html("<html><head><base href='http://acme.com/'></head><body><a href='page'>x</a></body></html>")
    from extract.document import base_url

    assert find_links(tree, base_url(tree, "http://blog.example.com/a/b"), TARGET)[0].match == "exact"


def test_hidden_links():
    assert links_of("<div hidden><a href='http://acme.com/page'>x</a></div>")[0].hidden
    assert links_of("<a style='visibility:hidden' href='http://acme.com/page'>x</a>")[0].hidden
    assert not links_of("<a href='http://acme.com/page'>x</a>")[0].hidden


def test_script_mentions():
    tree = parse_html("<html><body><script>var u = 'http:\\/\\/acme.com\\/page';</script></body></html>")
    assert script_mentions(tree, TARGET)
    assert not script_mentions(parse_html("<html><body><p>acme.com/page</p></body></html>"), TARGET)


@pytest.mark.parametrize("metas, headers, expected", [
    ("<meta name='robots' content='noindex'>", [], (True, False)),
    ("<meta name='googlebot' content='nofollow'>", [], (False, True)),
    ("<meta name='ROBOTS' content='NONE'>", [], (True, True)),
    ("<meta name='bingbot' content='noindex'>", [], (False, False)),
    ("", ["noindex, nofollow"], (True, True)),
    ("", ["googlebot: noindex"], (True, False)),
    ("", ["otherbot: noindex", "max-snippet: 20"], (False, False)),
    ("<meta name='robots' content='index, follow'>", ["googlebot: none"], (True, True)),
])
def test_robots_directives(metas, headers, expected):
    tree = parse_html(f"<html><head>{metas}</head><body></body></html>")
    directives = robots_directives(tree, headers)
    assert (directives.noindex, directives.nofollow) == expected


def test_link_headers():
    values = ['<http://a.com/de>; rel="alternate"; hreflang="de", <http://a.com/>; rel=canonical']
    assert len(header_links(values)) == 2
    assert [(a.hreflang, a.url) for a in header_alternates(values, "http://a.com/")] == [("de", "http://a.com/de")]
    assert header_canonical(values, "http://a.com/x") == "http://a.com/"


@pytest.mark.parametrize("text, encoding, content_type", [
    ("<p>日本語のテキストです。セキュリティの記事です。ゼロデイ攻撃について説明します。</p>", "shift_jis", None),
    ("<p>Статья о безопасности и уязвимостях нулевого дня, подробно и понятно.</p>", "cp1251", None),
    ("<p>Größe</p>", "latin-1", "text/html; charset=ISO-8859-1"),
    ("<p>中文文本，关于网络安全的文章。</p>", "gb18030", "text/html; charset=gb2312"),
    ("<meta charset='euc-kr'><p>한국어 텍스트 보안 기사입니다</p>", "euc-kr", None),
])
def test_decode_html(text, encoding, content_type):
    decoded, _ = decode_html(text.encode(encoding), content_type)
    assert decoded == text


def test_bom_beats_header():
    decoded, encoding = decode_html("\ufeff<p>Größe</p>".encode("utf-8"), "text/html; charset=iso-8859-1")
    assert decoded == "<p>Größe</p>" and encoding == "utf-8"


@pytest.mark.parametrize("text, declared, expected", [
    ("Dies ist ein langer deutscher Text über Sicherheitslücken in Webanwendungen und deren Behebung.", None, ("de", "content")),
    ("short", "fr-FR", ("fr", "declared")),
    ("", None, (None, "none")),
    ("Ceci est un long texte français sur les failles de sécurité dans les applications web.", "en", ("fr", "content")),
])
def test_detect_language(text, declared, expected):
    assert detect_language(text, declared) == expected


@pytest.mark.parametrize("markup", ["", "   ", "\x00\x00", "<?xml version='1.0' encoding='utf-8'?><html><body><a href='http://acme.com/page'>x</a></body></html>", "<<<>>>", "<a href='http://acme.com/page'>unclosed"])
def test_strange_documents_do_not_crash(markup):
    tree = parse_html(markup)
    if tree is not None:
        find_links(tree, "http://x.com/", TARGET)


@pytest.mark.parametrize("page_text, main_text, found", [
    # trafilatura's text puts a space around a link the page does not have.
    ("Read <a>this report</a>, then the patch notes: both say the exploit chain began in March.",
     "Read this report , then the patch notes: both say the exploit chain began in March.", True),
    ("気象庁は<a>13日</a>、午後9時19分ごろ、日向灘で震度5弱の地震があったと発表した。",
     "気象庁は 13日 、午後9時19分ごろ、日向灘で震度5弱の地震があったと発表した。", True),
    # 17 characters of Chinese are a paragraph's worth; 17 of English are not.
    ("我們也推薦這篇<a>黃金獵犬美容教學</a>。", "我們也推薦這篇 黃金獵犬美容教學 。", True),
    ("Read <a>this</a> too.", "Read this too.", False),
])
def test_a_main_text_paragraph_is_found_again_in_the_page(page_text, main_text, found):
    from extract.content import paragraph_key
    from extract.document import collapse

    dom = parse_html(f"<html><body><p>{page_text}</p></body></html>").find(".//p").text_content()
    key = paragraph_key(collapse(main_text))
    assert (key is not None and paragraph_key(dom) == key) is found
