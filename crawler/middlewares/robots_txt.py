"""robots.txt, read once per host, evaluated for us and for Googlebot.

Scrapy's RobotsTxtMiddleware only answers "may we fetch it". A verifier
needs a second answer whether or not it obeys: may Googlebot crawl this page
(else the page cannot be indexed and the link is worth little). We reuse
Scrapy's fetching and caching and record Googlebot's answer in
``request.meta["googlebot_allowed"]``.

Scrapy keeps every host's parsed robots.txt for the whole run. A parsed file
is heavy (Protego compiles each rule: 103 KB for a 3.7 KB file of 120 rules),
and a backlink list is mostly distinct hosts: 4,000 of them serving such a file
took the crawling process to 568 MB, a 100,000-row list would not have fitted
in memory. The parsers of the ``MAX_PARSERS`` hosts asked last are kept; a
host that comes back after its parser went has its robots.txt fetched again.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.bounded import touch, trim_oldest

__all__ = ["RobotsDisallowed", "RobotsMiddleware", "MAX_PARSERS"]

MAX_PARSERS = 128


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

    async def robot_parser(self, request):
        parser = await super().robot_parser(request)
        self._forget_oldest(urlparse_cached(request).netloc)
        return parser

    def _forget_oldest(self, used: str) -> None:
        """``used`` becomes the parser asked last (Scrapy's dict keeps insertion order); past ``MAX_PARSERS``,
        the parsers asked longest ago go (never one still being fetched: others wait on it)."""
        if not isinstance(self._parsers.get(used), Deferred):
            touch(self._parsers, used)
        trim_oldest(self._parsers, MAX_PARSERS, keep=lambda parser: isinstance(parser, Deferred))

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
