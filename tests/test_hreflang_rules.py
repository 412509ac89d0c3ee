"""hreflang codes and sitemap parsing, without a crawl."""

import gzip
import io

import pytest

from extract.hreflang import HreflangCode, InvalidCode, iter_sitemap, parse_code


@pytest.mark.parametrize("code, parsed", [
    ("en", HreflangCode("en")), ("EN-gb", HreflangCode("en", None, "gb")), ("zh-Hant-TW", HreflangCode("zh", "hant", "tw")),
    ("sr-Latn", HreflangCode("sr", "latn")), ("x-default", HreflangCode(None)), ("X-Default", HreflangCode(None)),
    ("de-AT", HreflangCode("de", None, "at")),
])
def test_valid_codes(code, parsed):
    assert parse_code(code) == parsed


@pytest.mark.parametrize("code, reason", [
    ("en-UK", "GB"), ("jp", "region alone"), ("en_US", "underscore"), ("us", "region alone"),
    ("es-419", "numeric regions"), ("xx", "not an ISO 639-1"), ("de-XX", "not an ISO 3166-1"),
    ("zh-Hanx", "not an ISO 15924"), ("en-US-x", "more parts"), ("", "empty"), ("eng", "not an ISO 639-1"),
])
def test_invalid_codes(code, reason):
    with pytest.raises(InvalidCode, match=reason):
        parse_code(code)


def _sitemap(urls: int, alternates: int) -> bytes:
    head = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
    body = b"".join(
        b"<url><loc>http://a.com/%d</loc>" % i
        + b"".join(b'<xhtml:link rel="alternate" hreflang="l%d" href="http://a.com/%d/%d"/>' % (j, i, j) for j in range(alternates))
        + b"</url>"
        for i in range(urls)
    )
    return head + body + b"</urlset>"


def test_large_gzip_sitemap_streams_every_entry():
    data = gzip.compress(_sitemap(50_000, 6))
    count = alternates = 0
    for kind, loc, alts in iter_sitemap(gzip.GzipFile(fileobj=io.BytesIO(data))):
        assert kind == "url" and loc.startswith("http://a.com/")
        count += 1
        alternates += len(alts)
    assert (count, alternates) == (50_000, 300_000)


def test_sitemap_index_and_broken_xml():
    index = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://a.com/s1.xml</loc></sitemap>'
    assert list(iter_sitemap(io.BytesIO(index))) == [("sitemap", "http://a.com/s1.xml")]
