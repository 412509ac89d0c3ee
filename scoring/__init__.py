"""Judgments: placement, topical fit, localization, sitewide links.

The names below load on first use (PEP 562), so the crawling process can use
``scoring.sitewide`` without importing scikit-learn.
"""

from extract.lazy import lazy_attributes

_PUBLIC = {
    "Placement": "scoring.placement",
    "judge_placement": "scoring.placement",
    "localized_target": "scoring.localization",
    "SitewideTally": "scoring.sitewide",
    "topical_fit": "scoring.topical",
}
__all__ = sorted(_PUBLIC)

__getattr__ = lazy_attributes(__name__, _PUBLIC)
