"""hreflang annotations and the canonical of one page: HTML ``<link>`` tags and HTTP ``Link`` headers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from lxml import html

from extract.language_codes import same_language_code
from extract.selectors import PageTags
from extract.urls import resolve_href

__all__ = [
    "Alternate", "HreflangCode", "HreflangRecord", "html_alternates", "header_links", "header_alternates", "header_canonical", "canonical_url",
    "iter_sitemap", "parse_code", "InvalidCode", "same_language_code",
]

@dataclass(frozen=True)
class Alternate:
    """One hreflang annotation, wherever it was written."""

    hreflang: str  # as written
    href: str  # as written
    url: str | None  # absolute
    method: str  # "html" | "header" | "sitemap"
    in_head: bool = True

    @cached_property
    def _parsed(self) -> tuple[HreflangCode | None, str | None]:
        try:
            return parse_code(self.hreflang), None
        except InvalidCode as exc:
            return None, str(exc)

    @property
    def code(self) -> HreflangCode | None:
        """The parsed code; None when Google ignores it (``problem`` says why)."""
        return self._parsed[0]

    @property
    def problem(self) -> str | None:
        return self._parsed[1]


def html_alternates(tree: html.HtmlElement | None, base: str, tags: PageTags | None = None) -> list[Alternate]:
    if tree is None:
        return []
    found = []
    for link in (tags or PageTags(tree)).hreflang_links():
        href = link.get("href", "")
        in_head = any(a.tag == "head" for a in link.iterancestors())
        found.append(Alternate(link.get("hreflang", "").strip(), href, resolve_href(href, base), "html", in_head))
    return found


# One link-value of an RFC 8288 Link header: <uri> followed by ;params.
_LINK_VALUE = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+(?:=(?:\"[^\"]*\"|[^;,]*))?\s*)*)")
_PARAM = re.compile(r";\s*([^\s=;,]+)\s*(?:=\s*(\"[^\"]*\"|[^;,]*))?")


def header_links(values: Iterable[str]) -> list[tuple[str, dict[str, str]]]:
    """Parse ``Link`` header values into ``(uri, {param: value})`` pairs."""
    parsed = []
    for value in values:
        for match in _LINK_VALUE.finditer(value):
            params = {
                key.lower(): (raw or "").strip().strip('"')
                for key, raw in _PARAM.findall(match.group(2) or "")
            }
            parsed.append((match.group(1).strip(), params))
    return parsed


def header_alternates(values: Iterable[str], document_url: str) -> list[Alternate]:
    found = []
    for uri, params in header_links(values):
        rels = params.get("rel", "").lower().split()
        if "alternate" in rels and "hreflang" in params:
            found.append(Alternate(params["hreflang"].strip(), uri, resolve_href(uri, document_url), "header"))
    return found


def canonical_url(tree: html.HtmlElement | None, base: str, link_headers: Iterable[str], document_url: str,
                  tags: PageTags | None = None) -> str | None:
    """The canonical URL from ``<link rel=canonical>``, else from the HTTP ``Link`` header."""
    if tree is not None:
        for link in (tags or PageTags(tree)).canonical_links():
            resolved = resolve_href(link.get("href", ""), base)
            if resolved:
                return resolved
    return header_canonical(link_headers, document_url)


def header_canonical(values: Iterable[str], document_url: str) -> str | None:
    for uri, params in header_links(values):
        if "canonical" in params.get("rel", "").lower().split():
            return resolve_href(uri, document_url)
    return None


# --- hreflang codes ------------------------------------------------------------

_ISO_639_1 = None
_ISO_3166 = None
_ISO_15924 = None


def _code_tables() -> tuple[set[str], set[str], set[str]]:
    global _ISO_639_1, _ISO_3166, _ISO_15924
    if _ISO_639_1 is None:
        import pycountry  # loaded on first use: its JSON tables take ~50 ms

        _ISO_639_1 = {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}
        _ISO_3166 = {country.alpha_2.lower() for country in pycountry.countries}
        _ISO_15924 = {script.alpha_4.lower() for script in pycountry.scripts}
    return _ISO_639_1, _ISO_3166, _ISO_15924


@dataclass(frozen=True)
class HreflangCode:
    language: str | None  # None for x-default
    script: str | None = None
    region: str | None = None

    @property
    def is_default(self) -> bool:
        return self.language is None


class InvalidCode(ValueError):
    """An hreflang value Google ignores; the message says why."""


def parse_code(code: str) -> HreflangCode:
    """A valid code; ``InvalidCode`` with the reason when it is not (Google's rules).

    language: ISO 639-1; optional script: ISO 15924; optional region: ISO
    3166-1 alpha-2; hyphen-separated, case-insensitive; ``x-default``.
    """
    value = code.strip()
    if value.lower() == "x-default":
        return HreflangCode(None)
    if not value:
        raise InvalidCode("empty hreflang value")
    if "_" in value:
        raise InvalidCode(f"{code!r} uses an underscore; hreflang codes use a hyphen ({value.replace('_', '-')})")
    languages, regions, scripts = _code_tables()
    parts = value.lower().split("-")
    language = parts[0]
    if language not in languages:
        hint = {"jp": " (Japanese is ja)", "gr": " (Greek is el)", "cn": " (Chinese is zh)", "dk": " (Danish is da)",
                "se": " (Swedish is sv)", "cz": " (Czech is cs)", "ua": " (Ukrainian is uk)", "kr": " (Korean is ko)"}
        if language in regions and language not in languages:
            raise InvalidCode(f"{code!r} is a region alone: hreflang needs a language first{hint.get(language, '')}")
        raise InvalidCode(f"{code!r}: {language!r} is not an ISO 639-1 language code{hint.get(language, '')}")
    rest = parts[1:]
    script = region = None
    if rest and len(rest[0]) == 4:
        if rest[0] not in scripts:
            raise InvalidCode(f"{code!r}: {rest[0]!r} is not an ISO 15924 script")
        script = rest.pop(0)
    if rest:
        candidate = rest.pop(0)
        if candidate.isdigit():
            raise InvalidCode(f"{code!r}: numeric regions such as {candidate} (UN M.49) are not supported; use ISO 3166-1 alpha-2 countries")
        if candidate == "uk":
            raise InvalidCode(f"{code!r}: the United Kingdom is GB in ISO 3166-1 ({language}-GB)")
        if candidate not in regions:
            raise InvalidCode(f"{code!r}: {candidate!r} is not an ISO 3166-1 alpha-2 region")
        region = candidate
    if rest:
        raise InvalidCode(f"{code!r} has more parts than language-script-region")
    return HreflangCode(language, script, region)


# --- sitemaps -----------------------------------------------------------------

_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_XHTML_LINK = "{http://www.w3.org/1999/xhtml}link"


def iter_sitemap(stream) -> Iterator[tuple]:
    """Stream a sitemap (file-like, decompressed): yields ``("sitemap", loc)`` for
    sitemap-index entries and ``("url", loc, [(hreflang, href), …])`` for URLs.

    lxml's iterparse with each entry cleared once read keeps memory bounded
    for 50,000-URL sitemaps with hundreds of thousands of alternates.
    """
    from lxml import etree

    context = etree.iterparse(stream, events=("end",), recover=True, huge_tree=True, resolve_entities=False, no_network=True)
    for _event, element in context:
        tag = element.tag if isinstance(element.tag, str) else ""
        local = tag.rsplit("}", 1)[-1]
        if local not in ("url", "sitemap"):
            continue
        loc = None
        alternates = []
        for child in element:
            child_tag = child.tag if isinstance(child.tag, str) else ""
            if child_tag.rsplit("}", 1)[-1] == "loc" and child.text:
                loc = child.text.strip()
            elif child_tag == _XHTML_LINK and (child.get("rel") or "").lower() == "alternate" and child.get("hreflang"):
                alternates.append((child.get("hreflang"), (child.get("href") or "").strip()))
        if loc:
            yield ("sitemap", loc) if local == "sitemap" else ("url", loc, alternates)
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]


@dataclass(frozen=True)
class HreflangRecord:
    """What the hreflang audit (``scoring.hreflang_audit``) knows of one page: how it answered and, when it
    is HTML, what it says. Made in the analysis workers (``crawler.analysis.hreflang_page``), or by the
    crawling process for a fetch that failed."""

    url: str  # as requested
    final_url: str
    status: int | None
    redirected: bool = False
    googlebot_allowed: bool = True
    error: str | None = None  # why the fetch failed
    html: bool = False
    noindex: bool = False
    canonical: str | None = None
    html_lang: str | None = None
    language: str | None = None  # of the main text, as detected
    language_probability: float = 0.0
    letters: int = 0
    script: str | None = None  # of a Chinese main text: "Hant" or "Hans" (``extract.chinese_script``)
    alternates: tuple[Alternate, ...] = ()
    links: tuple[str, ...] = ()
    vary: tuple[str, ...] = ()  # the Vary header's fields, lower case ("accept-language": it varies by the reader's language)

    @property
    def usable(self) -> bool:
        """A 200 page, reached without a redirect: what annotations may point at."""
        return self.status == 200 and not self.redirected and not self.error
