"""``linkverifier demo``: the whole product on a bundled sample web, offline.

The sample web (``web/``: a target site with German and French versions and
referring pages in German, French, Japanese (Shift_JIS), Russian
(windows-1251) and English, with good, nofollow, sponsored, UGC, footer,
removed, redirected, gone, blocked and noindex cases) is served on
127.0.0.1 through ``http_proxy``; ``backlinks.csv`` is an Ahrefs-style export.
Its hosts are given made-up addresses and hosting (``sample_ip_db``).
"""

from __future__ import annotations

import os
from pathlib import Path

from crawler.demo.localweb import LocalWeb
from crawler.demo.sample_ip_db import PINNED, SAMPLE_IP_DB
from crawler.lists.backlinks import iter_rows

__all__ = ["run_demo", "DEMO_DIR"]

DEMO_DIR = Path(__file__).parent


def run_demo(out_dir: Path, workers: int | None = None) -> tuple[dict[str, Path], dict]:
    """Serve the sample web, verify its backlinks; returns (paths, the run's Outcome)."""
    from crawler.cli import verify
    from crawler.options import command_options
    from crawler.run.crawl import run_verify  # the same path as `linkverifier verify`

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "database": out_dir / "linkverifier.db",
        "results": out_dir / "results.jsonl",
        "report": out_dir / "report.html",
        "input": DEMO_DIR / "backlinks.csv",
    }
    if paths["database"].exists():
        paths["database"].unlink()  # a fresh demo each time
    web = LocalWeb.from_directory(DEMO_DIR / "web")
    with web:
        os.environ["http_proxy"] = os.environ["HTTP_PROXY"] = web.proxy_url
        os.environ["no_proxy"] = os.environ["NO_PROXY"] = ""
        rows = iter_rows(str(paths["input"]))
        # `linkverifier verify` with these options, every other one at its default.
        options = command_options(
            verify,
            db=str(paths["database"]),
            out=str(paths["results"]),
            timeout=10.0,
            concurrency=16,
            workers=workers,
            quiet=1,
            # Where each sample host "is hosted": made-up addresses and a database for them (sample_ip_db).
            resolve=[f"{host}:{address}" for host, address in PINNED.items()],
            ip_db=[str(SAMPLE_IP_DB)],
        )
        outcome = run_verify(rows, None, str(paths["input"]), options)
    from crawler.analysis.results import utc_now
    from crawler.reports.html_report import render_report
    from crawler.reports.profile import load_profile

    paths["report"].write_text(render_report(load_profile(str(paths["database"])), str(paths["database"]), utc_now()), encoding="utf-8")
    return paths, outcome
