"""Parse one fetched page into an lxml tree, robust to broken HTML."""

from __future__ import annotations

import re

from lxml import etree, html

from extract import selectors
from extract.selectors import PageTags

__all__ = ["parse_html", "base_url", "title", "collapse", "visible_text", "declared_language", "word_count", "BLOCK_TAGS"]

_NON_SPACE = re.compile(r"\S")  # what str.strip() keeps
_PARSER = html.HTMLParser(remove_comments=True, remove_pis=True, recover=True, default_doctype=False)
# lxml.html picks each element's Python class in a Python callback (forms and
# inputs get their own classes), called for every element a caller touches:
# ~5,700 calls a page through trafilatura. Nothing here uses the form classes,
# so every element is a plain HtmlElement, chosen in C.
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction, entity=html.HtmlEntity,
))


def parse_html(text: str) -> html.HtmlElement | None:
    """An lxml tree, or None when the document has no elements at all."""
    # (Searched, not stripped: a page is hundreds of KB, and strip() copies it.)
    first = _NON_SPACE.search(text)
    if first is None:
        return None
    # lxml refuses str input with an XML encoding declaration.
    if text[first.start() : first.start() + 5].lower() == "<?xml":
        text = text.split("?>", 1)[-1]
    text = text.replace("\x00", "")
    if _NON_SPACE.search(text) is None:
        return None
    try:
        tree = html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    return tree


def base_url(tree: html.HtmlElement | None, document_url: str, tags: PageTags | None = None) -> str:
    """The URL relative hrefs resolve against: ``<base href>`` or the page URL.

    ``tags``, here and below: the page's ``PageTags`` when the caller has them already."""
    from extract.urls import resolve_href  # local: urls imports nothing from here

    if tree is not None:
        for href in (tags or PageTags(tree)).base_hrefs():
            resolved = resolve_href(href, document_url)
            if resolved:
                return resolved
    return document_url


def collapse(text: str) -> str:
    return " ".join(text.split())


# Elements whose boundaries separate words, as a browser lays them out.
BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})


def visible_text(element: html.HtmlElement) -> str:
    """Text of ``element`` with spaces where block boundaries are, scripts left out."""
    parts: list[str] = []

    def walk(node: html.HtmlElement) -> None:
        block = node.tag in BLOCK_TAGS
        if block:
            parts.append(" ")
        if node.text and node.tag not in _SKIP_TAGS:
            parts.append(node.text)
        if node.tag not in _SKIP_TAGS:
            for child in node:
                if isinstance(child.tag, str):
                    walk(child)
                if child.tail:
                    parts.append(child.tail)
        if block:
            parts.append(" ")

    walk(element)
    return collapse("".join(parts))


def title(tree: html.HtmlElement | None, tags: PageTags | None = None) -> str | None:
    if tree is None:
        return None
    found = (tags or PageTags(tree)).first_title()
    if found is None:
        return None
    return collapse(found.text_content()) or None


def declared_language(tree: html.HtmlElement | None, content_language: str | None,
                      tags: PageTags | None = None) -> str | None:
    """The language the page declares: ``<html lang>``, then ``<meta http-equiv=content-language>``, then the header."""
    if tree is not None:
        for value in selectors.HTML_LANG(tree):
            if str(value).strip():
                return str(value)
        for value in (tags or PageTags(tree)).meta_contents("http-equiv", "content-language"):
            if value.strip():
                return value
    return content_language


_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def word_count(text: str) -> int:
    """Words of a text; CJK scripts have no spaces, so each of their characters counts as a word."""
    return len(_WORD.findall(_CJK.sub(" ", text))) + len(_CJK.findall(text))
