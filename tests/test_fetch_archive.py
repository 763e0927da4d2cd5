"""The crawl archive on its own: WARC records, the index, duplicates, and what a re-run reuses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fetch.archive import Archive, ArchiveError, iter_records, open_archive
from ingest.pipeline import find_report_sources

PAGE = "<html><body>郧阳区2023年法治政府建设年度报告</body></html>".encode()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    opened = Archive(tmp_path / "archive")
    yield opened
    opened.close()


def test_a_body_at_a_second_url_is_a_revisit_with_its_own_headers(archive: Archive) -> None:
    archive.store("http://a.gov.cn/r.html", 200, [("ETag", '"a"')], PAGE)
    archive.store("http://a.gov.cn/copy.html", 200, [("ETag", '"b"')], PAGE)
    [warc] = (archive.folder / "warc").iterdir()
    kinds = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in iter_records(warc)]
    assert kinds == [
        ("response", "http://a.gov.cn/r.html"),
        ("revisit", "http://a.gov.cn/copy.html"),
    ]
    copy = archive.latest("http://a.gov.cn/copy.html")
    assert copy is not None
    status, headers, _ = copy.raw()
    assert (status, dict(headers)["ETag"], archive.body_record(copy).body()) == (200, '"b"', PAGE)


def test_an_error_page_is_kept_but_never_reused_as_the_page(archive: Archive) -> None:
    archive.store("http://a.gov.cn/r.html", 500, [], b"busy")
    assert archive.latest("http://a.gov.cn/r.html") is None
    assert archive.holds("http://a.gov.cn/r.html", 500, b"busy")
    assert not archive.holds("http://a.gov.cn/r.html", 200, PAGE)


def test_reports_are_the_urls_taken_for_reports_each_body_once(archive: Archive) -> None:
    archive.store("http://a.gov.cn/list.html", 200, [], b"<a>list</a>")
    archive.store("http://a.gov.cn/r.html", 200, [], PAGE)
    archive.store("http://a.gov.cn/copy.html", 200, [], PAGE)
    archive.set_role("http://a.gov.cn/list.html", "page")
    archive.set_role("http://a.gov.cn/r.html", "report")
    archive.set_role("http://a.gov.cn/copy.html", "report")
    assert [report.url for report in archive.reports()] == ["http://a.gov.cn/r.html"]


def test_a_folder_without_an_index_is_named_as_no_archive(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match=r"no-archive: not a crawl archive \(no index.sqlite3\)"):
        open_archive(tmp_path / "no-archive")


def test_ingest_finds_archives_in_the_folders_it_walks(tmp_path: Path) -> None:
    for province in ("hubei", "hunan"):
        archive = Archive(tmp_path / "corpus" / province)
        archive.store(f"http://{province}.gov.cn/r.html", 200, [], PAGE + province.encode())
        archive.set_role(f"http://{province}.gov.cn/r.html", "report")
        archive.close()
    (tmp_path / "corpus" / "notes.txt").write_text("法治政府建设年度报告", encoding="utf-8")
    found = [str(source) for source in find_report_sources([tmp_path / "corpus"])]
    assert found == [
        "http://hubei.gov.cn/r.html",
        "http://hunan.gov.cn/r.html",
        str(tmp_path / "corpus" / "notes.txt"),
    ]
