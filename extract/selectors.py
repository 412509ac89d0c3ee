"""Compiled XPath expressions shared by the extractors (one place to read them)."""

from lxml import etree

__all__ = [
    "LINKS",
    "BASE_HREF",
    "TITLE",
    "META_ROBOTS",
    "CANONICAL",
    "HREFLANG_LINKS",
    "HTML_LANG",
    "META_CONTENT_LANGUAGE",
    "SCRIPTS",
    "META_REFRESH",
]

LINKS = etree.XPath("//a[@href] | //area[@href]")
BASE_HREF = etree.XPath("//base[@href][1]/@href")
TITLE = etree.XPath("//title[1]")
META_ROBOTS = etree.XPath(
    "//meta[@name and @content][translate(@name, 'ROBTSGLEBO', 'robtsglebo')='robots'"
    " or translate(@name, 'ROBTSGLEBO', 'robtsglebo')='googlebot']"
)
CANONICAL = etree.XPath(
    "//link[@href][contains(concat(' ', translate(@rel, 'CANONIL', 'canonil'), ' '), ' canonical ')]"
)
HREFLANG_LINKS = etree.XPath(
    "//link[@href and @hreflang]"
    "[contains(concat(' ', translate(@rel, 'ALTERN', 'altern'), ' '), ' alternate ')]"
)
HTML_LANG = etree.XPath("/html/@lang | /html/@xml:lang", namespaces={"xml": "http://www.w3.org/XML/1998/namespace"})
META_CONTENT_LANGUAGE = etree.XPath(
    "//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')='content-language']/@content"
)
SCRIPTS = etree.XPath("//script")
META_REFRESH = etree.XPath(
    "//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']/@content"
)
