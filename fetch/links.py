"""Which links a crawl follows, and what a downloaded body really is. Pure: no network.

A link is followed when it stays on the page's host and its anchor text or URL reads as a
report (法治政府建设…报告/总结), as a document attached to a report page, or as a column or
listing page that may lead to one (法治政府建设, 通知公告, 下一页 …).

Example:
    >>> reads_as_listing("法治政府建设", "https://x.gov.cn/col/col123/index.html")
    True
    >>> sniff_format(b"%PDF-1.7 ...")
    'pdf'
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

# 法治政府建设 and 法治建设 since 2015, 依法行政 before; not 法治 alone (法治宣传教育工作总结 …).
_REPORT = re.compile(r"(法治政府建设|法治建设|依法行政)[^。；;]{0,30}(报告|总结)")
# Columns that list reports, and the next page of a listing; not 更多 / 政务公开, which lead
# everywhere on a government site.
_LISTING = re.compile(r"法治政府建设|依法行政|法治建设|通知公告|下一页|下页")
_NEXT_PAGE = re.compile(r"^\s*(下一页|下页)\s*[>»›]*\s*$")
DOCUMENT_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".wps"})
# What a body's first bytes say it is (an .doc and a .wps are both OLE compound files).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "docx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
)
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<meta|<!--|<div|<p\b)", re.I)
_EXPECTED_MAGIC = {".pdf": "pdf", ".docx": "docx", ".doc": "ole", ".wps": "ole"}


def reads_as_report(anchor: str, url: str) -> bool:
    """Whether a link's anchor text or its (decoded) URL reads as a rule-of-law report.

    Example:
        >>> reads_as_report("附件", "https://x.gov.cn/2023年法治政府建设情况报告.pdf")
        True
        >>> reads_as_report("关于开展春季植树活动的通知", "https://x.gov.cn/a.html")
        False
        >>> reads_as_report("2023年法治宣传教育工作总结", "https://x.gov.cn/b.html")
        False
    """
    return bool(_REPORT.search(anchor) or _REPORT.search(unquote(urlsplit(url).path)))


def reads_as_listing(anchor: str, url: str) -> bool:
    """Whether a link reads as a column or listing page that may lead to a report.

    Example:
        >>> reads_as_listing("下一页", "https://x.gov.cn/col/index_2.html")
        True
    """
    return bool(_LISTING.search(anchor)) and not is_document(url)


def reads_as_next_page(anchor: str) -> bool:
    """Whether a link turns to the next page of the same listing.

    Example:
        >>> reads_as_next_page("下一页 >"), reads_as_next_page("法治政府建设")
        (True, False)
    """
    return bool(_NEXT_PAGE.match(anchor))


def is_document(url: str) -> bool:
    """Whether the URL names a document file (PDF, DOC, DOCX, WPS) rather than a page.

    Example:
        >>> is_document("https://x.gov.cn/files/report.PDF?id=1"), is_document("https://x/a.html")
        (True, False)
    """
    return PurePosixPath(urlsplit(url).path).suffix.lower() in DOCUMENT_SUFFIXES


def same_host(url: str, other: str) -> bool:
    """Whether two URLs are on the same host (ports and schemes may differ).

    Example:
        >>> same_host("http://www.a.gov.cn/x", "https://www.a.gov.cn:8443/y")
        True
        >>> same_host("http://www.a.gov.cn/x", "http://b.gov.cn/y")
        False
    """
    return urlsplit(url).hostname == urlsplit(other).hostname


def sniff_format(body: bytes) -> str | None:
    """What the first bytes say the body is: ``pdf``, ``docx`` (a zip), ``ole`` (.doc/.wps),
    ``html``, or None when they say nothing.

    Example:
        >>> sniff_format(b"  <!DOCTYPE html><html>"), sniff_format(b"hello")
        ('html', None)
    """
    for magic, name in _MAGIC:
        if body.startswith(magic):
            return name
    return "html" if _HTML_START.match(body[:512]) else None


def mismatch(url: str, body: bytes) -> str | None:
    """Why a document is not what its extension says, or None when it is (or says nothing).

    Example:
        >>> mismatch("https://x.gov.cn/r.pdf", b"<html><body>login</body></html>")
        '.pdf file is not a PDF: its content is html'
        >>> mismatch("https://x.gov.cn/r.pdf", b"%PDF-1.4") is None
        True
    """
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    expected = _EXPECTED_MAGIC.get(suffix)
    found = sniff_format(body)
    if expected is None or found == expected:
        return None
    names = {"pdf": "a PDF", "docx": "a DOCX (zip) file", "ole": "a Word/WPS (OLE) file"}
    return f"{suffix} file is not {names[expected]}: its content is {found or 'unrecognised'}"
