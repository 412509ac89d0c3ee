"""Write results in input order, count them, and show progress.

Pages finish in any order; results are held back until every earlier row is
written, so the output keeps the input's order while it streams. Results of
a host with several checked pages wait until that host is complete, so the
``sitewide`` flag can be decided over all of them.
"""

from __future__ import annotations

import sys
from collections import Counter

from crawler.output import open_writer
from crawler.results import status_key
from scoring.sitewide import MIN_PAGES, sitewide_keys, source_host

__all__ = ["OutputPipeline"]


class OutputPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.writer = open_writer(crawler.settings.get("LINKVERIFIER_OUT"))
        self.pending: dict[int, dict] = {}
        self.next_row = 0
        self.counts: Counter[str] = Counter()
        self.progress = None
        self.host_rows: Counter[str] | None = None  # rows still expected per host
        self.held: dict[str, list[dict]] = {}
        # --resume: rows checked before the crash are written from the database, in order.
        for row, result in (getattr(crawler.spider, "done_results", None) or {}).items():
            self.pending[row] = result
            self.counts[status_key(result)] += 1
        if crawler.settings.getbool("LINKVERIFIER_PROGRESS") and sys.stderr.isatty():
            from crawler.progress import ProgressBar

            self.progress = ProgressBar()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        result = item["result"]
        self._hold_or_release(result)
        self._flush_ready()
        self.counts[status_key(result)] += 1
        if self.progress:
            self.progress.update(sum(self.counts.values()), self.crawler.stats.get_value("linkverifier/rows"))
        return item

    def _expected_rows(self) -> Counter[str]:
        if self.host_rows is None:
            spider = self.crawler.spider
            self.host_rows = Counter(
                {host: n for host, n in getattr(spider, "host_rows", Counter()).items() if n >= MIN_PAGES}
            )
        return self.host_rows

    def _hold_or_release(self, result: dict) -> None:
        host = source_host(result) if result["reason"] != "invalid_url" else ""
        expected = self._expected_rows()
        if not host or host not in expected:
            self.pending[result["row"]] = result
            return
        self.held.setdefault(host, []).append(result)
        expected[host] -= 1
        if expected[host] == 0:
            self._release(host)

    def _release(self, host: str) -> None:
        results = self.held.pop(host)
        sitewide = sitewide_keys(results)
        for result in results:
            if result["status"] == "live" and (source_host(result), result["target"]) in sitewide:
                result["flags"] = sorted(set(result["flags"]) | {"sitewide"})
                store = getattr(self.crawler, "linkverifier_store", None)
                if store is not None:
                    store.update_flags(result)
            self.pending[result["row"]] = result

    def _flush_ready(self) -> None:
        while self.next_row in self.pending:
            self.writer.write(self.pending.pop(self.next_row))
            self.next_row += 1

    def close_spider(self, spider=None):
        for host in list(self.held):  # a stopped run: release what arrived
            self._release(host)
        # Anything still pending (a gap means a lost row: a bug) is written in order.
        for row in sorted(self.pending):
            self.writer.write(self.pending.pop(row))
        self.writer.close()
        if self.progress:
            self.progress.close()
        self.crawler.stats.set_value("linkverifier/counts", dict(self.counts))
