"""The ``worker`` spider: take verification tasks from Redis (scrapy-redis) and push results back.

Built on scrapy-redis's RedisMixin (it keeps the spider alive and asks for
work whenever the engine is idle); tasks are taken with a lease instead of a
plain pop, so the work of a worker that dies returns to the queue
(``crawler.queue.keys``). Each task is one source page with the rows that name it;
it is verified exactly as ``verify`` verifies it.

Redis may go away under a worker (``crawler.queue.outage``): it then takes no
new task, keeps the results it could not send (and sends them first when the
queue is back), and ends with exit 69 past ``--queue-wait``; what it held
goes back to the queue when its leases run out.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import TypeVar

import redis
from scrapy.exceptions import CloseSpider
from scrapy.http import Request
from scrapy_redis.spiders import RedisMixin

from crawler.queue.keys import JOB_KEYS_SECONDS, PROCESSING, TASKS, results_key, rows_of_task, take_tasks
from crawler.queue.outage import Outage
from crawler.spiders.verify import TARGET_PRIORITY, VerifySpider

__all__ = ["WorkerSpider"]

T = TypeVar("T")
logger = logging.getLogger(__name__)


class WorkerSpider(RedisMixin, VerifySpider):
    name = "worker"
    redis_key = TASKS
    keeps_run = False  # the coordinator keeps the run: results go back through Redis

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.setup_redis(crawler)
        spider.lease_seconds = crawler.settings.getfloat("LINKVERIFIER_VISIBILITY_TIMEOUT")
        spider.fetch_data = spider._take
        spider.count_size = lambda _key: spider._redis(lambda: spider.server.llen(TASKS), 0)
        spider.tasks: dict[str, dict] = {}  # group -> the task it came in (to send its results and acknowledge it)
        spider.outage = Outage(crawler.settings.get("REDIS_URL"), crawler.settings.getfloat("LINKVERIFIER_QUEUE_WAIT"),
                               "this worker")
        spider.queue_lost = None  # the QueueLost that ended the worker, if one did
        spider.unsent: list[tuple[dict, list[dict]]] = []  # (task, its results) Redis did not take yet, oldest first
        return spider

    def _redis(self, call: Callable[[], T], fallback: T) -> T:
        """``call()`` against Redis; ``fallback`` while it is away (the outage is said once, and its end)."""
        try:
            value = call()
        except redis.RedisError as error:
            self.outage.failed(error)
            return fallback
        self.outage.succeeded()
        return value

    def _take(self, _key: str, batch_size: int) -> list[bytes]:
        """New tasks, once every result held is sent: a worker cut off takes no work it could not give back."""
        if not self._send_unsent():
            return []
        return self._redis(lambda: take_tasks(self.server, batch_size, self.lease_seconds), [])

    def spider_idle(self):
        if self.outage.expired:
            self.queue_lost = self.outage.gave_up()
            raise CloseSpider("queue_lost")
        self._send_unsent()
        super().spider_idle()

    async def start(self):
        self.watchdog.start()
        for request in self.next_requests():
            yield request

    def make_request_from_data(self, data: bytes) -> list[Request]:
        try:
            task = json.loads(data)
            rows = rows_of_task(task)
            job = str(task["job"])
            key = str(rows[0].index)  # a task's first row names its group uniquely within a job
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
            # Not ours (another program's entry under our key, a version of linkverifier that wrote tasks
            # otherwise): dropped with a line. Raised, it broke the batch it came in, and its lease sent it
            # back to break the next worker's.
            logger.warning("a task in the queue could not be read (%s: %r): dropped",
                           type(error).__name__, data[:200])
            self._redis(lambda: self.server.zrem(PROCESSING, data), 0)
            return []
        group = f"{job}:{key}"
        self.ledger.open(group, rows)
        self.tasks[group] = {"task": data, "job": job}
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
        self.unsent.append((task, results))
        self._send_unsent()
        self.watchdog.progressed()

    def _send_unsent(self) -> bool:
        """Send the results held, oldest first, each task's in one transaction with its release; False
        while Redis is away (they stay held; should the worker end first, the leases run out and the
        tasks are done again)."""
        while self.unsent:
            task, results = self.unsent[0]

            def send(task=task, results=results) -> bool:
                with self.server.pipeline() as pipe:
                    for result in results:
                        pipe.rpush(results_key(task["job"]), json.dumps(result, ensure_ascii=False))
                    pipe.expire(results_key(task["job"]), JOB_KEYS_SECONDS)  # no coordinator left: Redis drops them
                    pipe.zrem(PROCESSING, task["task"])
                    pipe.execute()
                return True

            if not self._redis(send, False):
                return False
            self.unsent.pop(0)
        return True
