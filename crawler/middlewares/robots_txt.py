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

__all__ = ["RobotsDisallowed", "RobotsMiddleware"]


class RobotsDisallowed(IgnoreRequest):
    """robots.txt disallows the page for our user agent."""


class RobotsMiddleware(RobotsTxtMiddleware):
    """Scrapy's, set up by Scrapy (``ROBOTSTXT_OBEY`` on: read robots.txt), answering for Googlebot too and
    obeying it only as ``LINKVERIFIER_OBEY_ROBOTS`` says."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.agent = crawler.settings["ROBOTSTXT_USER_AGENT"]
        self.obey = crawler.settings.getbool("LINKVERIFIER_OBEY_ROBOTS")
        self.stats = crawler.stats

    async def process_request(self, request, spider=None):
        if request.meta.get("dont_obey_robotstxt") or not request.url.startswith("http"):
            return None
        parser = await self.robot_parser(request)
        if parser is None:
            request.meta["googlebot_allowed"] = True
            return None
        request.meta["googlebot_allowed"] = bool(parser.allowed(request.url, "Googlebot"))
        if self.obey and not parser.allowed(request.url, self.agent):
            self.stats.inc_value("robotstxt/forbidden")
            raise RobotsDisallowed(f"robots.txt disallows {request.url} for {self.agent}")
        return None
