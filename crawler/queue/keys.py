"""Work in Redis for many machines: tasks, leases and results.

Keys (``linkverifier:`` prefix):
- ``tasks``: a list of task JSON (one distinct source page and its rows);
- ``processing``: a sorted set of tasks taken by a worker, scored by the time
  their lease ends; a task whose worker dies goes back to ``tasks`` once its
  lease has expired (the visibility timeout), so delivery is at least once;
- ``<job>:results``: a list of result JSON the coordinator collects and
  de-duplicates by row; ``<job>:queued`` marks a job whose tasks were pushed.

Nothing here is the only copy of an answer: the coordinator's database holds
every row it collected, and a row that neither the database, the results, the
queue nor a lease holds (Redis restarted without its data, a coordinator killed
between taking a result and storing it) is pushed again (``job_in_flight``).
"""

from __future__ import annotations

import json
import time

import redis

from crawler.lists.backlinks import Row
from extract.urls import Target

__all__ = ["PREFIX", "TASKS", "PROCESSING", "connect", "task_of", "rows_of_task", "take_tasks", "requeue_expired", "results_key",
           "queued_key", "job_in_flight", "CLIENT_PARAMS", "JOB_KEYS_SECONDS"]

PREFIX = "linkverifier:"
TASKS = PREFIX + "tasks"
PROCESSING = PREFIX + "processing"
# Pop a batch and lease it in one step, so a task is never in neither place.
_TAKE = """
local taken = {}
for i = 1, tonumber(ARGV[1]) do
  local task = redis.call('RPOP', KEYS[1])
  if not task then break end
  redis.call('ZADD', KEYS[2], ARGV[2], task)
  taken[#taken + 1] = task
end
return taken
"""


# Every call to Redis ends within this (redis-py before 6 waited for ever on a silent network): a
# worker's calls run on the crawl's one thread, and a coordinator has to notice an outage to wait it out.
SOCKET_TIMEOUT = 5.0
CLIENT_PARAMS = {"socket_timeout": SOCKET_TIMEOUT, "socket_connect_timeout": SOCKET_TIMEOUT}


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, **CLIENT_PARAMS)


def results_key(job: str) -> str:
    return f"{PREFIX}{job}:results"


# A job's keys outlive its coordinator by this long, then Redis drops them: results no coordinator will
# collect (a job given up, a task done twice after its job finished) would otherwise stay in memory for
# ever. A coordinator started after that pushes again what it still needs.
JOB_KEYS_SECONDS = 7 * 86400


def queued_key(job: str) -> str:
    return f"{PREFIX}{job}:queued"


# How many entries each round trip reads when the queue is searched for a job's tasks.
_SCAN_BATCH = 1000


def job_in_flight(server: redis.Redis, job: str) -> bool:
    """Whether any task of ``job`` is queued or leased (one pass over both; tasks start ``{"job": "<job>"``)."""
    prefix = json.dumps({"job": job})[:-1].encode("utf-8")
    for length, read in ((server.llen(TASKS), lambda start, end: server.lrange(TASKS, start, end)),
                         (server.zcard(PROCESSING), lambda start, end: server.zrange(PROCESSING, start, end))):
        for start in range(0, length, _SCAN_BATCH):
            if any(task.startswith(prefix) for task in read(start, start + _SCAN_BATCH - 1)):
                return True
    return False


def task_of(job: str, group: list[Row]) -> str:
    rows = [{"index": r.index, "source_url": r.source_url, "target": r.target_raw, "extra": r.extra, "duplicate": r.duplicate}
            for r in group]
    return json.dumps({"job": job, "rows": rows}, sort_keys=True, ensure_ascii=False)


def rows_of_task(task: dict) -> list[Row]:
    return [Row(index=r["index"], source_url=r["source_url"], target_raw=r["target"], target=Target.parse(r["target"]),
                extra=r["extra"], duplicate=r["duplicate"]) for r in task["rows"]]


def take_tasks(server: redis.Redis, count: int, lease_seconds: float) -> list[bytes]:
    return server.eval(_TAKE, 2, TASKS, PROCESSING, count, time.time() + lease_seconds) or []


def requeue_expired(server: redis.Redis) -> int:
    """Put tasks whose lease ended (their worker died) back at the head of the queue."""
    moved = 0
    for task in server.zrangebyscore(PROCESSING, "-inf", time.time()):
        if server.zrem(PROCESSING, task):  # only one coordinator or worker wins each task
            server.rpush(TASKS, task)
            moved += 1
    return moved
