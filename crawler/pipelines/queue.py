"""Push each result to the coordinator's Redis list; release a task's lease when all its rows are in."""

from __future__ import annotations

import json
from collections import Counter

from scrapy.exceptions import NotConfigured

from crawler.queue import PROCESSING, connect, results_key

__all__ = ["QueueResultPipeline"]


class QueueResultPipeline:
    def __init__(self, url: str):
        self.server = connect(url)
        self.pushed: Counter[bytes] = Counter()

    @classmethod
    def from_crawler(cls, crawler):
        url = crawler.settings.get("REDIS_URL")
        if not url:
            raise NotConfigured
        return cls(url)

    def process_item(self, item, spider=None):
        self.server.rpush(results_key(item["job"]), json.dumps(item["result"], ensure_ascii=False))
        self.pushed[item["task"]] += 1
        if self.pushed[item["task"]] >= item["task_rows"]:
            self.server.zrem(PROCESSING, item["task"])  # done: the lease is released
            del self.pushed[item["task"]]
        return item
