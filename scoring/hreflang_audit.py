"""The hreflang audit: every mistake in a crawled site's annotations.

Rules follow Google's documentation ("Tell Google about localized versions of
your page", developers.google.com/search/docs/specialty/international/localized-versions):
codes are ISO 639-1 [+ ISO 15924 script] [+ ISO 3166-1 alpha-2 region],
case-insensitive, ``x-default`` is not a language; annotations must be
reciprocal, fully qualified, self-referencing, point at canonical indexable
200 pages, and ``<link>`` tags count only inside ``<head>``. Three checks go
further: the language the page's text is written in, its ``<html lang>``, and
the region against the ccTLD.

Locale-adaptive pages (Google: "avoid automatically redirecting users from
one language version of a site to a different language version"; Googlebot
usually crawls without ``Accept-Language``, from the US) are found by
fetching each cluster page again with another of its languages
(``probes``): a different redirect is ``locale_adaptive_redirect``, a
different language or hreflang set ``locale_adaptive_content``, a page that
says ``Vary: Accept-Language`` in a cluster with no x-default
``vary_without_x_default``. An x-default pointing at a language selector
that redirects by ``Accept-Language`` is the use Google documents for
x-default: ``x_default_language_selector``, a notice, not a broken target.
"""

from __future__ import annotations

from collections import defaultdict

from extract.hreflang import Alternate, HreflangRecord, InvalidCode, parse_code, same_language_code
from extract.urls import country_from_host, host_of, invalid_url_reason

__all__ = ["SEVERITY", "audit"]

SEVERITY = {
    "invalid_code": "error", "missing_return_link": "error", "inconsistent_return_code": "error",
    "missing_self_reference": "error", "target_not_200": "error", "target_noindex": "error",
    "target_not_canonical": "error", "self_not_canonical": "error", "duplicate_code": "error",
    "duplicate_url": "warning", "missing_x_default": "warning", "relative_url": "error",
    "outside_head": "error", "unlinked_target": "notice", "missing_hreflang": "notice",
    "methods_disagree": "warning", "html_lang_mismatch": "warning", "content_language_mismatch": "error",
    "region_cctld_mismatch": "warning",
    "locale_adaptive_redirect": "warning", "locale_adaptive_content": "warning", "vary_without_x_default": "warning",
    "x_default_language_selector": "notice",
}
# Below this many letters of main text, or below this confidence, the detected
# language is not trusted enough to call the declared one wrong.
MIN_LETTERS = 200
MIN_PROBABILITY = 0.9


class _Issues:
    def __init__(self) -> None:
        self.items: list[dict] = []
        self._seen: set[tuple] = set()

    def add(self, code: str, url: str, detail: str, href: str | None = None, hreflang: str | None = None) -> None:
        key = (code, url, href, (hreflang or "").lower())
        if key in self._seen:
            return
        self._seen.add(key)
        self.items.append({"code": code, "severity": SEVERITY[code], "url": url, "href": href, "hreflang": hreflang, "detail": detail})


def _annotations(record: HreflangRecord, sitemap: dict[str, list[tuple[str, str]]]) -> list[Alternate]:
    found = list(record.alternates)
    for hreflang, href in sitemap.get(record.url, []) + (sitemap.get(record.final_url, []) if record.final_url != record.url else []):
        found.append(Alternate(hreflang, href, href if href.startswith(("http://", "https://")) else None, "sitemap"))
    return found


def _links_back(target: HreflangRecord, sitemap: dict, index: dict[str, dict[str, list[Alternate]]]) -> dict[str, list[Alternate]]:
    """``target``'s annotations Google reads, by the URL each names: made once a page, so that whether
    each alternate links back is one lookup (scanning the cluster for every alternate of every page was
    pages x locales squared: 2,000 pages in clusters of 200 locales took 6.9 s)."""
    found = index.get(target.url)
    if found is None:
        found = index[target.url] = {}
        for b in _annotations(target, sitemap):
            if b.url and (b.method != "html" or b.in_head):
                found.setdefault(b.url, []).append(b)
    return found


def _target_problem(record: HreflangRecord | None, url: str) -> str | None:
    if record is None:
        reason = invalid_url_reason(url)
        return f"is no URL a crawler can fetch: {reason}" if reason else "was not fetched (crawl limit)"
    if record.error:
        return f"gives no usable answer ({record.error})"
    if record.redirected:
        return f"redirects to {record.final_url}"
    if record.status != 200:
        return f"answers HTTP {record.status}"
    if not record.googlebot_allowed:
        return "is blocked for Googlebot by robots.txt"
    return None


def _self_code(url: str, annotations: list[Alternate]) -> str | None:
    """The code the page uses for itself: a language code, else ``x-default``."""
    own = [a for a in annotations if a.url == url and a.code is not None]
    for annotation in own:
        if not annotation.code.is_default:
            return annotation.hreflang
    return own[0].hreflang if own else None


def _check_codes(url: str, annotations: list[Alternate], issues: _Issues) -> None:
    for a in annotations:
        if a.problem is not None:
            issues.add("invalid_code", url, a.problem, a.url or a.href, a.hreflang)
        if a.url is not None and not a.href.lower().startswith(("http://", "https://")):
            issues.add("relative_url", url, f"hreflang {a.hreflang} href {a.href!r} is not a fully-qualified URL", a.url, a.hreflang)
        elif a.url is None and a.code is not None:
            # No address at all (``https://[object Object]/``, ``javascript:``, an empty href), or a sitemap's
            # relative one: Google ignores the entry, so the language has no alternate. It used to go unreported.
            if a.method == "sitemap" and a.href and "://" not in a.href and ":" not in a.href.split("/", 1)[0]:
                issues.add("relative_url", url, f"hreflang {a.hreflang} href {a.href!r} in the sitemap is not a "
                           "fully-qualified URL; Google ignores the entry", a.href, a.hreflang)
            else:
                issues.add("target_not_200", url, f"the {a.hreflang} alternate's href {a.href!r} is no web address; "
                           "Google ignores the entry", a.href or None, a.hreflang)
    by_code: dict[str, set[str]] = defaultdict(set)
    by_url: dict[str, set[str]] = defaultdict(set)
    for a in annotations:
        if a.url and a.code is not None:
            by_code[a.hreflang.lower()].add(a.url)
            if not a.code.is_default:
                by_url[a.url].add(a.hreflang.lower())
    for code, urls in by_code.items():
        if len(urls) > 1:
            issues.add("duplicate_code", url, f"hreflang {code} names {len(urls)} URLs: {', '.join(sorted(urls))}", None, code)
    for target, codes in by_url.items():
        if len(codes) > 1:
            issues.add("duplicate_url", url, f"{target} is annotated as {', '.join(sorted(codes))}", target, None)


def _check_methods(url: str, annotations: list[Alternate], issues: _Issues) -> None:
    sets: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
    for a in annotations:
        if a.method != "html" or a.in_head:
            sets[a.method].add((a.hreflang.lower(), a.url))
    if len(sets) > 1 and len({frozenset(s) for s in sets.values()}) > 1:
        summary = "; ".join(f"{method}: {len(entries)} entries" for method, entries in sorted(sets.items()))
        issues.add("methods_disagree", url, f"the annotation methods name different alternates ({summary})")


def _check_page(record: HreflangRecord, annotations: list[Alternate], pages: dict[str, HreflangRecord], records: dict[str, HreflangRecord],
                sitemap: dict, issues: _Issues, selectors: frozenset[str] = frozenset(),
                returns: dict[str, dict[str, list[Alternate]]] | None = None) -> None:
    url = record.final_url
    for a in annotations:
        if a.method == "html" and not a.in_head:
            issues.add("outside_head", url, f"<link hreflang={a.hreflang}> is in <body>; Google reads it only in <head>", a.url, a.hreflang)
    effective = [a for a in annotations if a.method != "html" or a.in_head]
    if not effective:
        return
    _check_codes(url, effective, issues)
    _check_methods(url, annotations, issues)
    valid = [a for a in effective if a.url and a.code is not None]
    self_code = _self_code(url, valid)
    if self_code is None:
        issues.add("missing_self_reference", url, "the page's annotations do not include the page itself")
    elif record.canonical and record.canonical != url:
        issues.add("self_not_canonical", url, f"the page's own hreflang entry is not its canonical ({record.canonical})", url, self_code)
    if not any(a.code.is_default for a in valid):
        issues.add("missing_x_default", url, "no x-default alternate for users whose language is not listed")
    if self_code and self_code.lower() != "x-default":
        _check_language(record, self_code, issues)
    returns = {} if returns is None else returns
    codes_of: dict[str, list[str]] = {}
    for b in valid:
        codes_of.setdefault(b.url, []).append(b.hreflang)
    for a in valid:
        if a.url == url:
            continue
        target = records.get(a.url)
        problem = _target_problem(target, a.url)
        if problem and a.code.is_default and a.url in selectors:
            continue  # a language selector: x_default_language_selector says so, once
        if problem:
            issues.add("target_not_200", url, f"the {a.hreflang} alternate {problem}", a.url, a.hreflang)
            continue
        if target.noindex:
            issues.add("target_noindex", url, f"the {a.hreflang} alternate is noindex", a.url, a.hreflang)
        if target.canonical and target.canonical != a.url:
            issues.add("target_not_canonical", url, f"the {a.hreflang} alternate's canonical is {target.canonical}", a.url, a.hreflang)
        back = _links_back(target, sitemap, returns).get(url, [])
        if not back:
            # One issue per target page, however many codes name it (de and x-default).
            codes = sorted(set(codes_of[a.url]))
            issues.add("missing_return_link", url, f"the {'/'.join(codes)} page does not link back", a.url, codes[0])
        elif self_code and all(b.hreflang.lower() != self_code.lower() for b in back):
            issues.add("inconsistent_return_code", a.url,
                       f"links back to {url} as {back[0].hreflang}, but that page calls itself {self_code}", url, back[0].hreflang)
        if a.code.region and a.url not in pages:  # (the cheap test first: every annotation of a cluster comes here)
            country = country_from_host(host_of(a.url))
            if country and country.lower() != a.code.region:
                issues.add("region_cctld_mismatch", url, f"{a.hreflang} targets region {a.code.region.upper()} on a .{country.lower()} site", a.url, a.hreflang)


# Chinese is written in Traditional characters in Taiwan, Hong Kong and Macau, in Simplified ones in mainland
# China, Singapore and Malaysia; a script subtag says so outright (zh-Hant, zh-Hans).
_CHINESE_SCRIPT_OF_REGION = {"tw": "Hant", "hk": "Hant", "mo": "Hant", "cn": "Hans", "sg": "Hans", "my": "Hans"}
_SCRIPT_NAMES = {"Hant": "Traditional", "Hans": "Simplified"}


def _chinese_script(code) -> str | None:
    """The script a Chinese hreflang code asks for, if it asks for one."""
    if code.script in ("hant", "hans"):
        return code.script.capitalize()
    return _CHINESE_SCRIPT_OF_REGION.get(code.region or "")


def _check_language(record: HreflangRecord, self_code: str, issues: _Issues) -> None:
    url = record.final_url
    declared = same_language_code(self_code)
    html_lang = same_language_code(record.html_lang)
    if html_lang and html_lang != declared:
        issues.add("html_lang_mismatch", url, f"<html lang={record.html_lang}> but hreflang says {self_code}", url, self_code)
    detected = same_language_code(record.language)
    if detected and detected != declared and record.letters >= MIN_LETTERS and record.language_probability >= MIN_PROBABILITY:
        issues.add("content_language_mismatch", url,
                   f"declared {self_code}, but the main text is written in {record.language} "
                   f"(p={record.language_probability:.2f}, {record.letters} letters)", url, self_code)
    try:
        parsed = parse_code(self_code)
    except InvalidCode:  # said once, as invalid_code
        parsed = None
    expected = _chinese_script(parsed) if parsed is not None and detected == declared == "zh" else None
    if expected and record.script and record.script != expected and record.letters >= MIN_LETTERS:
        issues.add("content_language_mismatch", url, f"declared {self_code}, {_SCRIPT_NAMES[expected]} Chinese, but the main "
                   f"text is written in {_SCRIPT_NAMES[record.script]} characters ({record.letters} letters)", url, self_code)
    country = country_from_host(host_of(url))
    if parsed is not None and parsed.region and country and country.lower() != parsed.region:
        issues.add("region_cctld_mismatch", url, f"{self_code} targets region {parsed.region.upper()} on a .{country.lower()} site", url, self_code)


def _describe(record: HreflangRecord) -> str:
    """One response, as the locale-adaptive issues show it."""
    if record.error:
        return f"no usable answer ({record.error})"
    text = f"HTTP {record.status}" + (f", redirected to {record.final_url}" if record.redirected else "")
    if record.language:
        text += f", text in {record.language}"
    codes = sorted({a.hreflang.lower() for a in record.alternates})
    return text + (f", hreflang {' '.join(codes)}" if codes else "")


def _trusted_language(record: HreflangRecord) -> str | None:
    if record.letters >= MIN_LETTERS and record.language_probability >= MIN_PROBABILITY:
        return same_language_code(record.language)
    return None


def _x_default_targets(records: dict[str, HreflangRecord], sitemap: dict) -> set[str]:
    """URLs named only as x-default (a page also named as a language version is that version, not a selector)."""
    named = [a for record in records.values() for a in _annotations(record, sitemap) if a.url and a.code is not None]
    return {a.url for a in named if a.code.is_default} - {a.url for a in named if not a.code.is_default}


def _check_locale_adaptive(records: dict[str, HreflangRecord], probes: dict[str, HreflangRecord], asked: dict[str, str],
                           x_defaults: set[str], sitemap: dict, issues: _Issues) -> set[str]:
    """Pages that answer by the reader's language; returns the x-default targets that are language selectors."""
    selectors = set()
    for url, probe in sorted(probes.items()):
        first = records.get(url)
        if first is None or first.error or probe.error:
            continue
        language = asked.get(url, "another language")
        both = f"without Accept-Language (as Googlebot): {_describe(first)}; with Accept-Language {language}: {_describe(probe)}"
        if (first.final_url, first.status) != (probe.final_url, probe.status):
            if url in x_defaults:
                selectors.add(url)
                issues.add("x_default_language_selector", url, "x-default points at a page that sends each reader to their "
                           f"language (the use Google documents for x-default): {both}", url, "x-default")
            else:
                issues.add("locale_adaptive_redirect", url, f"redirects by the reader's language, which Googlebot does not send: {both}")
            continue
        first_set = {(a.hreflang.lower(), a.url) for a in first.alternates}
        probe_set = {(a.hreflang.lower(), a.url) for a in probe.alternates}
        languages = (_trusted_language(first), _trusted_language(probe))
        if first_set != probe_set or (None not in languages and languages[0] != languages[1]):
            issues.add("locale_adaptive_content", url, f"serves other content by the reader's language: {both}")
    for url, record in sorted(records.items()):
        if "accept-language" in record.vary and not record.error and not record.redirected:
            cluster = _annotations(record, sitemap)
            if not any(a.code is not None and a.code.is_default for a in cluster):
                issues.add("vary_without_x_default", url, "the page varies by Accept-Language (Vary header) but names no "
                           "x-default: readers whose language is not listed, and Googlebot, get no version chosen for them")
    return selectors


def audit(records: dict[str, HreflangRecord], sitemap: dict[str, list[tuple[str, str]]], discovered: set[str],
          crawled: set[str], probes: dict[str, HreflangRecord] | None = None, asked: dict[str, str] | None = None) -> list[dict]:
    """Issues for a crawl: ``records`` by requested URL, sitemap annotations by <loc>,
    URLs reachable by links or sitemaps, the URLs crawled as site pages, and the cluster pages
    fetched again with another Accept-Language (``probes``, by requested URL; ``asked``: the language)."""
    issues = _Issues()
    selectors = frozenset(_check_locale_adaptive(records, probes or {}, asked or {}, _x_default_targets(records, sitemap),
                                                 sitemap, issues))
    pages = {r.final_url: r for r in records.values() if r.usable}
    annotated = {url: _annotations(record, sitemap) for url, record in pages.items()}
    returns: dict[str, dict[str, list[Alternate]]] = {}
    for url, record in sorted(pages.items()):
        _check_page(record, annotated[url], pages, records, sitemap, issues, selectors, returns)
    if any(annotated.values()):
        for url, record in sorted(pages.items()):
            canonical_elsewhere = record.canonical and record.canonical != url
            if url in crawled and record.html and not annotated[url] and not record.noindex and not canonical_elsewhere:
                issues.add("missing_hreflang", url, "the site uses hreflang, but this page has none")
        targets = {a.url for annotations in annotated.values() for a in annotations if a.url}
        # Only real pages: a broken target is already a target_not_200.
        for target in sorted((targets & set(pages)) - discovered):
            issues.add("unlinked_target", target, "reachable only through hreflang: no internal link or sitemap entry leads here", target)
    return issues.items
