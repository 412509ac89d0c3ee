"""The hreflang audit end to end: crawl fixture sites on loopback through the real CLI."""

from __future__ import annotations

import gzip
import json
import sqlite3

import pytest

from crawler.demo.localweb import LocalWeb
from scoring.hreflang_audit import SEVERITY
from tests.conftest import run_cli
from tests.hreflang_sites import B, S, broken_site, clean_site


def audit(web: LocalWeb, start: str, tmp_path, *extra: str):
    out = tmp_path / "issues.jsonl"
    run = run_cli(["hreflang", start, "--db", str(tmp_path / "h.db"), "--out", str(out), *extra], web)
    assert run.returncode == 0, run.stderr
    issues = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return run, issues


def test_clean_multilingual_site_has_no_issues(web, tmp_path):
    clean_site(web)
    run, issues = audit(web, f"{S}/en/", tmp_path)
    assert issues == []
    assert "no issues" in run.stderr
    # Every method was read: the gzip sitemap behind the index, the Link headers and the ccTLD hosts.
    assert "www.shop.com/sitemap-guides.xml.gz" in web.log
    assert "www.shop.at/" in web.log and "www.shop.com/es/guia" in web.log


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("broken")
    with LocalWeb() as web:
        expected = broken_site(web)
        run, issues = audit(web, f"{B}/", tmp)
    return expected, issues, run, tmp


def test_every_planted_mistake_is_found(broken):
    expected, issues, _run, _tmp = broken
    found = {(i["code"], i["url"]) for i in issues}
    assert expected - found == set()


def test_nothing_is_reported_that_was_not_planted(broken):
    expected, issues, _run, _tmp = broken
    found = {(i["code"], i["url"]) for i in issues}
    assert found - expected == set()


def test_every_contract_code_is_exercised(broken):
    expected, _issues, _run, _tmp = broken
    assert {code for code, _ in expected} | {"target_not_200"} >= set(SEVERITY) - {"target_not_200"}


def test_issue_records_are_complete(broken):
    _expected, issues, _run, tmp = broken
    for issue in issues:
        assert set(issue) == {"code", "severity", "url", "href", "hreflang", "detail"}
        assert issue["severity"] == SEVERITY[issue["code"]] and issue["detail"]
    by_code = {i["code"]: i for i in issues}
    assert by_code["content_language_mismatch"]["detail"].startswith("declared de, but the main text is written in fr")
    assert by_code["invalid_code"]["hreflang"] == "en-UK" and "GB" in by_code["invalid_code"]["detail"]
    with sqlite3.connect(tmp / "h.db") as db:
        assert db.execute("SELECT count(*) FROM hreflang_issues").fetchone()[0] == len(issues)
        assert db.execute("SELECT command, status FROM runs").fetchall() == [("hreflang", "finished")]


def test_summary_per_code(broken):
    _expected, _issues, run, _tmp = broken
    assert "error missing_return_link 1" in run.stderr


def test_max_pages_bounds_the_crawl(web, tmp_path):
    broken_site(web)
    audit(web, f"{B}/", tmp_path, "--max-pages", "3")
    crawled = [path for path in web.log if path.startswith("www.brand.com/c")]
    # 3 site pages at most, plus the hreflang targets they name.
    assert len(set(crawled)) <= 3 * 4


def test_invalid_start_url_exits_2(tmp_path):
    run = run_cli(["hreflang", "not-a-url", "--db", str(tmp_path / "h.db")])
    assert run.returncode == 2 and "START_URL" in run.stderr


def test_a_sitemap_past_googles_50_mb_is_read_up_to_there(web, tmp_path):
    """A gzip'd sitemap of a few hundred kB that unpacks past the 50 MB Google reads (a bomb, or a generator
    gone wrong): its first entries count, the rest is not read (it held the crawl's one thread), and stderr says so."""
    from crawler.spiders.hreflang_site import SITEMAP_MAX_BYTES
    from tests.hreflang_sites import GUIDE, sitemap

    clean_site(web)
    entries = sitemap([(GUIDE["en"], list(GUIDE.items())), (GUIDE["es"], list(GUIDE.items()))])
    filler = f"<url><loc>{GUIDE['en']}</loc></url>"
    body = entries.replace("</urlset>", filler * (SITEMAP_MAX_BYTES // len(filler) + 1000) + "</urlset>")
    web.add(f"{S}/sitemap-guides.xml.gz", gzip.compress(body.encode(), compresslevel=9), headers={"Content-Type": "application/gzip"})
    run, issues = audit(web, f"{S}/en/", tmp_path)
    assert issues == []  # the guides' cluster, at the sitemap's start, was read
    assert "sitemap-guides.xml.gz is larger than Google reads (50 MB uncompressed)" in run.stderr, run.stderr[-2000:]


def test_an_alternate_with_no_web_address_is_reported_not_passed_over(web, tmp_path):
    """``https://[object Object]/`` (a script's bug), ``javascript:`` or a sitemap's relative href: Google ignores
    the entry, so that language has no alternate. Such entries were dropped without a word; a malformed address
    was "not fetched (crawl limit or an invalid URL)", which did not say which."""
    from tests.hreflang_sites import GUIDE, HOME, NAV, hpage, sitemap

    clean_site(web)
    broken = f"{S}/en/"
    odd = [("it", "https://[object Object]/"), ("nl", "javascript:void(0)"), ("pl", "http://www.shop.com:99999/pl/")]
    web.add(broken, hpage(broken, "en", list(HOME.items()) + odd, NAV))
    relative = list(GUIDE.items()) + [("pt", "/pt/guia")]
    web.add(f"{S}/sitemap-guides.xml.gz", gzip.compress(sitemap([(GUIDE["en"], relative), (GUIDE["es"], relative)]).encode()),
            headers={"Content-Type": "application/gzip"})
    _run, issues = audit(web, f"{S}/en/", tmp_path)
    found = {(i["code"], i["url"], i["hreflang"]): i["detail"] for i in issues}
    assert set(found) == {("target_not_200", broken, "it"), ("target_not_200", broken, "nl"), ("target_not_200", broken, "pl"),
                          ("relative_url", GUIDE["en"], "pt"), ("relative_url", GUIDE["es"], "pt")}, found
    assert "'https://[object Object]/' is no web address" in found[("target_not_200", broken, "it")]
    assert "no URL a crawler can fetch: malformed URL (Port out of range" in found[("target_not_200", broken, "pl")]
    assert "'/pt/guia' in the sitemap is not a fully-qualified URL" in found[("relative_url", GUIDE["en"], "pt")]


def test_a_sitemap_that_is_no_url_exits_2(tmp_path):
    run = run_cli(["hreflang", "http://www.shop.com/", "--sitemap", "sitemap.xml", "--db", str(tmp_path / "h.db")])
    assert (run.returncode, run.stderr.strip()) == (2, "linkverifier: --sitemap sitemap.xml: not an http(s) URL (scheme none)")


def test_a_traditional_chinese_page_is_not_read_as_korean(web, tmp_path):
    """langdetect reads Traditional Chinese as Korean (its Korean profile is full of Han characters): a zh-TW
    page was a content_language_mismatch, "declared zh-TW, but the main text is written in ko"."""
    from tests.hreflang_sites import hpage

    cluster = [("en", f"{S}/en/boots"), ("zh-TW", f"{S}/zh-tw/boots")]
    for code, url in cluster:
        web.add(url, hpage(url, code, cluster, [u for _, u in cluster]))
    _run, issues = audit(web, cluster[0][1], tmp_path)
    assert [i for i in issues if i["code"] != "missing_x_default"] == []


def test_a_chinese_page_in_the_other_script_is_a_content_language_mismatch(web, tmp_path):
    """zh-TW and zh-HK readers read Traditional characters, zh-CN and zh-SG readers Simplified ones: a zh-TW page
    serving the Simplified text is in the wrong language for its readers, though a detector says "zh" for both."""
    from tests.hreflang_sites import hpage

    cluster = [("en", f"{S}/en/boots"), ("zh-TW", f"{S}/zh-tw/boots"), ("zh-CN", f"{S}/zh-cn/boots"), ("zh-Hant-HK", f"{S}/zh-hk/boots")]
    texts = {"en": None, "zh-TW": "zh-Hans", "zh-CN": "zh-Hans", "zh-Hant-HK": "zh"}  # zh-TW got the Simplified text
    for code, url in cluster:
        web.add(url, hpage(url, code, cluster, [u for _, u in cluster], text_lang=texts[code]))
    _run, issues = audit(web, cluster[0][1], tmp_path)
    found = [(i["code"], i["url"], i["detail"]) for i in issues if i["code"] != "missing_x_default"]
    assert [(code, url) for code, url, _detail in found] == [("content_language_mismatch", f"{S}/zh-tw/boots")], found
    assert "declared zh-TW, Traditional Chinese, but the main text is written in Simplified characters" in found[0][2]
