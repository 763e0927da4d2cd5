"""Reports out of a crawl archive (``fazhi fetch``): read like files, with their provenance.

A report's format is what its body is (its first bytes), not what its URL or Content-Type
claim; an archived report the crawl found unreadable (an attachment that is not what its
extension says) fails with that reason, naming its URL. Each body is read once: the archive
records a duplicate as a revisit of the first URL (:mod:`fetch.archive`).

Example:
    >>> document_format("http://a.gov.cn/r", "text/html; charset=gbk", b"<p>")
    'html'
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from config import Settings
from fetch.archive import ArchivedReport, open_archive
from fetch.links import sniff_format
from ingest.errors import IngestError, UnsupportedFormatError
from ingest.model import Extraction, Provenance
from ingest.readers import DocFormat, read_data

_BY_SNIFF: dict[str, DocFormat] = {"pdf": "pdf", "docx": "docx", "html": "html"}
_BY_CONTENT_TYPE: dict[str, DocFormat] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "txt",
    "application/pdf": "pdf",
}


def archived_reports(folder: Path) -> list[ArchivedReport]:
    """The reports of the archive at ``folder``, sorted by URL (raises ``ArchiveError``)."""
    archive = open_archive(folder)
    try:
        return archive.reports()
    finally:
        archive.close()


def document_format(url: str, content_type: str | None, body: bytes) -> DocFormat:
    """The reader for an archived body: by its first bytes, else by its Content-Type.

    Example:
        >>> document_format("http://a.gov.cn/r.doc", None, bytes.fromhex("d0cf11e0a1b11ae1"))
        Traceback (most recent call last):
        ...
        ingest.errors.UnsupportedFormatError: http://a.gov.cn/r.doc: a Word 97-2003 / WPS \
file: no reader for it yet (save it as .docx)
    """
    sniffed = sniff_format(body)
    if sniffed == "ole":
        raise UnsupportedFormatError(
            url, "a Word 97-2003 / WPS file: no reader for it yet (save it as .docx)"
        )
    if sniffed in _BY_SNIFF:
        return _BY_SNIFF[sniffed]
    media = (content_type or "").split(";")[0].strip().lower()
    if media in _BY_CONTENT_TYPE:
        return _BY_CONTENT_TYPE[media]
    raise UnsupportedFormatError(url, f"unsupported content ({media or 'no Content-Type'})")


def read_archived(report: ArchivedReport, *, settings: Settings) -> Extraction:
    """Read and extract one archived report; its Extraction carries URL, fetch time and record.

    Raises :class:`IngestError` naming the URL.
    """
    from ingest.pipeline import extract_text

    if report.problem is not None:
        raise IngestError(report.url, report.problem)
    body = report.body()
    fmt = document_format(report.url, report.record.content_type, body)
    document = read_data(body, source=report.url, fmt=fmt, settings=settings)
    extraction = extract_text(document.text, source=report.url, page=document.page)
    record = report.record
    provenance = Provenance(report.url, record.fetched_at, _relative(record.warc, report))
    return replace(extraction, provenance=provenance)


def _relative(warc: Path, report: ArchivedReport) -> str:
    """``warc/<file>#<offset>``: the record, relative to its archive folder."""
    return f"{warc.parent.name}/{warc.name}#{report.record.offset}"
