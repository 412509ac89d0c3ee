"""Accuracy of ``page.language`` on held-out text, with no ``lang`` attribute to lean on.

Three sets, each judged exactly as the verifier judges a page:
- SIB-200 dev pages: four sentences of one topic in each of the 30 market
  languages (short pages, CJK included);
- real pages (Mozilla readability captures, the WCEB crawl, the fundus news
  articles in 26 languages and the GoogleTrends pages): parsed,
  trafilatura main text, declared language hidden; the truth is the page's
  declared language (its ``lang`` attribute or readability's metadata), so
  only pages that declare one count, except on seven African news pages whose
  template declares ``en`` over an article in Swahili, Xhosa or Zulu (read by
  hand: ``_WRITTEN_IN``). Reported for all of them and for the pages in the
  languages langdetect has a profile for (Icelandic, Xhosa and Zulu it has none);
- MasakhaNEWS dev articles in the languages langdetect knows (en, fr, so, sw).
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections import Counter
from pathlib import Path

from extract.content import main_content
from extract.document import parse_html
from extract.encoding import decode_html
from extract.language import detect_language, primary_subtag
from scoring.training.datasets import iso_language
from scoring.training.topic_pairs import sib200_pages

__all__ = ["language_scores"]

_HTML_LANG = re.compile(rb"<html[^>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)", re.IGNORECASE)
_MASAKHANEWS = {"eng": "en", "fra": "fr", "som": "so", "swa": "sw"}
# fundus pages whose <html lang="en"> is the site template's, over an article in another language
# (titles: "Wadau waguswa maendeleo ya afya Geita", "URhulumente uthabatha indlela eyiyo…",
# "Isihluku kubulawa isaguga eMbali"…).
_WRITTEN_IN = {
    "tz-HabariLeo_2024_12_23": "sw", "tz-HabariLeo_2025_01_23": "sw",
    "za-Dizindaba_2025_11_16": "xh", "za-IsolezweLesiXhosa_2025_11_09": "xh",
    "za-EyethuNews_2025_11_25": "zu", "za-Ilanga_2025_12_03": "zu", "za-Isolezwe_2025_11_09": "zu",
}
# Languages of the real pages that langdetect has no profile for: it cannot name them.
_NO_PROFILE = frozenset({"is", "xh", "zu"})


def _real_pages(data_dir: Path):
    """``(language declared by the page, html bytes, url)`` for the placement pages that declare one."""
    root = data_dir / "placement"
    for folder in sorted((root / "mozilla").iterdir()):
        meta = folder / "expected-metadata.json"
        if not meta.exists():
            continue
        declared = primary_subtag(json.loads(meta.read_text(encoding="utf-8")).get("lang"))
        if declared:
            yield declared, gzip.decompress((folder / "source.html.gz").read_bytes()), f"http://{folder.name}.example/"
    for file in sorted((root / "wceb" / "html").glob("*.html.gz")):
        body = gzip.decompress(file.read_bytes())
        match = _HTML_LANG.search(body[:20000])
        declared = primary_subtag(match.group(1).decode()) if match else None
        if declared:
            yield declared, body, f"http://wceb-{file.name}.example/"
    # The sets whose ground truth records the page's declared language.
    for dataset in ("fundus", "googletrends"):
        for truth in sorted((root / dataset / "ground-truth").glob("*.json")) if (root / dataset).is_dir() else ():
            declared = _WRITTEN_IN.get(truth.stem) if dataset == "fundus" else None
            declared = declared or iso_language(json.loads(truth.read_text(encoding="utf-8")).get("html_lang"))
            if declared:
                body = gzip.decompress((root / dataset / "html" / f"{truth.stem}.html.gz").read_bytes())
                yield declared, body, f"http://{dataset}-{truth.stem}.example/"


def _page_language(body: bytes, url: str) -> str | None:
    text, _encoding = decode_html(body, "text/html")
    content = main_content(parse_html(text), url)
    return detect_language(content.text)[0]  # declared language deliberately not passed


def _score(pairs) -> dict:
    """``pairs`` of (truth, detected) -> accuracy, count and the commonest confusions."""
    pairs = list(pairs)
    wrong = Counter(f"{truth}->{found}" for truth, found in pairs if truth != found)
    correct = sum(1 for truth, found in pairs if truth == found)
    return {"accuracy": correct / len(pairs), "n": len(pairs), "confusions": wrong.most_common(5)}


def _masakhanews(data_dir: Path):
    for folder, language in _MASAKHANEWS.items():
        path = data_dir / "topics" / "masakhanews" / folder / "dev.tsv"
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                yield language, detect_language(f"{row['headline']}. {row['text']}")[0]


def language_scores(data_dir: Path) -> dict[str, dict]:
    sib = sib200_pages(data_dir, "dev")
    real = [(declared, _page_language(body, url)) for declared, body, url in _real_pages(data_dir)]
    return {
        "sib200 dev pages, 30 languages": _score((page.language, detect_language(page.text)[0]) for page in sib),
        "real pages, lang attribute hidden": _score(real),
        "real pages in languages langdetect knows": _score(pair for pair in real if pair[0] not in _NO_PROFILE),
        "masakhanews dev articles (en fr so sw)": _score(_masakhanews(data_dir)),
    }
