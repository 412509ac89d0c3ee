"""What the hreflang audit needs from one fetched page (runs in the analysis pool)."""

from __future__ import annotations

from crawler.analysis.answer import page_canonical, page_problem
from crawler.analysis.fetched import FetchedPage
from extract import selectors
from extract.chinese_script import chinese_script
from extract.content import main_content
from extract.document import base_url, parse_html
from extract.encoding import decode_html
from extract.hreflang import HreflangRecord, header_alternates, header_canonical, html_alternates
from extract.language import language_evidence
from extract.links import page_link_urls
from extract.robots import robots_directives
from extract.selectors import PageTags

__all__ = ["analyze_hreflang_page"]


def analyze_hreflang_page(page: FetchedPage) -> HreflangRecord:
    """Status, indexability, canonical, declared and detected language, hreflang and links."""
    # Link headers count on any answer, PDFs included.
    alternates = header_alternates(page.header_list("link"), page.final_url)
    x_robots = page.header_list("x-robots-tag")
    found = {
        "canonical": header_canonical(page.header_list("link"), page.final_url),
        "noindex": robots_directives(None, x_robots).noindex,
    }
    if page.status == 200 and not page_problem(page):
        text, _ = decode_html(page.body, page.header("content-type"))
        tree = parse_html(text)
        tags = PageTags(tree) if tree is not None else None  # one walk for the head queries
        base = base_url(tree, page.final_url, tags)
        alternates = html_alternates(tree, base, tags) + alternates
        langs = selectors.HTML_LANG(tree) if tree is not None else []
        main_text = main_content(tree, page.final_url).text
        language, probability, letters = language_evidence(main_text)
        found.update(
            html=tree is not None, noindex=robots_directives(tree, x_robots, tags).noindex,
            canonical=page_canonical(tree, page, base, tags), html_lang=str(langs[0]).strip() if langs else None,
            language=language, language_probability=probability, letters=letters,
            script=chinese_script(main_text) if language == "zh" else None,
            links=tuple(page_link_urls(tree, base)),
        )
    vary = sorted({field.strip().lower() for value in page.header_list("vary") for field in value.split(",") if field.strip()})
    return HreflangRecord(page.url, page.final_url, page.status, redirected=bool(page.redirects),
                          googlebot_allowed=page.googlebot_allowed, alternates=tuple(alternates), vary=tuple(vary),
                          **found)
