"""Pure functions over one fetched page: decoding, links, regions, content, language, hreflang."""

from extract.content import MainContent, main_content
from extract.document import parse_html, visible_text
from extract.encoding import decode_html
from extract.hreflang import Alternate, header_alternates, html_alternates
from extract.language import detect_language
from extract.links import FoundLink, find_links
from extract.regions import element_region
from extract.robots import RobotsDirectives, robots_directives
from extract.urls import Target, country_from_host, normalized_key, registered_domain

__all__ = [
    "Alternate",
    "FoundLink",
    "MainContent",
    "RobotsDirectives",
    "Target",
    "country_from_host",
    "decode_html",
    "detect_language",
    "element_region",
    "find_links",
    "header_alternates",
    "html_alternates",
    "main_content",
    "normalized_key",
    "parse_html",
    "registered_domain",
    "robots_directives",
    "visible_text",
]
