"""Official document numbers (文号): ``<issuer code>〔year〕serial号`` (GB/T 9704-2012 §7.2.5).

The year bracket may be written 〔〕 [] ［］ 【】 () （）. The bracket-year-serial core is found
by a regex; the issuer code is then read backwards from the bracket over the run of CJK characters,
stopping at the function words and verbs that precede a 文号 in running text (以/按照/印发/的 …),
so ``印发了郧政办发〔2019〕29号`` gives the code 郧政办发. ICP filings (蜀ICP备17027093号-1),
公网安备 numbers, addresses (方营路555号), phones and 第X号 have no year bracket and never match.

Example:
    >>> [d.canonical for d in extract_doc_numbers("印发了《通知》(郧政办发[2019]29号)")]
    ['郧政办发〔2019〕29号']
"""

from __future__ import annotations

import re

from ingest.model import DocNumberRef, Mention
from ingest.normalize import (
    DOC_NUMBER_TAIL,
    DOC_NUMBER_YEARS,
    MAX_ISSUER_CODE_CHARS,
    format_doc_number,
)

_CJK_RUN_END = re.compile(r"[\u4e00-\u9fff]{1,24}$")
# Words that end the text before a 文号 but never occur in an issuer code: prepositions,
# particles, conjunctions, issuing verbs and document nouns. The code starts after the last one.
_BEFORE_CODE = re.compile(
    r"(?:按照|根据|依据|依照|参照|对照|遵照|印发|下发|转发|发布|出台|制定|制发|颁布|文件|文号|关于|"
    r"通知|意见|决定|办法|方案|规定|以及|详见|即|了|的|以|和|及|与|为|是|将|在|见|等|号|按|据|凭|"
    r"办公室|办公厅|人民政府|委员会|国务院|中共中央)"
)


def extract_doc_numbers(text: str) -> tuple[DocNumberRef, ...]:
    """Every 文号 in ``text``, one per distinct canonical form, with all its mentions.

    Example:
        >>> text = "(办字〔2020〕14号);按办字(2020)14号执行。蜀ICP备17027093号-1"
        >>> refs = extract_doc_numbers(text)
        >>> [(d.issuer_code, d.year, d.serial, len(d.mentions)) for d in refs]
        [('办字', 2020, 14, 2)]
    """
    found: dict[str, list[tuple[str, str, int, int, Mention]]] = {}
    for match in DOC_NUMBER_TAIL.finditer(text):
        parsed = _parse(text, match)
        if parsed is not None:
            found.setdefault(parsed[0], []).append(parsed[1:])
    return tuple(_reference(canonical, rows) for canonical, rows in found.items())


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


def _parse(text: str, match: re.Match[str]) -> tuple[str, str, str, int, int, Mention] | None:
    """(canonical, written text, issuer code, year, serial, mention), or None if not a 文号."""
    year = int(match["year"])
    code = issuer_code_before(text, match.start())
    if not code or year not in DOC_NUMBER_YEARS:
        return None
    start = match.start() - len(code)
    serial = int(match["serial"])
    canonical = format_doc_number(code, year, serial)
    return canonical, text[start : match.end()], code, year, serial, Mention(start, match.end())


def _reference(canonical: str, rows: list[tuple[str, str, int, int, Mention]]) -> DocNumberRef:
    written, code, year, serial, _ = rows[0]
    return DocNumberRef(
        text=written,
        canonical=canonical,
        issuer_code=code,
        year=year,
        serial=serial,
        mentions=tuple(row[4] for row in rows),
    )
