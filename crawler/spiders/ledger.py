"""Which rows are still waiting for an answer, by source page in flight; each is answered once.

The verify spider opens a page's rows here when it requests the page and
answers them here when the page is judged, fails, or is given up by the stall
watchdog or an interrupt (``crawler.run.watchdog``, ``crawler.run.interrupts``
reach it through the spider's ``answer_stalled`` and ``answer_dropped``).
Whichever comes first answers; the others find the page gone and do nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from crawler.analysis.results import error_result
from crawler.lists.backlinks import Row

__all__ = ["RowLedger"]


class RowLedger:
    def __init__(self, deliver: Callable[[str, list[dict]], None]):
        self._pages: dict[str, list[Row]] = {}
        self._deliver = deliver  # where a page's answers go (the run, or Redis for a queue's worker)

    def __len__(self) -> int:
        """Source pages in flight."""
        return len(self._pages)

    def __bool__(self) -> bool:
        return bool(self._pages)

    def open(self, key: str, rows: list[Row]) -> list[Row]:
        """``rows`` wait on the page ``key`` from now on."""
        self._pages[key] = rows
        return rows

    def rows(self, key: str) -> list[Row] | None:
        """The rows waiting on ``key``; None once they are answered."""
        return self._pages.get(key)

    def answer(self, key: str, results: list[dict]) -> bool:
        """Answer the page's rows with ``results``; False when they were answered already (the first answer stands)."""
        if self._pages.pop(key, None) is None:
            return False
        self._deliver(key, results)
        return True

    def answer_with_error(self, key: str, reason: str, message: str) -> bool:
        """Answer the page's rows, if still waiting, with one error."""
        rows = self._pages.get(key, [])
        return self.answer(key, [error_result(row, reason, message) for row in rows])

    def answer_all(self, reason: str, message: str) -> int:
        """Answer every waiting row with one error; how many rows that was."""
        answered = 0
        for key, rows in list(self._pages.items()):
            answered += len(rows)
            self.answer_with_error(key, reason, message)
        return answered
