"""Analysis of one fetched page: runs in worker processes, off the reactor.

Stages for a source page (``analyze_source``):
1. decide whether the answer is usable HTML (not_html, bot challenge);
2. decode as browsers do and parse once with lxml;
3. page-level signals: robots meta/X-Robots-Tag, canonical, title;
4. trafilatura main content -> language, word count, main-content links;
5. per target: every matching link with region, placement and context, and
   whether scripts name the target without a link (``js_link``).
A target page (``analyze_target``) yields its main text, language and
hreflang alternates. Everything returned is plain data (picklable, JSON-able).
"""

from __future__ import annotations

from crawler.analysis.answer import page_canonical, page_problem
from crawler.analysis.fetched import FetchedPage, PageAnalysis, TargetLinks, TargetProfile
from crawler.hosting.lookup import no_hosting
from extract.content import main_content
from extract.cues import line_cue
from extract.dead_ends import dead_end
from extract.document import MAX_DEPTH, base_url, declared_language, headings, read_html, title, word_count
from extract.encoding import decode_html
from extract.footprints import page_footprints
from extract.hreflang import header_alternates, html_alternates
from extract.language import detect_language
from extract.links import LinkIndex, find_links, outbound_summary, page_link_urls, resolve_links, script_mentions
from extract.robots import robots_directives
from extract.selectors import PageTags
from extract.urls import Target, country_from_host, host_of, normalized_key, registered_domain
from scoring.features import PageLinks, link_features
from scoring.placement import capped_placement, judge_placement
from scoring.placement_model import load_model
from scoring.topical import SURFACE_CHARS
from scoring.topics import MAX_CHARS

__all__ = ["analyze_source", "analyze_target", "page_canonical", "page_problem", "TOPIC_CHARS"]

# Topic comparison reads no more than this much main text per page.
TOPIC_CHARS = max(MAX_CHARS, SURFACE_CHARS)


def _parse(page: FetchedPage):
    """``(tree, its PageTags, base URL, decoded text, whether the tree is cut short)``; tree and tags
    are None when there is no HTML."""
    text, _encoding = decode_html(page.body, page.header("content-type"))
    tree, cut = read_html(text)
    tags = PageTags(tree) if tree is not None else None  # one walk for every head query below
    return tree, tags, base_url(tree, page.final_url, tags), text, cut


def _placement(found, content, page_links: PageLinks, page_domain: str) -> tuple[str, float, str]:
    """``(placement, editorial_score, region)`` from the trained model (the rule when no model ships).

    The region is the template's, except that a link the model calls boilerplate inside
    what names no boilerplate region (an article body, unnamed markup) but in a list of
    one-link items is shown as ``teaser_list``: the reason a user would give."""
    in_main = content.contains_link(found.href, found.anchor_text)
    model = load_model()
    if model is None:
        verdict = judge_placement(found.region, in_main, content.extracted)
        return verdict.placement, verdict.editorial_score, found.region
    features = link_features(
        found.element, page_links, in_main=in_main, main_found=content.extracted,
        internal=registered_domain(host_of(found.href)) == page_domain, anchor_text=found.anchor_text,
        anchor_image=found.anchor_type == "image", rel=found.rel,
    )
    score, region = capped_placement(model.probability(features.tokens, features.numbers), found.region,
                                     line_cue(found.element, found.anchor_text))
    placement = "editorial" if score >= model.threshold else "boilerplate"
    if placement == "boilerplate" and region in ("content", "other") and features.in_link_list:
        region = "teaser_list"
    return placement, score, region


def _link_record(found, content, page_links: PageLinks, page_domain: str) -> dict:
    placement, editorial_score, region = _placement(found, content, page_links, page_domain)
    follow = not ({"nofollow", "sponsored", "ugc"} & set(found.rel))
    return {
        "href": found.href,
        "match": found.match,
        "anchor_text": found.anchor_text,
        "anchor_type": found.anchor_type,
        "rel": found.rel,
        "follow": follow,
        "placement": placement,
        "region": region,
        "editorial_score": round(editorial_score, 3),
        "context": found.context,
        "hidden": found.hidden,
    }


_MATCH_RANK = {"exact": 0, "normalized": 1, "domain": 2}


def _best_first(link: dict) -> tuple:
    return (not link["follow"], link["hidden"], link["placement"] != "editorial", _MATCH_RANK[link["match"]], -link["editorial_score"])


def analyze_source(page: FetchedPage, targets: list[Target], collect_links: bool = False) -> PageAnalysis:
    problem = page_problem(page)
    if problem:
        return PageAnalysis.unreadable(problem)
    tree, tags, base, source, cut = _parse(page)
    resolved = resolve_links(tree, base)
    index = LinkIndex(resolved)  # one page, any number of targets
    if cut and not any(find_links(tree, base, target, resolved, index) for target in targets):
        # Nested past what the parser reads (2,048 levels): no link found may be a link not read.
        return PageAnalysis.unreadable("too_large", f"HTTP {page.status}: the page's HTML is nested deeper than "
                                       f"{MAX_DEPTH:,} elements, and no link to the target was found above that")
    directives = robots_directives(tree, page.header_list("x-robots-tag"), tags)
    canonical = page_canonical(tree, page, base, tags)
    content = main_content(tree, page.final_url)
    language, language_source = detect_language(content.text, declared_language(tree, page.header("content-language"), tags))
    host = host_of(page.final_url)
    outbound, external = outbound_summary(tree, base, host, resolved)
    per_target = {}
    page_links = None  # page-wide link facts, built only when a page links to a target
    for target in targets:
        found = find_links(tree, base, target, resolved, index)
        if found and page_links is None:
            page_links = PageLinks(tree, content)
        links = sorted((_link_record(f, content, page_links, registered_domain(host)) for f in found), key=_best_first)
        per_target[target.key] = TargetLinks(tuple(links), js_link=not links and script_mentions(tree, target))
    words = word_count(content.text)
    gone = None
    if not any(found.links for found in per_target.values()):  # a lost row: is the page itself gone?
        gone = dead_end(title(tree, tags), headings(tree), content.text, words, directives.noindex, source)
    return PageAnalysis(
        error=None,
        noindex=directives.noindex,
        page_nofollow=directives.nofollow,
        canonical_url=canonical,
        canonical_elsewhere=bool(canonical) and normalized_key(canonical) != normalized_key(page.final_url),
        page={
            "title": title(tree, tags),
            "language": language,
            "language_source": language_source,
            **page_country(host, page.hosting),
            "registered_domain": registered_domain(host),
            "word_count": words,
            "outbound_links": outbound,
            "external_domains": external,
            "footprints": page_footprints(tree, source, tags),
            **(page.hosting or no_hosting()),
        },
        per_target=per_target,
        topic_text=content.text[:TOPIC_CHARS],
        dead_end=gone,
        # discover crawls on from here; verify does not need them.
        links=tuple(page_link_urls(tree, base, resolved)) if collect_links else (),
    )


def page_country(host: str, hosting: dict | None) -> dict:
    """The page's country: its ccTLD's, else where it is hosted, else unknown; and which it was."""
    cctld = country_from_host(host)
    if cctld:
        return {"country": cctld, "country_source": "cctld"}
    hosted = (hosting or {}).get("hosting_country")
    return {"country": hosted, "country_source": "hosting" if hosted else None}


def analyze_target(page: FetchedPage) -> TargetProfile:
    """What the verifier needs to know about a target page."""
    if page.status >= 400:
        return TargetProfile.unreachable(f"HTTP {page.status}")
    if page_problem(page):
        return TargetProfile.unreachable(page_problem(page))
    tree, tags, base, _text, _cut = _parse(page)
    content = main_content(tree, page.final_url)
    language, _source = detect_language(content.text, declared_language(tree, page.header("content-language"), tags))
    alternates = html_alternates(tree, base, tags) + header_alternates(page.header_list("link"), page.final_url)
    return TargetProfile(ok=True, url=page.final_url, language=language, topic_text=content.text[:TOPIC_CHARS],
                         alternates=tuple((a.hreflang, a.url) for a in alternates if a.url))
