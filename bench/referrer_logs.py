"""Reading access logs for `linkverifier referrers`: lines a second and peak memory.

Writes a combined-format log of ``--lines`` lines naming ``--referrers`` distinct referring pages
(a third of the lines have none, as on a real site), reads it as the command does
(``crawler.lists.referrers.read_referrers``) and prints the time and the process's peak RSS.
The reader streams: memory follows the distinct referring pages, not the log's size.

    python bench/referrer_logs.py --lines 1000000 --referrers 150000
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def write_log(path: Path, lines: int, referrers: int) -> None:
    rng = random.Random(2)
    agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(lines):
            page = rng.randrange(referrers)
            referrer = f"http://site{page % 3000}.example.com/post/{page}?utm_source=x" if i % 3 else "-"
            handle.write(f'66.249.{i % 255}.{i % 13} - - [07/Dec/2026:10:{i // 60 % 60:02d}:{i % 60:02d} +0000] '
                         f'"GET /page/{i % 500} HTTP/1.1" 200 {i % 9999} "{referrer}" "{agent}"\n')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--referrers", type=int, default=150_000)
    args = parser.parse_args()
    from crawler.lists.referrers import read_referrers

    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "access.log"
        write_log(log, args.lines, args.referrers)
        size = log.stat().st_size
        started = time.perf_counter()
        report = read_referrers([str(log)], "mysite.example")
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{report.lines:,} lines ({size / 1e6:.0f} MB), {len(report.candidates):,} candidate pages: "
          f"{seconds:.1f} s ({report.lines / seconds:,.0f} lines/s), peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
