"""Peak memory of ``linkverifier verify`` on a long list (default 100,000 rows).

Generates a backlink list over many hosts of a local web whose pages are made
on request (a few KB each: navigation, an article, a footer; most link to the
target in the article, some in the footer, some not at all), runs the real CLI
on it and samples the memory of the whole process tree every half second:
RSS summed over processes (counts shared pages once per process) and PSS
(each shared page split between the processes that map it: what the run
really costs the machine).

    python bench/memory.py [--rows 100000] [--hosts 1000] [--trace trace.tsv]

``--trace`` writes every sample (seconds, PSS of each process in kB, main
process first) to see when the peak comes and which process holds it.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from proctree import proc_kb, tree_pids  # noqa: E402 - beside this script

from crawler.demo.localweb import LocalWeb, Route  # noqa: E402

TARGET = "http://www.acme-memory.example/whitepaper"
_WORDS = ("security exploit patch vendor attack network kernel browser update researchers disclosed "
          "vulnerability zero-day remote code execution malware defenders analysis report").split()


def page(host: str, path: str) -> Route | None:
    if not path.startswith("/p/"):
        return Route(404, b"not found", {"Content-Type": "text/plain"})  # robots.txt and the rest
    number = int(path[3:]) if path[3:].isdigit() else 0
    rng = random.Random(number)
    paragraphs = "".join(f"<p>{' '.join(rng.choices(_WORDS, k=60))}.</p>" for _ in range(6))
    link = f'<a href="{TARGET}">{" ".join(rng.choices(_WORDS, k=3))}</a>'
    article = f"<p>As the {link} explains, {' '.join(rng.choices(_WORDS, k=30))}.</p>" if number % 10 < 7 else ""
    footer = link if number % 10 == 7 else ""
    nav = "".join(f'<li><a href="/p/{number + k}">{_WORDS[k]}</a></li>' for k in range(12))
    body = (f"<!doctype html><html><head><title>{host} {number}</title></head><body><header><nav><ul>{nav}</ul></nav>"
            f"</header><main><article><h1>Report {number}</h1>{article}{paragraphs}</article></main>"
            f"<footer><p>© {host}</p>{footer}</footer></body></html>")
    return Route(200, body.encode(), {"Content-Type": "text/html; charset=utf-8"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--trace", type=Path, help="write each sample: seconds, then PSS kB per process")
    args = parser.parse_args()
    web = LocalWeb()
    web.generate = page
    web.add(TARGET, "<html lang=en><body><article><p>" + "Zero-day exploits and security patches. " * 40 + "</p></article></body></html>")
    with web, tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / "backlinks.csv"
        with rows.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["source_url", "target_url", "anchor"])
            for i in range(args.rows):
                writer.writerow([f"http://site{i % args.hosts}.memory.example/p/{i}", TARGET, "zero-day"])
        env = dict(os.environ, http_proxy=web.proxy_url, no_proxy="", PYTHONPATH=str(ROOT))
        out = Path(tmp) / "results.csv"
        command = [sys.executable, "-m", "crawler.cli", "verify", str(rows), "--db", str(Path(tmp) / "m.db"),
                   "--out", str(out), "-q"]
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        peak_rss = peak_pss = peak_main = 0
        trace = args.trace.open("w") if args.trace else None
        while process.poll() is None:
            pids = tree_pids(process.pid)
            peak_rss = max(peak_rss, sum(proc_kb(p, "status", "VmRSS:") for p in pids))
            pss = [proc_kb(p, "smaps_rollup", "Pss:") for p in pids]
            peak_pss = max(peak_pss, sum(pss))
            if trace:
                print(f"{time.perf_counter() - started:.1f}", *pss, sep="\t", file=trace, flush=True)
            peak_main = max(peak_main, proc_kb(process.pid, "status", "VmRSS:"))
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        written = sum(1 for _ in out.open()) - 1
    print(f"rows: {args.rows} on {args.hosts} hosts, exit {process.returncode}, {written} rows written, "
          f"{elapsed:.0f} s ({args.rows / elapsed:.0f} pages/s)")
    print(f"peak memory of the run: PSS {peak_pss / 1024:.0f} MB over all processes; "
          f"RSS summed {peak_rss / 1024:.0f} MB; main process RSS {peak_main / 1024:.0f} MB")


if __name__ == "__main__":
    main()
