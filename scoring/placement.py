"""Editorial or boilerplate: where a link sits and how likely an author put it there.

``judge_placement`` combines the two signals measured to work on real pages:
membership in trafilatura's main content (macro-F1 ~0.88 alone) and the
template region its ancestors name (~0.76 alone). A region that names
boilerplate (nav, footer, sidebar, comments, author box) overrides main-content
membership, because extractors often keep "related posts" and author boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Placement", "judge_placement", "BOILERPLATE_REGIONS", "EDITORIAL_THRESHOLD", "third_party_cap"]

BOILERPLATE_REGIONS = frozenset({"navigation", "header", "footer", "sidebar", "comments", "author", "teaser_list",
                                 "share_follow", "post_meta", "embedded_post"})
# editorial_score at or above this means "editorial".
EDITORIAL_THRESHOLD = 0.5
# A link inside an embedded tweet or Instagram post was placed by that post's author, not
# by the page's: the trees, which see it inside a main-text paragraph, are overruled.
_THIRD_PARTY_REGIONS = frozenset({"embedded_post"})
_THIRD_PARTY_SCORE = 0.05


def third_party_cap(editorial_score: float, region: str) -> float:
    """``editorial_score`` of a link in ``region``: at most 0.05 inside an embedded post."""
    return min(editorial_score, _THIRD_PARTY_SCORE) if region in _THIRD_PARTY_REGIONS else editorial_score


@dataclass(frozen=True)
class Placement:
    placement: str  # "editorial" | "boilerplate"
    editorial_score: float


def judge_placement(region: str, in_main_content: bool, main_content_found: bool) -> Placement:
    if region in BOILERPLATE_REGIONS:
        score = 0.25 if in_main_content else 0.05
    elif in_main_content:
        score = 0.95 if region == "content" else 0.85
    elif not main_content_found:
        # No main content to compare with (very short page): the region decides.
        score = 0.6 if region == "content" else 0.5
    else:
        score = 0.3 if region == "content" else 0.15
    placement = "editorial" if score >= EDITORIAL_THRESHOLD else "boilerplate"
    return Placement(placement, score)
