"""Hand-built Extractions for the store tests: four reports of one prefecture that overlap.

* ``report_a`` (郧阳区 2019): a law by short title; a regional plan by title only; its own plan
  (full title, then a short title that refers to it); a county notice with 文号 issued by the
  district government office; a plan nesting the provincial plan (IMPLEMENTS); institutions,
  programmes, the region hierarchy; the author is one of the institutions.
* ``report_b`` (房县 2019): the same law, the provincial plan by title + 文号, a shared
  programme; an author line that names no extracted institution.
* ``report_c`` (十堰市 2020): the provincial plan's 文号 alone, and a 文号 nobody titles.
* ``report_a_changed``: report A's file edited (same source, new content hash): the notice and
  the nested plan are gone.

Offsets are computed from the text, so every mention points at what it names.

Example:
    >>> x = report_a()
    >>> x.text[x.policies[0].mentions[0].start : x.policies[0].mentions[0].end]
    '《行政处罚法》'
"""

from __future__ import annotations

from ingest.model import (
    DocNumberRef,
    Extraction,
    InstitutionRef,
    Mention,
    PolicyRef,
    ProgramRef,
    RegionInfo,
    RegionRef,
    ReportMeta,
)
from ingest.vocabulary import PolicyKind, RegionLevel

LAW = "中华人民共和国行政处罚法"
PROVINCE_PLAN = "湖北省法治政府建设实施方案"
PROVINCE_PLAN_NUMBER = "鄂发〔2016〕22号"
CITY_PLAN = "十堰市法治政府建设实施方案(2016-2020年)"
OWN_PLAN = "郧阳区法治政府建设实施方案(2016-2020年)"
NOTICE = "郧阳区人民政府办公室关于印发郧阳区重大行政决策程序规定的通知"
NOTICE_NUMBER = "郧政办发〔2019〕29号"
NESTING_PLAN = "郧阳区落实〈湖北省法治政府建设实施方案〉工作方案"
LOOSE_NUMBER = "十政发〔2020〕5号"

HUBEI = RegionInfo("420000", "湖北", "湖北省", RegionLevel.PROVINCE, None, 114.34, 30.55)
SHIYAN = RegionInfo("420300", "十堰", "十堰市", RegionLevel.PREFECTURE, "420000", 110.8, 32.63)
YUNYANG = RegionInfo("420304", "郧阳", "郧阳区", RegionLevel.COUNTY, "420300", 110.81, 32.83)
FANGXIAN = RegionInfo("420325", "房县", "房县", RegionLevel.COUNTY, "420300", 110.73, 32.06)

TEXT_A = (
    "郧阳区2019年法治政府建设年度报告\n"
    "一、认真贯彻《行政处罚法》，落实《十堰市法治政府建设实施方案(2016—2020年)》。\n"
    "二、制定《郧阳区法治政府建设实施方案(2016-2020年)》，"
    "全面完成《法治政府建设实施方案(2016—2020年)》各项任务。\n"
    "三、印发《郧阳区人民政府办公室关于印发郧阳区重大行政决策程序规定的通知》"
    "(郧政办发〔2019〕29号)，制定《郧阳区落实〈湖北省法治政府建设实施方案〉工作方案》。\n"
    "四、区司法局深化“放管服”改革，推行“双随机、一公开”监管，"
    "郧阳区司法局在十堰市率先推行“双随机一公开”。\n"
    "郧阳区人民政府\n"
)

TEXT_A_CHANGED = (
    "郧阳区2019年法治政府建设年度报告(修订)\n"
    "一、认真贯彻《行政处罚法》，落实《十堰市法治政府建设实施方案(2016—2020年)》。\n"
    "二、制定《郧阳区法治政府建设实施方案(2016-2020年)》。\n"
    "三、郧阳区司法局深化“放管服”改革。\n"
    "郧阳区人民政府\n"
)

TEXT_B = (
    "房县2019年法治政府建设情况报告\n"
    "一、学习《行政处罚法》。贯彻《湖北省法治政府建设实施方案》(鄂发〔2016〕22号)。\n"
    "二、房县司法局推进“放管服”改革。\n"
    "房县县委县政府\n"
)

TEXT_C = (
    "十堰市2020年法治政府建设年度报告\n"
    "一、按照鄂发〔2016〕22号文件要求推进依法行政。\n"
    "二、落实十政发〔2020〕5号，十堰市司法局开展“放管服”改革。\n"
)


def mentions(text: str, needle: str) -> tuple[Mention, ...]:
    """Every occurrence of ``needle`` in ``text``."""
    found: list[Mention] = []
    start = text.find(needle)
    while start >= 0:
        found.append(Mention(start, start + len(needle)))
        start = text.find(needle, start + len(needle))
    if not found:
        raise ValueError(f"{needle!r} does not occur in the fixture text")
    return tuple(found)


def report_a() -> Extraction:
    """Report A: 郧阳区 2019 (see module doc)."""
    text = TEXT_A
    return Extraction(
        source="reports/yunyang-2019.txt",
        report_id="a" * 16,
        text=text,
        report=ReportMeta(
            title="郧阳区2019年法治政府建设年度报告",
            region="郧阳区",
            region_code="420304",
            region_path=("湖北省", "十堰市", "郧阳区"),
            year=2019,
            author="郧阳区人民政府",
            author_institution="郧阳区人民政府",
            published="2020-01-15",
        ),
        policies=(
            PolicyRef(
                "行政处罚法",
                LAW,
                PolicyKind.LAW,
                mentions(text, "《行政处罚法》"),
                (),
                None,
                "national",
            ),
            PolicyRef(
                "十堰市法治政府建设实施方案(2016—2020年)",
                CITY_PLAN,
                PolicyKind.NORMATIVE_DOCUMENT,
                mentions(text, "《十堰市法治政府建设实施方案(2016—2020年)》"),
                issuer_region="十堰市",
                issuer_region_code="420300",
            ),
            PolicyRef(
                "郧阳区法治政府建设实施方案(2016-2020年)",
                OWN_PLAN,
                PolicyKind.NORMATIVE_DOCUMENT,
                mentions(text, "《郧阳区法治政府建设实施方案(2016-2020年)》"),
                issuer_region="郧阳区",
                issuer_region_code="420304",
            ),
            PolicyRef(
                "法治政府建设实施方案(2016—2020年)",
                "法治政府建设实施方案(2016-2020年)",
                PolicyKind.NORMATIVE_DOCUMENT,
                mentions(text, "《法治政府建设实施方案(2016—2020年)》"),
                refers_to=OWN_PLAN,
            ),
            PolicyRef(
                NOTICE,
                NOTICE,
                PolicyKind.NORMATIVE_DOCUMENT,
                mentions(text, f"《{NOTICE}》"),
                doc_number=NOTICE_NUMBER,
                issuer="郧阳区人民政府办公室",
                issuer_region="郧阳区",
                issuer_region_code="420304",
            ),
            PolicyRef(
                "郧阳区落实〈湖北省法治政府建设实施方案〉工作方案",
                NESTING_PLAN,
                PolicyKind.NORMATIVE_DOCUMENT,
                mentions(text, "《郧阳区落实〈湖北省法治政府建设实施方案〉工作方案》"),
                issuer_region="郧阳区",
                issuer_region_code="420304",
                implements=(PROVINCE_PLAN,),
            ),
            PolicyRef(
                PROVINCE_PLAN,
                PROVINCE_PLAN,
                PolicyKind.NORMATIVE_DOCUMENT,
                mentions(text, "〈湖北省法治政府建设实施方案〉"),
                issuer_region="湖北省",
                issuer_region_code="420000",
            ),
        ),
        doc_numbers=(
            DocNumberRef(
                NOTICE_NUMBER, NOTICE_NUMBER, "郧政办发", 2019, 29, mentions(text, NOTICE_NUMBER)
            ),
        ),
        regions=(
            RegionRef(
                "郧阳区", "郧阳区", RegionLevel.COUNTY, mentions(text, "郧阳区")[:3], "420304"
            ),
            RegionRef(
                "十堰市", "十堰市", RegionLevel.PREFECTURE, mentions(text, "十堰市"), "420300"
            ),
        ),
        institutions=(
            InstitutionRef(
                "郧阳区司法局",
                "区司法局",
                mentions(text, "区司法局"),
                variants=("郧阳区司法局",),
                region_code="420304",
                kind="department",
            ),
            InstitutionRef(
                "郧阳区人民政府办公室",
                "郧阳区人民政府办公室",
                mentions(text, "郧阳区人民政府办公室"),
                region_code="420304",
                kind="office",
            ),
            InstitutionRef(
                "郧阳区人民政府",
                "郧阳区人民政府",
                (mentions(text, "郧阳区人民政府")[-1],),
                region_code="420304",
                kind="government",
            ),
        ),
        programs=(
            ProgramRef("放管服", "放管服", mentions(text, "放管服")),
            ProgramRef(
                "双随机一公开",
                "双随机、一公开",
                mentions(text, "双随机、一公开") + mentions(text, "双随机一公开"),
                variants=("双随机一公开",),
            ),
        ),
        region_info=(HUBEI, SHIYAN, YUNYANG),
    )


def report_a_changed() -> Extraction:
    """Report A's file after an edit: same source, new content (see module doc)."""
    text = TEXT_A_CHANGED
    return Extraction(
        source="reports/yunyang-2019.txt",
        report_id="a2" * 8,
        text=text,
        report=ReportMeta(
            title="郧阳区2019年法治政府建设年度报告(修订)",
            region="郧阳区",
            region_code="420304",
            year=2019,
            author="郧阳区人民政府",
            author_institution="郧阳区人民政府",
        ),
        policies=(
            PolicyRef(
                "行政处罚法",
                LAW,
                PolicyKind.LAW,
                mentions(text, "《行政处罚法》"),
                (),
                None,
                "national",
            ),
            PolicyRef(
                "十堰市法治政府建设实施方案(2016—2020年)",
                CITY_PLAN,
                PolicyKind.NORMATIVE_DOCUMENT,
                mentions(text, "《十堰市法治政府建设实施方案(2016—2020年)》"),
                issuer_region="十堰市",
                issuer_region_code="420300",
            ),
            PolicyRef(
                "郧阳区法治政府建设实施方案(2016-2020年)",
                OWN_PLAN,
                PolicyKind.NORMATIVE_DOCUMENT,
                mentions(text, "《郧阳区法治政府建设实施方案(2016-2020年)》"),
                issuer_region="郧阳区",
                issuer_region_code="420304",
            ),
        ),
        institutions=(
            InstitutionRef(
                "郧阳区司法局",
                "郧阳区司法局",
                mentions(text, "郧阳区司法局"),
                region_code="420304",
                kind="department",
            ),
        ),
        programs=(ProgramRef("放管服", "放管服", mentions(text, "放管服")),),
        regions=(
            RegionRef(
                "郧阳区", "郧阳区", RegionLevel.COUNTY, mentions(text, "郧阳区")[:1], "420304"
            ),
        ),
        region_info=(HUBEI, SHIYAN, YUNYANG),
    )


def report_b() -> Extraction:
    """Report B: 房县 2019 (see module doc)."""
    text = TEXT_B
    return Extraction(
        source="reports/fangxian-2019.html",
        report_id="b" * 16,
        text=text,
        report=ReportMeta(
            title="房县2019年法治政府建设情况报告",
            region="房县",
            region_code="420325",
            year=2019,
            author="房县县委县政府",
        ),
        policies=(
            PolicyRef(
                "行政处罚法",
                LAW,
                PolicyKind.LAW,
                mentions(text, "《行政处罚法》"),
                (),
                None,
                "national",
            ),
            PolicyRef(
                PROVINCE_PLAN,
                PROVINCE_PLAN,
                PolicyKind.NORMATIVE_DOCUMENT,
                mentions(text, f"《{PROVINCE_PLAN}》"),
                doc_number=PROVINCE_PLAN_NUMBER,
                issuer_region="湖北省",
                issuer_region_code="420000",
            ),
        ),
        doc_numbers=(
            DocNumberRef(
                PROVINCE_PLAN_NUMBER,
                PROVINCE_PLAN_NUMBER,
                "鄂发",
                2016,
                22,
                mentions(text, PROVINCE_PLAN_NUMBER),
            ),
        ),
        regions=(
            RegionRef("房县", "房县", RegionLevel.COUNTY, mentions(text, "房县")[:1], "420325"),
        ),
        institutions=(
            InstitutionRef(
                "房县司法局",
                "房县司法局",
                mentions(text, "房县司法局"),
                region_code="420325",
                kind="department",
            ),
        ),
        programs=(ProgramRef("放管服", "放管服", mentions(text, "放管服")),),
        region_info=(HUBEI, SHIYAN, FANGXIAN),
    )


def report_c() -> Extraction:
    """Report C: 十堰市 2020, 文号 only (see module doc)."""
    text = TEXT_C
    return Extraction(
        source="https://www.shiyan.gov.cn/fzzf/2020.html",
        report_id="c" * 16,
        text=text,
        report=ReportMeta(region="十堰市", region_code="420300", year=2020),
        doc_numbers=(
            DocNumberRef(
                PROVINCE_PLAN_NUMBER,
                PROVINCE_PLAN_NUMBER,
                "鄂发",
                2016,
                22,
                mentions(text, PROVINCE_PLAN_NUMBER),
            ),
            DocNumberRef(
                LOOSE_NUMBER, LOOSE_NUMBER, "十政发", 2020, 5, mentions(text, LOOSE_NUMBER)
            ),
        ),
        regions=(
            RegionRef(
                "十堰市", "十堰市", RegionLevel.PREFECTURE, mentions(text, "十堰市"), "420300"
            ),
        ),
        institutions=(
            InstitutionRef(
                "十堰市司法局",
                "十堰市司法局",
                mentions(text, "十堰市司法局"),
                region_code="420300",
                kind="department",
            ),
        ),
        programs=(ProgramRef("放管服", "放管服", mentions(text, "放管服")),),
        region_info=(HUBEI, SHIYAN),
        warnings=(),
    )


def all_reports() -> list[Extraction]:
    """Reports A, B and C."""
    return [report_a(), report_b(), report_c()]
