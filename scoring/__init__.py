"""Judgments: placement, topical fit, localization, sitewide links.

The names below load on first use (PEP 562), so the crawling process can use
``scoring.sitewide`` without importing scikit-learn.
"""

from importlib import import_module

_PUBLIC = {
    "Placement": "scoring.placement",
    "judge_placement": "scoring.placement",
    "localized_target": "scoring.localization",
    "sitewide_keys": "scoring.sitewide",
    "topical_fit": "scoring.topical",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'scoring' has no attribute {name!r}")
    return getattr(import_module(_PUBLIC[name]), name)
