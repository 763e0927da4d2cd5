"""``fazhi fetch`` then ``fazhi ingest`` against a local site on 127.0.0.1 (nothing else).

The site: a listing page with three report links (HTML in UTF-8, HTML in GBK without any
charset, a page wrapping a PDF attachment) and unrelated links, and a second listing page
(下一页) with a 301 redirect to a report, a duplicate of the UTF-8 report at a
second URL, a report that answers 500 once and then 200, one that times out, a 404, a ".pdf"
that is an HTML page, a report under a path robots.txt forbids, and a long report page with a
table attached (the page is the report, the table is not fetched). A third listing page
(下一页 again: turning pages is no level of --depth) has a DOCX report. A report page whose
<title> is the site's name is a second start URL. Every page has an ETag and
answers ``If-None-Match`` with 304. A dead host (a closed port) is one more start URL.

The crawl runs twice (``fazhi fetch`` as a subprocess: Scrapy's reactor starts once per
process), with ingest after the first; the tests read what the server saw, the archive and
the graph.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest
from pytest_httpserver import HTTPServer
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate
from werkzeug import Request, Response

from fetch.archive import iter_records, open_archive
from graph.memory import MemoryStore
from graph.model import Label

FAZHI = str(Path(sys.executable).parent / "fazhi")
Handler = Callable[[Request], Response]


def report_text(name: str) -> str:
    return (
        f"{name}2023年法治政府建设年度报告\n"
        f"2023年，{name}深入学习贯彻习近平法治思想，认真落实《法治政府建设实施纲要(2021—2025年)》，"
        "依法全面履行政府职能。\n"
        "一、全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度。\n"
        f"{name}人民政府\n2024年3月28日\n"
    )


def report_page(name: str, charset: str | None = "utf-8") -> bytes:
    meta = f'<meta charset="{charset}">' if charset else ""
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in report_text(name).splitlines())
    page = f"<html><head>{meta}<title>{name}2023年法治政府建设年度报告</title></head>"
    return (page + f"<body>{paragraphs}</body></html>").encode(charset or "gbk")


def listing(links: dict[str, str]) -> bytes:
    anchors = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links.items())
    head = '<html><head><meta charset="utf-8"><title>通知公告</title></head>'
    return f"{head}<body><ul>{anchors}</ul></body></html>".encode()


def long_report_with_a_table(name: str) -> bytes:
    """A report as a page of its own, long as reports are, with a statistics table attached."""
    page = report_page(name).decode()
    body = "".join(f"<p>{html.escape(report_text(name))}</p>" for _ in range(8))
    table = '<p>附件：<a href="/files/table.pdf">行政执法统计表</a></p>'
    return page.replace("</body>", body + table + "</body>").encode()


def pdf_report(name: str) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, title=f"{name}2023年法治政府建设年度报告")
    document.build([Paragraph(html.escape(line), style) for line in report_text(name).splitlines()])
    return out.getvalue()


def docx_report(name: str) -> bytes:
    document = docx.Document()
    for line in report_text(name).splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def static(body: bytes, content_type: str = "text/html; charset=utf-8") -> Handler:
    """A page with an ETag that answers a matching If-None-Match with 304."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

    def handle(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, status=200, headers={"ETag": etag, "Content-Type": content_type})

    return handle


def fails_once(then: Handler) -> Handler:
    calls: list[int] = []

    def handle(request: Request) -> Response:
        calls.append(1)
        return Response("busy", status=500) if len(calls) == 1 else then(request)

    return handle


def never_answers(released: threading.Event) -> Handler:
    def handle(request: Request) -> Response:
        released.wait(60)  # the crawl gives up first (FAZHI_FETCH_TIMEOUT_S=1)
        return Response("too late", status=200)

    return handle


UTF8_REPORT = report_page("郧阳区")
EXPECTED = {  # URL path → region of the report found there
    "/reports/utf8.html": "420304",
    "/reports/gbk.html": "420325",
    "/files/zhushan-2023.pdf": "420323",
    "/reports/zhuxi-2023.docx": "420324",
    "/reports/moved.html": "420322",
    "/reports/flaky.html": "420381",
    "/reports/shiyan.html": "420300",
    "/direct/hubei.html": "420000",
}


def site(released: threading.Event) -> dict[str, Handler]:
    return {
        "/robots.txt": static(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
        "/list/index.html": static(
            listing(
                {
                    "/reports/utf8.html": "郧阳区2023年法治政府建设年度报告",
                    "/reports/gbk.html": "房县2023年法治政府建设年度报告",
                    "/reports/notice.html": "竹山县2023年法治政府建设年度报告",
                    "/news/tree.html": "关于开展春季植树活动的通知",
                    "/about.html": "网站地图",
                    "http://127.0.0.2:9/r.html": "外站2023年法治政府建设年度报告",
                    "/list/index_2.html": "下一页",
                }
            )
        ),
        "/list/index_2.html": static(
            listing(
                {
                    "/reports/old.html": "郧西县2023年法治政府建设年度报告",
                    "/reports/copy.html": "郧阳区2023年法治政府建设年度报告(转载)",
                    "/reports/flaky.html": "丹江口市2023年法治政府建设年度报告",
                    "/reports/slow.html": "茅箭区2023年法治政府建设年度报告",
                    "/reports/missing.html": "张湾区2023年法治政府建设年度报告",
                    "/files/fake.pdf": "某区2023年法治政府建设年度报告",
                    "/private/secret.html": "某县2023年法治政府建设年度报告",
                    "/reports/shiyan.html": "十堰市2023年法治政府建设年度报告",
                    "/list/index_3.html": "下一页",
                }
            )
        ),
        "/list/index_3.html": static(
            listing({"/reports/zhuxi-2023.docx": "竹溪县2023年法治政府建设年度报告"})
        ),
        "/reports/utf8.html": static(UTF8_REPORT),
        "/reports/copy.html": static(UTF8_REPORT),
        "/reports/gbk.html": static(report_page("房县", charset=None), "text/html"),
        "/reports/notice.html": static(
            '<html><head><meta charset="utf-8"><title>竹山县2023年法治政府建设年度报告</title>'
            '</head><body><a href="/files/zhushan-2023.pdf">附件</a></body></html>'.encode()
        ),
        "/files/zhushan-2023.pdf": static(pdf_report("竹山县"), "application/pdf"),
        "/reports/zhuxi-2023.docx": static(docx_report("竹溪县"), "application/octet-stream"),
        "/reports/old.html": lambda _: Response(
            status=301, headers={"Location": "/reports/moved.html"}
        ),
        "/reports/moved.html": static(report_page("郧西县")),
        "/reports/flaky.html": fails_once(static(report_page("丹江口市"))),
        "/reports/slow.html": never_answers(released),
        "/files/fake.pdf": static(b"<html><body>login</body></html>", "application/pdf"),
        "/private/secret.html": static(report_page("茅箭区")),
        "/news/tree.html": static(b"<html><body>tree</body></html>"),
        "/reports/shiyan.html": static(long_report_with_a_table("十堰市")),
        "/direct/hubei.html": static(
            report_page("湖北省").replace(
                "<title>湖北省2023年法治政府建设年度报告</title>".encode(),
                "<title>湖北省人民政府门户网站</title>".encode(),
            )
        ),
        "/files/table.pdf": static(pdf_report("十堰市"), "application/pdf"),
    }


@dataclass
class Run:
    """One ``fazhi fetch``: what the server saw (path, status, conditional?) and the output."""

    seen: list[tuple[str, int, bool]]
    stdout: str
    stderr: str
    returncode: int


@dataclass
class Crawled:
    base: str
    dead: str
    archive: Path
    data_dir: Path
    first: Run
    second: Run
    ingested: str
    ingested_again: str


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(tmp: Path) -> dict[str, str]:
    proxies = {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"}
    env = {k: v for k, v in os.environ.items() if k not in proxies and not k.startswith("FAZHI_")}
    return env | {
        "NO_PROXY": "*",
        "FAZHI_FETCH_DELAY_S": "0",
        "FAZHI_FETCH_TIMEOUT_S": "1",
        "FAZHI_FETCH_RETRIES": "1",
        "FAZHI_FETCH_BACKOFF_S": "0",
        "FAZHI_FETCH_USER_AGENT": "fazhi-graph-tests (+http://127.0.0.1/)",
        "FAZHI_DATA_DIR": str(tmp / "fazhi"),
    }


def fazhi(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FAZHI, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def fetch(server: HTTPServer, args: list[str], archive: Path, env: dict[str, str]) -> Run:
    server.clear_log()
    done = fazhi("fetch", *args, "--archive", str(archive), env=env)
    seen = [
        (req.path, resp.status_code, "If-None-Match" in req.headers) for req, resp in server.log
    ]
    return Run(seen, done.stdout, done.stderr, done.returncode)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("fetch")
    released = threading.Event()
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.no_handler_status_code = 404
    for path, handler in site(released).items():
        server.expect_request(path).respond_with_handler(handler)
    server.start()
    try:
        env = environment(tmp)
        base, dead = server.url_for("").rstrip("/"), f"http://127.0.0.1:{closed_port()}/r.html"
        start_list = tmp / "start.txt"  # a province's list of start URLs, in small
        starts = [server.url_for("/list/index.html"), server.url_for("/direct/hubei.html")]
        start_list.write_text("# 湖北\n" + "\n".join(starts) + "\n", encoding="utf-8")
        urls, archive = ["--from-file", str(start_list), dead], tmp / "archive"
        store = ["--store", "memory", "--data-dir", str(tmp / "fazhi")]
        first = fetch(server, urls, archive, env)
        ingested = fazhi("ingest", str(archive), *store, env=env).stdout
        second = fetch(server, urls, archive, env)
        again = fazhi("ingest", str(archive), *store, env=env).stdout
        yield Crawled(base, dead, archive, tmp / "fazhi", first, second, ingested, again)
    finally:
        released.set()
        server.clear()
        server.stop()


def reports_in_graph(data_dir: Path) -> dict[str, dict[str, Any]]:
    with MemoryStore(data_dir=data_dir) as store:
        return {
            attrs["url"]: attrs
            for _, attrs in store.graph.nodes(data=True)
            if attrs.get("label") == Label.REPORT
        }


def test_fetch_then_ingest_puts_exactly_the_reports_in_the_graph(crawled: Crawled) -> None:
    reports = reports_in_graph(crawled.data_dir)
    expected = {crawled.base + path: code for path, code in EXPECTED.items()}
    assert {url: r.get("region_code") for url, r in reports.items()} == expected
    assert "房县2023年法治政府建设年度报告" in reports[crawled.base + "/reports/gbk.html"]["title"]


def test_reports_carry_their_fetch_time_and_archive_record(crawled: Crawled) -> None:
    report = reports_in_graph(crawled.data_dir)[crawled.base + "/reports/utf8.html"]
    warc, offset = report["archive_record"].split("#")
    with (crawled.archive / warc).open("rb") as stream:
        stream.seek(int(offset))
        record = next(iter_records_from(stream))
    assert record.rec_headers.get_header("WARC-Target-URI") == report["url"]
    assert record.rec_headers.get_header("WARC-Date") == report["fetched_at"]


def iter_records_from(stream: Any) -> Iterator[Any]:
    from warcio.archiveiterator import ArchiveIterator

    yield from ArchiveIterator(stream)


def test_every_response_is_archived_with_status_time_and_digest(crawled: Crawled) -> None:
    archive = open_archive(crawled.archive)
    try:
        records = archive.records()
    finally:
        archive.close()
    fetched = {(crawled.base + path, status) for path, status, _ in crawled.first.seen}
    assert {(r.url, r.status) for r in records} == fetched
    assert all(r.fetched_at.endswith("Z") and len(r.sha256) == 64 for r in records)


def test_a_duplicate_is_kept_once_as_a_revisit_of_the_first_url(crawled: Crawled) -> None:
    revisits = [
        record.rec_headers
        for warc in sorted((crawled.archive / "warc").iterdir())
        for record in iter_records(warc)
        if record.rec_type == "revisit"
    ]
    assert [
        (h.get_header("WARC-Target-URI"), h.get_header("WARC-Refers-To-Target-URI"))
        for h in revisits
    ] == [(crawled.base + "/reports/copy.html", crawled.base + "/reports/utf8.html")]


def test_robots_txt_forbidden_path_is_never_fetched(crawled: Crawled) -> None:
    paths = [path for run in (crawled.first, crawled.second) for path, _, _ in run.seen]
    assert not [path for path in paths if path.startswith("/private/")]
    assert f"forbidden by robots.txt: {crawled.base}/private/secret.html" in crawled.first.stderr


def test_unrelated_links_are_not_followed(crawled: Crawled) -> None:
    paths = {path for path, _, _ in crawled.first.seen}
    assert not {"/news/tree.html", "/about.html", "/files/table.pdf"} & paths
    assert "127.0.0.2" not in crawled.first.stderr + crawled.first.stdout


def test_a_500_is_retried_until_it_succeeds(crawled: Crawled) -> None:
    statuses = [status for path, status, _ in crawled.first.seen if path == "/reports/flaky.html"]
    assert statuses == [500, 200]


def test_errors_are_summarised_with_url_and_reason_and_the_crawl_goes_on(crawled: Crawled) -> None:
    base = crawled.base
    assert crawled.first.returncode == 0, crawled.first.stderr
    for line in (
        f"error: {base}/reports/slow.html: timed out",
        f"error: {base}/reports/missing.html: HTTP 404",
        f"error: {base}/files/fake.pdf: .pdf file is not a PDF: its content is html",
        f"error: {crawled.dead}: dead host: connection refused",
    ):
        assert line in crawled.first.stderr.splitlines()


def test_a_second_fetch_asks_only_conditionally_and_changes_nothing(crawled: Crawled) -> None:
    failed_before = {"/reports/slow.html", "/reports/missing.html"}
    asked = [(path, conditional) for path, _, conditional in crawled.second.seen]
    assert asked
    assert all(conditional for path, conditional in asked if path not in failed_before), asked
    assert "fetched: 0 new or changed" in crawled.second.stdout
    assert "reports: 0 new, 8 unchanged, 0 replaced, 1 failed" in crawled.ingested_again
    assert "reports: 8 new, 0 unchanged, 0 replaced, 1 failed" in crawled.ingested


def test_an_archived_permanent_redirect_is_followed_without_asking(crawled: Crawled) -> None:
    assert "/reports/old.html" in {path for path, _, _ in crawled.first.seen}
    assert "/reports/old.html" not in {path for path, _, _ in crawled.second.seen}


def test_the_summary_counts_reports_and_names_the_archive(crawled: Crawled) -> None:
    assert "9 reports" in crawled.first.stdout  # copy.html is one of them, archived once
    assert f"archive: {crawled.archive}" in crawled.first.stdout


async def test_graphql_shows_where_a_report_was_fetched(crawled: Crawled) -> None:
    from api.app import create_app
    from config.settings import get_settings

    query = "{ reports(first: 50) { edges { node { url fetchedAt archiveRecord } } } }"
    with MemoryStore(data_dir=crawled.data_dir) as store:
        app = create_app(get_settings(api_graphiql=False), store=store)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answer = (await client.post("/graphql", json={"query": query})).json()
    nodes = [edge["node"] for edge in answer["data"]["reports"]["edges"]]
    by_url = {node["url"]: node for node in nodes}
    expected = reports_in_graph(crawled.data_dir)[crawled.base + "/reports/gbk.html"]
    node = by_url[crawled.base + "/reports/gbk.html"]
    assert (node["fetchedAt"], node["archiveRecord"]) == (
        expected["fetched_at"],
        expected["archive_record"],
    )


def test_fetch_fails_only_when_nothing_at_all_could_be_fetched(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{closed_port()}/r.html"
    done = fazhi("fetch", dead, "--archive", str(tmp_path / "a"), env=environment(tmp_path))
    assert done.returncode == 1
    assert f"error: {dead}: dead host: connection refused" in done.stderr.splitlines()


def test_fetch_warns_when_no_user_agent_names_the_crawler(tmp_path: Path) -> None:
    env = environment(tmp_path)
    del env["FAZHI_FETCH_USER_AGENT"]
    dead = f"http://127.0.0.1:{closed_port()}/r.html"
    done = fazhi("fetch", dead, "--archive", str(tmp_path / "a"), env=env)
    assert "warning: FAZHI_FETCH_USER_AGENT is not set" in done.stderr
