"""Scrapy settings: politeness first. Override per run with ``-s NAME=VALUE``."""

from researchjobs import __version__
from researchjobs.faults import CONNECTIVITY_URLS

BOT_NAME = "researchjobs"
SPIDER_MODULES = ["researchjobs.spiders", "researchjobs.trials.spider"]
NEWSPIDER_MODULE = "researchjobs.spiders"

USER_AGENT = (
    f"researchjobs/{__version__} (+https://github.com/researchjobs/researchjobs;"
    " job-listing aggregator for clinical-research careers)"
)
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 2.0  # seconds; doubles per retry
RETRY_BACKOFF_MAX = 60.0  # cap, also for Retry-After
# Timeouts sized to the job: one request (connect + answer), one DNS lookup, one source
# (a slow board is cut off, recorded as incomplete, and closes nothing), one crawl.
DOWNLOAD_TIMEOUT = 20
DNS_TIMEOUT = 10
TWISTED_DNS_RESOLVER = "researchjobs.resolvers.PublicOnlyResolver"  # no board on a private address
RESEARCHJOBS_SOURCE_TIMEOUT = 900
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

CLOSESPIDER_TIMEOUT = 1800
MEMUSAGE_LIMIT_MB = 1024
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
COOKIES_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES = {
    "researchjobs.middlewares.SourceTimeLimitMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "researchjobs.middlewares.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "researchjobs.middlewares.SafeMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "researchjobs.middlewares.SafeRedirectMiddleware": 600,
    "researchjobs.middlewares.NetworkWatchMiddleware": 880,
    "researchjobs.middlewares.ReplayMiddleware": 950,
}
SPIDER_MIDDLEWARES = {
    "researchjobs.checks.CheckRecorder": 990,  # only with RESEARCHJOBS_CHECK
}
ITEM_PIPELINES = {
    "researchjobs.pipelines.StorePipeline": 500,
}

# researchjobs
RESEARCHJOBS_DB = None  # default: the data directory's researchjobs.db
RESEARCHJOBS_REGISTRY = None  # default: the data directory's sources.toml, else the packaged one
RESEARCHJOBS_BATCH_SIZE = 200
RUN_ID = None  # set by the parent process to find this run in crawl_runs
REPLAY_URL = None  # e.g. http://127.0.0.1:8765: send every request to the replay server
# Asked only when a failure could be our own network's (see researchjobs/faults.py); each
# must answer 204 with an empty body. Empty: judge from the boards' answers alone.
RESEARCHJOBS_CONNECTIVITY_URLS = list(CONNECTIVITY_URLS)
RESEARCHJOBS_CONNECTIVITY_TIMEOUT = 5.0
RESEARCHJOBS_SUSPICIOUS_MIN_OPEN = 5  # a drop is judged only for boards with this many open postings
RESEARCHJOBS_CHECK = False  # `sources check`: each source's first request only, nothing stored
RESEARCHJOBS_CHECK_OUT = None  # where the check writes its results (JSON lines)
CLINICALTRIALS_MAX_PAGES = 60  # pages of studies per area; more make the area's crawl partial
CLINICALTRIALS_PAGE_SIZE = 100

# A broken family module must not stop every other family's crawl: warn and go on.
SPIDER_LOADER_WARN_ONLY = True
