"""Official document numbers (文号): ``<issuer code>〔year〕serial号`` (GB/T 9704-2012 §7.2.5).

The year bracket may be written 〔〕 [] ［］ 【】 () （）. The bracket-year-serial core is found
by a regex; the issuer code is then read backwards from the bracket over the run of CJK characters,
stopping at the function words and verbs that precede a 文号 in running text (以/按照/印发/的 …),
so ``印发了郧政办发〔2019〕29号`` gives the code 郧政办发. ICP filings (蜀ICP备17027093号-1),
公网安备 numbers, addresses (方营路555号), phones and 第X号 have no year bracket and never match.

Reports list several numbers of one issuer by writing its code once: ``郧政办发〔2024〕4号、5号``
or ``郧政办发〔2023〕9号、〔2024〕4号``. Such a continuation right after a full 文号 shares its
issuer code (a bare serial also its year) and is a 文号 of its own, mentioned where it is written.

Orders such as ``国务院令第711号`` are not 文号: GB/T 9704-2012 gives a 命令(令) its own 令号
(§10.2), a serial without issuer code or year, apart from the 发文字号 of §7.2.5; the order is
cited as the regulation it promulgates.

Example:
    >>> [d.canonical for d in extract_doc_numbers("印发了《通知》(郧政办发[2019]29号)")]
    ['郧政办发〔2019〕29号']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.model import DocNumberRef, Mention
from ingest.normalize import (
    DOC_NUMBER_TAIL,
    DOC_NUMBER_YEARS,
    MAX_ISSUER_CODE_CHARS,
    format_doc_number,
)

_YEAR_OPENINGS = "〔[［【(（"  # the brackets DOC_NUMBER_TAIL starts with
_INSIDE_CORE = "〕]］】)）第"  # besides digits and spaces, what DOC_NUMBER_TAIL holds after them
_SERIAL_END = "号"  # what DOC_NUMBER_TAIL ends with
_CJK_RUN_END = re.compile(r"[\u4e00-\u9fff]{1,24}$")
# Words that end the text before a 文号 but never occur in an issuer code: prepositions,
# particles, conjunctions, issuing verbs and document nouns. The code starts after the last one.
_BEFORE_CODE = re.compile(
    r"(?:按照|根据|依据|依照|参照|对照|遵照|印发|下发|转发|发布|出台|制定|制发|颁布|文件|文号|关于|"
    r"落实|贯彻|执行|承接|"
    r"通知|意见|决定|办法|方案|规定|以及|详见|即|了|的|以|和|及|与|为|是|将|在|见|等|号|按|据|凭|"
    r"办公室|办公厅|人民政府|委员会|国务院|中共中央)"
)
# Another number of the issuer right after a full one: 、5号, 、〔2024〕5号 (not 5号楼, 5号令).
_CONTINUATION = re.compile(
    r"[、和及与]\s*(?P<number>(?:[〔\[［【(（]\s*(?P<year>\d{4})\s*[〕\]］】)）]\s*)?"
    r"(?:第\s*)?(?P<serial>\d{1,6})\s*号)(?![楼线院室栋门库令])"
)


@dataclass(slots=True, unsafe_hash=True)  # not frozen, made per 文号: see model._PickledAsFrozen
class _Row:
    """One written 文号: its parts, where it is, and whether it names its issuer."""

    code: str
    year: int
    serial: int
    mention: Mention
    full: bool = True

    @property
    def canonical(self) -> str:
        return format_doc_number(self.code, self.year, self.serial)


def extract_doc_numbers(text: str) -> tuple[DocNumberRef, ...]:
    """Every 文号 in ``text``, one per distinct canonical form, with all its mentions.

    Example:
        >>> text = "(办字〔2020〕14号);按办字(2020)14号执行。蜀ICP备17027093号-1"
        >>> refs = extract_doc_numbers(text)
        >>> [(d.issuer_code, d.year, d.serial, len(d.mentions)) for d in refs]
        [('办字', 2020, 14, 2)]
    """
    found: dict[str, list[_Row]] = {}
    for match in _tails(text):
        full = _parse(text, match)
        if full is None:
            continue
        for row in (full, *_continuations(text, full)):
            found.setdefault(row.canonical, []).append(row)
    return tuple(_reference(text, rows) for rows in found.values())


def _tails(text: str) -> list[re.Match[str]]:
    """The bracket-year-serial cores, as ``DOC_NUMBER_TAIL.finditer`` finds them.

    A core ends with the first 号 after its bracket (the digits, spaces and brackets between
    are no 号), so it is looked for back from each 号: ``str.find`` reaches the few 号 of a
    report without looking at the rest, where brackets are ten times as many (most open an
    aside) and a regex led by their class runs it on every character.
    """
    tails: list[re.Match[str]] = []
    position = text.find(_SERIAL_END)
    while position >= 0:
        bracket = _year_opening_before(text, position)
        if bracket >= 0 and (match := DOC_NUMBER_TAIL.match(text, bracket)) is not None:
            tails.append(match)
        position = text.find(_SERIAL_END, position + 1)
    return tails


def _year_opening_before(text: str, end: int) -> int:
    """Where the opening bracket a core ending with ``text[end]`` would start at, else -1:
    read back over what a core holds between its bracket and its 号 (digits, spaces, the
    closing bracket, 第)."""
    position = end - 1
    while position >= 0:
        char = text[position]
        if char in _YEAR_OPENINGS:
            return position
        if not (char.isdecimal() or char.isspace() or char in _INSIDE_CORE):
            return -1
        position -= 1
    return -1


def issuer_code_before(text: str, bracket: int) -> str:
    """The issuer code ending right before ``text[bracket]``; empty when there is none.

    Example:
        >>> issuer_code_before("按照国务院印发国发〔2015〕", 9)
        '国发'
    """
    run = _CJK_RUN_END.search(text, max(0, bracket - 24), bracket)
    if run is None:
        return ""
    code = run.group()
    stops = list(_BEFORE_CODE.finditer(code))
    if stops:
        code = code[stops[-1].end() :]
    return code[-MAX_ISSUER_CODE_CHARS:]


def _parse(text: str, match: re.Match[str]) -> _Row | None:
    """A full 文号, or None if the bracketed year and serial have no issuer code before them."""
    year = int(match["year"])
    code = issuer_code_before(text, match.start())
    if not code or year not in DOC_NUMBER_YEARS:
        return None
    return _Row(code, year, int(match["serial"]), Mention(match.start() - len(code), match.end()))


def _continuations(text: str, full: _Row) -> list[_Row]:
    """The numbers listed right after ``full`` without their issuer code (、5号、〔2024〕6号)."""
    rows: list[_Row] = []
    year, position = full.year, full.mention.end
    while (match := _CONTINUATION.match(text, position)) is not None:
        year = int(match["year"]) if match["year"] else year
        if year not in DOC_NUMBER_YEARS:
            break
        mention = Mention(*match.span("number"))
        rows.append(_Row(full.code, year, int(match["serial"]), mention, full=False))
        position = match.end()
    return rows


def _reference(text: str, rows: list[_Row]) -> DocNumberRef:
    """One 文号 with every mention; its text is the first spelling that names the issuer.

    A continuation alone (5号) is no spelling of the number: its canonical form stands in.
    """
    first = rows[0]
    spellings = [text[r.mention.start : r.mention.end] for r in rows if r.full]
    return DocNumberRef(
        text=spellings[0] if spellings else first.canonical,
        canonical=first.canonical,
        issuer_code=first.code,
        year=first.year,
        serial=first.serial,
        mentions=tuple(row.mention for row in rows),
    )
