"""Read a report file (.txt, .html/.htm, .pdf, .docx) into faithful, normalised plain text.

Readers only decode and pull text out of the container; dropping site boilerplate is the job
of :mod:`ingest.clean`. Every failure is an :class:`~ingest.errors.IngestError` naming the file.

Example:
    >>> import tempfile
    >>> from config import get_settings
    >>> path = Path(tempfile.mkdtemp()) / "r.txt"
    >>> _ = path.write_bytes("法治政府建设年度报告\\r\\n".encode("gb18030"))
    >>> doc = read_document(path, settings=get_settings())
    >>> (doc.text, doc.encoding)
    ('法治政府建设年度报告\\n', 'gb18030')
"""

from __future__ import annotations

import codecs
import io
import json
import logging
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import charset_normalizer

if TYPE_CHECKING:
    import lxml.html
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from config.settings import Settings

from ingest.clean import clean_text
from ingest.errors import (
    EmptyDocumentError,
    FileNotReadableError,
    FileTooLargeError,
    IngestError,
    UndecodableError,
    UnsupportedFormatError,
)
from ingest.files import mb, read_limited, unreadable_folder_reason
from ingest.model import PageMeta
from ingest.names import source_name

log = logging.getLogger(__name__)

DocFormat = Literal["txt", "html", "pdf", "docx"]
FORMATS: dict[str, DocFormat] = {
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}


@dataclass(frozen=True, slots=True)
class RawDocument:
    """The text of one file as its reader found it (newlines ``\\n``, control characters gone).

    ``page`` holds what the container says about the document: the HTML title and page-header
    date/来源, the PDF or DOCX title. ``warnings`` lists what was repaired on the way in.
    """

    source: str
    text: str
    fmt: DocFormat
    byte_size: int
    page: PageMeta = field(default_factory=PageMeta)
    encoding: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Extracted:
    text: str
    page: PageMeta = field(default_factory=PageMeta)
    encoding: str | None = None
    warnings: tuple[str, ...] = ()


def read_document(path: Path, *, settings: Settings) -> RawDocument:
    """Read ``path`` with the reader for its extension.

    Raises :class:`IngestError` (naming the file) for a missing path, a directory, a FIFO,
    device or socket (or a link to one), an unknown extension, a file over
    ``settings.max_file_bytes`` (never read further), empty or undecodable content. The
    document's ``source`` is the file name as :func:`~ingest.names.source_name` spells it.

    Example:
        >>> from config import get_settings
        >>> read_document(Path("missing.txt"), settings=get_settings())
        Traceback (most recent call last):
        ...
        ingest.errors.FileNotReadableError: missing.txt: no such file
    """
    fmt = _format_of(path)
    data = read_limited(path, settings.max_file_bytes)
    return read_data(data, source=source_name(path), fmt=fmt, settings=settings)


def read_data(data: bytes, *, source: str, fmt: DocFormat, settings: Settings) -> RawDocument:
    """Read a document held in memory (an archived response): ``source`` names it in errors.

    Example:
        >>> from config import get_settings
        >>> page = "<p>法治</p>".encode()
        >>> url = "http://a.gov.cn/r.html"
        >>> doc = read_data(page, source=url, fmt="html", settings=get_settings())
        >>> doc.text, doc.source
        ('法治', 'http://a.gov.cn/r.html')
    """
    if len(data) > settings.max_file_bytes:
        limit = mb(settings.max_file_bytes)
        raise FileTooLargeError(
            source,
            f"{mb(len(data))} MB, larger than the limit of {limit} MB (FAZHI_MAX_FILE_BYTES)",
        )
    if not data.strip():
        raise EmptyDocumentError(source, "empty file")
    extracted = _read_quietly(source, fmt, data, settings)
    text = normalise_text(extracted.text)
    if not text.strip():
        raise EmptyDocumentError(
            source, "empty file" if fmt == "txt" else f"no text in this {fmt} file"
        )
    for warning in extracted.warnings:
        log.warning("%s: %s", source, warning)
    return RawDocument(
        source=source,
        text=text,
        fmt=fmt,
        byte_size=len(data),
        page=extracted.page,
        encoding=extracted.encoding,
        warnings=extracted.warnings,
    )


# Loggers of the libraries the readers call. They log what they repaired or could not read
# (pypdf: "EOF marker not found"); that is for the reader to judge, not for the user's terminal.
_LIBRARY_LOGGERS = ("pypdf", "trafilatura", "htmldate", "courlan", "charset_normalizer", "docx")
_NOTE_CHARS = 120


def _read_quietly(path: str, fmt: DocFormat, data: bytes, settings: Settings) -> _Extracted:
    """Run the reader for ``fmt`` with the libraries' log records and warnings held back.

    A file the reader refuses gets the libraries' first message in its one error line; what
    they say about a file that was read after all is only logged at debug level.
    """
    messages: list[str] = []
    try:
        with _held_library_messages(messages):
            extracted = _READERS[fmt](path, data, settings)
    except IngestError as error:
        raise _with_note(error, messages) from error
    for message in messages:
        log.debug("%s: %s", path, message)
    return extracted


@contextmanager
def _held_library_messages(messages: list[str]) -> Iterator[None]:
    """Collect into ``messages`` what the libraries log (warning and up) or warn meanwhile.

    Python's warning filters are process-wide: readers are not meant to run in threads.
    """
    handler = _Collector(messages)
    loggers = [logging.getLogger(name) for name in _LIBRARY_LOGGERS]
    propagates = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            yield
    finally:
        for logger, propagate in zip(loggers, propagates, strict=True):
            logger.removeHandler(handler)
            logger.propagate = propagate
        messages.extend(str(warning.message) for warning in caught)


class _Collector(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _with_note(error: IngestError, messages: list[str]) -> IngestError:
    """``error`` with the libraries' first message added to its reason (one line, short).

    Example:
        >>> error = UndecodableError("a.pdf", "not a readable PDF: Stream has ended unexpectedly")
        >>> str(_with_note(error, ["EOF marker not found"]))
        'a.pdf: not a readable PDF: Stream has ended unexpectedly (EOF marker not found)'
    """
    note = next((m.strip().splitlines()[0] for m in messages if m.strip()), "")
    if not note or note in error.reason:
        return error
    if len(note) > _NOTE_CHARS:
        note = note[: _NOTE_CHARS - 1] + "…"
    return type(error)(error.path, f"{error.reason} ({note})")


# --- checks before reading ---------------------------------------------------------------------


def _format_of(path: Path) -> DocFormat:
    if not path.exists():
        raise FileNotReadableError(path, "no such file")
    if path.is_dir():
        raise FileNotReadableError(
            path, unreadable_folder_reason(path) or "is a directory, not a file"
        )
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        shown = suffix or "(none)"
        raise UnsupportedFormatError(
            path, f"unsupported extension {shown} (supported: {' '.join(FORMATS)})"
        )
    return FORMATS[suffix]


# --- text normalisation ------------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # a broken PDF text map; no store takes one


def normalise_text(text: str) -> str:
    """Newlines to ``\\n``, control and zero-width characters removed, NBSP to space, NFC;
    a lone surrogate becomes U+FFFD.

    Full-width punctuation is kept as written (NFC, never NFKC).

    Example:
        >>> normalise_text("甲\\r\\n乙\\x00（丙）\\u00a0丁\\ufeff")
        '甲\\n乙（丙） 丁'
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL.sub("", text.translate(_INVISIBLE)).replace("\u00a0", " ")
    text = _LONE_SURROGATE.sub("\ufffd", text)
    return unicodedata.normalize("NFC", text)


# --- decoding ----------------------------------------------------------------------------------

# GBK and GB2312 are subsets of GB18030, so GB18030 stands for all three. Big5 and BOM-less
# UTF-16 are the other encodings Chinese documents actually come in.
_CANDIDATES = ["gb18030", "big5", "utf_16_le", "utf_16_be"]
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SHORT_INPUT = 64  # bytes: below this, statistical detection is a coin toss
_MAX_BAD_SHARE = 0.01  # more suspicious characters than this: binary, not text
_SUSPICIOUS_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs"})
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "hz-gb-2312"})


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, the codec used and what had to be repaired."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def decode_bytes(data: bytes, path: str | Path) -> Decoded:
    """Decode a Chinese text file: BOM, then strict UTF-8, then detection, then repair.

    Detection runs charset-normalizer restricted to the encodings Chinese documents use, since an
    unrestricted detector takes short GBK text for Korean (cp949). Input with a few bad byte
    sequences is decoded with U+FFFD replacements and a warning; binary input is refused.

    Example:
        >>> decode_bytes("依法行政".encode("gbk"), "x.txt").encoding
        'gb18030'
    """
    encoding = _bom_encoding(data)
    if encoding is None:
        try:
            return _checked(Decoded(data.decode("utf-8"), "utf-8"), path)
        except UnicodeDecodeError:
            encoding = _detect(data)
    if encoding is None:
        return _salvage(data, path)
    return _checked(_decode_replacing(data, encoding), path)


def _bom_encoding(data: bytes) -> str | None:
    return next((name for bom, name in _BOMS if data.startswith(bom)), None)


def _detect(data: bytes) -> str | None:
    best = charset_normalizer.from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        return None
    if best.encoding != "gb18030" and len(data) < _SHORT_INPUT and _decodes(data, "gb18030"):
        return "gb18030"  # mainland documents: on a tiny sample, prefer the national standard
    return str(best.encoding)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _decode_replacing(data: bytes, encoding: str) -> Decoded:
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")
    name = codecs.lookup(encoding).name
    if bad == 0:
        return Decoded(text, name)
    warning = f"{bad} undecodable byte sequence(s) replaced by U+FFFD (decoded as {name})"
    return Decoded(text, name, (warning,))


def _salvage(data: bytes, path: str | Path) -> Decoded:
    attempts = [_decode_replacing(data, name) for name in ("utf-8", "gb18030")]
    best = min(attempts, key=lambda decoded: decoded.text.count("\ufffd"))
    return _checked(best, path)


def _checked(decoded: Decoded, path: str | Path) -> Decoded:
    text = decoded.text
    if not text:
        return decoded
    suspicious = sum(1 for ch in text if ch == "\ufffd" or _is_suspicious(ch))
    if suspicious / len(text) > _MAX_BAD_SHARE:
        raise UndecodableError(path, "binary or undecodable content")
    return decoded


def _is_suspicious(ch: str) -> bool:
    return ch not in "\t\n\r\x0c" and unicodedata.category(ch) in _SUSPICIOUS_CATEGORIES


# --- plain text --------------------------------------------------------------------------------


def _read_txt(path: str, data: bytes, settings: Settings) -> _Extracted:
    decoded = decode_bytes(data, path)
    return _Extracted(decoded.text, encoding=decoded.encoding, warnings=decoded.warnings)


# --- HTML --------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_BLOCK_TAGS = ("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table")
_LAYOUT_CELL_TEXT = 200  # a table cell this long holds prose, not data
# trafilatura options: recall over precision (losing report text is worse than keeping a
# footer line, which ingest.clean drops), tables kept (reports carry data tables), no comments.
_TRAFILATURA_OPTIONS: dict[str, Any] = {
    "output_format": "json",
    "with_metadata": True,
    "favor_recall": True,
    "include_comments": False,
    "include_tables": True,
    "include_links": False,
    "include_images": False,
    "deduplicate": False,
}


def _read_html(path: str, data: bytes, settings: Settings) -> _Extracted:
    import lxml.html
    import trafilatura

    decoded = _decode_html(data, path)
    markup = _XML_DECLARATION.sub("", decoded.text)
    try:
        tree = lxml.html.document_fromstring(markup)
        depth = tree_depth(tree)
        if depth >= _DEEP_TREE:
            return _read_deep_html(markup, tree, depth, decoded)
        fallback = _body_text(lxml.html.document_fromstring(markup))
        tree = _unwrap_layout_tables(tree)
    except (ValueError, lxml.etree.ParserError) as err:
        raise UndecodableError(path, f"not parseable as HTML: {err}") from err
    result = trafilatura.extract(tree, **_TRAFILATURA_OPTIONS)
    meta: dict[str, Any] = json.loads(result) if result else {}
    text = str(meta.get("text") or "") or fallback
    page = _html_page_meta(meta, fallback, tree)
    return _Extracted(text, page, decoded.encoding, decoded.warnings)


# libxml2 drops what is nested deeper than 256 elements (2048 with huge_tree), and
# trafilatura's time grows with the square of the depth (1.3 s at 1,000 levels): from this
# depth on, a page's text is read by a tokenizer that keeps no tree (and has no limit).
_DEEP_TREE = 200
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "title"})


def tree_depth(root: lxml.html.HtmlElement) -> int:
    """How many elements deep ``root`` nests (``<html>`` alone is 1).

    Example:
        >>> import lxml.html
        >>> tree_depth(lxml.html.document_fromstring("<div><div><p>a</p></div></div>"))
        5
    """
    import lxml.etree

    depth = deepest = 0
    for event, _ in lxml.etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _read_deep_html(
    markup: str, tree: lxml.html.HtmlElement, depth: int, decoded: Decoded
) -> _Extracted:
    """All the visible text of a page nested too deep for a tree, one line per block."""
    text = flat_html_text(markup)
    depth_shown = f"{depth}+" if depth >= _LIBXML_MAX_DEPTH else str(depth)
    warning = f"HTML nested {depth_shown} elements deep: all its text read, no main-text detection"
    header = clean_text(text).page
    page = PageMeta(date=header.date, source=header.source, title=_title_tag(tree))
    return _Extracted(text, page, decoded.encoding, (*decoded.warnings, warning))


_LIBXML_MAX_DEPTH = 256
_BLANK_LINES = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*)+")


def flat_html_text(markup: str) -> str:
    """The visible text of ``markup`` without building a tree (any depth): one line per block
    element, script, style and title left out.

    Example:
        >>> flat_html_text("<div><div><p>甲</p><script>x()</script><p>乙</p></div></div>").split()
        ['甲', '乙']
    """
    import html.parser

    parts: list[str] = []
    skipping = [0]

    class Collector(html.parser.HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self._count(tag, 1)

        def handle_endtag(self, tag: str) -> None:
            self._count(tag, -1)

        def handle_data(self, data: str) -> None:
            if not skipping[0]:
                parts.append(data)

        def _count(self, tag: str, step: int) -> None:
            if tag in _SKIPPED_TAGS:
                skipping[0] = max(0, skipping[0] + step)
            elif tag in _BLOCK_TAGS:
                parts.append("\n")

    collector = Collector(convert_charrefs=True)
    collector.feed(markup)
    collector.close()
    return _BLANK_LINES.sub("\n", "".join(parts))


def _decode_html(data: bytes, path: str | Path) -> Decoded:
    declared = _declared_charset(data)
    if declared is not None and _bom_encoding(data) is None:
        try:
            return Decoded(data.decode(declared), codecs.lookup(declared).name)
        except UnicodeDecodeError:
            decoded = decode_bytes(data, path)
            warning = f"declared charset {declared} does not fit; decoded as {decoded.encoding}"
            return Decoded(decoded.text, decoded.encoding, (*decoded.warnings, warning))
    return decode_bytes(data, path)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    name = match.group(1).decode("ascii").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _unwrap_layout_tables(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Turn tables used for page layout into divs, so their paragraphs stay paragraphs.

    trafilatura renders a table as one line per row; a report laid out in one table cell would
    lose every paragraph break. Data tables (short cells, no blocks inside) are left alone.
    """
    for table in list(root.iter("table")):
        if _is_layout_table(table):
            for element in table.xpath(".|.//tbody|.//thead|.//tfoot|.//tr|.//td|.//th"):
                element.tag = "div"
    return root


def _is_layout_table(table: lxml.html.HtmlElement) -> bool:
    cells = table.xpath(".//td|.//th")
    return any(
        cell.xpath(".//p|.//div|.//table|.//br|.//h1|.//h2|.//h3|.//ul|.//ol")
        or len(cell.text_content()) > _LAYOUT_CELL_TEXT
        for cell in cells
    )


def _body_text(root: lxml.html.HtmlElement) -> str:
    """All visible text of the page, one line per block element (the fallback extractor)."""
    for element in root.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    body = root.find("body")
    return str((body if body is not None else root).text_content())


def _html_page_meta(meta: dict[str, Any], page_text: str, tree: lxml.html.HtmlElement) -> PageMeta:
    header = clean_text(page_text).page
    title = meta.get("title") or _title_tag(tree)
    return PageMeta(
        date=header.date or meta.get("date"),
        source=header.source,
        title=str(title).strip() if title else None,
    )


def _title_tag(tree: lxml.html.HtmlElement) -> str | None:
    titles = tree.xpath("//title/text()")
    return str(titles[0]).strip() or None if titles else None


# --- PDF ---------------------------------------------------------------------------------------

_PARAGRAPH_START = re.compile(
    r"^\s+\S|^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))"
)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—－]\s*\d{1,4}\s*[-—－]|第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d+\s*页)?)\s*$"
)
# After a full stop, 一是/二是… and 第一，… open the next item of an enumeration.
_ENUMERATION_START = re.compile(r"^(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、])")
_TERMINATORS = "。！？；：!?;:"
_FULL_LINE_SHARE = 0.85  # a line this close to the text width was wrapped, not ended


def _read_pdf(path: str, data: bytes, settings: Settings) -> _Extracted:
    import pypdf
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UndecodableError(path, "encrypted PDF (a password is needed)")
        _check_page_count(path, len(reader.pages), settings.max_pdf_pages)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except (PyPdfError, ValueError, KeyError, TypeError) as err:
        raise UndecodableError(path, f"not a readable PDF: {err}") from err
    if not "".join(pages).strip():
        raise EmptyDocumentError(path, "no text layer (scanned PDF?)")
    text = "\n".join(reflow_pdf_lines([line for page in pages for line in page.split("\n")]))
    return _Extracted(text, PageMeta(title=str(title).strip() or None if title else None))


def _check_page_count(path: str, pages: int, limit: int) -> None:
    if pages > limit:
        raise FileTooLargeError(
            path, f"{pages} pages, more than the limit of {limit} (FAZHI_MAX_PDF_PAGES)"
        )


def reflow_pdf_lines(lines: list[str]) -> list[str]:
    """Join the visual lines of a PDF back into paragraphs.

    A line that reaches (almost) the full text width was wrapped; a shorter one ends its
    paragraph, as does a line that starts indented or with a heading number.

    Example:
        >>> reflow_pdf_lines(["一、总体情况", "全年办理复议案件", "12件。", "二、问题"])[:1]
        ['一、总体情况']
    """
    lines = [line.rstrip() for line in lines if not _PAGE_NUMBER.match(line)]
    full = _FULL_LINE_SHARE * _typical_width(lines)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if current and (not line.strip() or _starts_paragraph(current, line)):
            paragraphs.append(current)
            current = ""
        current = _join_wrapped(current, line.strip())
        if current and _display_width(line) < full:
            paragraphs.append(current)
            current = ""
    return [*paragraphs, current] if current else paragraphs


def _starts_paragraph(current: str, line: str) -> bool:
    if _PARAGRAPH_START.match(line):
        return True
    return current[-1] in _TERMINATORS and _ENUMERATION_START.match(line) is not None


def _typical_width(lines: list[str]) -> int:
    widths = sorted(_display_width(line) for line in lines if line.strip())
    return widths[int(len(widths) * 0.9)] if widths else 0


def _display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line.strip())


def _join_wrapped(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii():
        return f"{left} {right}"
    return left + right


# --- DOCX --------------------------------------------------------------------------------------


def _read_docx(path: str, data: bytes, settings: Settings) -> _Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        check_inflated_size(path, data, settings.max_decompressed_bytes)
        document: DocxDocument = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as err:
        raise UndecodableError(path, f"not a readable .docx file: {err}") from err
    text = "\n".join(_docx_blocks(document.iter_inner_content()))
    title = document.core_properties.title
    return _Extracted(text, PageMeta(title=title.strip() or None if title else None))


def check_inflated_size(path: str, data: bytes, limit: int) -> None:
    """Refuse the zip ``data`` (a .docx) when its members inflate to more than ``limit`` bytes.

    The sizes the archive declares are checked first, then every member is inflated and its
    bytes counted (a zip can lie), at most ``limit + 1`` of them, so a bomb costs little.
    python-docx inflates the members whole; it gets only archives that passed.

    Example:
        >>> buffer = io.BytesIO()
        >>> with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ...     archive.writestr("word/document.xml", b"0" * 10_000)
        >>> check_inflated_size("bomb.docx", buffer.getvalue(), 1000)
        Traceback (most recent call last):
        ...
        ingest.errors.FileTooLargeError: bomb.docx: inflates to 0.0095 MB, more than the \
limit of 0.00095 MB (FAZHI_MAX_DECOMPRESSED_BYTES); a zip bomb?
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        _check_inflated(path, sum(member.file_size for member in members), limit)
        total = 0
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(min(2**20, limit + 1 - total)):
                    total += len(chunk)
                    _check_inflated(path, total, limit, counted=True)


def _check_inflated(path: str, size: int, limit: int, *, counted: bool = False) -> None:
    if size > limit:
        shown = "" if counted else f"{mb(size)} MB, "
        raise FileTooLargeError(
            path,
            f"inflates to {shown}more than the limit of {mb(limit)} MB "
            "(FAZHI_MAX_DECOMPRESSED_BYTES); a zip bomb?",
        )


def _docx_blocks(content: Iterable[Paragraph | Table]) -> Iterator[str]:
    from docx.text.paragraph import Paragraph

    for block in content:
        if isinstance(block, Paragraph):
            yield block.text
        else:
            yield from _docx_table_lines(block)


def _docx_table_lines(table: Table) -> Iterator[str]:
    """One line per row (cells joined by tabs); a one-cell row yields its paragraphs as lines."""
    for row in table.rows:
        cells = list({id(cell._tc): cell for cell in row.cells}.values())
        if len(cells) == 1:
            yield from _docx_blocks(cells[0].iter_inner_content())
        else:
            yield "\t".join(" ".join(cell.text.split()) for cell in cells)


_READERS: dict[DocFormat, Callable[[str, bytes, Settings], _Extracted]] = {
    "txt": _read_txt,
    "html": _read_html,
    "pdf": _read_pdf,
    "docx": _read_docx,
}

__all__ = [
    "FORMATS",
    "Decoded",
    "DocFormat",
    "IngestError",
    "RawDocument",
    "decode_bytes",
    "normalise_text",
    "read_document",
    "reflow_pdf_lines",
]
