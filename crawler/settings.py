"""Scrapy settings for linkverifier. The CLI turns its options into these."""

from scrapy.settings import default_settings as _scrapy_defaults

from crawler import USER_AGENT as _USER_AGENT
from extract.urls import MAX_URL_LENGTH as _MAX_URL_LENGTH

BOT_NAME = "linkverifier"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = _USER_AGENT
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Politeness: a few requests per host, adaptive delays.
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy starts this many asyncio tasks for the output of every callback, and
# discover's and hreflang's callbacks wait on page analysis: at the default 100,
# the pages queued for analysis cost ~150 KB each in idle tasks. (verify's
# callbacks return at once and judge pages in tasks of their own.)
CONCURRENT_ITEMS = 8
AUTOTHROTTLE_ENABLED = True
EXTENSIONS = {  # ours lets 404/410 answers lower a host's delay (crawler.run.throttle)
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.run.throttle.AutoThrottle": 0,
}
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 10
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
DOWNLOAD_DELAY = 0

# Verification wants an answer, not persistence: 30 s, one retry.
DOWNLOAD_TIMEOUT = 30
# Scrapy's HTTP handler with idle connections closed after 5 s instead of 240 (crawler.handlers):
# a list of distinct hosts otherwise runs out of open files.
DOWNLOAD_HANDLERS = {"http": "crawler.handlers.HTTPHandler", "https": "crawler.handlers.HTTPHandler"}
RETRY_ENABLED = True
RETRY_TIMES = 1
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
REDIRECT_MAX_TIMES = 10
METAREFRESH_ENABLED = True
METAREFRESH_MAXDELAY = 1  # only instant refreshes (delay 0) are redirects
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # larger pages are "too_large"
DOWNLOAD_WARNSIZE = 0
# Scrapy drops a longer request without calling back; every URL we fetch is
# checked against the same bound first (extract.urls.MAX_URL_LENGTH).
URLLENGTH_LIMIT = _MAX_URL_LENGTH
HTTPERROR_ALLOW_ALL = True  # every status reaches the spider, which judges it
COOKIES_ENABLED = True
DNS_TIMEOUT = 20
# Scrapy's resolver, with --resolve HOST:ADDRESS applied. Scrapy 2.14 renamed the setting (the old name warns on
# every run); older releases know only the old one.
if hasattr(_scrapy_defaults, "TWISTED_DNS_RESOLVER"):
    TWISTED_DNS_RESOLVER = "crawler.hosting.resolver.PinnedResolver"
else:  # pragma: no cover - Scrapy < 2.14
    DNS_RESOLVER = "crawler.hosting.resolver.PinnedResolver"
REFERRER_POLICY = "no-referrer"  # a verifier has no referrer to tell
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"

# Scrapy's own robots middleware is replaced by ours, which also evaluates
# Googlebot's rules (for "indexable") whether or not we obey them: robots.txt
# is always read (ROBOTSTXT_OBEY), obeyed as LINKVERIFIER_OBEY_ROBOTS says.
ROBOTSTXT_OBEY = True
ROBOTSTXT_USER_AGENT = "linkverifier"  # our token in robots.txt groups
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    # Scrapy's, keeping the cookies of the last 1,000 cookie domains only (crawler.middlewares.cookies).
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.middlewares.cookies.BoundedCookiesMiddleware": 700,
    "crawler.middlewares.robots_txt.RobotsMiddleware": 100,
    # Past RetryMiddleware (550): it hears a connection timeout before the retry is sent, and fails the
    # retry at once (crawler.middlewares.unreachable).
    "crawler.middlewares.unreachable.UnreachableHostsMiddleware": 560,
    # Sees responses before RetryMiddleware (550), which would ask again at once for a 503 with Retry-After:
    # a 429 or such a 503 is waited for as the site asks (crawler.middlewares.rate_limits).
    "crawler.middlewares.rate_limits.RateLimitMiddleware": 555,
    # Scrapy's, which also keeps a redirect to mailto: or javascript: as its 3xx answer (it raised), and
    # follows the HTTP Refresh header as browsers do (crawler.middlewares.redirects).
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.middlewares.redirects.RedirectsMiddleware": 600,
    # Scrapy's, staying on the page when a <base href> or the refresh's address cannot be parsed.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.redirects.MetaRefreshesMiddleware": 580,
}
# Spiders that yield results as items (discover) hand them to the run
# (crawler.run.lifecycle); verify answers the run directly.
ITEM_PIPELINES = {
    "crawler.pipelines.run.RunPipeline": 300,
}
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"

# --- linkverifier ---
LINKVERIFIER_OBEY_ROBOTS = True  # --ignore-robots turns it off
LINKVERIFIER_INPUT = None  # path of the backlink list ("-" for stdin)
LINKVERIFIER_TARGET = None  # --target, when the list has no target column
LINKVERIFIER_DB = "linkverifier.db"  # SQLite history
LINKVERIFIER_IP_DB = []  # --ip-db: MaxMind-format files for ASN and hosting country (crawler.hosting.ipdb)
LINKVERIFIER_RESOLVE = []  # --resolve HOST:ADDRESS: addresses pinned for the hosting fields
LINKVERIFIER_OUT = None  # results file; None writes JSON Lines to stdout
LINKVERIFIER_WORKERS = None  # analysis processes; None = one per core, 0 = in-process
LINKVERIFIER_PROGRESS = False  # a progress bar on stderr
LINKVERIFIER_COMMAND = "verify"  # recorded with the run in the database
LINKVERIFIER_FINGERPRINT = None  # identifies the input, for --resume
LINKVERIFIER_RESUME_RUN = None  # --resume: the unfinished run to continue
LINKVERIFIER_RUN_OPTIONS = {}  # kept with the run in the database (recheck: its selection, for --resume)
LINKVERIFIER_RENDER = False  # --render: pages missing the link are opened again in headless Chromium
LINKVERIFIER_VERBOSE = 0  # -v count: fetch failures logged with tracebacks from 1 on
LINKVERIFIER_ANALYSIS_TIMEOUT = 120  # seconds one page's analysis may take before it is an error and its worker replaced
LINKVERIFIER_STALL_SECONDS = 0  # no progress for this long answers the rows waited on (0: 4 x DOWNLOAD_TIMEOUT, >= 10 s)
LINKVERIFIER_VISIBILITY_TIMEOUT = 60  # worker: seconds a task stays leased before it returns to the queue
