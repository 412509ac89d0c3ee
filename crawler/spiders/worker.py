"""The ``worker`` spider: take verification tasks from Redis (scrapy-redis) and push results back.

Built on scrapy-redis's RedisMixin (it keeps the spider alive and asks for
work whenever the engine is idle); tasks are taken with a lease instead of a
plain pop, so the work of a worker that dies returns to the queue
(``crawler.queue``). Each task is one source page with the rows that name it;
it is verified exactly as ``verify`` verifies it.
"""

from __future__ import annotations

import asyncio
import json

from scrapy.http import Request
from scrapy_redis.spiders import RedisMixin

from crawler.queue import TASKS, rows_of_task, take_tasks
from crawler.spiders.verify import TARGET_PRIORITY, VerifySpider

__all__ = ["WorkerSpider"]


class WorkerSpider(RedisMixin, VerifySpider):
    name = "worker"
    redis_key = TASKS

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.setup_redis(crawler)
        spider.lease_seconds = crawler.settings.getfloat("LINKVERIFIER_VISIBILITY_TIMEOUT")
        spider.fetch_data = lambda _key, batch_size: take_tasks(spider.server, batch_size, spider.lease_seconds)
        spider.count_size = lambda _key: spider.server.llen(TASKS)
        return spider

    async def start(self):
        for request in self.next_requests():
            yield request

    def make_request_from_data(self, data: bytes) -> list[Request]:
        task = json.loads(data)
        rows = rows_of_task(task)
        key = str(rows[0].index)  # a task's first row names its group uniquely within a job
        group = f"{task['job']}:{key}"
        self.groups[group] = rows
        requests = []
        for row in rows:
            target = row.target
            if target.key not in self.profiles:
                self.profiles[target.key] = asyncio.get_event_loop().create_future()
                requests.append(Request(target.fetch_url, callback=self.parse_target, errback=self.target_failed,
                                        priority=TARGET_PRIORITY, dont_filter=True,
                                        meta={"target_key": target.key, "dont_obey_robotstxt": True}))
        requests.append(Request(rows[0].source_url, callback=self.parse_source, errback=self.source_failed,
                                dont_filter=True, meta={"group": group, **self._task_meta(data, task["job"], len(rows))}))
        return requests

    def _answered(self) -> None:
        """Nothing to release: a worker's pace is the tasks it leases, not the verify spider's window."""

    @staticmethod
    def _task_meta(task: str, job: str, rows: int) -> dict:
        """What a result carries back to the queue: its job, and its task to acknowledge once all rows are in."""
        return {"task": task, "job": job, "task_rows": rows}

    def _tagged(self, output, meta: dict):
        if isinstance(output, Request):  # --render: the page goes to Chromium, the task with it
            output.meta.update(self._task_meta(meta["task"], meta["job"], meta["task_rows"]))
            return output
        return {**output, **self._task_meta(meta["task"], meta["job"], meta["task_rows"])}

    async def parse_source(self, response):
        async for output in super().parse_source(response):
            yield self._tagged(output, response.meta)

    async def parse_rendered(self, response):
        async for output in super().parse_rendered(response):
            yield self._tagged(output, response.meta)

    def render_failed(self, failure):
        for output in super().render_failed(failure):
            yield self._tagged(output, failure.request.meta)

    def source_failed(self, failure):
        for output in super().source_failed(failure):
            yield self._tagged(output, failure.request.meta)
