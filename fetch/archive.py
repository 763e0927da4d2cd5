"""The crawl archive: every response as fetched, in WARC files, with an index of what each is.

An archive is a folder::

    ARCHIVE/warc/fazhi-20260401T080000Z-0001.warc.gz   one file per crawl run (ISO 28500, warcio)
    ARCHIVE/index.sqlite3                               one row per WARC record, and per URL
                                                        the role the crawl gave it

Each response record holds the URL (``WARC-Target-URI``), the fetch time (``WARC-Date``), the
HTTP status line and headers and the body exactly as they came, and its payload digest. A body
already archived under another URL (same SHA-256) is written once: the second URL gets a
``revisit`` record (profile *identical-payload-digest*) that refers to the first. The index
keeps, per record, the URL, status, time, SHA-256, ETag / Last-Modified and where the record
lies (file, offset), so a re-run asks the server conditionally (``If-None-Match`` /
``If-Modified-Since``) and an unchanged page (``304``) adds nothing. Roles: ``report`` (a
report page or document: ingested), ``page`` (listing, column or a page that only wraps an
attached report: kept, not ingested); ``problem`` says why a report cannot be read (an
attachment that is not what its extension says).

Example:
    >>> import tempfile
    >>> archive = Archive(Path(tempfile.mkdtemp()))
    >>> first = archive.store("http://a.gov.cn/r.html", 200, [("ETag", '"1"')], b"<p>x</p>")
    >>> again = archive.store("http://a.gov.cn/copy.html", 200, [], b"<p>x</p>")
    >>> (first.duplicate_of, again.duplicate_of)
    (None, 'http://a.gov.cn/r.html')
    >>> archive.set_role("http://a.gov.cn/r.html", "report")
    >>> [(r.url, r.body()) for r in archive.reports()]
    [('http://a.gov.cn/r.html', b'<p>x</p>')]
    >>> archive.close()
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

if TYPE_CHECKING:  # warcio takes ~90 ms to import: only a crawl or a read of records needs it
    from warcio.recordloader import ArcWarcRecord as ArchiveRecordType
    from warcio.warcwriter import WARCWriter

Role = Literal["report", "page"]
Headers = Sequence[tuple[str, str]]
INDEX_NAME = "index.sqlite3"
# Statuses whose record answers a later request for the URL: a page (revalidated with its
# ETag / Last-Modified) or a permanent redirect (followed again without asking).
REUSABLE_STATUSES = (200, 301, 308)
# Hop-by-hop framing: the body is stored de-chunked, so a reader must not de-chunk it again.
_DROPPED_HEADERS = frozenset({"transfer-encoding"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    status INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    content_type TEXT,
    etag TEXT,
    last_modified TEXT,
    warc TEXT NOT NULL,
    offset INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    duplicate_of TEXT
);
CREATE INDEX IF NOT EXISTS records_url ON records (url);
CREATE INDEX IF NOT EXISTS records_sha256 ON records (sha256);
CREATE TABLE IF NOT EXISTS roles (
    url TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    problem TEXT
);
"""


class ArchiveError(Exception):
    """A folder is not an archive, or a record cannot be read; the message names which."""


@dataclass(frozen=True, slots=True)
class Record:
    """One archived response (or revisit of an identical body) as the index knows it."""

    url: str
    status: int
    fetched_at: str  # ISO 8601, UTC (the record's WARC-Date)
    sha256: str
    content_type: str | None
    etag: str | None
    last_modified: str | None
    warc: Path
    offset: int
    record_id: str  # WARC-Record-ID, urn:uuid:…
    duplicate_of: str | None  # the URL whose record holds this body

    def body(self) -> bytes:
        """The body, decoded from its transfer and content encodings (gzip …).

        A revisit record has none of its own: read the record it refers to instead.
        """
        with _warc_record(self.warc, self.offset) as record:
            return bytes(record.content_stream().read())

    def raw(self) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, headers and body exactly as fetched (still content-encoded)."""
        with _warc_record(self.warc, self.offset) as record:
            http = record.http_headers
            if http is None:
                raise ArchiveError(f"{self.warc}@{self.offset}: record has no HTTP headers")
            return int(http.get_statuscode()), list(http.headers), bytes(record.raw_stream.read())

    @property
    def reference(self) -> str:
        """Where the record lies: ``<warc file name>#<offset>`` (with its record id, unique)."""
        return f"{self.warc.name}#{self.offset}"


@dataclass(frozen=True, slots=True)
class ArchivedReport:
    """A report the crawl archived: its URL, record (the body's record for a duplicate) and
    the reason it cannot be read, if any. Small and picklable: the body is read on demand."""

    url: str
    record: Record
    problem: str | None = None

    def body(self) -> bytes:
        """The report's bytes (decoded from gzip etc.)."""
        return self.record.body()

    def __str__(self) -> str:
        return self.url


class Archive:
    """An archive folder open for writing (a crawl) and reading (the crawl's cache, ingest)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        (folder / "warc").mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(folder / INDEX_NAME)
        self._db.executescript(_SCHEMA)
        self._warc_path: Path | None = None
        self._warc_file: IO[bytes] | None = None
        self._writer: WARCWriter | None = None

    def close(self) -> None:
        """Close the WARC file and the index."""
        if self._warc_file is not None:
            self._warc_file.close()
            self._warc_file = self._writer = None
        self._db.close()

    # --- writing ----------------------------------------------------------------------
    def store(self, url: str, status: int, headers: Headers, body: bytes) -> Record:
        """Archive one response; a body archived before under another URL becomes a revisit."""
        from warcio.statusandheaders import StatusAndHeaders

        digest = hashlib.sha256(body).hexdigest()
        original = self._original_of(digest, url) if body else None
        http = StatusAndHeaders(
            f"{status} {_reason(status)}",
            [(k, v) for k, v in headers if k.lower() not in _DROPPED_HEADERS],
            protocol="HTTP/1.1",
        )
        writer, path, offset = self._open_writer()
        if original is None:
            warc = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http
            )
        else:
            warc = writer.create_revisit_record(
                url,
                digest=warc_digest(body),
                refers_to_uri=original.url,
                refers_to_date=original.fetched_at,
                http_headers=http,
            )
        writer.write_record(warc)
        assert self._warc_file is not None
        self._warc_file.flush()
        record = Record(
            url=url,
            status=status,
            fetched_at=warc.rec_headers.get_header("WARC-Date"),
            sha256=digest,
            content_type=http.get_header("Content-Type"),
            etag=http.get_header("ETag"),
            last_modified=http.get_header("Last-Modified"),
            warc=path,
            offset=offset,
            record_id=warc.rec_headers.get_header("WARC-Record-ID"),
            duplicate_of=original.url if original else None,
        )
        self._insert(record)
        return record

    def set_role(self, url: str, role: Role, problem: str | None = None) -> None:
        """Say what the crawl found ``url`` to be (the latest word wins)."""
        self._db.execute(
            "INSERT INTO roles (url, role, problem) VALUES (?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET role = excluded.role, problem = excluded.problem",
            (url, role, problem),
        )
        self._db.commit()

    def _open_writer(self) -> tuple[WARCWriter, Path, int]:
        if self._writer is None:
            from warcio.warcwriter import WARCWriter

            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            number = len(list((self.folder / "warc").glob("*.warc.gz"))) + 1
            self._warc_path = self.folder / "warc" / f"fazhi-{stamp}-{number:04d}.warc.gz"
            self._warc_file = self._warc_path.open("ab")
            self._writer = WARCWriter(self._warc_file, gzip=True)
        assert self._warc_file is not None
        assert self._warc_path is not None
        return self._writer, self._warc_path, self._warc_file.tell()

    def _insert(self, record: Record) -> None:
        self._db.execute(
            "INSERT INTO records (url, status, fetched_at, sha256, content_type, etag, "
            "last_modified, warc, offset, record_id, duplicate_of) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.url,
                record.status,
                record.fetched_at,
                record.sha256,
                record.content_type,
                record.etag,
                record.last_modified,
                str(record.warc.relative_to(self.folder)),
                record.offset,
                record.record_id,
                record.duplicate_of,
            ),
        )
        self._db.commit()

    # --- reading ----------------------------------------------------------------------
    def latest(self, url: str, statuses: Sequence[int] = REUSABLE_STATUSES) -> Record | None:
        """The newest record of ``url`` with one of ``statuses``, or None."""
        marks = ",".join("?" * len(statuses))
        row = self._db.execute(
            f"SELECT * FROM records WHERE url = ? AND status IN ({marks}) ORDER BY id DESC LIMIT 1",
            (url, *statuses),
        ).fetchone()
        return None if row is None else self._record(row)

    def holds(self, url: str, status: int, body: bytes) -> bool:
        """Whether the newest record of ``url`` is this very response (a server that sends no
        validators, or an error page, answering the same again)."""
        row = self._db.execute(
            "SELECT status, sha256 FROM records WHERE url = ? ORDER BY id DESC LIMIT 1", (url,)
        ).fetchone()
        return row is not None and tuple(row) == (status, hashlib.sha256(body).hexdigest())

    def body_record(self, record: Record) -> Record:
        """The record that holds ``record``'s body (itself, or the original of a duplicate)."""
        if record.duplicate_of is None:
            return record
        row = self._db.execute(
            "SELECT * FROM records WHERE sha256 = ? AND duplicate_of IS NULL ORDER BY id LIMIT 1",
            (record.sha256,),
        ).fetchone()
        if row is None:
            raise ArchiveError(f"{record.url}: the body it duplicates is not in the archive")
        return self._record(row)

    def reports(self) -> list[ArchivedReport]:
        """Every URL the crawl found to be a report, with its newest 200 response, each body
        once (a duplicate of another report's body is left out), sorted by URL."""
        found: list[ArchivedReport] = []
        rows = self._db.execute("SELECT url, problem FROM roles WHERE role = 'report' ORDER BY url")
        for url, problem in rows.fetchall():
            record = self.latest(url, (200,))
            if record is not None and record.duplicate_of is None:
                found.append(ArchivedReport(url, record, problem))
        return found

    def records(self) -> list[Record]:
        """Every record, in the order written."""
        return [self._record(row) for row in self._db.execute("SELECT * FROM records ORDER BY id")]

    def _original_of(self, digest: str, url: str) -> Record | None:
        row = self._db.execute(
            "SELECT * FROM records WHERE sha256 = ? AND url != ? AND duplicate_of IS NULL "
            "AND status = 200 ORDER BY id LIMIT 1",
            (digest, url),
        ).fetchone()
        return None if row is None else self._record(row)

    def _record(self, row: tuple[object, ...]) -> Record:
        (_, url, status, fetched_at, sha256, ctype, etag, modified, warc, offset, rid, dup) = row
        return Record(
            url=str(url),
            status=int(str(status)),
            fetched_at=str(fetched_at),
            sha256=str(sha256),
            content_type=None if ctype is None else str(ctype),
            etag=None if etag is None else str(etag),
            last_modified=None if modified is None else str(modified),
            warc=self.folder / str(warc),
            offset=int(str(offset)),
            record_id=str(rid),
            duplicate_of=None if dup is None else str(dup),
        )


def is_archive(folder: Path) -> bool:
    """Whether ``folder`` is a crawl archive (it has an index).

    Example:
        >>> is_archive(Path("samples/reports"))
        False
    """
    return (folder / INDEX_NAME).is_file()


def open_archive(folder: Path) -> Archive:
    """An existing archive, or :class:`ArchiveError` naming the folder."""
    if not is_archive(folder):
        raise ArchiveError(f"{folder}: not a crawl archive (no {INDEX_NAME})")
    return Archive(folder)


def warc_digest(body: bytes) -> str:
    """The WARC payload digest of ``body`` (``sha1:`` base32, as warcio writes it).

    Example:
        >>> warc_digest(b"")
        'sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ'
    """
    import base64

    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


class _warc_record:  # noqa: N801 (a context manager used like a function)
    """The WARC record at ``offset`` of ``path``, open while the block runs."""

    def __init__(self, path: Path, offset: int) -> None:
        self.path, self.offset = path, offset
        self._file: IO[bytes] | None = None

    def __enter__(self) -> ArchiveRecordType:
        from warcio.archiveiterator import ArchiveIterator

        try:
            self._file = self.path.open("rb")
            self._file.seek(self.offset)
            return next(iter(ArchiveIterator(self._file)))
        except (OSError, StopIteration) as error:
            self.__exit__()
            raise ArchiveError(f"{self.path}@{self.offset}: no readable WARC record") from error

    def __exit__(self, *_: object) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def iter_records(path: Path) -> Iterator[ArchiveRecordType]:
    """Every record of a WARC file, in order (for inspection and tests)."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as stream:
        yield from ArchiveIterator(stream)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
