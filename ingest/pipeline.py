"""The extraction flow for one report: read → clean → extract → :class:`Extraction`.

``extract_text`` is pure (text in, Extraction out); ``extract_file`` adds the reading.

Example:
    >>> x = extract_text("2020年，锡林郭勒盟认真贯彻落实《法治政府建设实施纲要(2015—2020年)》。")
    >>> x.report.region, x.report.year, x.policies[0].canonical
    ('锡林郭勒盟', 2020, '法治政府建设实施纲要(2015-2020年)')
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from config import Settings, get_settings
from fetch.archive import INDEX_NAME as ARCHIVE_INDEX
from fetch.archive import ArchivedReport, is_archive
from ingest.archive import archived_reports, read_archived
from ingest.clean import clean_text, drop_pinyin_glosses
from ingest.errors import IngestError
from ingest.extract.dictionaries import DictionaryMatches, scan_dictionaries
from ingest.extract.doc_numbers import extract_doc_numbers
from ingest.extract.institutions import extract_institutions
from ingest.extract.issuers import author_institution, with_issuers
from ingest.extract.metrics import extract_metrics
from ingest.extract.policies import extract_policies
from ingest.extract.programs import extract_programs
from ingest.extract.regions import scan_regions
from ingest.extract.report import (
    attribution_warnings,
    extract_report_meta,
    read_head,
    year_of_head,
)
from ingest.files import walk_files
from ingest.gazetteer import Gazetteer, load_gazetteer
from ingest.limits import time_limit
from ingest.model import Extraction, PageMeta, RegionInfo, RegionRef, ReportMeta
from ingest.names import source_name
from ingest.readers import read_document
from ingest.script import as_written, page_in_simplified, read_in_simplified

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx")
ReportSource = Path | ArchivedReport  # a report file, or a report in a crawl archive


def extract_file(path: Path, *, settings: Settings | None = None) -> Extraction:
    """Read, clean and extract one report file; raises ``IngestError`` on bad input.

    Example:
        >>> x = extract_file(Path("samples/reports/001_61e82024cf361030.txt"))
        >>> x.report.region_code
        '511921'
    """
    document = read_document(path, settings=settings or get_settings())
    return extract_text(document.text, source=document.source, page=document.page)


def try_extract_source(source: ReportSource, *, settings: Settings) -> Extraction | str:
    """The extraction of a file or an archived report, or one line naming it and the problem.

    Example:
        >>> from config import get_settings
        >>> try_extract_source(Path("README.md"), settings=get_settings())
        'README.md: unsupported extension .md (supported: .txt .html .htm .pdf .docx)'
    """
    if isinstance(source, Path):
        return try_extract_file(source, settings=settings)
    read = partial(read_archived, source, settings=settings)
    return _or_one_line(source.url, read, settings.read_timeout_s)


def try_extract_file(path: Path, *, settings: Settings | None = None) -> Extraction | str:
    """The extraction, or one line naming the file and why it could not be extracted (in
    ``settings.read_timeout_s`` at most).

    Example:
        >>> try_extract_file(Path("README.md"))
        'README.md: unsupported extension .md (supported: .txt .html .htm .pdf .docx)'
    """
    settings = settings or get_settings()
    extract = partial(extract_file, path, settings=settings)
    return _or_one_line(source_name(path), extract, settings.read_timeout_s)


def _or_one_line(name: str, extract: Callable[[], Extraction], seconds: float) -> Extraction | str:
    """``extract()`` within ``seconds``, or one line naming ``name`` and what went wrong."""
    try:
        with time_limit(seconds, name):
            return extract()
    except IngestError as error:
        return str(error)
    except Exception as error:  # one broken file or record must not stop a batch
        return f"{name}: extraction failed ({type(error).__name__}: {error})"


def extract_text(text: str, *, source: str = "<text>", page: PageMeta | None = None) -> Extraction:
    """Extract everything from a report's raw text (boilerplate is cleaned here).

    Traditional characters are read in simplified ones; the text and the spellings stay as
    written (see :mod:`ingest.script`).
    """
    text = drop_pinyin_glosses(text)
    plain = read_in_simplified(text)
    cleaned = clean_text(plain)
    body = cleaned.body
    page = _merge_pages(page_in_simplified(page), cleaned.page)
    gazetteer = load_gazetteer()
    found = scan_dictionaries(body, gazetteer)  # the names of regions, bodies and programmes
    regions, report = _regions_and_report(body, page, gazetteer, found)
    doc_numbers = extract_doc_numbers(body)
    policies = extract_policies(body, regions=regions, report=report, doc_numbers=doc_numbers)
    institutions = extract_institutions(
        body, report=report, regions=regions, page=page, dictionary_matches=found
    )
    extraction = Extraction(
        source=source,
        report_id=content_id(body),
        text=body,
        report=replace(report, author_institution=author_institution(report.author, institutions)),
        policies=with_issuers(policies, institutions),
        doc_numbers=doc_numbers,
        regions=regions,
        institutions=institutions,
        programs=extract_programs(body, dictionary_matches=found),
        metrics=extract_metrics(body),
        region_info=region_infos(gazetteer, _resolved_codes(report, regions)),
        page=page,
        warnings=attribution_warnings(report),
    )
    return as_written(extraction, written=text, plain=plain)


def content_id(text: str) -> str:
    """A report's identity: the hash of the cleaned text it was extracted from.

    Example:
        >>> content_id("abc")
        'ba7816bf8f01cfea414140de5dae2223'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _regions_and_report(
    body: str, page: PageMeta, gazetteer: Gazetteer, found: DictionaryMatches
) -> tuple[tuple[RegionRef, ...], ReportMeta]:
    """Regions need the report's own region as context, and the report region needs regions.

    The year needs neither, so names are read as valid in that year from the start; a second
    pass with the report's region as context runs only when a shared name is left undecided.
    """
    head = read_head(body, page)
    year = year_of_head(head)
    # both passes read its matches
    scan = scan_regions(body, gazetteer=gazetteer, year=year, dictionary_matches=found)
    regions = scan.resolve()
    report = extract_report_meta(body, page=page, regions=regions, gazetteer=gazetteer, head=head)
    if report.region_code is None or all(region.code for region in regions):
        return regions, report
    context = (*(info.code for info in gazetteer.ancestors(report.region_code)), report.region_code)
    regions = scan.resolve(context)
    return regions, report


def _merge_pages(reader_page: PageMeta | None, cleaned_page: PageMeta) -> PageMeta:
    """Header fields found by cleaning win; the reader knows the document title."""
    if reader_page is None:
        return cleaned_page
    return replace(
        cleaned_page,
        date=cleaned_page.date or reader_page.date,
        source=cleaned_page.source or reader_page.source,
        title=cleaned_page.title or reader_page.title,
        publisher=cleaned_page.publisher or reader_page.publisher,
        doc_number=cleaned_page.doc_number or reader_page.doc_number,
    )


def _resolved_codes(report: ReportMeta, regions: Sequence[RegionRef]) -> list[str]:
    codes = [region.code for region in regions if region.code]
    return [report.region_code, *codes] if report.region_code else codes


def region_infos(gazetteer: Gazetteer, codes: Iterable[str]) -> tuple[RegionInfo, ...]:
    """Gazetteer entries for ``codes`` and all their ancestors, each once, sorted by code."""
    found: dict[str, RegionInfo] = {}
    for code in codes:
        for info in (*gazetteer.ancestors(code), gazetteer.get(code)):
            if info is not None:
                found[info.code] = info
    return tuple(found[code] for code in sorted(found))


def find_report_sources(paths: Iterable[Path]) -> list[ReportSource]:
    """Like :func:`find_report_files`, and a crawl archive (given, or in a folder walked) gives
    its reports (by URL).

    Example:
        >>> len(find_report_sources([Path("samples/reports")]))
        5
    """
    sources: list[ReportSource] = []
    for path in paths:
        if path.is_dir():
            archives = [path] if is_archive(path) else sorted(_archives_under(path))
            for archive in archives:
                sources.extend(archived_reports(archive))
        sources.extend(find_report_files([path]))
    return sources


def _archives_under(folder: Path) -> Iterator[Path]:
    return (index.parent for index in folder.rglob(ARCHIVE_INDEX) if is_archive(index.parent))


def find_report_files(paths: Iterable[Path]) -> list[Path]:
    """Files under ``paths`` (files given directly are kept whatever their suffix), sorted.

    A folder that cannot be listed is kept in the list too: reading it fails with one line
    saying so, so its missing files are never a silent gap in a batch.

    Example:
        >>> len(find_report_files([Path("samples/reports")]))
        5
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found, unreadable = walk_files(path)
            reports = (p for p in found if p.suffix.lower() in SUPPORTED_SUFFIXES)
            files.extend(sorted([*reports, *unreadable]))
        else:
            files.append(path)
    return files
