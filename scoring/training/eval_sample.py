"""``python -m scoring.training.eval_sample``: the compact evaluation sample in ``tests/data``, cut from the full data.

The repository carries this sample (about 5 MB) so that the evaluation gate
(``tests/test_eval_gate.py``) runs from a plain clone; the full sets stay in
``LINKVERIFIER_DATA`` (default ``../shared/data``). The sample has the full
data's layout, so every reader takes either. It holds only held-out material:
the placement dev sites (never trained on; Mozilla, WCEB and fundus pages, never the
evaluation-only sets, whose licences keep them out), SIB-200's dev split of the 30
market languages and the first MasakhaNEWS dev articles of the four
languages the language check reads.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import shutil
import sys
from pathlib import Path

from scoring.topics import LANGUAGES
from scoring.training.datasets import DATA_DIR, SCRIPT_VARIANTS, is_dev

__all__ = ["SAMPLE_DIR", "build_sample"]

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "tests" / "data"
WCEB_PAGES = 40  # dev pages of the WCEB set (~75 KB each, gzipped)
FUNDUS_PAGES = 16  # dev publishers' news articles, every language there is before English
MASAKHANEWS_ARTICLES = 80  # per language
MASAKHANEWS_FOLDERS = ("eng", "fra", "som", "swa")

README = """# Compact evaluation sample

Cut from the full data by `python -m scoring.training.eval_sample` (the full sets:
`LINKVERIFIER_DATA`, default `../shared/data`) so that `make test` runs the
evaluation gate from a plain clone. Only held-out material: nothing here was
trained on. Same layout as the full data.

| folder | what | source and licence |
|---|---|---|
| `placement/mozilla/` + `mozilla-links.tsv` | {mozilla} real captures of the placement dev sites, links labelled `editorial` / `boilerplate` (`label_exact`) | mozilla/readability test pages, Apache-2.0 (`placement/mozilla/LICENSE.md`) |
| `placement/wceb/` + `wceb-links.tsv` | {wceb} pages of the placement dev sites (ground truth reduced to the page URL and type), links labelled (`label_contextual`) | tiptopjaw/web-content-extraction-benchmark, Apache-2.0 |
| `placement/fundus/` + `fundus-links.tsv` | {fundus} news articles of the dev publishers in {fundus_languages} languages (ground truth reduced to URL and declared language), links labelled (`label_contextual`) | flairNLP/fundus parser test pages, MIT (`placement/fundus/LICENSE`) |
| `topics/sib200/<lang_Script>/dev.tsv` | SIB-200's dev split in the 30 market languages and Traditional Chinese (`zho_Hant`) (parallel sentences, 7 topics) | SIB-200, Apache-2.0; sentences from Flores-200, CC BY-SA 4.0 |
| `topics/masakhanews/{{eng,fra,som,swa}}/dev.tsv` | the first {articles} dev articles of each | MasakhaNEWS, AFL-3.0 |

Beside the sample, and not cut from anywhere: `niches/` holds the niche pages
written for this project (its README says what they are); the topical-fit
model is calibrated on six of their niches and evaluated on the other 22.
"""


def _copy_tsv(source: Path, dest: Path, pages: set[str]) -> None:
    """The header and the lines of ``pages``, byte for byte (the readers use QUOTE_NONE)."""
    with source.open(encoding="utf-8", newline="") as reader, dest.open("w", encoding="utf-8", newline="") as writer:
        writer.write(next(reader))
        writer.writelines(line for line in reader if line.split("\t", 1)[0] in pages)


def build_sample(source: Path = DATA_DIR, dest: Path = SAMPLE_DIR) -> dict[str, int]:
    if not (source / "placement").is_dir():
        raise FileNotFoundError(f"no full data at {source}")
    for generated in ("placement", "topics"):  # never niches/: it is written by hand, not cut
        if (dest / generated).exists():
            shutil.rmtree(dest / generated)
    placement = dest / "placement"
    (placement / "mozilla").mkdir(parents=True)
    (placement / "wceb" / "html").mkdir(parents=True)
    (placement / "wceb" / "ground-truth").mkdir(parents=True)
    mozilla = sorted(folder.name for folder in (source / "placement" / "mozilla").iterdir()
                     if (folder / "source.html.gz").exists() and is_dev(folder.name))
    for name in mozilla:
        (placement / "mozilla" / name).mkdir()
        for file in ("source.html.gz", "expected-metadata.json"):
            if (source / "placement" / "mozilla" / name / file).exists():
                shutil.copy(source / "placement" / "mozilla" / name / file, placement / "mozilla" / name / file)
    shutil.copy(source / "placement" / "mozilla" / "LICENSE.md", placement / "mozilla" / "LICENSE.md")
    _copy_tsv(source / "placement" / "mozilla-links.tsv", placement / "mozilla-links.tsv", set(mozilla))
    from scoring.training.datasets import _site

    wceb = []
    for truth in sorted((source / "placement" / "wceb" / "ground-truth").glob("*.json")):
        record = json.loads(truth.read_text(encoding="utf-8"))
        url = record.get("url") or ""
        if url and is_dev(_site(url)):
            wceb.append(truth.stem)
            kind = (record.get("_internal") or {}).get("page_type", {}).get("primary")
            (placement / "wceb" / "ground-truth" / truth.name).write_text(json.dumps({"url": url, "page_type": kind}),
                                                                          encoding="utf-8")
            html = source / "placement" / "wceb" / "html" / f"{truth.stem}.html.gz"
            # Recompressed at the highest level: the sample is kept in git.
            (placement / "wceb" / "html" / html.name).write_bytes(gzip.compress(gzip.decompress(html.read_bytes()), 9, mtime=0))
        if len(wceb) >= WCEB_PAGES:
            break
    _copy_tsv(source / "placement" / "wceb-links.tsv", placement / "wceb-links.tsv", set(wceb))
    fundus, fundus_languages = _fundus_sample(source / "placement", placement)
    for folder in (*LANGUAGES.values(), *SCRIPT_VARIANTS.values()):
        (dest / "topics" / "sib200" / folder).mkdir(parents=True)
        shutil.copy(source / "topics" / "sib200" / folder / "dev.tsv", dest / "topics" / "sib200" / folder / "dev.tsv")
    for folder in MASAKHANEWS_FOLDERS:
        (dest / "topics" / "masakhanews" / folder).mkdir(parents=True)
        with (source / "topics" / "masakhanews" / folder / "dev.tsv").open(encoding="utf-8", newline="") as reader, \
                (dest / "topics" / "masakhanews" / folder / "dev.tsv").open("w", encoding="utf-8", newline="") as writer:
            rows = csv.DictReader(reader, delimiter="\t")
            out = csv.DictWriter(writer, fieldnames=rows.fieldnames, delimiter="\t", lineterminator="\n")
            out.writeheader()
            for index, row in enumerate(rows):
                if index >= MASAKHANEWS_ARTICLES:
                    break
                out.writerow(row)
    (dest / "README.md").write_text(README.format(mozilla=len(mozilla), wceb=len(wceb), fundus=len(fundus),
                                                  fundus_languages=fundus_languages, articles=MASAKHANEWS_ARTICLES),
                                    encoding="utf-8")
    return {"mozilla": len(mozilla), "wceb": len(wceb), "fundus": len(fundus)}


def _fundus_sample(source: Path, placement: Path) -> tuple[list[str], int]:
    """The dev publishers' articles, one per publisher, every other language before English."""
    from scoring.training.datasets import iso_language

    chosen: dict[str, tuple[str, dict]] = {}
    for truth_file in sorted((source / "fundus" / "ground-truth").glob("*.json")):
        publisher = truth_file.stem.split("-", 1)[-1].rsplit("_", 3)[0]
        if not is_dev("fundus:" + publisher) or publisher in chosen:
            continue
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        chosen[publisher] = (truth_file.stem, {"url": truth.get("url"), "html_lang": truth.get("html_lang")})
    ordered = sorted(chosen.values(), key=lambda item: (iso_language(item[1]["html_lang"]) == "en", item[0]))
    picked = ordered[:FUNDUS_PAGES]
    for folder in ("html", "ground-truth"):
        (placement / "fundus" / folder).mkdir(parents=True)
    shutil.copy(source / "fundus" / "LICENSE", placement / "fundus" / "LICENSE")
    for name, truth in picked:
        (placement / "fundus" / "ground-truth" / f"{name}.json").write_text(json.dumps(truth), encoding="utf-8")
        html = source / "fundus" / "html" / f"{name}.html.gz"
        (placement / "fundus" / "html" / html.name).write_bytes(gzip.compress(gzip.decompress(html.read_bytes()), 9, mtime=0))
    names = [name for name, _ in picked]
    _copy_tsv(source / "fundus-links.tsv", placement / "fundus-links.tsv", set(names))
    return names, len({iso_language(truth["html_lang"]) for _, truth in picked})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="the full data")
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR)
    args = parser.parse_args(argv)
    try:
        counts = build_sample(args.data, args.out)
    except FileNotFoundError as exc:
        print(f"eval_sample: {exc}: set LINKVERIFIER_DATA to the full data (see README, Models)", file=sys.stderr)
        return 2
    size = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    print(f"sample in {args.out}: {counts['mozilla']} Mozilla, {counts['wceb']} WCEB and {counts['fundus']} fundus dev pages, "
          f"SIB-200 dev in {len(LANGUAGES)} languages, {MASAKHANEWS_ARTICLES} MasakhaNEWS articles x "
          f"{len(MASAKHANEWS_FOLDERS)}; {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
