"""Where an analysis worker's CPU goes, stage by stage, measured on the worker's own code.

``stage_profile`` loads the models as a worker does (``crawler.analysis.pool._warm_up``),
then runs the worker's task, ``verify_page``, in this process on real pages, with a
timer around the functions each stage enters. A timer counts its own time only:
a stage called inside another (trafilatura inside the main-content step, the
sentence encoder inside topical fit) is taken out of the outer one, so the
stages add up, and what no stage names is ``other``. A timer costs about a
microsecond a call; cProfile's per-call cost made the pure-Python stages look
twice their size.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from functools import wraps

__all__ = ["STAGES", "stage_profile", "trafilatura_default_ms"]

# stage -> the (module, function) names it enters, looked up where they are called from.
STAGES: dict[str, list[tuple[str, str]]] = {
    "decode+parse": [("crawler.analysis.page", "_parse")],
    "trafilatura": [("trafilatura", "bare_extraction")],
    "main text: links, paragraphs": [("crawler.analysis.page", "main_content")],
    "language": [("crawler.analysis.page", "detect_language")],
    "links: resolve, match, outbound": [("crawler.analysis.page", "resolve_links"), ("crawler.analysis.page", "outbound_summary"),
                                        ("crawler.analysis.page", "find_links"), ("crawler.analysis.page", "script_mentions")],
    "placement": [("crawler.analysis.page", "PageLinks"), ("crawler.analysis.page", "_link_record")],
    "head: robots, canonical, title": [("crawler.analysis.page", "robots_directives"), ("crawler.analysis.page", "page_canonical"),
                                       ("crawler.analysis.page", "title")],
    "footprints": [("crawler.analysis.page", "page_footprints")],
    "sentence encoder": [("scoring.sentence_encoder", "page_vector")],
    "topic model": [("scoring.topical", "topical_fit")],
}


def _forget_pages() -> None:
    """Empty the per-text caches, so each pass computes every page's vectors as a worker meeting it the first time does."""
    from scoring import sentence_encoder, topical
    from scoring.topic_model import load_topic_model
    from scoring.topics import load_topic_space

    sentence_encoder.page_vector.cache_clear()
    topical._surface_vector.cache_clear()
    for model in (load_topic_model(), load_topic_space()):
        if model is not None:
            model.represent.cache_clear()


class _Timers:
    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._nested: list[float] = []  # CPU of timed calls inside the call at each depth

    def wrap(self, stage: str, function: Callable) -> Callable:
        @wraps(function)
        def timed(*args, **kwargs):
            self._nested.append(0.0)
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.process_time() - started
                inner = self._nested.pop()
                self.seconds[stage] = self.seconds.get(stage, 0.0) + spent - inner
                if self._nested:
                    self._nested[-1] += spent

        return timed


def stage_profile(pages: list, rows: list, profiles: dict) -> tuple[float, dict[str, float]]:
    """``(CPU ms a page of verify_page untimed, {stage: CPU ms a page})`` over ``pages``.

    ``rows[i]`` are the input rows of ``pages[i]``; ``profiles`` the target profiles, as a worker gets them."""
    from crawler.analysis.judge import verify_page
    from crawler.analysis.pool import _warm_up

    def cpu_seconds(count: int) -> float:
        started = time.process_time()
        for page, page_rows in zip(pages[:count], rows[:count], strict=True):
            verify_page(page, page_rows, profiles)
        return time.process_time() - started

    _warm_up()
    cpu_seconds(10)  # lazy tables (lexicons by language) load here, as in a worker's first pages
    _forget_pages()
    plain = 1000 * cpu_seconds(len(pages)) / len(pages)
    _forget_pages()  # before the timers wrap the cached functions
    timers, originals = _Timers(), []
    for stage, sites in STAGES.items():
        for module_name, name in sites:
            module = importlib.import_module(module_name)
            original = getattr(module, name)
            originals.append((module, name, original))
            setattr(module, name, timers.wrap(stage, original))
    try:
        timed_total = cpu_seconds(len(pages))
    finally:
        for module, name, original in originals:
            setattr(module, name, original)
    stages = {stage: 1000 * timers.seconds.get(stage, 0.0) / len(pages) for stage in STAGES}
    stages["other"] = 1000 * timed_total / len(pages) - sum(stages.values())
    return plain, stages


def trafilatura_default_ms(bodies: list[bytes], urls: list[str]) -> float:
    """CPU ms a page of ``trafilatura.extract`` called as its README shows (HTML in, text out, default options)."""
    import trafilatura

    started = time.process_time()
    for body, url in zip(bodies, urls, strict=True):
        trafilatura.extract(body, url=url)
    return 1000 * (time.process_time() - started) / len(bodies)
