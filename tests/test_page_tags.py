"""``PageTags`` finds the head elements in one walk; each of its queries must answer as the
XPath it replaced, element for element, on real pages and on odd markup."""

import gzip
from pathlib import Path

import pytest
from lxml import etree

from extract.document import parse_html
from extract.encoding import decode_html
from extract.selectors import PageTags

PAGES = sorted((Path(__file__).parent / "data" / "placement").rglob("*.html.gz"))

# The XPath each query replaced (extract/selectors.py before PageTags).
XPATH = {
    "base_hrefs": "//base[@href][1]/@href",
    "first_title": "//title[1]",
    "robots_metas": "//meta[@name and @content][translate(@name, 'ROBTSGLEBO', 'robtsglebo')='robots'"
                    " or translate(@name, 'ROBTSGLEBO', 'robtsglebo')='googlebot']",
    "canonical_links": "//link[@href][contains(concat(' ', translate(@rel, 'CANONIL', 'canonil'), ' '), ' canonical ')]",
    "hreflang_links": "//link[@href and @hreflang][contains(concat(' ', translate(@rel, 'ALTERN', 'altern'), ' '), ' alternate ')]",
    "content_language": "//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')='content-language']/@content",
    "generator": "//meta[translate(@name,'GENRATO','genrato')='generator']/@content",
}

ODD = """<html><head>
<base target=_blank><base href="/first/"><base href="/second/">
<TITLE>One</TITLE><title>Two</title>
<META NAME="Robots" CONTENT="noindex"><meta name="GoogleBot" content=""><meta name="robots">
<meta name="ROBOTS " content="x"><meta name="bingbot" content="noindex">
<meta http-equiv="Content-Language" content="de-AT"><meta http-equiv="CONTENT-LANGUAGE">
<meta name="Generator" content="WordPress 6.4"><meta name="generator" content="  Hugo  ">
<link rel="Canonical" href="/c1"><link rel="canonical"><link rel="shortlink canonical x" href="/c2">
<link rel="canonical\tx" href="/tab"><link rel="noncanonical" href="/no">
<link rel="ALTERNATE" hreflang="de" href="/de"><link rel="alternate" href="/nolang">
<link rel="alternate stylesheet" hreflang="fr" href="/fr"><link rel="alternate" hreflang="x-default">
</head><body>
<div><base href="/in-div/"><base href="/in-div-2/"></div>
<svg><title>In an SVG</title></svg>
<meta name="robots" content="nofollow"><link rel="canonical" href="/in-body">
</body></html>"""


def _trees():
    yield "odd", parse_html(ODD)
    yield "empty head", parse_html("<p>no head at all</p>")
    for path in PAGES:
        yield path.name, parse_html(decode_html(gzip.decompress(path.read_bytes()), "text/html")[0])


def _by_xpath(tree, name):
    found = etree.XPath(XPATH[name])(tree)
    if name == "first_title":
        return found[0] if found else None
    return [str(value) for value in found] if name in ("base_hrefs", "content_language", "generator") else found


def _by_tags(tags, name):
    if name == "content_language":
        return tags.meta_contents("http-equiv", "content-language")
    if name == "generator":
        return tags.meta_contents("name", "generator")
    return getattr(tags, name)()


@pytest.mark.parametrize("name", XPATH)
def test_each_query_answers_as_its_xpath(name):
    assert len(PAGES) > 40
    for page, tree in _trees():
        assert _by_tags(PageTags(tree), name) == _by_xpath(tree, name), (page, name)


def test_the_odd_page_exercises_every_query():
    tags = PageTags(parse_html(ODD))
    assert tags.base_hrefs() == ["/first/", "/in-div/"]
    assert tags.first_title().text == "One"
    assert [m.get("content") for m in tags.robots_metas()] == ["noindex", "", "nofollow"]
    assert tags.meta_contents("http-equiv", "content-language") == ["de-AT"]
    assert tags.meta_contents("name", "generator") == ["WordPress 6.4", "  Hugo  "]
    assert [link.get("href") for link in tags.canonical_links()] == ["/c1", "/c2", "/in-body"]
    assert [link.get("href") for link in tags.hreflang_links()] == ["/de", "/fr"]


def test_a_subtree_is_searched_from_the_document_root():
    tree = parse_html(ODD)
    body = tree.find("body")
    assert PageTags(body).first_title().text == "One"
