"""Parse one fetched page into an lxml tree, robust to broken HTML."""

from __future__ import annotations

import re

from lxml import etree, html

from extract import selectors
from extract.selectors import PageTags

__all__ = ["parse_html", "read_html", "base_url", "title", "collapse", "visible_text", "declared_language", "word_count", "BLOCK_TAGS",
           "nearest_block", "MAX_DEPTH"]

_NON_SPACE = re.compile(r"\S")  # what str.strip() keeps
_PARSER = html.HTMLParser(remove_comments=True, remove_pis=True, recover=True, default_doctype=False)
# lxml.html picks each element's Python class in a Python callback (forms and
# inputs get their own classes), called for every element a caller touches:
# ~5,700 calls a page through trafilatura. Nothing here uses the form classes,
# so every element is a plain HtmlElement, chosen in C.
# libxml2 stops reading a document nested deeper than 256 elements and drops the rest: a
# page whose template leaves a <div> open in each of 300 comments lost every link after
# them ("lost", an alert the day nothing changed). Such a page is read again with its
# limits lifted (2,048 levels). None of 1,800 real pages of the placement sets is nested
# deeper than 100, and a page nested 1,000 deep costs trafilatura about a second.
MAX_DEPTH = 2048  # libxml2's nesting limit with huge_tree
_DEEP_PARSER = html.HTMLParser(remove_comments=True, remove_pis=True, recover=True, default_doctype=False,
                               huge_tree=True)
for _parser in (_PARSER, _DEEP_PARSER):
    _parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction, entity=html.HtmlEntity,
    ))


def parse_html(text: str) -> html.HtmlElement | None:
    """An lxml tree, or None when the document has no elements at all."""
    return read_html(text)[0]


def read_html(text: str) -> tuple[html.HtmlElement | None, bool]:
    """``(parse_html's tree, whether it is cut short)``: a document nested deeper than even the
    lifted limit (2,048 levels) is read only down to it; what lies below is not in the tree."""
    # (Searched, not stripped: a page is hundreds of KB, and strip() copies it.)
    first = _NON_SPACE.search(text)
    if first is None:
        return None, False
    # lxml refuses str input with an XML encoding declaration.
    if text[first.start() : first.start() + 5].lower() == "<?xml":
        text = text.split("?>", 1)[-1]
    text = text.replace("\x00", "")
    if _NON_SPACE.search(text) is None:
        return None, False
    cut = False
    try:
        tree = html.document_fromstring(text, parser=_PARSER)
        if _cut_short(_PARSER):
            tree = html.document_fromstring(text, parser=_DEEP_PARSER)
            cut = _cut_short(_DEEP_PARSER)
    except (etree.ParserError, ValueError):
        return None, False
    return tree, cut


def _cut_short(parser: etree.HTMLParser) -> bool:
    """Whether the parser's last document went past one of its limits (libxml2 then drops the rest)."""
    return any(error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for error in parser.error_log)


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


def nearest_block(element: html.HtmlElement) -> html.HtmlElement | None:
    """The nearest ancestor of ``element`` that is a block (its line, as a reader sees it), or None."""
    node = element.getparent()
    while node is not None and node.tag not in BLOCK_TAGS:
        node = node.getparent()
    return node


def visible_text(element: html.HtmlElement, skip: frozenset[str] = _SKIP_TAGS, block_spaces: bool = True) -> str:
    """Text of ``element`` with spaces where block boundaries are, scripts left out (``skip``: the elements
    left out; ``block_spaces`` False: no spaces added, as ``text_content()`` reads a link's anchor)."""
    # Events, not recursion: a tree may be 2,048 levels deep (``parse_html``), past Python's
    # recursion limit.
    blocks = BLOCK_TAGS if block_spaces else frozenset()
    parts: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        tag = node.tag
        if event in ("comment", "pi"):  # not shown, but the text after it is
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if event == "start":
            if tag in blocks:
                parts.append(" ")
            if tag in skip:
                walker.skip_subtree()
            elif node.text:
                parts.append(node.text)
            continue
        if tag in blocks:
            parts.append(" ")
        if node is not element and node.tail:
            parts.append(node.tail)
    return collapse("".join(parts))


def title(tree: html.HtmlElement | None, tags: PageTags | None = None) -> str | None:
    if tree is None:
        return None
    found = (tags or PageTags(tree)).first_title()
    if found is None:
        return None
    return collapse(found.text_content()) or None


def headings(tree: html.HtmlElement | None, most: int = 3) -> list[str]:
    """The texts of the page's first ``most`` ``<h1>`` and ``<h2>`` elements, in document order."""
    found = []
    for element in tree.iter("h1", "h2") if tree is not None else ():
        text = collapse(element.text_content())
        if text:
            found.append(text[:300])
            if len(found) == most:
                break
    return found


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
