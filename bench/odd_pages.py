"""CPU of one page's analysis on pages built to find what grows faster than the page.

Each case is a page an analysis worker may meet (nested thousands deep, a text run without
a space, thousands of links to the target in one list, thousands of paragraphs); the
analysis runs in this process as a worker runs it (``verify_page`` after the workers'
warm-up) at two sizes, so a cost that grows with the square of the page shows at once.
Prints seconds a page and the answer's status. Then the same for a site: the hreflang audit of
clusters of many locales, at two cluster sizes over the same number of pages.

    python bench/odd_pages.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET = "http://www.acme.example/whitepaper"
LINK = f'<a href="{TARGET}">whitepaper</a>'
TEXT = "Zero-day exploits and patches explained for security teams in detail. " * 5

CASES = {
    "unclosed <div>s, each with a paragraph": lambda n: f"<div><p>{TEXT}</p>" * n + f"<p>{TEXT} {LINK}</p>",
    "a run without a space (characters)": lambda n: f"<p>{TEXT}</p><p>" + "QUJD" * (n // 4) + f"</p><p>{LINK}</p>",
    "links to the target in one paragraph": lambda n: "<p>" + "".join(f'<a href="{TARGET}">w{i}</a> ' for i in range(n)) + "</p>",
    "other links in one paragraph": lambda n: "<p>" + "".join(f'<a href="/p{i}">l{i}</a> ' for i in range(n)) + LINK + "</p>",
    "paragraphs, a link in every 50th": lambda n: "".join(f"<p>Paragraph {i} on exploits {LINK if i % 50 == 0 else ''}.</p>"
                                                         for i in range(n)),
    "one page, a row per page it links to": lambda n: "<ul>" + "".join(f'<li><a href="{TARGET}/{i}">page {i}</a></li>'
                                                                       for i in range(n)) + "</ul>",
}
SIZES = {
    "unclosed <div>s, each with a paragraph": (250, 1000),
    "a run without a space (characters)": (100_000, 1_000_000),
    "links to the target in one paragraph": (1000, 4000),
    "other links in one paragraph": (5000, 20000),
    "paragraphs, a link in every 50th": (5000, 20000),
    "one page, a row per page it links to": (1200, 5000),
}
# Cases whose rows name many targets, one per page of the site the source links to.
MANY_TARGETS = {"one page, a row per page it links to"}


def main() -> None:
    from crawler.analysis.fetched import FetchedPage
    from crawler.analysis.judge import verify_page
    from crawler.analysis.page import analyze_target
    from crawler.analysis.pool import _warm_up
    from crawler.lists.backlinks import make_row
    from extract.urls import Target

    _warm_up()
    target = Target.parse(TARGET)
    profile = analyze_target(FetchedPage(TARGET, TARGET, 200, {"content-type": ["text/html"]},
                                         f"<html lang=en><body><article><p>{TEXT}</p></article></body></html>".encode()))
    url = "http://source.example/page"
    for name, build in CASES.items():
        figures = []
        for size in SIZES[name]:
            body = f"<html lang=en><body><article>{build(size)}</article></body></html>".encode()
            page = FetchedPage(url, url, 200, {"content-type": ["text/html"]}, body)
            targets = [Target.parse(f"{TARGET}/{i}") for i in range(size)] if name in MANY_TARGETS else [target]
            rows = [make_row(i, url, t.url, t, {}) for i, t in enumerate(targets)]
            started = time.process_time()
            results = verify_page(page, rows, {t.key: profile for t in targets})
            statuses = "/".join(sorted({result["status"] for result in results}))
            figures.append(f"{size:>9,}: {time.process_time() - started:6.2f} s {statuses}")
        print(f"{name:40s} " + "   ".join(figures))
    hreflang_clusters()


def hreflang_clusters(pages: int = 2000, locales: tuple[int, ...] = (50, 200)) -> None:
    """The audit's CPU for ``pages`` pages in clusters of each size, every page annotating its whole
    cluster (each linking back): the annotations grow with pages x locales, so should the cost."""
    from extract.hreflang import Alternate, HreflangRecord
    from scoring.hreflang_audit import audit

    codes = [f"{language}-{country}" for language in ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "da")
             for country in ("us", "gb", "de", "at", "ch", "fr", "be", "es", "mx", "ar", "it", "br", "pt", "nl", "pl",
                             "se", "dk", "no", "fi", "ie")]
    figures = []
    for size in locales:
        records = {}
        for cluster in range(pages // size):
            urls = [f"http://shop.example/{code}/p{cluster}" for code in codes[:size]]
            alternates = tuple(Alternate(code, url, url, "html") for code, url in zip(codes, urls, strict=False))
            alternates += (Alternate("x-default", urls[0], urls[0], "html"),)
            for code, url in zip(codes, urls, strict=False):
                records[url] = HreflangRecord(url, url, 200, html=True, language=code[:2], language_probability=0.99,
                                              html_lang=code, letters=2000, alternates=alternates)
        started = time.process_time()
        issues = audit(records, {}, set(records), set(records))
        figures.append(f"{size:>4} locales: {time.process_time() - started:6.2f} s, {len(issues)} issues")
    print(f"{'hreflang audit, ' + format(pages, ',') + ' pages':40s} " + "   ".join(figures))


if __name__ == "__main__":
    main()
