"""End to end: one CLI run over a local web of many hosts, one assertion group per behaviour.

Every row goes through the real CLI, the real Scrapy engine, the analysis
processes, the SQLite store and the JSON Lines writer.
"""

from __future__ import annotations

import gzip
import sqlite3

import brotli
import pytest

from crawler.demo.localweb import LocalWeb
from tests.conftest import ARTICLE_EN, page, run_cli
from tests.test_topical import DOG_PAGE, SWEDISH_PUPPY

TARGET = "http://www.acme-secure.com/whitepaper/zero-day/"
LINK = f'<a href="{TARGET}">zero-day whitepaper</a>'
DOG_TARGET = "http://www.dog-care.example.com/grooming/"
FINNISH_BAKING = (
    "Leivoin viikonloppuna mustikkapiirakan: murotaikinaan voita, sokeria ja vehnäjauhoja, täytteeksi tuoreita "
    "mustikoita ja kermaviiliä. Piirakka paistetaan uunissa 200 asteessa puoli tuntia, ja se on parhaimmillaan "
    "vaniljakastikkeen kanssa."
)


def article(link_html: str, extra: str = "") -> str:
    return f"<article><h1>Zero-day exploits</h1>{ARTICLE_EN}<p>Read the {link_html} for details on exploits and patches.</p>{extra}</article>"


def foreign(paragraph: str, link_html: str) -> str:
    """An article wholly in another language, the link in its middle."""
    return f"<article><p>{paragraph}</p><p>{link_html}</p><p>{paragraph}</p></article>"


def build_web(web: LocalWeb) -> list[tuple[str, str]]:
    """Register the pages; return the (name, source URL) rows in input order."""
    rows = []

    def add(name, url, body="", **kwargs):
        web.add(url, body, **kwargs)
        rows.append((name, url))

    web.add(TARGET, page(ARTICLE_EN, "Whitepaper", "en", head=(
        '<link rel="alternate" hreflang="en" href="/whitepaper/zero-day/">'
        '<link rel="alternate" hreflang="de-AT" href="/at/whitepaper/">'
        '<link rel="alternate" hreflang="de" href="/de/whitepaper/">'
    )))
    add("editorial", "http://blog.example.com/post", page(article(LINK), lang="en"))
    add("nofollow", "http://nofollow.example.com/a", page(article(f'<a rel="NoFollow" href="{TARGET}">whitepaper</a>')))
    add("sponsored_ugc", "http://comma.example.com/a", page(article(f'<a rel="sponsored,UGC" href="{TARGET}">whitepaper</a>')))
    add("page_nofollow", "http://pagenofollow.example.com/a", page(article(LINK), head='<meta name="robots" content="index, nofollow">'))
    add("header_noindex", "http://xrobots.example.com/a", page(article(LINK)), headers={"X-Robots-Tag": "googlebot: noindex"})
    add("other_bot_noindex", "http://otherbot.example.com/a", page(article(LINK)), headers={"X-Robots-Tag": "bingbot: noindex, nofollow"})
    add("googlebot_none", "http://none.example.com/a", page(article(LINK), head='<meta name="GoogleBot" content="NONE">'))
    web.add("http://gbot.example.com/robots.txt", "User-agent: Googlebot\nDisallow: /\n\nUser-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    add("googlebot_disallowed", "http://gbot.example.com/a", page(article(LINK)))
    web.add("http://private.example.com/robots.txt", "User-agent: *\nDisallow: /members/\n", headers={"Content-Type": "text/plain"})
    add("robots_disallowed", "http://private.example.com/members/a", page(article(LINK)))
    add("canonical_html", "http://canon.example.com/a?x=1", page(article(LINK), head='<link rel="canonical" href="http://canon.example.com/b">'))
    add("canonical_header", "http://canonhdr.example.com/a", page(article(LINK)), headers={"Link": '<http://canonhdr.example.com/other>; rel="canonical"'})
    add("canonical_self", "http://canonself.example.com/a/", page(article(LINK), head='<link rel="canonical" href="http://canonself.example.com/a">'))
    add("js_only", "http://js.example.com/a", page(article("whitepaper", f"<script>document.write('<a href=\"{TARGET}\">x</a>')</script>")))
    add("comment_only", "http://comment.example.com/a", page(article("whitepaper", f"<!-- <a href=\"{TARGET}\">old link</a> -->")))
    add("javascript_href", "http://jshref.example.com/a", page(article(f'<a href="javascript:window.open(\'{TARGET}\')">whitepaper</a>')))
    add("redirect_chain", "http://r1.example.com/start", status=301, headers={"Location": "http://r2.example.com/next"})
    web.add("http://r2.example.com/next", "", status=302, headers={"Location": "/final"})
    web.add("http://r2.example.com/final", page(article(LINK)))
    add("redirect_loop", "http://loop.example.com/a", status=301, headers={"Location": "http://loop.example.com/b"})
    web.add("http://loop.example.com/b", "", status=301, headers={"Location": "http://loop.example.com/a"})
    add("meta_refresh", "http://refresh.example.com/a", page("", head='<meta http-equiv="refresh" content="0; url=http://refresh.example.com/b">'))
    web.add("http://refresh.example.com/b", page(article(LINK)))
    add("not_found", "http://gone.example.com/404", "<h1>Not found</h1>", status=404)
    add("gone", "http://gone.example.com/410", "<h1>Gone</h1>", status=410)
    add("server_error", "http://broken.example.com/a", "oops", status=500)
    add("forbidden", "http://forbidden.example.com/a", "no", status=403)
    add("rate_limited", "http://ratelimit.example.com/a", "slow down", status=429)
    add("challenge", "http://challenge.example.com/a", "<html><head><title>Just a moment...</title></head><body><div id='challenge-platform'></div></body></html>", status=503, headers={"cf-mitigated": "challenge"})
    add("pdf", "http://files.example.com/paper.pdf", b"%PDF-1.4 binary", headers={"Content-Type": "application/pdf"})
    add("gzip", "http://gzip.example.com/a", gzip.compress(page(article(LINK)).encode()), headers={"Content-Encoding": "gzip"})
    add("brotli", "http://br.example.com/a", brotli.compress(page(article(LINK)).encode()), headers={"Content-Encoding": "br"})
    add("too_large", "http://huge.example.com/a", b"<html><body>" + b"x" * (11 * 1024 * 1024) + b"</body></html>")
    # A template that leaves a <div> open in each of 400 comments: nested past libxml2's 256 levels.
    comments = "".join(f"<div class='comment'><p>Comment {i}: thanks for the write-up.</p>" for i in range(400))
    add("nested_400", "http://forum.example.com/t/1", page(article(LINK) + comments + f"<p>See also the {LINK}.</p>"))
    add("nested_3000", "http://forum.example.com/t/2", page(article("whitepaper") + "<div>" * 3000 + f"<p>{LINK}</p>"))
    # A million characters without a space (an inline data blob in the text): read in one pass.
    add("no_space_run", "http://blob.example.com/a", page(article(LINK, "<p>" + "QUJD" * 250_000 + "</p>")))
    jp = "ゼロデイ脆弱性についての記事です。パッチが公開される前に攻撃者が悪用する脆弱性への対策を詳しく説明します。"
    add("shift_jis_undeclared", "http://jp.example.jp/a", page(foreign(jp, f'<a href="{TARGET}">ホワイトペーパー</a>')).replace("<meta charset='utf-8'>", "").encode("shift_jis"), headers={"Content-Type": "text/html"})
    ru = "Статья об уязвимостях нулевого дня и о том, как злоумышленники используют их до выхода исправлений."
    add("cp1251_meta", "http://ru.example.ru/a", page(foreign(ru, f'<a href="{TARGET}">Белая книга</a>')).replace("charset='utf-8'", "charset='windows-1251'").encode("cp1251"), headers={"Content-Type": "text/html"})
    zh = "这是一篇关于零日漏洞的文章，介绍攻击者如何在补丁发布之前利用这些漏洞，以及安全团队如何防御。"
    add("gb18030_header", "http://cn.example.cn/a", page(foreign(zh, f'<a href="{TARGET}">白皮书</a>')).replace("<meta charset='utf-8'>", "").encode("gb18030"), headers={"Content-Type": "text/html; charset=GB2312"})
    de = "<p>Größe und Qualität: ein Artikel über Sicherheitslücken.</p>"
    add("latin1_header", "http://de.example.de/a", page(article(f'<a href="{TARGET}">Größenvergleich</a>', de)).replace("<meta charset='utf-8'>", "").encode("latin-1"), headers={"Content-Type": "text/html; charset=ISO-8859-1"})
    add("base_href", "http://base.example.com/deep/page", page(article('<a href="zero-day/">whitepaper</a>'), head='<base href="http://www.acme-secure.com/whitepaper/">'))
    add("protocol_relative", "https-less.example.com/a".join(["http://", ""]), page(article('<a href="//acme-secure.com/whitepaper/zero-day">whitepaper</a>')))
    add("percent_port", "http://pct.example.com/a", page(article('<a href="http://WWW.Acme-Secure.com:80/%77hitepaper/zero-day?utm_medium=x&gclid=1">whitepaper</a>')))
    add("image_alt", "http://img.example.com/a", page(article(f'<a href="{TARGET}"><img src="/b.png" alt="Acme whitepaper cover"></a>')))
    add("image_title", "http://imgtitle.example.com/a", page(article(f'<a href="{TARGET}"><img src="/b.png" title="Cover title"></a>')))
    add("area", "http://area.example.com/a", page(article(f'<map name="m"><area shape="rect" href="{TARGET}" alt="Map area"></map>')))
    # An inline SVG logo carries its own <style>: its CSS was read as the anchor text.
    add("svg_logo", "http://svglogo.example.com/a", page(article(
        f'<a href="{TARGET}"><svg viewBox="0 0 10 10"><title>Acme Secure logo</title><style>.cls-1{{fill:#0a3}}</style>'
        '<path class="cls-1" d="M0 0h10v10H0z"/></svg></a>')))
    add("svg_styled", "http://svgstyled.example.com/a", page(article(
        f'<a href="{TARGET}"><svg aria-label="Acme Secure"><style>.cls-1{{fill:#0a3}}</style><path d="M0 0h10v10H0z"/></svg></a>')))
    add("script_in_link", "http://scriptlink.example.com/a", page(article(
        f'<a href="{TARGET}"><script>window.dataLayer=window.dataLayer||[];</script>zero-day whitepaper</a>')))
    add("hidden", "http://hidden.example.com/a", page(article(f'<span style="display: none"><a href="{TARGET}">hidden</a></span>')))
    add("footer", "http://footer.example.com/a", page(article("whitepaper", "") + f"<footer>Partner: {LINK}</footer>"))
    # Inside the article, after its text: a list of headlines with no class names to go by, and a follow-us line.
    teasers = "".join(f'<li><a href="http://news.example.com/story-{i}">Security headline number {i} about patches and exploits</a></li>'
                      for i in range(4))
    add("teaser_in_article", "http://teaser.example.com/a", page(article("whitepaper", (
        f'<h3>More stories</h3><ul><li><a href="{TARGET}">Zero-day whitepaper: how attackers exploit unpatched systems</a>'
        f"</li>{teasers}</ul>"))))
    # A shop's product cards (a name, a rating, a blurb, a price) in a recommendation grid or carousel inside the
    # page's main text, which trafilatura keeps: the trees called them editorial (0.85, 0.76) though their region
    # named them a teaser list.
    def card(href, name, i):
        return (f"<li class='product-card'><a href='{href}'>{name}</a><p>Rated 4.{i} out of 5 by 1{i}3 readers. A field "
                "guide for security teams that covers exploit timelines, patch windows and incident response drills, "
                f"with checklists.</p><p>$2{i}.95 · Ships in 2 days</p></li>")
    cards = card(TARGET, "Acme zero-day whitepaper", 7) + "".join(
        card(f"http://shop.example.com/p{i}", f"Security handbook volume {i}", i) for i in range(5))
    add("recommendation_grid", "http://recs.example.com/a", page(
        f"<main><h1>Zero-day handbook</h1><div class='product-detail'>{ARTICLE_EN}</div>"
        f"<section class='recommendations'><h2>You might also like</h2><ul>{cards}</ul></section></main>"))
    add("carousel_in_article", "http://carousel.example.com/a", page(
        f"<article><h1>Zero days</h1>{ARTICLE_EN}<div class='a-carousel'><ol>{cards}</ol></div></article>"))
    add("follow_us", "http://follow.example.com/a", page(article("whitepaper", f'<p class="follow-us">Follow us on {LINK}</p>')))
    # The same line written into the article with no class: the words say it (it was editorial at 0.84).
    add("follow_us_line", "http://follow-line.example.de/a", page(article("whitepaper", f"<p>Folgen Sie uns auf {LINK} für mehr.</p>")))
    # A link to the post's comments, after its text in a plain paragraph ("View comments" was editorial at 0.61).
    add("comments_link", "http://comments-link.example.com/a", page(article("whitepaper", f'<p><a href="{TARGET}">View comments (12)</a></p>')))
    # An affiliate disclosure at the top of the article (editorial at 0.89 before).
    add("disclosure", "http://disclosure.example.com/a", page(article("whitepaper", f'<p><em>This post contains affiliate links. Read our {LINK}.</em></p>')))
    # A "Read also" line in the article: the site's teaser for its own story (the probe line was editorial at 0.77).
    add("read_also", "http://read-also.example.de/a", page(article("whitepaper", (
        f"<p><strong>Lesen Sie auch:</strong> <a href='{TARGET}'>Zero-Day-Lücken: Wie Angreifer ungepatchte Systeme "
        "ausnutzen</a></p><p>The patch arrived two weeks later, after the exploit had spread.</p>"))))
    # A tweet embedded in the article's text: the link is the tweet author's, not the page's.
    add("embedded_tweet", "http://tweet.example.com/a", page(article("whitepaper", (
        f'<blockquote class="twitter-tweet"><p lang="en">New research on zero-day exploits and patch gaps: {LINK}</p>'
        "&mdash; Security Desk (@secdesk) <a href=\"https://twitter.com/secdesk/status/1\">April 25, 2024</a></blockquote>"))))
    add("broken_html", "http://broken-html.example.com/a", f"<html><body><div><p>{ARTICLE_EN}<table><tr><td><a href={TARGET}>unquoted link<td>cell</table><div><p>unclosed")
    add("empty_body", "http://empty.example.com/a", "")
    add("removed", "http://removed.example.com/a", page(article("whitepaper")))
    add("german_localized", "http://www.sicherheit.at/a", page(
        "<article><p>Zero-Day-Schwachstellen sind Sicherheitslücken, die den Herstellern noch nicht bekannt sind. "
        "Angreifer nutzen sie aus, bevor ein Patch existiert. Einen guten Überblick bietet das "
        f'<a href="{TARGET}">Whitepaper zu Zero-Day-Schwachstellen</a> von Acme Secure.</p></article>'))
    add("idn", "http://idn.example.com/a", page(article('<a href="http://www.xn--bcher-kva.de/zero-day">bücher</a>')))
    # Topical fit in languages the sentence encoder does not read (#25): a Swedish puppy page linking to an
    # English dog-care page (0.01 before the encoder read Swedish through its English gloss), and a Finnish
    # baking blog linking to the security whitepaper.
    web.add(DOG_TARGET, page(f"<article><h1>Grooming day</h1><p>{DOG_PAGE}</p></article>", "Dog care", "en"))
    add("swedish_puppy", "http://valp.example.se/a", page(foreign(SWEDISH_PUPPY, f'<a href="{DOG_TARGET}">hundvård</a>'), lang="sv"))
    add("finnish_baking", "http://leivonta.example.fi/a", page(foreign(FINNISH_BAKING, f'<a href="{TARGET}">tietoturva</a>'), lang="fi"))
    # A Taiwanese and a Japanese article: a long opening paragraph, then a short one with the link, as CJK text
    # writes them (its 45 characters say what 130 English ones do). That paragraph was too short to be found again
    # in the page (a key of 48 characters, spaces counted), so the link sat "after the main text": boilerplate.
    add("traditional_chinese", "http://news.example.com.tw/a", page(
        "<article><h1>狗狗美容指南</h1><p>如何在家為幼犬洗澡、梳理毛髮和修剪指甲。選擇溫和的寵物洗毛精，用溫水沖洗，"
        "再用吹風機吹乾。長毛犬種每天都需要梳毛，避免打結。獸醫建議每個月檢查耳朵和牙齒，並且定期施打疫苗。</p>"
        f"<p>我們也推薦這篇<a href='{DOG_TARGET}'>黃金獵犬美容教學</a>，內容非常詳細。狗狗的飲食也很重要，選擇無穀物的狗糧可以減少過敏。</p>"
        "</article>", lang="zh-TW"))
    add("japanese", "http://news.example.co.jp/a", page(
        "<article><h1>犬のグルーミング</h1><p>自宅で子犬をシャンプーし、毛をとかし、爪を切る方法を紹介します。低刺激のペット用"
        "シャンプーを選び、ぬるま湯で洗い流してからドライヤーで乾かしましょう。長毛種は毎日ブラッシングが必要です。</p>"
        f"<p>こちらの<a href='{DOG_TARGET}'>ゴールデンレトリバーのお手入れ講座</a>もおすすめです。食事も大切で、穀物不使用のフードはアレルギーを減らします。</p>"
        "</article>", lang="ja"))
    for i in range(3):
        add(f"sitewide_{i}", f"http://partner.example.com/page{i}", page(article("whitepaper") + f"<footer>{LINK}</footer>"))
    return rows


# Rows whose target differs from TARGET.
SPECIAL_TARGETS = {"idn": "http://www.bücher.de/zero-day", "swedish_puppy": DOG_TARGET, "traditional_chinese": DOG_TARGET,
                   "japanese": DOG_TARGET}
INVALID_ROWS = ["", "ftp://files.example.com/a", "http://exa mple.com/a", "http://-bad-.example.com/a", "http://"]


@pytest.fixture(scope="module")
def verified(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("verify")
    with LocalWeb() as web:
        rows = build_web(web)
        lines = ["source_url,target_url,note"]
        for name, url in rows:
            lines.append(f"{url},{SPECIAL_TARGETS.get(name, TARGET)},{name}")
        lines.append(f"{rows[0][1]},{TARGET},duplicate")
        for bad in INVALID_ROWS:
            lines.append(f"{bad},{TARGET},invalid")
        lines.append(f"http://nohost.invalid/a,{TARGET},dns")
        lines.append(f"http://127.0.0.2:9/a,{TARGET},refused")
        (tmp / "links.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        out = tmp / "results.jsonl"
        run = run_cli(["verify", str(tmp / "links.csv"), "--out", str(out), "--db", str(tmp / "lv.db"), "--timeout", "10"], web, out=out)
        log = list(web.log)
    by_note = {}
    for result in run.results:
        by_note.setdefault(result["input"]["note"], []).append(result)
    return {"run": run, "results": run.results, "by": lambda note: by_note[note][0], "all": by_note, "log": log, "db": tmp / "lv.db", "rows": rows}


def test_run_completes_with_one_result_per_row_in_order(verified):
    run = verified["run"]
    assert run.returncode == 0, run.stderr
    expected_notes = [name for name, _ in verified["rows"]] + ["duplicate"] + ["invalid"] * len(INVALID_ROWS) + ["dns", "refused"]
    assert [r["input"]["note"] for r in run.results] == expected_notes
    assert "checked" in run.stderr and "live" in run.stderr


def test_editorial_link_is_live_followed_and_indexable(verified):
    result = verified["by"]("editorial")
    assert (result["status"], result["reason"], result["follow"], result["indexable"]) == ("live", None, True, True)
    link = result["links"][0]
    assert link["match"] == "exact" and link["anchor_text"] == "zero-day whitepaper"
    assert link["placement"] == "editorial" and link["region"] == "content" and link["editorial_score"] >= 0.5
    assert "zero-day whitepaper for details" in link["context"]
    assert result["page"]["language"] == "en" and result["page"]["country"] is None
    assert result["page"]["registered_domain"] == "example.com"
    assert result["topical_fit"] is not None and result["topical_fit"] > 0.3


@pytest.mark.parametrize("note, rel", [("nofollow", ["nofollow"]), ("sponsored_ugc", ["sponsored", "ugc"])])
def test_rel_values_remove_credit(verified, note, rel):
    result = verified["by"](note)
    assert result["status"] == "live" and result["follow"] is False
    assert result["links"][0]["rel"] == rel


def test_page_level_nofollow(verified):
    result = verified["by"]("page_nofollow")
    assert result["follow"] is False and "page_nofollow" in result["flags"] and result["indexable"] is True


def test_googlebot_header_noindex_and_other_bots_ignored(verified):
    assert verified["by"]("header_noindex")["indexable"] is False
    assert "noindex" in verified["by"]("header_noindex")["flags"]
    other = verified["by"]("other_bot_noindex")
    assert other["indexable"] is True and other["follow"] is True


def test_googlebot_none_means_noindex_nofollow(verified):
    result = verified["by"]("googlebot_none")
    assert result["indexable"] is False and result["follow"] is False


def test_robots_txt(verified):
    gbot = verified["by"]("googlebot_disallowed")
    assert gbot["status"] == "live" and gbot["indexable"] is False and "robots_disallowed" in gbot["flags"]
    private = verified["by"]("robots_disallowed")
    assert (private["status"], private["reason"]) == ("error", "robots_disallowed")
    assert "private.example.com/members/a" not in verified["log"]


def test_canonical(verified):
    assert "canonical_elsewhere" in verified["by"]("canonical_html")["flags"]
    assert verified["by"]("canonical_html")["canonical_url"] == "http://canon.example.com/b"
    assert "canonical_elsewhere" in verified["by"]("canonical_header")["flags"]
    assert "canonical_elsewhere" not in verified["by"]("canonical_self")["flags"]


def test_script_only_link_is_js_link(verified):
    result = verified["by"]("js_only")
    assert (result["status"], result["reason"]) == ("lost", "link_removed") and "js_link" in result["flags"]


@pytest.mark.parametrize("note", ["comment_only", "javascript_href", "removed"])
def test_no_real_link_is_lost(verified, note):
    result = verified["by"](note)
    assert (result["status"], result["reason"]) == ("lost", "link_removed")
    assert result["http_status"] == 200 and result["page"]["title"]


def test_redirect_chain_is_recorded(verified):
    result = verified["by"]("redirect_chain")
    assert result["status"] == "live" and result["final_url"] == "http://r2.example.com/final"
    assert [(r["url"], r["status"]) for r in result["redirects"]] == [("http://r1.example.com/start", 301), ("http://r2.example.com/next", 302)]
    assert "redirected" in result["flags"]


def test_redirect_loop(verified):
    assert verified["by"]("redirect_loop")["reason"] == "too_many_redirects"


def test_meta_refresh_is_followed(verified):
    result = verified["by"]("meta_refresh")
    assert result["status"] == "live" and "meta_refresh" in result["flags"] and result["final_url"] == "http://refresh.example.com/b"


@pytest.mark.parametrize("note, status, reason", [
    ("not_found", "lost", "page_not_found"), ("gone", "lost", "page_not_found"),
    ("server_error", "error", "server_error"), ("forbidden", "error", "blocked"),
    ("rate_limited", "error", "blocked"), ("challenge", "error", "blocked"),
    ("pdf", "error", "not_html"), ("too_large", "error", "too_large"),
    ("dns", "error", "dns_error"), ("refused", "error", "connection_error"),
])
def test_failures_get_their_reason(verified, note, status, reason):
    result = verified["by"](note)
    assert (result["status"], result["reason"]) == (status, reason), result.get("message")
    assert result["follow"] is None and result["links"] == []


def test_pages_nested_past_the_parsers_limit(verified):
    """A link after 400 unclosed <div>s is there (libxml2 stops at 256 levels: it was "lost", an alert
    for nothing); past the 2,048 levels read at most, no link found is no proof: an error, not lost."""
    deep = verified["by"]("nested_400")
    assert deep["status"] == "live" and len(deep["links"]) == 2, deep.get("message")
    assert deep["links"][0]["placement"] == "editorial"
    deeper = verified["by"]("nested_3000")
    assert (deeper["status"], deeper["reason"]) == ("error", "too_large")
    assert "nested deeper than 2,048 elements" in deeper["message"]  # not just "HTTP 200, Content-Type text/html"


def test_a_long_run_without_spaces_is_read_in_one_pass(verified):
    result = verified["by"]("no_space_run")
    assert result["status"] == "live" and result["page"]["language"] == "en", result.get("message")


def test_server_error_is_retried_once(verified):
    assert verified["log"].count("broken.example.com/a") == 2


@pytest.mark.parametrize("note", ["gzip", "brotli", "broken_html"])
def test_compressed_and_broken_pages_are_read(verified, note):
    assert verified["by"](note)["status"] == "live"


@pytest.mark.parametrize("note, anchor, language", [
    ("shift_jis_undeclared", "ホワイトペーパー", "ja"), ("cp1251_meta", "Белая книга", "ru"),
    ("gb18030_header", "白皮书", "zh"), ("latin1_header", "Größenvergleich", None),
])
def test_encodings_yield_correct_anchor_text(verified, note, anchor, language):
    result = verified["by"](note)
    assert result["status"] == "live" and result["links"][0]["anchor_text"] == anchor
    if language:
        assert result["page"]["language"] == language


def test_countries_from_cctld(verified):
    assert verified["by"]("shift_jis_undeclared")["page"]["country"] == "JP"
    assert verified["by"]("cp1251_meta")["page"]["country"] == "RU"


@pytest.mark.parametrize("note, match", [("base_href", "exact"), ("protocol_relative", "normalized"), ("percent_port", "normalized"), ("idn", "normalized")])
def test_url_forms_match_the_target(verified, note, match):
    result = verified["by"](note)
    assert result["status"] == "live" and result["links"][0]["match"] == match


@pytest.mark.parametrize("note, anchor", [("image_alt", "Acme whitepaper cover"), ("image_title", "Cover title"), ("area", "Map area"),
                                          ("svg_logo", "Acme Secure logo"), ("svg_styled", "Acme Secure")])
def test_image_links_use_alt_then_title(verified, note, anchor):
    link = verified["by"](note)["links"][0]
    assert link["anchor_type"] == "image" and link["anchor_text"] == anchor


def test_hidden_link_is_flagged(verified):
    assert "hidden" in verified["by"]("hidden")["flags"]


def test_footer_link_is_boilerplate(verified):
    link = verified["by"]("footer")["links"][0]
    assert link["placement"] == "boilerplate" and link["region"] == "footer"
    assert link["context"].startswith("Partner")


@pytest.mark.parametrize("note, region", [("teaser_in_article", "teaser_list"), ("recommendation_grid", "teaser_list"),
                                          ("carousel_in_article", "teaser_list"), ("follow_us", "share_follow"),
                                          ("follow_us_line", "share_follow"), ("embedded_tweet", "embedded_post"),
                                          ("comments_link", "post_meta"), ("disclosure", "post_meta"),
                                          ("read_also", "teaser_list")])
def test_in_article_boilerplate_is_boilerplate_and_says_why(verified, note, region):
    link = verified["by"](note)["links"][0]
    assert link["placement"] == "boilerplate" and link["region"] == region and link["editorial_score"] < 0.5


@pytest.mark.parametrize("note, language", [("traditional_chinese", "zh"), ("japanese", "ja")])
def test_a_link_in_a_short_cjk_paragraph_is_editorial(verified, note, language):
    result = verified["by"](note)
    link = result["links"][0]
    assert result["status"] == "live" and link["placement"] == "editorial" and link["editorial_score"] >= 0.5, link
    # A dog-grooming article linking to an English dog-care page is on topic, in either language.
    assert result["page"]["language"] == language
    assert result["topical_fit"] >= 0.5, result["topical_fit"]


def test_topical_fit_in_languages_the_encoder_does_not_read(verified):
    swedish, finnish = verified["by"]("swedish_puppy"), verified["by"]("finnish_baking")
    assert (swedish["status"], swedish["page"]["language"], finnish["status"], finnish["page"]["language"]) == \
        ("live", "sv", "live", "fi")
    assert 0.5 <= swedish["topical_fit"] < 0.875  # the same topic, never "certainly" through a gloss
    assert finnish["topical_fit"] < 0.2


def test_empty_page_does_not_crash_and_is_no_lost_link(verified):
    # An empty 200 (a PHP error with display off, a WAF) says nothing about the link: "lost" raised a false
    # alert that a good link had disappeared.
    result = verified["by"]("empty_body")
    assert (result["status"], result["reason"]) == ("error", "server_error") and "empty body" in result["message"]


def test_localized_target_from_hreflang(verified):
    result = verified["by"]("german_localized")
    assert result["page"]["language"] == "de" and result["page"]["country"] == "AT"
    assert result["localized_target"] == "http://www.acme-secure.com/at/whitepaper/"
    assert verified["by"]("editorial")["localized_target"] is None


def test_sitewide_footer_links(verified):
    for i in range(3):
        assert "sitewide" in verified["by"](f"sitewide_{i}")["flags"]
    assert "sitewide" not in verified["by"]("editorial")["flags"]


def test_duplicate_rows_are_fetched_once(verified):
    assert "duplicate_row" in verified["by"]("duplicate")["flags"]
    assert verified["by"]("duplicate")["status"] == "live"
    assert verified["log"].count("blog.example.com/post") == 1
    assert verified["log"].count("www.acme-secure.com/whitepaper/zero-day/") == 1


def test_invalid_rows_are_reported_not_fatal(verified):
    invalid = verified["all"]["invalid"]
    assert len(invalid) == len(INVALID_ROWS)
    assert all((r["status"], r["reason"]) == ("error", "invalid_url") and r["message"] for r in invalid)


def test_every_check_is_stored(verified):
    with sqlite3.connect(verified["db"]) as db:
        checks = db.execute("SELECT count(*) FROM checks").fetchone()[0]
        runs = db.execute("SELECT status, rows FROM runs").fetchall()
        live = db.execute("SELECT count(*) FROM checks WHERE status = 'live'").fetchone()[0]
    assert checks == len(verified["results"])
    assert runs == [("finished", len(verified["results"]))]
    assert live == sum(r["status"] == "live" for r in verified["results"])


def test_a_script_inside_a_link_is_not_its_anchor_text(verified):
    link = verified["by"]("script_in_link")["links"][0]
    assert (link["anchor_type"], link["anchor_text"]) == ("text", "zero-day whitepaper")
