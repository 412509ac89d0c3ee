"""Footprints of a page that betray a shared owner: tracking IDs, generator, theme, template.

Strong footprints are IDs one owner reuses across the sites they run (Google
Analytics and Tag Manager, AdSense publisher, Microsoft Clarity, Meta pixel,
Yandex Metrica, Hotjar). Weak ones (generator, theme, template skeleton) are
shared by thousands of unrelated sites: evidence beside a strong one, never
enough alone.
"""

from __future__ import annotations

import hashlib
import re

from lxml import html

from extract.selectors import PageTags

__all__ = ["STRONG", "page_footprints", "template_fingerprint"]

STRONG = ("ga", "gtm", "adsense", "clarity", "fb_pixel", "yandex_metrica", "hotjar")
# Every pattern starts with a literal, so the regex engine can jump between
# candidates instead of trying each position (a leading \b made these 20 ms
# per page on WCEB pages). Each pattern runs only when its literal occurs at
# all (``in`` is several times faster than a regex scan of a large page).
# Boundaries are checked after.
_PATTERNS = {
    "ga": [("UA-", re.compile(r"UA-\d{4,10}-\d{1,4}")), ("G-", re.compile(r"G-[A-Z0-9]{8,12}"))],
    "gtm": [("GTM-", re.compile(r"GTM-[A-Z0-9]{5,8}"))],
    "adsense": [("pub-", re.compile(r"pub-\d{12,20}"))],
    "clarity": [
        ("clarity.ms/tag/", re.compile(r"clarity\.ms/tag/([a-z0-9]{8,12})")),
        ('"clarity"', re.compile(r"\"clarity\",\s*\"script\",\s*\"([a-z0-9]{8,12})\"")),
    ],
    "fb_pixel": [("fbq(", re.compile(r"fbq\(\s*['\"]init['\"]\s*,\s*['\"](\d{12,20})['\"]"))],
    "yandex_metrica": [
        ("ym(", re.compile(r"ym\(\s*(\d{6,10})\s*,\s*['\"]init['\"]")),
        ("mc.yandex.ru/watch/", re.compile(r"mc\.yandex\.ru/watch/(\d{6,10})")),
    ],
    "hotjar": [("hjid", re.compile(r"hjid\s*:\s*(\d{5,10})"))],
}


def _ids(patterns: list[tuple[str, re.Pattern]], source: str) -> list[str]:
    found = set()
    for literal, pattern in patterns:
        if literal not in source:
            continue
        for match in pattern.finditer(source):
            start, end = match.span()
            # A whole token only: "xUA-1234-1" or "G-ABCDEFGH1X" inside a longer word is not an ID.
            if (start and source[start - 1].isalnum()) or (end < len(source) and source[end].isalnum()):
                continue
            found.add(match.group(1) if pattern.groups else match.group(0))
    return sorted(found)


_THEME = re.compile(r"/wp-content/themes/([A-Za-z0-9_.-]+)/")
# The skeleton ignores text and ids; this many elements from the top of <body>.
_SKELETON_ELEMENTS = 400


def template_fingerprint(tree: html.HtmlElement) -> str | None:
    """A short hash of the page skeleton: tag names and class names, in document order."""
    body = tree.find("body")
    if body is None:
        return None
    parts = []
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "noscript"):
            continue
        parts.append(element.tag + "." + ".".join(sorted((element.get("class") or "").split())))
        if len(parts) >= _SKELETON_ELEMENTS:
            break
    if len(parts) < 10:
        return None  # too small to tell one template from another
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def page_footprints(tree: html.HtmlElement | None, source: str, tags: PageTags | None = None) -> dict:
    """Footprints of one page; ``source`` is its decoded HTML (IDs live in scripts and URLs)."""
    found: dict = {}
    for name, patterns in _PATTERNS.items():
        ids = _ids(patterns, source)
        if ids:
            found[name] = ids
    if tree is not None:
        generators = (tags or PageTags(tree)).meta_contents("name", "generator")
        if generators:
            found["generator"] = re.sub(r"\s+", " ", generators[0]).strip().lower()[:80]
        template = template_fingerprint(tree)
        if template:
            found["template"] = template
    themes = sorted(set(_THEME.findall(source)))
    if themes:
        found["theme"] = themes[0].lower()
    return found
