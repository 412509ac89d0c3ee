"""robots.txt, read once per host, evaluated for us and for Googlebot.

Scrapy's RobotsTxtMiddleware only answers "may we fetch it". A verifier
needs a second answer whether or not it obeys: may Googlebot crawl this page
(else the page cannot be indexed and the link is worth little). We reuse
Scrapy's fetching and caching and record Googlebot's answer in
``request.meta["googlebot_allowed"]``.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.misc import build_from_crawler, load_object

__all__ = ["RobotsDisallowed", "RobotsMiddleware"]


class RobotsDisallowed(IgnoreRequest):
    """robots.txt disallows the page for our user agent."""


class RobotsMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler):  # noqa: D107 - parent's checks, minus ROBOTSTXT_OBEY
        self._default_useragent = crawler.settings["USER_AGENT"]
        self._robotstxt_useragent = crawler.settings["LINKVERIFIER_ROBOTS_AGENT"]
        self.crawler = crawler
        self._stats = crawler.stats
        self._parsers = {}
        self._parserimpl = load_object(crawler.settings.get("ROBOTSTXT_PARSER"))
        build_from_crawler(self._parserimpl, crawler, b"")
        self._obey = crawler.settings.getbool("LINKVERIFIER_OBEY_ROBOTS")

    async def process_request(self, request, spider=None):
        if request.meta.get("dont_obey_robotstxt") or not request.url.startswith("http"):
            return None
        parser = await self.robot_parser(request)
        if parser is None:
            request.meta["googlebot_allowed"] = True
            return None
        request.meta["googlebot_allowed"] = bool(parser.allowed(request.url, "Googlebot"))
        if self._obey and not parser.allowed(request.url, self._robotstxt_useragent):
            self._stats.inc_value("robotstxt/forbidden")
            raise RobotsDisallowed(f"robots.txt disallows {request.url} for {self._robotstxt_useragent}")
        return None
