"""Scrapy settings: politeness first. Override per run with ``-s NAME=VALUE``."""

from researchjobs import __version__

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
DOWNLOAD_TIMEOUT = 30
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
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "researchjobs.middlewares.BackoffRetryMiddleware": 550,
    "researchjobs.middlewares.ReplayMiddleware": 950,
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
CLINICALTRIALS_MAX_PAGES = 60  # pages of studies per area; more make the area's crawl partial
CLINICALTRIALS_PAGE_SIZE = 100

# A broken family module must not stop every other family's crawl: warn and go on.
SPIDER_LOADER_WARN_ONLY = True
