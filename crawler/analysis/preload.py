"""Imported by the analysis fork server before it forks workers (see ``crawler.analysis.pool``)."""

import gc

from crawler.analysis.pool import _warm_up, die_with_parent

die_with_parent()  # the fork server ends with the crawler, even after kill -9
_warm_up()  # its first step, one_math_thread(), runs before anything loads numpy
# Objects loaded so far live as long as the workers: keep the collector off
# them, so forked workers do not copy the pages they sit on just to scan them.
gc.freeze()
