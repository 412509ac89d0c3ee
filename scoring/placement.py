"""Editorial or boilerplate: where a link sits and how likely an author put it there.

``judge_placement`` combines the two signals measured to work on real pages:
membership in trafilatura's main content (macro-F1 ~0.88 alone) and the
template region its ancestors name (~0.76 alone). A region that names
boilerplate (nav, footer, sidebar, comments, author box) overrides main-content
membership, because extractors often keep "related posts" and author boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Placement", "judge_placement", "BOILERPLATE_REGIONS", "EDITORIAL_THRESHOLD", "capped_placement"]

BOILERPLATE_REGIONS = frozenset({"navigation", "header", "footer", "sidebar", "comments", "author", "teaser_list",
                                 "share_follow", "post_meta", "embedded_post"})
# editorial_score at or above this means "editorial".
EDITORIAL_THRESHOLD = 0.5
# A link inside an embedded tweet or Instagram post was placed by that post's author, not
# by the page's: the trees, which see it inside a main-text paragraph, are overruled.
_THIRD_PARTY_REGIONS = frozenset({"embedded_post"})
_THIRD_PARTY_SCORE = 0.05


# A link on a "follow us / subscribe" line the template names no region for (written into the article by
# hand): the site's promotion, shown as ``share_follow``. 233 of the 236 such links on the training sites are
# labelled boilerplate; the trees, which see an article paragraph, called 10 of them editorial.
# A link that counts or opens the comments ("12 Comments", "View comments") is the post's meta wherever it sits:
# shown as ``post_meta``.
_CUE_SCORE = 0.1


def capped_placement(editorial_score: float, region: str, follow_line: bool = False,
                     comment_link: bool = False) -> tuple[float, str]:
    """``(editorial_score, region)`` after the checked rules: at most 0.05 inside an embedded post; at most 0.1
    and ``share_follow`` on a follow-us line (``extract.regions.follow_line``), and ``post_meta`` for a link to
    the comments (``extract.regions.comment_link``), in no boilerplate region."""
    if region in _THIRD_PARTY_REGIONS:
        return min(editorial_score, _THIRD_PARTY_SCORE), region
    if region not in BOILERPLATE_REGIONS:
        if follow_line:
            return min(editorial_score, _CUE_SCORE), "share_follow"
        if comment_link:
            return min(editorial_score, _CUE_SCORE), "post_meta"
    return editorial_score, region


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
