"""What ``--render`` costs: N pages whose link to the target only a script adds.

Serves the pages on loopback across 10 hosts, runs the real CLI with
``--render`` and without, and prints pages/s, peak memory (PSS over the
process tree, Chromium included: its many processes share most of their
pages, so summed RSS would count them many times) and how many rows came
out live.

    python bench/render.py [--pages 200]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from proctree import timed_run  # noqa: E402 - beside this script

from crawler.demo.localweb import LocalWeb  # noqa: E402

TARGET = "http://www.acme-render.example/whitepaper"
ARTICLE = "<p>" + "Zero-day vulnerabilities are flaws the vendor does not know about yet. " * 20 + "</p>"
SCRIPTED = (f"<!doctype html><html lang=en><body><article>{ARTICLE}<p id=cite></p></article><script>"
            "document.getElementById('cite').innerHTML = 'See the <a href=\"' + 'http://www.acme-render.example' + "
            "'/whitepaper\">whitepaper</a>.';</script></body></html>")


def run(command: list[str], env: dict) -> tuple[float, float]:
    return timed_run(command, env, "smaps_rollup", "Pss:")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    with LocalWeb() as web, tempfile.TemporaryDirectory() as tmp:
        web.add(TARGET, f"<html lang=en><body><article>{ARTICLE}</article></body></html>")
        urls = [f"http://site{i % 10}.render.example/post/{i}" for i in range(args.pages)]
        for url in urls:
            web.add(url, SCRIPTED)
        listing = Path(tmp) / "urls.txt"
        listing.write_text("\n".join(urls) + "\n")
        env = dict(os.environ, http_proxy=web.proxy_url, no_proxy="", PYTHONPATH=str(ROOT))
        for label, extra in (("as served", []), ("--render", ["--render"])):
            out = Path(tmp) / f"{label.strip('-').replace(' ', '_')}.jsonl"
            seconds, pss = run([sys.executable, "-m", "crawler.cli", "verify", str(listing), "--target", TARGET,
                                "--db", str(Path(tmp) / "r.db"), "--out", str(out), "-q", *extra], env)
            live = sum(1 for line in out.read_text().splitlines() if json.loads(line)["status"] == "live")
            print(f"{label:>9}: {args.pages / seconds:.1f} pages/s, peak PSS {pss:.0f} MB (all processes), "
                  f"{live} of {args.pages} rows live")


if __name__ == "__main__":
    main()
