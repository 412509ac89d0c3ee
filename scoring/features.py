"""Features of one link for the placement classifier (the same code trains and predicts).

Two kinds, both chosen to carry across languages (the training pages are
mostly English; the pages we judge often are not):
- ``tokens``: the tag path and class/id tokens of the link's ancestors
  (``div.post-content > p``), split on ``-`` and ``_``, nearest ancestors
  prefixed so "inside a footer" and "footer far up the tree" differ;
- ``numbers``: structure — main-content membership, the region rule, link
  density and text length of the block, position in the page, sibling links,
  list/table/heading context, anchor length, internal/external, rel.
No anchor or context *words*: they would teach the model English.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lxml import html

from extract.document import BLOCK_TAGS, collapse
from extract.regions import REGIONS, ancestor_tokens, element_region
from scoring.placement import judge_placement

__all__ = ["PageLinks", "link_features", "NUMERIC_FEATURES"]

_SPLIT = re.compile(r"[-_]+")
_NEAR = 3  # ancestors this close get their own "near:" tokens
_MAX_ANCESTORS = 12
NUMERIC_FEATURES = [
    "in_main", "main_found", "position", "log_page_links", "block_log_chars", "block_link_density",
    "block_log_links", "parent_links", "depth", "in_li", "in_table", "in_heading", "in_p",
    "anchor_words", "anchor_image", "internal", "rel_qualified", "anchor_in_block_share", "rule_score",
] + [f"region_{r}" for r in REGIONS]


class PageLinks:
    """Page-wide facts the features need, computed once per page."""

    def __init__(self, tree: html.HtmlElement):
        self.links = list(tree.iter("a", "area"))
        self.position = {id(el): i for i, el in enumerate(self.links)}
        # id() -> (element, stats): the element is kept so its id cannot be reused.
        self._block_cache: dict[int, tuple[html.HtmlElement, tuple[int, int, int]]] = {}

    def block_stats(self, block: html.HtmlElement) -> tuple[int, int, int]:
        """(text chars, link-text chars, links) of a block, cached."""
        cached = self._block_cache.get(id(block))
        if cached is None or cached[0] is not block:
            text = collapse(block.text_content())
            anchors = block.findall(".//a")
            link_chars = sum(len(collapse(a.text_content())) for a in anchors)
            cached = (block, (len(text), link_chars, len(anchors)))
            self._block_cache[id(block)] = cached
        return cached[1]


@dataclass
class LinkFeatures:
    tokens: str
    numbers: list[float]


def _block_of(element: html.HtmlElement) -> html.HtmlElement:
    node = element.getparent()
    while node is not None and node.tag not in BLOCK_TAGS:
        node = node.getparent()
    return node if node is not None else element


def _path_tokens(element: html.HtmlElement) -> list[str]:
    tokens = []
    node = element.getparent()
    depth = 0
    while node is not None and node.tag not in ("body", "html") and depth < _MAX_ANCESTORS:
        tag = node.tag if isinstance(node.tag, str) else "x"
        names = [tag]
        if node.get("role"):
            names.append("role_" + node.get("role", "").lower())
        for token in ancestor_tokens(node):
            names.append("c_" + token)
            names.extend("p_" + part for part in _SPLIT.split(token) if part and part != token)
        tokens.extend(names)
        if depth < _NEAR:
            tokens.extend("near_" + name for name in names)
        node = node.getparent()
        depth += 1
    return tokens


def link_features(element: html.HtmlElement, page: PageLinks, *, in_main: bool, main_found: bool,
                  internal: bool, anchor_text: str, anchor_image: bool, rel: list[str]) -> LinkFeatures:
    ancestors = list(element.iterancestors())
    tags = {a.tag for a in ancestors}
    block = _block_of(element)
    chars, link_chars, block_links = page.block_stats(block)
    region = element_region(element)
    anchor_chars = len(anchor_text)
    parent = element.getparent()
    parent_links = len(parent.findall("a")) if parent is not None else 0
    numbers = [
        float(in_main),
        float(main_found),
        page.position.get(id(element), 0) / max(1, len(page.links)),
        math.log1p(len(page.links)),
        math.log1p(chars),
        link_chars / chars if chars else 1.0,
        math.log1p(block_links),
        math.log1p(parent_links),
        min(len(ancestors), 40) / 40,
        float("li" in tags),
        float("td" in tags or "th" in tags),
        float(bool(tags & {"h1", "h2", "h3", "h4", "h5", "h6"})),
        float("p" in tags),
        math.log1p(len(anchor_text.split())),
        float(anchor_image),
        float(internal),
        float(bool({"nofollow", "sponsored", "ugc"} & set(rel))),
        anchor_chars / chars if chars else 1.0,
        # The hand rule (region overrides main-content membership) as one more signal.
        judge_placement(region, in_main, main_found).editorial_score,
    ] + [float(region == r) for r in REGIONS]
    return LinkFeatures(" ".join(_path_tokens(element)), numbers)
