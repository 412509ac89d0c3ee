"""The report and `serve` at the size of a real profile: a generated database of N links (written through
the store), then

  - `linkverifier report`: wall time, peak RSS, file size;
  - the report in headless Chromium at 1,300 px: time until usable, sorting the link table by fit and by
    risk, filtering it, scrolling to its middle (each timed in the page);
  - `linkverifier serve`: its first page and every canned query.

    python bench/report_scale.py [--links 50000]   (make bench-report)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chromium import evaluate_in_chromium  # noqa: E402 - beside this script
from proctree import timed_run  # noqa: E402

from bench.profile_db import build  # noqa: E402
from crawler.reports.serve import DATABASE, QUERIES  # noqa: E402

CHROMIUM_SCRIPT = """() => {
    const table = document.getElementById('links'), box = table.parentNode;
    const header = label => [...table.tHead.rows[0].cells].find(th => th.textContent === label);
    const timed = action => { const t = performance.now(); action(); return (performance.now() - t) / 1000; };
    const figures = {};
    figures['sort by fit'] = timed(() => header('fit').click());
    figures['sort by risk'] = timed(() => header('risk').click());
    figures['sort by risk again (descending)'] = timed(() => header('risk').click());
    const q = document.getElementById('q');
    figures['filter "-example.de"'] = timed(() => { q.value = '-example.de'; q.dispatchEvent(new Event('input')); });
    figures['clear the filter'] = timed(() => { q.value = ''; q.dispatchEvent(new Event('input')); });
    figures['scroll to the middle'] = timed(() => { box.scrollTop = box.scrollHeight / 2; box.dispatchEvent(new Event('scroll')); });
    figures['rows in the DOM'] = table.tBodies[0].rows.length;
    return figures;
}"""


def in_chromium(report: Path) -> dict[str, float]:
    figures, errors, ready = evaluate_in_chromium(report, CHROMIUM_SCRIPT)
    return {"open": ready, **figures, "script errors": len(errors)}


def served(db: Path) -> dict[str, float]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--db", str(db), "--port", str(port)],
                               env={**env, "PYTHONPATH": str(ROOT)}, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        figures = {}
        for name, path in [("first page", f"/{DATABASE}")] + [(name, f"/{DATABASE}/{name}.json") for name in QUERIES]:
            started = time.perf_counter()
            urllib.request.urlopen(base + path, timeout=120).read()
            figures[name] = time.perf_counter() - started
        return figures
    finally:
        process.terminate()
        process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db, report = Path(tmp) / "profile.db", Path(tmp) / "report.html"
        started = time.perf_counter()
        build(db, args.links)
        print(f"database: {args.links:,} links, {args.links // 10:,} referring domains, written in {time.perf_counter() - started:.1f} s")
        wall, peak = timed_run([sys.executable, "-m", "crawler.cli", "report", "--db", str(db), "--out", str(report)])
        print(f"linkverifier report: {wall:.1f} s, peak RSS {peak:.0f} MB, {report.stat().st_size / 1e6:.1f} MB of HTML")
        for name, value in in_chromium(report).items():
            print(f"  Chromium, {name}: " + (f"{value * 1000:.0f} ms" if isinstance(value, float) else str(value)))
        for name, value in served(db).items():
            print(f"  serve, {name}: {value * 1000:.0f} ms")


if __name__ == "__main__":
    main()
