"""Pure functions over one fetched page: decoding, links, regions, content, language, hreflang.

The names below load on first use (PEP 562): ``from extract.urls import …`` in
the crawling process must not pull in trafilatura and langdetect with them.
"""

from extract.lazy import lazy_attributes

_PUBLIC = {
    "Alternate": "extract.hreflang",
    "FoundLink": "extract.links",
    "MainContent": "extract.content",
    "RobotsDirectives": "extract.robots",
    "Target": "extract.urls",
    "country_from_host": "extract.urls",
    "decode_html": "extract.encoding",
    "detect_language": "extract.language",
    "element_region": "extract.regions",
    "find_links": "extract.links",
    "header_alternates": "extract.hreflang",
    "html_alternates": "extract.hreflang",
    "main_content": "extract.content",
    "normalized_key": "extract.urls",
    "parse_html": "extract.document",
    "registered_domain": "extract.urls",
    "robots_directives": "extract.robots",
    "visible_text": "extract.document",
}
__all__ = sorted(_PUBLIC)

__getattr__ = lazy_attributes(__name__, _PUBLIC)
