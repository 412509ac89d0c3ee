"""Hand each result a spider yields to the run (``crawler.run.lifecycle.Run``): stored, then written in input order."""

from __future__ import annotations

__all__ = ["RunPipeline"]


class RunPipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        spider = self.crawler.spider
        run = getattr(spider, "run", None)  # the spider's run (crawler.spiders.verify), if it keeps one
        if run is not None and not getattr(spider, "abandoned", False):
            run.add(item["result"])
        return item
