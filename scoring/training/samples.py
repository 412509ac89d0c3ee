"""Turn labelled pages into (features, label) samples, exactly as inference sees links."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from extract.content import main_content
from extract.cues import line_cue
from extract.document import base_url, declared_language, parse_html
from extract.encoding import decode_html
from extract.language import detect_language
from extract.links import anchor_of, rel_tokens
from extract.regions import element_region
from extract.urls import host_of, registered_domain, resolve_href
from scoring.features import PageLinks, link_features
from scoring.training.datasets import LabelledPage, normalise_anchor

__all__ = ["Sample", "page_samples"]

# The data sets' converters label the links of the body outside these, in document order.
_UNLABELLED = frozenset("script style noscript template head iframe svg object select".split())


def _unlabelled_part(element) -> bool:
    return any(isinstance(a.tag, str) and a.tag in _UNLABELLED for a in element.iterancestors())


@dataclass
class Sample:
    dataset: str
    site: str
    tokens: str
    numbers: list[float]
    label: int  # 1 editorial, 0 boilerplate
    in_main: bool
    region: str
    main_found: bool
    page: str = ""
    language: str | None = None  # the data set's, else the language the verifier reads
    page_type: str = "article"
    anchor: str = ""
    held_out: bool = False  # a dev site or an evaluation-only set: never trained or tuned on
    cue: str | None = None  # the region a cue in the link's words names (extract.cues.line_cue)


def page_samples(page: LabelledPage) -> list[Sample]:
    text, _ = decode_html(page.html, None)
    tree = parse_html(text)
    if tree is None:
        return []
    base = base_url(tree, page.url)
    content = main_content(tree, page.url)
    language = page.language or detect_language(content.text, declared_language(tree, None))[0]
    links = PageLinks(tree, content)
    own_domain = registered_domain(host_of(page.url))
    samples = []
    seen: Counter[tuple[str, str]] = Counter()
    for element in links.links:
        href = element.get("href")
        if href is None or element.tag != "a" or _unlabelled_part(element):
            continue
        anchor, anchor_type = anchor_of(element)
        key = (href, normalise_anchor(anchor))
        # The n-th link with this address and anchor takes the n-th label written for it.
        occurrence, seen[key] = seen[key], seen[key] + 1
        labels = page.labels.get(key) or [None]
        label = labels[min(occurrence, len(labels) - 1)]
        if label is None or anchor_type == "image":
            continue
        absolute = resolve_href(href, base)
        if absolute is None:
            continue  # in-page anchors, mailto:, javascript: never point at a target
        in_main = bool(absolute) and content.contains_link(absolute, anchor)
        internal = registered_domain(host_of(absolute)) == own_domain
        features = link_features(
            element, links, in_main=in_main, main_found=content.extracted, internal=internal,
            anchor_text=anchor, anchor_image=anchor_type == "image", rel=rel_tokens(element.get("rel")),
        )
        samples.append(Sample(page.dataset, page.site, features.tokens, features.numbers,
                              int(label == "editorial"), in_main, element_region(element), content.extracted,
                              page=page.name, language=language, page_type=page.page_type, anchor=anchor,
                              held_out=page.held_out, cue=line_cue(element, anchor)))
    return samples
