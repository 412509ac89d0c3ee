"""A lost row says whether the page itself is gone: soft 404s and parked domains, through the real CLI.

The not-found and parking pages are written after the templates such pages come from (WordPress and
Shopify themes, Sedo's and GoDaddy's parking landers); the pages that must not be flagged are the ones a
loose rule would catch (an article about 404 errors, one about buying domains). On the 1,893 real pages of
../shared/data/placement, taken as if none held the link, the rules flag 5 pages, all 5 real not-found
pages that those crawls captured (README, "How each verdict is decided").
"""

from __future__ import annotations

from tests.conftest import ARTICLE_EN, page, run_cli

TARGET = "http://www.acme-secure.com/whitepaper/zero-day/"
LINK = f"<p>Read the <a href='{TARGET}'>zero-day whitepaper</a>.</p>"
NAV = "<nav><a href='/'>Home</a> <a href='/blog/'>Blog</a> <a href='/contact/'>Contact</a></nav>"

NOT_FOUND = {
    "http://wp.example.com/2019/05/zero-day-roundup/": page(
        f"<header>{NAV}</header><main><section class='error-404 not-found'><header class='page-header'>"
        "<h1 class='page-title'>Oops! That page can’t be found.</h1></header><div class='page-content'>"
        "<p>It looks like nothing was found at this location. Maybe try one of the links below or a search?</p>"
        "<form role='search'><input type='search' name='s'></form></div></section></main>",
        title="Page not found – Security Notes"),
    "http://shop.example.de/blogs/news/zero-day": page(
        f"<header>{NAV}</header><main><h1>Seite nicht gefunden</h1><p>Die von Ihnen angeforderte Seite existiert "
        "nicht. <a href='/collections/all'>Weiter shoppen</a></p></main>", title="404 Nicht gefunden – Shop", lang="de"),
    "http://blog.example.jp/entry/2020/01/01": page(
        "<main><h1>お探しのページが見つかりませんでした</h1><p>URLが間違っているか、ページが削除された可能性があります。</p></main>",
        title="ページが見つかりません", lang="ja"),
}
PARKED = {
    "http://expired-security-blog.com/zero-day-list/": (
        "<!doctype html><html><head><title>expired-security-blog.com</title>"
        "<script src='https://www.sedoparking.com/frmpark/expired-security-blog.com/IONOSParkingDE/park.js'></script>"
        "</head><body><div id='partner'></div></body></html>"),
    "http://old-infosec-news.net/post/42": page(
        "<div class='lander'><h1>old-infosec-news.net</h1><p>This domain is parked free, courtesy of GoDaddy.com."
        "</p><p>Want to buy this domain? <a href='https://www.godaddy.com/domainsearch/find?domainToCheck=x'>Get it"
        "</a></p><p>Related searches: Cyber Security Courses, Antivirus Software, Firewall</p></div>",
        title="old-infosec-news.net"),
    "http://sicherheit-blog.de/artikel/zero-day": page(
        "<div><h1>Diese Domain steht zum Verkauf!</h1><p>Sie können diese Domain jetzt kaufen. "
        "Jetzt Preis anfragen.</p></div>", title="sicherheit-blog.de", lang="de"),
}
NOT_FLAGGED = {
    # A long article about 404 pages: its title says 404, its text is real.
    "http://seo.example.org/fix-404-errors": page(
        f"<article><h1>How to find and fix 404 Not Found errors</h1>{ARTICLE_EN * 12}</article>",
        title="404 Page Not Found errors: how to fix them"),
    # An article on domain investing that names the parking services.
    "http://domains.example.org/parking-guide": page(
        f"<article><h1>Is domain parking still worth it?</h1>{ARTICLE_EN * 8}<p>We compared "
        "<a href='https://www.sedoparking.com/'>Sedo</a>, <a href='https://www.bodis.com/'>Bodis</a> and "
        "<a href='https://www.afternic.com/'>Afternic</a>: this domain for sale page pays little.</p></article>",
        title="Domain parking in 2026"),
    # The editor removed the link; the page is there.
    "http://news.example.com/zero-days": page(f"<article><h1>Zero-day exploits</h1>{ARTICLE_EN}</article>"),
}


def test_a_lost_row_says_when_the_page_itself_is_gone(web, tmp_path):
    web.add(TARGET, page(ARTICLE_EN, title="Whitepaper"))
    for url, body in {**NOT_FOUND, **PARKED, **NOT_FLAGGED}.items():
        web.add(url, body)
    # A not-found template that still holds the link is live, whatever it says.
    web.add("http://odd.example.com/missing", page(f"<main><h1>Page not found</h1>{LINK}</main>", title="404"))
    # A removed post redirected wholesale to the home page, which does not link: a soft 404, as Google reads it.
    web.add("http://moved.example.com/2018/zero-days.html", status=301, headers={"Location": "http://moved.example.com/"})
    web.add("http://moved.example.com/", page(f"<main><h1>Welcome</h1>{ARTICLE_EN}</main>"))
    urls = [*NOT_FOUND, *PARKED, *NOT_FLAGGED, "http://odd.example.com/missing", "http://moved.example.com/2018/zero-days.html"]
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    run = run_cli(["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--db", str(tmp_path / "d.db")], web)
    assert run.returncode == 0, run.stderr
    by_url = {r["source_url"]: r for r in run.results}
    assert list(by_url) == urls

    def gone(url: str) -> set[str]:
        return set(by_url[url]["flags"]) & {"soft_404", "parked_domain"}

    for url in NOT_FOUND:
        assert (by_url[url]["status"], by_url[url]["reason"], gone(url)) == ("lost", "link_removed", {"soft_404"}), url
    for url in PARKED:
        assert (by_url[url]["status"], gone(url)) == ("lost", {"parked_domain"}), url
    for url in NOT_FLAGGED:
        assert (by_url[url]["status"], gone(url)) == ("lost", set()), url
    assert by_url["http://odd.example.com/missing"]["status"] == "live" and not gone("http://odd.example.com/missing")
    moved = by_url["http://moved.example.com/2018/zero-days.html"]
    assert (moved["status"], moved["final_url"], gone(moved["source_url"])) == ("lost", "http://moved.example.com/", {"soft_404"})


def test_changes_says_the_domain_expired_beside_lost(web, tmp_path):
    url = "http://old-infosec-news.net/post/42"
    web.add(TARGET, page(ARTICLE_EN, title="Whitepaper"))
    web.add(url, page(f"<article><h1>Zero-day exploits</h1>{ARTICLE_EN}{LINK}</article>"))
    (tmp_path / "list.txt").write_text(url + "\n", encoding="utf-8")
    verify = ["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--db", str(tmp_path / "d.db"), "-q"]
    assert run_cli(verify, web).results[0]["status"] == "live"
    web.add(url, PARKED[url])  # the domain expired and was parked
    assert run_cli(verify, web).results[0]["status"] == "lost"
    run = run_cli(["changes", "--db", str(tmp_path / "d.db"), "--out", str(tmp_path / "c.jsonl")], web, out=tmp_path / "c.jsonl")
    assert [(r["change"], r["detail"]) for r in run.results] == [
        ("lost", "lost: lost/link_removed; the domain is parked (expired or for sale)")]


def test_the_report_says_why_links_are_not_live(web, tmp_path):
    from lxml import html as lxml_html

    web.add(TARGET, page(ARTICLE_EN, title="Whitepaper"))
    rows = {"http://live.example.com/a": page(f"<article>{ARTICLE_EN}{LINK}</article>"),
            "http://removed.example.com/a": page(f"<article>{ARTICLE_EN}</article>"),
            **{url: body for url, body in list(NOT_FOUND.items())[:2]}, **dict(list(PARKED.items())[:1])}
    for url, body in rows.items():
        web.add(url, body)
    web.add("http://gone.example.com/a", b"gone", status=410)
    web.add("http://down.example.com/a", b"down", status=500)
    urls = [*rows, "http://gone.example.com/a", "http://down.example.com/a"]
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    assert run_cli(["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--db", str(tmp_path / "d.db"), "-q"], web).returncode == 0
    run = run_cli(["report", "--db", str(tmp_path / "d.db"), "--out", str(tmp_path / "r.html")])
    assert run.returncode == 0, run.stderr
    chart = lxml_html.fromstring((tmp_path / "r.html").read_text(encoding="utf-8")).xpath("//svg[@id='lost']")[0]
    labels = chart.xpath("./text/title/text()")
    counts = [int(t) for t in chart.xpath("./text[not(title)]/text()")]
    assert dict(zip(labels, counts, strict=True)) == {
        "link removed": 1, "page gone": 3, "domain parked": 1, "not read (error)": 1}
