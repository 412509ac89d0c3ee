"""The ``worker`` spider: take verification tasks from Redis (scrapy-redis) and push results back.

Built on scrapy-redis's RedisMixin (it keeps the spider alive and asks for
work whenever the engine is idle); tasks are taken with a lease instead of a
plain pop, so the work of a worker that dies returns to the queue
(``crawler.queue.keys``). Each task is one source page with the rows that name it;
it is verified exactly as ``verify`` verifies it.
"""

from __future__ import annotations

import asyncio
import json

from scrapy.http import Request
from scrapy_redis.spiders import RedisMixin

from crawler.queue.keys import PROCESSING, TASKS, results_key, rows_of_task, take_tasks
from crawler.spiders.verify import TARGET_PRIORITY, VerifySpider

__all__ = ["WorkerSpider"]


class WorkerSpider(RedisMixin, VerifySpider):
    name = "worker"
    redis_key = TASKS
    keeps_run = False  # the coordinator keeps the run: results go back through Redis

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.setup_redis(crawler)
        spider.lease_seconds = crawler.settings.getfloat("LINKVERIFIER_VISIBILITY_TIMEOUT")
        spider.fetch_data = lambda _key, batch_size: take_tasks(spider.server, batch_size, spider.lease_seconds)
        spider.count_size = lambda _key: spider.server.llen(TASKS)
        spider.tasks: dict[str, dict] = {}  # group -> the task it came in (to send its results and acknowledge it)
        return spider

    async def start(self):
        self.watchdog.start()
        for request in self.next_requests():
            yield request

    def make_request_from_data(self, data: bytes) -> list[Request]:
        task = json.loads(data)
        rows = rows_of_task(task)
        key = str(rows[0].index)  # a task's first row names its group uniquely within a job
        group = f"{task['job']}:{key}"
        self.ledger.open(group, rows)
        self.tasks[group] = {"task": data, "job": task["job"]}
        requests = []
        for row in rows:
            target = row.target
            if target.key not in self.profiles:
                self.profiles[target.key] = asyncio.get_event_loop().create_future()
                requests.append(Request(target.fetch_url, callback=self.parse_target, errback=self.target_failed,
                                        priority=TARGET_PRIORITY, dont_filter=True,
                                        meta={"target_key": target.key, "dont_obey_robotstxt": True}))
        requests.append(Request(rows[0].source_url, callback=self.parse_source, errback=self.source_failed,
                                dont_filter=True, meta={"group": group}))
        return requests

    def _deliver(self, key: str, results: list[dict]) -> None:
        """Push the task's results to the coordinator, then release its lease: the task is done."""
        task = self.tasks.pop(key)
        if self.abandoned:
            return  # interrupted: the lease runs out and the task goes back to the queue
        for result in results:
            self.server.rpush(results_key(task["job"]), json.dumps(result, ensure_ascii=False))
        self.server.zrem(PROCESSING, task["task"])
        self.watchdog.progressed()
