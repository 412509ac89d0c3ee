"""What the crawling process hands to the analysis workers, by name.

The crawling process pickles a reference to one of these functions with each
page; only the worker imports the analysis behind it (trafilatura,
scikit-learn, langdetect and the models: ~150 MB the crawler never needs).
"""

from __future__ import annotations

__all__ = ["analyze_hreflang_page", "analyze_target", "discover_page", "verify_page"]


def verify_page(page, rows, profiles):
    from crawler.analysis.judge import verify_page as run

    return run(page, rows, profiles)


def discover_page(page, row, profiles):
    from crawler.analysis.judge import discover_page as run

    return run(page, row, profiles)


def analyze_target(page):
    from crawler.analysis.page import analyze_target as run

    return run(page)


def analyze_hreflang_page(page):
    from crawler.analysis.hreflang_page import analyze_hreflang_page as run

    return run(page)
