"""Imported by the analysis fork server before it forks workers (see ``crawler.analysis.pool``)."""

import gc
import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # before numpy loads: see pool.one_math_thread

from crawler.analysis.pool import _warm_up, die_with_parent  # noqa: E402

die_with_parent()  # the fork server ends with the crawler, even after kill -9
_warm_up()
# Objects loaded so far live as long as the workers: keep the collector off
# them, so forked workers do not copy the pages they sit on just to scan them.
gc.freeze()
