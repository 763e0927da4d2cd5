"""Running a crawl: Scrapy settings from :mod:`config.settings`, a progress line, a summary.

Scrapy's Twisted reactor starts once per process, so :func:`crawl` runs once per process: the
``fazhi fetch`` command is that process (tests run it as a subprocess).

Politeness is the default and robots.txt is always obeyed: one request at a time per host
(``FAZHI_FETCH_CONCURRENCY_PER_HOST``), ``FAZHI_FETCH_DELAY_S`` between two (auto-throttle
may lengthen it when a server slows down), retries of timeouts and 5xx / 429 answers after a
pause that doubles (``FAZHI_FETCH_BACKOFF_S``), and the
User-Agent of ``FAZHI_FETCH_USER_AGENT``. ``FAZHI_FETCH_SCRAPY_SETTINGS`` (JSON) adds or
overrides Scrapy settings, e.g. a shared scheduler (scrapy-redis) to spread a crawl over
machines.

Example:
    >>> from config import get_settings
    >>> s = scrapy_settings(get_settings(fetch_delay_s=5))
    >>> (s["ROBOTSTXT_OBEY"], s["DOWNLOAD_DELAY"], s["CONCURRENT_REQUESTS_PER_DOMAIN"])
    (True, 5.0, 1)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from config import Settings
from fetch.archive import Archive
from fetch.spider import CrawlLog, ReportSpider

ProgressCallback = Callable[[CrawlLog, str], None]  # told after each response: log, URL


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    """The Scrapy settings of a crawl."""
    return {
        "BOT_NAME": "fazhi",
        "USER_AGENT": settings.fetch_user_agent,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.fetch_concurrency_per_host,
        "DOWNLOAD_DELAY": float(settings.fetch_delay_s),
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": settings.fetch_autothrottle,
        "AUTOTHROTTLE_START_DELAY": float(settings.fetch_delay_s),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(settings.fetch_concurrency_per_host),
        "DOWNLOAD_TIMEOUT": float(settings.fetch_timeout_s),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": settings.fetch_retries,
        "FAZHI_RETRY_BACKOFF_S": float(settings.fetch_backoff_s),
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "fetch.spider.BackoffRetryMiddleware": 550,
        },
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "DEPTH_LIMIT": 0,  # the spider counts levels itself: a listing's next page is none
        "DOWNLOAD_MAXSIZE": settings.max_file_bytes,
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_POLICY": "fetch.spider.RevalidatingPolicy",
        "HTTPCACHE_STORAGE": "fetch.spider.ArchiveCacheStorage",
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": False,
        **settings.fetch_scrapy_settings,
    }


def crawl(
    urls: Sequence[str],
    archive_dir: Path,
    *,
    settings: Settings,
    depth: int | None = None,
    on_response: ProgressCallback | None = None,
) -> CrawlLog:
    """Crawl from ``urls`` into the archive at ``archive_dir`` (created or added to).

    Blocks until the crawl ends; once per process (Scrapy's reactor does not restart).
    """
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import Response

    log = CrawlLog()
    archive = Archive(archive_dir)
    process = CrawlerProcess(scrapy_settings(settings))
    crawler = process.create_crawler(ReportSpider)
    if on_response is not None:
        callback = on_response

        def told(response: Response, **_: Any) -> None:
            callback(log, response.url)

        crawler.signals.connect(told, signal=signals.response_received)
    try:
        levels = settings.fetch_depth if depth is None else depth
        process.crawl(crawler, urls=urls, depth=levels, archive=archive, crawl_log=log)
        process.start()
    finally:
        archive.close()
    return log


def urls_from_file(path: Path) -> list[str]:
    """The URLs of a list file: one a line; blank lines and ``#`` comments skipped.

    Example:
        >>> import tempfile
        >>> f = Path(tempfile.mkdtemp()) / "urls.txt"
        >>> _ = f.write_text("# 湖北\\nhttp://a.gov.cn/\\n\\n", encoding="utf-8")
        >>> urls_from_file(f)
        ['http://a.gov.cn/']
    """
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
