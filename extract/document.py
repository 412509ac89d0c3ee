"""Parse one fetched page into an lxml tree, robust to broken HTML."""

from __future__ import annotations

import re

from lxml import etree, html

from extract import selectors

__all__ = ["parse_html", "base_url", "title", "collapse", "visible_text", "declared_language", "word_count", "BLOCK_TAGS"]

_PARSER = html.HTMLParser(remove_comments=True, remove_pis=True, recover=True, default_doctype=False)


def parse_html(text: str) -> html.HtmlElement | None:
    """An lxml tree, or None when the document has no elements at all."""
    # lxml refuses str input with an XML encoding declaration.
    if text.lstrip()[:5].lower() == "<?xml":
        text = text.split("?>", 1)[-1]
    text = text.replace("\x00", "")
    if not text.strip():
        return None
    try:
        tree = html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    return tree


def base_url(tree: html.HtmlElement | None, document_url: str) -> str:
    """The URL relative hrefs resolve against: ``<base href>`` or the page URL."""
    from extract.urls import resolve_href  # local: urls imports nothing from here

    if tree is not None:
        for href in selectors.BASE_HREF(tree):
            resolved = resolve_href(str(href), document_url)
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


def title(tree: html.HtmlElement | None) -> str | None:
    if tree is None:
        return None
    found = selectors.TITLE(tree)
    if not found:
        return None
    return collapse(found[0].text_content()) or None


def declared_language(tree: html.HtmlElement | None, content_language: str | None) -> str | None:
    """The language the page declares: ``<html lang>``, then ``<meta http-equiv=content-language>``, then the header."""
    if tree is not None:
        for value in selectors.HTML_LANG(tree):
            if str(value).strip():
                return str(value)
        for value in selectors.META_CONTENT_LANGUAGE(tree):
            if str(value).strip():
                return str(value)
    return content_language


_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def word_count(text: str) -> int:
    """Words of a text; CJK scripts have no spaces, so each of their characters counts as a word."""
    return len(_WORD.findall(_CJK.sub(" ", text))) + len(_CJK.findall(text))
