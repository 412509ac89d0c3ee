"""Labelled placement data from ``../shared/data/placement`` (read, never copied).

Each page is parsed exactly as the verifier parses pages; each ``<a href>`` is
joined to its label by (href as written, normalised anchor). Pages are
grouped by site so a split never puts one site on both sides.
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

__all__ = ["DATA_DIR", "LabelledPage", "missing_data", "placement_pages", "is_dev", "normalise_anchor"]

# The full data: LINKVERIFIER_DATA, else ../shared/data beside the project.
# (tests/data holds a compact sample of it: scoring.training.eval_sample.)
DATA_DIR = Path(os.environ.get("LINKVERIFIER_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data")
# One site in five goes to the dev split (stable: a hash of the site name).
DEV_SHARE = 5


@dataclass
class LabelledPage:
    dataset: str  # "mozilla" | "wceb"
    name: str
    site: str
    url: str
    html: bytes
    labels: dict[tuple[str, str], str]  # (href as written, normalised anchor) -> label


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


def _labels(tsv: Path, label_column: str) -> dict[str, dict[tuple[str, str], str]]:
    by_page: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    with tsv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            label = row[label_column]
            if label in ("editorial", "boilerplate"):
                by_page[row["page"]][(row["href"], row["anchor"])] = label
    return by_page


def _site(url: str) -> str:
    match = re.match(r"https?://(?:www\.)?([^/:]+)", url)
    return match.group(1).lower() if match else url


def placement_pages(data_dir: Path = DATA_DIR) -> Iterator[LabelledPage]:
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
        yield LabelledPage("wceb", name, _site(url), url, gzip.decompress(source.read_bytes()), wceb[name])
