"""Labelled placement data from ``../shared/data/placement`` (read, never copied).

Each page is parsed exactly as the verifier parses pages; each ``<a href>`` is
joined to its label by (href as written, normalised anchor). Pages are
grouped by site so a split never puts one site on both sides.

Five sets (``../shared/data/README.md`` says what each is):
- trained on (their dev sites held out): ``mozilla`` (exact labels), ``wceb``
  (English, every page type), ``fundus`` (news articles of 184 publishers in
  26 languages; a publisher is a site);
- evaluation only, by their licences, never trained or tuned on: ``googletrends``
  (GPL-3.0) and ``cleaneval`` (no licence stated).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scoring.topics import LANGUAGES

__all__ = ["DATA_DIR", "DATASETS", "read_sib200", "EVALUATION_ONLY", "TRAINABLE", "LabelledPage", "iso_language", "is_dev", "missing_data",
           "normalise_anchor", "placement_pages"]

# The full data: LINKVERIFIER_DATA, else ../shared/data beside the project.
# (tests/data holds a compact sample of it: scoring.training.eval_sample.)
DATA_DIR = Path(os.environ.get("LINKVERIFIER_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data")
# One site in five goes to the dev split (stable: a hash of the site name).
DEV_SHARE = 5
TRAINABLE = ("mozilla", "wceb", "fundus")
EVALUATION_ONLY = ("googletrends", "cleaneval")
DATASETS = TRAINABLE + EVALUATION_ONLY


@dataclass
class LabelledPage:
    dataset: str  # one of DATASETS
    name: str
    site: str
    url: str
    html: bytes
    # (href as written, normalised anchor) -> the label of each of its links, in document order:
    # a page links "Treaty of Waitangi" from its text and from a navigation box, labelled apart.
    labels: dict[tuple[str, str], list[str | None]]  # None: a link with no text (an image)
    page_type: str = "article"  # article, forum, product, listing, documentation, service, other
    language: str | None = None  # declared by the data set; None: the page's detected language stands

    @property
    def held_out(self) -> bool:
        """Never trained or tuned on: a dev site, or an evaluation-only set."""
        return self.dataset in EVALUATION_ONLY or is_dev(self.site)


def missing_data(data_dir: Path) -> str | None:
    """One line saying what is missing and where to get it, or None when the full data is there."""
    needed = [data_dir / "placement" / "wceb-links.tsv", data_dir / "topics" / "sib200", data_dir / "topics" / "masakhanews"]
    absent = [str(path) for path in needed if not path.exists()]
    if not absent:
        return None
    return (f"no training data at {data_dir} (missing {', '.join(absent)}): set LINKVERIFIER_DATA to the folder holding "
            "placement/ (mozilla/readability test pages, web-content-extraction-benchmark) and topics/ (SIB-200, "
            "MasakhaNEWS); `python -m scoring.evaluate --data tests/data` evaluates on the sample the repository carries")


def normalise_anchor(text: str) -> str:
    """The TSVs' anchor form: NFKC, lower case, punctuation to spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text)
    return " ".join(text.split())


def is_dev(site: str) -> bool:
    return int(hashlib.md5(site.encode()).hexdigest(), 16) % DEV_SHARE == 0


def _labels(tsv: Path, label_column: str) -> dict[str, dict[tuple[str, str], list[str | None]]]:
    """Per page, each (href, anchor) with the labels of its links in document order. One label
    per key (the last one read) gave every repeat of a link the label of its last occurrence:
    1,655 labels were wrong that way, 147 of them on one Wikipedia page."""
    by_page: dict[str, dict[tuple[str, str], list[str | None]]] = defaultdict(lambda: defaultdict(list))
    with tsv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            label = row[label_column]
            # no_text rows keep their place in the order, as None.
            by_page[row["page"]][(row["href"], row["anchor"])].append(label if label in ("editorial", "boilerplate") else None)
    return {page: dict(keys) for page, keys in by_page.items() if any(any(labels) for labels in keys.values())}


def _site(url: str) -> str:
    match = re.match(r"https?://(?:www\.)?([^/:]+)", url)
    return match.group(1).lower() if match else url


def placement_pages(data_dir: Path = DATA_DIR) -> Iterator[LabelledPage]:
    """Every labelled page of every set present under ``data_dir``; ``LabelledPage.held_out`` says
    which are never trained on (training and evaluation share one cache of their samples)."""
    root = data_dir / "placement"
    if not root.is_dir():
        raise FileNotFoundError(f"no placement data at {root} (expected ../shared/data beside the project)")
    mozilla = _labels(root / "mozilla-links.tsv", "label_exact")
    for name in sorted(mozilla):
        source = root / "mozilla" / name / "source.html.gz"
        url = f"http://{name}.mozilla-test.example/"
        meta = root / "mozilla" / name / "expected-metadata.json"
        if meta.exists():
            url = json.loads(meta.read_text(encoding="utf-8")).get("url") or url
        yield LabelledPage("mozilla", name, name, url, gzip.decompress(source.read_bytes()), mozilla[name])
    wceb = _labels(root / "wceb-links.tsv", "label_contextual")
    for name in sorted(wceb):
        truth = json.loads((root / "wceb" / "ground-truth" / f"{name}.json").read_text(encoding="utf-8"))
        url = truth.get("url") or f"http://wceb-{name}.example/"
        source = root / "wceb" / "html" / f"{name}.html.gz"
        kind = (truth.get("_internal") or {}).get("page_type", {}).get("primary") or truth.get("page_type") or "other"
        yield LabelledPage("wceb", name, _site(url), url, gzip.decompress(source.read_bytes()), wceb[name],
                           page_type=_PAGE_TYPES.get(kind, "other"))
    yield from _fundus(root)
    yield from _evaluation_only(root)


# The WCEB crawl's page types, as the evaluation reports them.
_PAGE_TYPES = {"article": "article", "forum": "forum", "product": "product", "listing": "listing",
               "documentation": "documentation", "service": "service", "collection": "listing",
               "category": "listing", "docs": "documentation"}


def _fundus(root: Path) -> Iterator[LabelledPage]:
    tsv = root / "fundus-links.tsv"
    if not tsv.exists():
        return
    labels = _labels(tsv, "label_contextual")
    for name in sorted(labels):
        truth = json.loads((root / "fundus" / "ground-truth" / f"{name}.json").read_text(encoding="utf-8"))
        publisher = name.split("-", 1)[-1].rsplit("_", 3)[0]  # "de-Spiegel_2024_05_03" -> "Spiegel"
        html = gzip.decompress((root / "fundus" / "html" / f"{name}.html.gz").read_bytes())
        language = iso_language(truth.get("html_lang"))
        yield LabelledPage("fundus", name, "fundus:" + publisher, truth.get("url") or f"http://{name}.example/",
                           html, labels[name], page_type="article", language=language)


def _evaluation_only(root: Path) -> Iterator[LabelledPage]:
    """GoogleTrends-2017 and CleanEval: measured on, never trained or tuned on (their licences)."""
    for dataset in EVALUATION_ONLY:
        tsv = root / f"{dataset}-links.tsv"
        if not tsv.exists():
            continue
        labels = _labels(tsv, "label_contextual")
        for name in sorted(labels):
            html = gzip.decompress((root / dataset / "html" / f"{name}.html.gz").read_bytes())
            # Neither set keeps the page's address: each page stands for a site of its own.
            yield LabelledPage(dataset, name, f"{dataset}:{name}", f"http://{dataset}-{name}.example/", html,
                               labels[name], page_type="mixed")


def iso_language(code: str | None) -> str | None:
    """A declared ``html_lang`` as the ISO 639-1 code the verifier writes (``nb`` is written ``no``)."""
    if not code or not re.fullmatch(r"[A-Za-z]{2}([-_].*)?", code):
        return None
    code = code[:2].lower()
    return {"nb": "no", "nn": "no"}.get(code, code)


# A market language's other script in SIB-200: the same sentences in Traditional Chinese (Taiwan, Hong Kong),
# which the verifier reads as ``zh`` like the Simplified ones.
SCRIPT_VARIANTS = {"zh-Hant": "zho_Hant"}


def read_sib200(data_dir: Path, language: str, split: str) -> dict[str, tuple[str, str]]:
    """``index_id -> (category, text)`` of one language's split (a market language, or a ``SCRIPT_VARIANTS`` one)."""
    path = data_dir / "topics" / "sib200" / (LANGUAGES.get(language) or SCRIPT_VARIANTS[language]) / f"{split}.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["index_id"]: (row["category"], row["text"]) for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
