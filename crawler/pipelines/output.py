"""Write results in input order, count them, and show progress, in bounded memory.

Pages finish in any order; a result is written once every earlier row is.
Rows of a host with several checked pages also wait until that host is
complete, so the ``sitewide`` flag can be decided over all of them. Waiting
rows are kept as row numbers only: the store pipeline (which runs first) has
already committed each result to SQLite, and it is read back when its turn
comes. A 100,000-row list therefore never holds 100,000 results in memory.
"""

from __future__ import annotations

import sys
from collections import Counter

from crawler.output import open_writer
from crawler.results import status_key
from scoring.sitewide import MIN_PAGES, SitewideEntry, mark_sitewide, sitewide_entry, sitewide_rows, source_host

__all__ = ["OutputPipeline"]


class OutputPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.writer = open_writer(crawler.settings.get("LINKVERIFIER_OUT"))
        self.store = None  # the store pipeline's, set when the spider opens
        self.run_id: int | None = None
        self.ready: set[int] = set()  # rows whose result may be written once every earlier row is
        self.next_row = 0
        self.counts: Counter[str] = Counter()
        self.progress = None
        self.host_rows: Counter[str] | None = None  # rows still expected per host
        self.held: dict[str, list[tuple[int, SitewideEntry | None]]] = {}
        self.sitewide_flagged: set[int] = set()  # rows to write with the sitewide flag
        self._resumed = False
        if crawler.settings.getbool("LINKVERIFIER_PROGRESS") and sys.stderr.isatty():
            from crawler.progress import ProgressBar

            self.progress = ProgressBar()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        # The store pipeline (built first) has opened the run by now.
        self.store = self.crawler.linkverifier_store.store
        self.run_id = self.crawler.linkverifier_store.run_id

    def _take_resumed(self) -> None:
        """--resume: rows checked before the crash take their place again, read from the database.

        Done at the first item (or at close), not when the spider opens: the
        spider's rows per host are known only once it has started.
        """
        done_rows = getattr(self.crawler.spider, "done_rows", None)
        if done_rows and not self._resumed:
            for result in self.store.run_results(self.run_id):
                if result["row"] in done_rows:
                    self._arrived(result)
        self._resumed = True

    def process_item(self, item, spider=None):
        self._take_resumed()
        self._arrived(item["result"])
        self._flush_ready()
        if self.progress:
            self.progress.update(sum(self.counts.values()), self.crawler.stats.get_value("linkverifier/rows"))
        return item

    def _arrived(self, result: dict) -> None:
        self.counts[status_key(result)] += 1
        host = source_host(result) if result["reason"] != "invalid_url" else ""
        expected = self._expected_rows()
        if not host or host not in expected:
            self.ready.add(result["row"])
            return
        self.held.setdefault(host, []).append((result["row"], sitewide_entry(result)))
        expected[host] -= 1
        if expected[host] == 0:
            self._release(host)

    def _expected_rows(self) -> Counter[str]:
        if self.host_rows is None:
            spider = self.crawler.spider
            self.host_rows = Counter(
                {host: n for host, n in getattr(spider, "host_rows", Counter()).items() if n >= MIN_PAGES}
            )
        return self.host_rows

    def _release(self, host: str) -> None:
        held = self.held.pop(host)
        self.sitewide_flagged |= sitewide_rows(held)
        self.ready.update(row for row, _entry in held)

    def _write(self, row: int) -> None:
        result = self.store.run_result(self.run_id, row)
        if result is None:
            return  # never stored (only a bug upstream can do that): nothing to write
        if row in self.sitewide_flagged:
            self.sitewide_flagged.discard(row)
            self.store.update_flags(self.run_id, row, mark_sitewide(result))
        self.writer.write(result)

    def _flush_ready(self) -> None:
        while self.next_row in self.ready:
            self.ready.discard(self.next_row)
            self._write(self.next_row)
            self.next_row += 1

    def close_spider(self, spider=None):
        self._take_resumed()
        for host in list(self.held):  # a stopped run: release what arrived
            self._release(host)
        # Anything still waiting (a gap means a row never answered: a stopped run) is written in order.
        for row in sorted(self.ready):
            self._write(row)
        self.ready.clear()
        self.writer.close()
        if self.progress:
            self.progress.close()
        self.crawler.stats.set_value("linkverifier/counts", dict(self.counts))
