"""The Scrapy parts of a crawl: the spider, and the archive as Scrapy's HTTP cache.

The archive (:mod:`fetch.archive`) *is* the HTTP cache: :class:`ArchiveCacheStorage` stores
every response there and hands back the newest archived copy of a URL, and
:class:`RevalidatingPolicy` makes Scrapy's cache middleware ask the server with that copy's
``ETag`` / ``Last-Modified`` every time (a ``304`` then serves the archived body, so links are
still followed, and nothing is written). A permanent redirect is followed again without asking.

Example:
    >>> from fetch.links import reads_as_report
    >>> declared_charset(b"text/html", b"<meta charset=gbk>") is None
    False
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import scrapy
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Request, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError as TwistedConnectionRefused
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from fetch.archive import Archive
from fetch.links import (
    is_document,
    mismatch,
    reads_as_listing,
    reads_as_next_page,
    reads_as_report,
    same_host,
)

Kind = Literal["start", "listing", "report", "attachment"]
# A report page with less text than this outside its links only wraps its attachments (附件);
# reports run to thousands of characters, a wrapper's lines and page footer to a few hundred.
WRAPPER_MAX_CHARS = 1000
# Where a start page says what it is: its title, headings and the first lines of its own text
# (many sites put the post's title in a styled div, not in <title> or <h1>).
HEADING_CHARS = 300
# Pages of one listing followed at most (下一页 does not count as a level of --depth: the
# reports of past years lie many pages deep in a 通知公告 column).
MAX_PAGE_TURNS = 100
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)


@dataclass(slots=True)
class CrawlLog:
    """What a crawl did: new and unchanged responses, duplicates, what failed and why."""

    archived: int = 0
    unchanged: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (url, duplicate of)
    reports: set[str] = field(default_factory=set)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    forbidden: list[str] = field(default_factory=list)  # by robots.txt

    def lines(self) -> list[str]:
        """The end-of-crawl summary, one line each: errors first, then the counts.

        Example:
            >>> log = CrawlLog(archived=3, errors=[("http://a/x.html", "HTTP 404")])
            >>> log.lines()
            ['error: http://a/x.html: HTTP 404', 'fetched: 3 new or changed, 0 unchanged, \
0 duplicates; 0 reports; 1 errors; 0 forbidden by robots.txt']
        """
        found = [f"error: {url}: {reason}" for url, reason in self.errors]
        found += [f"duplicate: {url}: same content as {first}" for url, first in self.duplicates]
        found += [f"forbidden by robots.txt: {url}" for url in self.forbidden]
        found.append(
            f"fetched: {self.archived} new or changed, {self.unchanged} unchanged, "
            f"{len(self.duplicates)} duplicates; {len(self.reports)} reports; "
            f"{len(self.errors)} errors; {len(self.forbidden)} forbidden by robots.txt"
        )
        return found


class ReportSpider(scrapy.Spider):
    """From start URLs (reports, listing pages, site roots), reports and their attachments.

    ``urls``: where to start; ``depth``: link levels followed from each (the next page of a
    listing is no level); ``archive`` and ``crawl_log``: where the crawl writes what it finds.
    """

    name = "fazhi"

    def __init__(
        self,
        *,
        urls: Sequence[str],
        depth: int,
        archive: Archive,
        crawl_log: CrawlLog,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.urls = list(urls)
        self.depth = depth
        self.archive = archive
        self.crawl_log = crawl_log

    async def start(self) -> AsyncIterator[Any]:
        for url in self.urls:
            yield self._request(url, "start", hops=0)

    def _request(self, url: str, kind: Kind, *, hops: int, turns: int = 0) -> Request:
        meta = {"kind": kind, "hops": hops, "turns": turns}
        return Request(url, callback=self.parse, errback=self.failed, meta=meta)

    def parse(self, response: Response, **_: Any) -> Iterator[Request]:
        kind: Kind = response.meta.get("kind", "start")
        if kind == "attachment" or is_document(response.url):
            self._document(response)
        elif isinstance(response, TextResponse):
            yield from self._page(readable(response), kind)
        else:
            self._document(response)

    def _page(self, page: TextResponse, kind: Kind) -> Iterator[Request]:
        """A web page: a report itself, a report's wrapper around attachments, or a listing."""
        links = list(_links(page))
        text = own_text(page)
        heading = _title(page) + " " + text[:HEADING_CHARS]
        own_report = kind == "report" or (kind == "start" and reads_as_report(heading, ""))
        holds_text = len(text) >= WRAPPER_MAX_CHARS
        attachments = [
            url
            for url, anchor in links
            if is_document(url)
            and (reads_as_report(anchor, url) if not own_report else not holds_text)
        ]
        # A report page with little text of its own wraps its attachments: they are the report.
        is_report = own_report and (holds_text or not attachments)
        if is_report:
            self.crawl_log.reports.add(page.url)
        self.archive.set_role(page.url, "report" if is_report else "page")
        yield from self._follow(page, links, attachments)

    def _follow(
        self, page: TextResponse, links: list[tuple[str, str]], attachments: list[str]
    ) -> Iterator[Request]:
        hops, turns = int(page.meta.get("hops", 0)), int(page.meta.get("turns", 0))
        if hops < self.depth:
            yield from (self._request(url, "attachment", hops=hops + 1) for url in attachments)
        for url, anchor in links:
            if is_document(url) or not same_host(url, page.url):
                continue
            if reads_as_next_page(anchor) and turns < MAX_PAGE_TURNS:
                yield self._request(url, "listing", hops=hops, turns=turns + 1)
            elif hops >= self.depth:
                continue
            elif reads_as_report(anchor, url):
                yield self._request(url, "report", hops=hops + 1)
            elif reads_as_listing(anchor, url):
                yield self._request(url, "listing", hops=hops + 1)

    def _document(self, response: Response) -> None:
        problem = mismatch(response.url, response.body)
        self.archive.set_role(response.url, "report", problem)
        if problem is None:
            self.crawl_log.reports.add(response.url)
        else:
            self.crawl_log.errors.append((response.url, problem))

    def failed(self, failure: Failure) -> None:
        """Errback: the request's URL and why it failed go to the log; the crawl goes on."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if isinstance(failure.value, IgnoreRequest) and "robots" in str(failure.value).lower():
            self.crawl_log.forbidden.append(url)
            return
        self.crawl_log.errors.append((url, describe_failure(failure)))


def describe_failure(failure: Failure) -> str:
    """Why a request failed, in words (the URL is said by the caller).

    Example:
        >>> describe_failure(Failure(DNSLookupError("no.such.host")))
        'dead host: the name does not resolve'
    """
    error = failure.value
    if isinstance(error, HttpError):
        return f"HTTP {error.response.status}"
    if isinstance(error, DownloadTimeoutError | TimeoutError | TCPTimedOutError):
        return "timed out"
    if isinstance(error, DNSLookupError | CannotResolveHostError):
        return "dead host: the name does not resolve"
    if isinstance(error, DownloadConnectionRefusedError | TwistedConnectionRefused):
        return "dead host: connection refused"
    if isinstance(error, IgnoreRequest):
        return f"not fetched: {error}"
    return f"{type(error).__name__}: {error}"


def readable(response: TextResponse) -> TextResponse:
    """The response decoded as GB18030 when it declares no charset and is not UTF-8 (many
    government pages are GBK with no header or meta charset; Scrapy would guess cp1252)."""
    content_type = response.headers.get(b"Content-Type") or b""
    if declared_charset(content_type, response.body[:4096]) is not None:
        return response
    try:
        response.body.decode("utf-8")
    except UnicodeDecodeError:
        return response.replace(encoding="gb18030")
    return response


def declared_charset(content_type: bytes, head: bytes) -> str | None:
    """The charset a Content-Type header or the page's first bytes (meta) declare, or None.

    Example:
        >>> declared_charset(b"text/html; charset=UTF-8", b""), declared_charset(b"", b"<p>")
        ('UTF-8', None)
    """
    match = _CHARSET.search(content_type) or _CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _links(page: TextResponse) -> Iterator[tuple[str, str]]:
    """(absolute URL, anchor text) of every http(s) link on the page."""
    for anchor in page.css("a[href]"):
        href = anchor.attrib.get("href", "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = page.urljoin(href)
        if url.startswith(("http://", "https://")):
            text = " ".join(anchor.css("::text").getall()) + " " + anchor.attrib.get("title", "")
            yield url, " ".join(text.split())


def own_text(page: TextResponse) -> str:
    """The page's text outside links, scripts and styles, whitespace squeezed.

    Example:
        >>> page = TextResponse("http://a.gov.cn/r.html", body="<body><p>附件：</p>"
        ...     "<a href='x.pdf'>某县法治政府建设年度报告</a></body>".encode(), encoding="utf-8")
        >>> own_text(page)
        '附件：'
    """
    parts = page.xpath(
        "//body//text()[not(ancestor::a) and not(ancestor::script) and not(ancestor::style)]"
    ).getall()
    return " ".join(" ".join(parts).split())


def _title(page: TextResponse) -> str:
    return " ".join(page.css("title::text, h1::text").getall())


class RevalidatingPolicy(RFC2616Policy):
    """Keep every response; ask again, conditionally, for every archived page; follow an
    archived permanent redirect without asking."""

    def should_cache_response(self, response: Response, request: Request) -> bool:
        return response.status != 304

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        if cachedresponse.status in (301, 308):
            return True
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(
        self, cachedresponse: Response, response: Response, request: Request
    ) -> bool:
        return response.status == 304


class ArchiveCacheStorage:
    """Scrapy's HTTP cache storage, kept in the crawl's archive (the spider's ``archive``)."""

    def __init__(self, settings: BaseSettings) -> None:
        self.archive: Archive | None = None
        self.log: CrawlLog | None = None

    def open_spider(self, spider: scrapy.Spider) -> None:
        assert isinstance(spider, ReportSpider)
        self.archive, self.log = spider.archive, spider.crawl_log

    def close_spider(self, spider: scrapy.Spider) -> None:
        """The archive is the crawl's to close."""

    def retrieve_response(self, spider: scrapy.Spider, request: Request) -> Response | None:
        assert self.archive is not None
        record = self.archive.latest(request.url)
        if record is None:
            return None
        status, headers, body = record.raw()  # a duplicate's own status and validators …
        if record.duplicate_of is not None:  # … and the body of the record it revisits
            body = self.archive.body_record(record).raw()[2]
        header_map = {name.encode("latin-1"): value.encode("latin-1") for name, value in headers}
        cls = responsetypes.from_args(headers=header_map, url=request.url, body=body)
        return cls(url=request.url, status=status, headers=header_map, body=body)

    def store_response(self, spider: scrapy.Spider, request: Request, response: Response) -> None:
        assert self.archive is not None
        assert self.log is not None
        unconfirmed = "cached" not in response.flags  # else a 304 confirmed the archived copy
        if not unconfirmed or self.archive.holds(response.url, response.status, response.body):
            self.log.unchanged += 1
            return
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, values in response.headers.items()
            for value in values
        ]
        record = self.archive.store(response.url, response.status, headers, response.body)
        self.log.archived += 1
        if record.duplicate_of is not None:
            self.log.duplicates.append((record.url, record.duplicate_of))


def backoff_seconds(base_s: float, retry_times: int) -> float:
    """How long the ``retry_times``-th retry of a request waits: ``base_s``, then twice as long
    each time.

    Example:
        >>> [backoff_seconds(5.0, n) for n in (1, 2, 3)]
        [5.0, 10.0, 20.0]
    """
    return base_s * 2.0 ** max(0, retry_times - 1)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (timeouts, 5xx, 429), each after a pause that doubles
    (``FAZHI_FETCH_BACKOFF_S``): a server that struggles is given time to recover."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_s = settings.getfloat("FAZHI_RETRY_BACKOFF_S")

    async def process_response(  # type: ignore[override]  # Scrapy awaits coroutine methods
        self, request: Request, response: Response, spider: scrapy.Spider | None = None
    ) -> Request | Response:
        outcome = await self._after_pause(super().process_response(request, response))
        assert outcome is not None  # Scrapy's answer to a response is a request or a response
        return outcome

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: scrapy.Spider | None = None
    ) -> Request | Response | None:
        return await self._after_pause(super().process_exception(request, exception))

    async def _after_pause(self, outcome: Request | Response | None) -> Request | Response | None:
        if isinstance(outcome, Request):
            pause = backoff_seconds(self.backoff_s, int(outcome.meta.get("retry_times", 1)))
            if pause > 0:
                await asyncio.sleep(pause)
        return outcome
