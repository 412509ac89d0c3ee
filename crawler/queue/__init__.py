"""The Redis mode: the queue's keys and tasks, and the coordinator that collects results."""
