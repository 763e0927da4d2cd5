"""Traditional characters: extracted to simplified canonical forms, evidence kept as written."""

from __future__ import annotations

import pytest

from ingest.model import Extraction
from ingest.pipeline import extract_text
from ingest.script import load_script_marks, marks_from_opencc, read_in_simplified

# A county report as a site's 繁體 version serves it: title, page header, a 《》 title, a law
# by its full name, institutions written with and without their county, a signature. 乾縣 is
# a real county (陕西省咸阳市乾县) whose name a character table turns into 干县.
TRADITIONAL_REPORT = """\
乾縣人民政府關於2022年度法治政府建設情況的報告
發布時間：2023-03-20　來源：乾縣司法局

2022年，乾縣人民政府深入學習貫徹習近平法治思想，認真貫徹落實《中華人民共和國行政處罰法》\
和《法治政府建設實施綱要（2021—2025年）》，全面推進依法行政。
一、主要工作
縣司法局牽頭開展行政執法案卷評查，全年辦理行政復議案件12件。
乾縣人民政府
2023年3月20日"""

SIMPLIFIED_REPORT = """\
乾县人民政府关于2022年度法治政府建设情况的报告
2022年，乾县人民政府坚持依法行政，成效显著。县司法局于3月牵头开展行政执法案卷评查。"""


@pytest.fixture(scope="module")
def traditional() -> Extraction:
    return extract_text(TRADITIONAL_REPORT)


def test_report_title_region_and_year_are_read_in_simplified(traditional: Extraction) -> None:
    report = traditional.report
    assert report.title == "乾县人民政府关于2022年度法治政府建设情况的报告"
    assert (report.region, report.region_code, report.year) == ("乾县", "610424", 2022)
    assert traditional.page.date == "2023-03-20"  # the 發布時間 header was read and dropped
    assert "發布時間" not in traditional.text


def test_a_cited_title_is_canonical_in_simplified_and_written_as_written(
    traditional: Extraction,
) -> None:
    policy = next(p for p in traditional.policies if p.kind == "law")
    assert policy.canonical == "中华人民共和国行政处罚法"
    assert policy.title == "中華人民共和國行政處罰法"
    mention = policy.mentions[0]
    assert traditional.text[mention.start : mention.end] == "中華人民共和國行政處罰法"
    assert traditional.evidence(mention).text.startswith("2022年，乾縣人民政府深入學習貫徹")


def test_an_institution_is_canonical_in_simplified_with_its_written_name(
    traditional: Extraction,
) -> None:
    bureau = next(i for i in traditional.institutions if i.canonical == "乾县司法局")
    assert bureau.name == "縣司法局"
    assert traditional.evidence(bureau.mentions[0]).text == (
        "縣司法局牽頭開展行政執法案卷評查，全年辦理行政復議案件12件。"
    )


def test_the_text_is_the_page_as_written(traditional: Extraction) -> None:
    written_lines = set(TRADITIONAL_REPORT.split("\n"))
    assert all(not line or line in written_lines for line in traditional.text.split("\n"))
    regions = {r.canonical: r.name for r in traditional.regions}
    assert regions["乾县"] == "乾縣"


def test_a_simplified_text_is_read_unchanged() -> None:
    assert read_in_simplified(SIMPLIFIED_REPORT) is SIMPLIFIED_REPORT  # 乾, 于 stay
    extraction = extract_text(SIMPLIFIED_REPORT)
    assert extraction.text == SIMPLIFIED_REPORT
    assert extraction.report.region_code == "610424"


def test_only_the_traditional_line_of_a_simplified_report_is_converted() -> None:
    quoted = "《中華人民共和國行政處罰法》"
    text = f"{SIMPLIFIED_REPORT}\n{quoted}"
    assert read_in_simplified(text) == f"{SIMPLIFIED_REPORT}\n《中华人民共和国行政处罚法》"


def test_cached_marks_are_opencc_marks() -> None:
    assert load_script_marks() == marks_from_opencc()


def test_marks_beyond_the_bmp_are_found_and_other_rare_characters_leave_the_text_alone() -> None:
    beyond_bmp = sorted(c for c in load_script_marks().traditional if ord(c) > 0xFFFF)
    assert beyond_bmp, "OpenCC's t2s changes some ideographs of the CJK extensions"
    mark = beyond_bmp[0]
    assert read_in_simplified(f"法治{mark}") != f"法治{mark}"  # its only mark, past the BMP
    rare = next(
        chr(c) for c in range(0x20000, 0x2A6E0) if chr(c) not in load_script_marks().traditional
    )
    text = f"某县{rare}报告"
    assert read_in_simplified(text) is text


def test_a_mark_is_found_beside_nuls_and_lone_surrogates() -> None:
    from ingest.script import _has_traditional

    assert _has_traditional("\ud800法治政府建設\x00")
    assert _has_traditional("\x00國")
    assert not _has_traditional("\ud800国\x00")
    assert not _has_traditional("")
