"""Institution extractor: unit traps and the five gold samples (with the real region extractor)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.extract import institutions
from ingest.extract.institutions import extract_institutions, load_bodies
from ingest.extract.regions import extract_regions
from ingest.gazetteer import load_gazetteer
from ingest.model import Mention, PageMeta, RegionRef, ReportMeta
from ingest.vocabulary import RegionLevel

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "tests" / "gold").glob("*.json"))
COUNTY = ReportMeta(
    region="通江县", region_code="511921", region_path=("四川省", "巴中市", "通江县")
)
DISTRICT = ReportMeta(
    region="郧阳区", region_code="420304", region_path=("湖北省", "十堰市", "郧阳区")
)
LEAGUE = ReportMeta(
    region="锡林郭勒盟", region_code="152500", region_path=("内蒙古自治区", "锡林郭勒盟")
)
BANNER = ReportMeta(
    region="西乌珠穆沁旗",
    region_code="152526",
    region_path=("内蒙古自治区", "锡林郭勒盟", "西乌珠穆沁旗"),
)
CITY = ReportMeta(region="营口市", region_code="210800", region_path=("辽宁省", "营口市"))


def canonicals(text: str, report: ReportMeta, regions: tuple[RegionRef, ...] = ()) -> list[str]:
    return [ref.canonical for ref in extract_institutions(text, report=report, regions=regions)]


def test_short_names_get_the_report_region_and_a_district_its_city() -> None:
    assert canonicals("区司法局牵头,区人大常委会听取报告。", DISTRICT) == [
        "十堰市郧阳区司法局",
        "十堰市郧阳区人民代表大会常务委员会",
    ]


def test_a_district_named_in_the_text_gets_its_own_city() -> None:
    """海州区 is in 连云港 and in 阜新: the code the region extractor decided picks the city."""
    lianyungang = ReportMeta(
        region="连云港市", region_code="320700", region_path=("江苏省", "连云港市")
    )
    region = RegionRef("海州区", "海州区", RegionLevel.COUNTY, (Mention(0, 3),), code="320706")
    assert canonicals("海州区司法局牵头开展行政执法案卷评查。", lianyungang, (region,)) == [
        "连云港市海州区司法局"
    ]


def test_an_undecided_district_name_is_read_on_the_report_regions_branch() -> None:
    fuxin = ReportMeta(region="阜新市", region_code="210900", region_path=("辽宁省", "阜新市"))
    region = RegionRef(
        "海州区", "海州区", RegionLevel.COUNTY, (Mention(0, 3),), candidates=("210902", "320706")
    )
    refs = extract_institutions("海州区委召开专题会议。", report=fuxin, regions=(region,))
    assert [(r.canonical, r.region_code) for r in refs] == [("中共阜新市海州区委员会", "210902")]


def test_party_committee_bodies_are_named_after_the_committee() -> None:
    text = "区委宣传部牵头,区委全面依法治区委员会办公室统筹推进。"
    assert canonicals(text, DISTRICT) == [
        "中共十堰市郧阳区委宣传部",
        "中共十堰市郧阳区委全面依法治区委员会办公室",
    ]


def test_a_committee_of_the_party_committee_is_read_from_its_own_words() -> None:
    text = "经市委法治建设委员会办公室研究,印发工作要点。"
    assert canonicals(text, CITY) == ["中共营口市委法治建设委员会办公室"]


def test_synonyms_share_one_canonical_and_keep_variants() -> None:
    refs = extract_institutions("县政府部署,通江县人民政府印发。", report=COUNTY, regions=())
    assert [(r.canonical, r.name, r.variants) for r in refs] == [
        ("通江县人民政府", "县政府", ("县人民政府",))
    ]
    assert refs[0].kind == "government"
    assert refs[0].region_code == "511921"


def test_city_party_committee_in_a_county_report_is_the_prefecture() -> None:
    refs = extract_institutions("贯彻市委市政府部署。", report=COUNTY, regions=())
    assert [(r.canonical, r.region_code) for r in refs] == [
        ("中共巴中市委员会", "511900"),
        ("巴中市人民政府", "511900"),
    ]


def test_two_offices_are_two_institutions() -> None:
    assert canonicals("两办印发通知。", LEAGUE) == [
        "中共锡林郭勒盟委员会办公室",
        "锡林郭勒盟行政公署办公室",
    ]


def test_central_bodies_have_their_own_kind_and_no_region() -> None:
    text = "认真落实党中央、国务院决策部署,按照司法部和国家市场监督管理总局要求开展检查。"
    refs = extract_institutions(text, report=COUNTY, regions=())
    assert [(r.canonical, r.kind, r.region_code) for r in refs] == [
        ("中共中央", "central", None),
        ("国务院", "central", None),
        ("司法部", "central", None),
        ("国家市场监督管理总局", "central", None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对照中办、国办印发的督察规定逐项整改。", ["中共中央办公厅", "国务院办公厅"]),
        (
            "主动接受全国人大及其常委会的执法检查。",
            ["全国人民代表大会", "全国人民代表大会常务委员会"],
        ),
        ("配合中央依法治国办开展实地督察。", ["中央全面依法治国委员会办公室"]),
    ],
)
def test_central_abbreviations_expand_to_full_names(text: str, expected: list[str]) -> None:
    assert canonicals(text, COUNTY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "公安部门和司法部门联合集中办理积案。",
        "全国办理量居前,县人大代表提出建议12件。",
        "县委书记主持召开会议,县长作出部署。",
    ],
)
def test_words_that_only_contain_a_body_name_are_not_bodies(text: str) -> None:
    assert canonicals(text, COUNTY) == []


@pytest.mark.parametrize(
    "text",
    [
        "区政府常务会议审议规范性文件5件。",
        "区委理论学习中心组开展集体学法4次。",
        "区政协视察法治政府建设工作。",
    ],
)
def test_meetings_study_groups_and_the_cppcc_name_no_body(text: str) -> None:
    assert canonicals(text, DISTRICT) == []


def test_the_cppcc_committee_of_a_named_region_is_not_the_party_committee() -> None:
    region = RegionRef("郧阳区", "郧阳区", RegionLevel.COUNTY, (Mention(7, 10),), code="420304")
    assert canonicals("向政治协商会议郧阳区委员会通报情况。", DISTRICT, (region,)) == []


def test_government_shares_the_level_of_the_party_committee_before_it() -> None:
    assert canonicals("贯彻自治区党委、政府部署。", BANNER) == [
        "中共内蒙古自治区委员会",
        "内蒙古自治区人民政府",
    ]


def test_a_level_word_after_a_named_committee_is_that_region() -> None:
    """In a county-level city's report 市政府 is the city itself, unless a city was just named."""
    jiaozhou = ReportMeta(
        region="胶州市", region_code="370281", region_path=("山东省", "青岛市", "胶州市")
    )
    qingdao = RegionRef("青岛市", "青岛市", RegionLevel.PREFECTURE, (Mention(1, 4),), code="370200")
    text = "在青岛市委、市政府的坚强领导下,市政府全面推进依法行政。"
    assert canonicals(text, jiaozhou, (qingdao,)) == [
        "中共青岛市委员会",
        "青岛市人民政府",
        "胶州市人民政府",
    ]


def test_levels_enumerated_before_one_head_noun_each_name_a_body() -> None:
    assert canonicals("按照省、市政府的部署要求。", COUNTY) == ["四川省人民政府", "巴中市人民政府"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市委依法治市委审议工作要点。", "中共营口市委全面依法治市委员会"),
        ("市委常务委员会专题研究。", "中共营口市委员会常务委员会"),
        ("市人大及其常委会加强监督。", "营口市人民代表大会|营口市人民代表大会常务委员会"),
    ],
)
def test_local_abbreviations_get_full_names(text: str, expected: str) -> None:
    assert canonicals(text, CITY) == expected.split("|")


def test_a_bare_body_belongs_to_the_region_its_clause_names() -> None:
    bazhong = ReportMeta(region="巴中市", region_code="511900", region_path=("四川省", "巴中市"))
    region = RegionRef("通江县", "通江县", RegionLevel.COUNTY, (Mention(2, 5),), code="511921")
    assert canonicals("指导通江县组建行政审批局,司法局跟踪指导。", bazhong, (region,)) == [
        "通江县行政审批局",
        "巴中市司法局",
    ]


def test_an_enforcement_team_keeps_the_field_written_before_it() -> None:
    assert canonicals("整合组建区市场监管综合执法大队。", DISTRICT) == [
        "十堰市郧阳区市场监管综合执法大队"
    ]


def test_plain_courts_of_a_province_level_region_are_its_court_system() -> None:
    jinghai = ReportMeta(region="静海区", region_code="120118", region_path=("天津市", "静海区"))
    assert canonicals("市法院与区法院联合发布典型案例。", jinghai) == ["天津市静海区人民法院"]


def test_league_office_in_a_banner_report_is_the_leagues() -> None:
    assert canonicals("行署统一部署,旗政府抓好落实。", BANNER) == [
        "锡林郭勒盟行政公署",
        "西乌珠穆沁旗人民政府",
    ]


def test_office_of_a_leading_group_is_its_own_body() -> None:
    refs = extract_institutions(
        "县依法行政工作领导小组办公室设在县司法局。", report=COUNTY, regions=()
    )
    assert [(r.canonical, r.kind) for r in refs] == [
        ("通江县依法行政工作领导小组办公室", "office"),
        ("通江县司法局", "department"),
    ]


def test_page_header_source_names_a_body_without_offsets() -> None:
    page = PageMeta(source="区司法局")
    refs = extract_institutions("区政府印发通知。", report=DISTRICT, regions=(), page=page)
    assert [(r.canonical, r.mentions) for r in refs] == [
        ("十堰市郧阳区人民政府", (Mention(0, 3),)),
        ("十堰市郧阳区司法局", ()),
    ]


def test_league_bodies_and_abbreviations() -> None:
    text = "盟委、行署研究,盟交通局、民政局、市场监管局参加。"
    assert canonicals(text, LEAGUE) == [
        "中共锡林郭勒盟委员会",
        "锡林郭勒盟行政公署",
        "锡林郭勒盟交通运输局",
        "锡林郭勒盟民政局",
        "锡林郭勒盟市场监督管理局",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "各级法院、检察机关依法履职。",
        "各部门和乡镇政府要配合。",
        "全盟70个苏木乡镇统一设立了综合行政执法局。",
        "进入政务服务大厅办理。",
        "发挥乡镇调委会和县医调委作用。",
        "主办单位:十堰市郧阳区人民政府办公室",
        "社区委员会和城市政府。",
    ],
)
def test_generic_plural_and_footer_bodies_are_excluded(text: str) -> None:
    assert canonicals(text, DISTRICT) == []


def test_a_region_mention_before_the_body_is_its_prefix() -> None:
    text = "柳城县信访局和马山司法所。"
    county = ReportMeta(
        region="柳城县", region_code="450222", region_path=("广西壮族自治区", "柳州市", "柳城县")
    )
    region = RegionRef("柳城县", "柳城县", RegionLevel.COUNTY, (Mention(0, 3),), code="450222")
    assert canonicals(text, county, (region,)) == ["柳城县信访局", "柳城县马山司法所"]


def test_a_county_name_before_a_township_office_names_them_all() -> None:
    region = RegionRef("郧阳区", "郧阳区", RegionLevel.COUNTY, (Mention(4, 7),), code="420304")
    assert canonicals("全面推进郧阳区司法所规范化建设。", DISTRICT, (region,)) == []


def test_leading_group_keeps_its_modifier() -> None:
    assert canonicals("成立区政府推进法治政府工作领导小组。", DISTRICT) == [
        "十堰市郧阳区推进法治政府工作领导小组"
    ]


def test_party_leading_group_and_plural_groups() -> None:
    assert canonicals("省委依法治省领导小组听取汇报。", COUNTY) == ["中共四川省委依法治省领导小组"]
    assert canonicals("各级推进依法行政工作领导小组发挥作用。", COUNTY) == []


def test_body_inside_a_longer_body_is_not_a_mention_of_its_own() -> None:
    region = RegionRef("郧阳区", "郧阳区", RegionLevel.COUNTY, (Mention(0, 3),), code="420304")
    assert canonicals("郧阳区人民政府办公室印发", DISTRICT, (region,)) == [
        "十堰市郧阳区人民政府办公室"
    ]


def test_bad_data_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bodies.tsv"
    bad.write_text("司法局\t{R}司法局\tbureau\tbare\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bodies.tsv:1: unknown institution kind 'bureau'"):
        load_bodies(bad)


def _gold_scores() -> tuple[int, int, int]:
    gazetteer = load_gazetteer()
    true_positives = found = expected = 0
    for path in GOLD:
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = (ROOT / "samples" / "reports" / gold["file"]).read_text(encoding="utf-8")
        meta = gold["report"]
        code = meta["adcode"]
        report = ReportMeta(
            region=meta["region"], region_code=code, region_path=tuple(meta["region_path"])
        )
        context = [code, code[:4] + "00", code[:2] + "0000"]
        regions = extract_regions(
            text, gazetteer=gazetteer, year=meta["year"], context_codes=context
        )
        got = {r.canonical for r in extract_institutions(text, report=report, regions=regions)}
        want = {i["canonical"] for i in gold["institutions"]}
        true_positives += len(got & want)
        found += len(got)
        expected += len(want)
    return true_positives, found, expected


def test_gold_institutions_f1() -> None:
    true_positives, found, expected = _gold_scores()
    precision, recall = true_positives / found, true_positives / expected
    f1 = 2 * precision * recall / (precision + recall)
    print(f"institutions P={precision:.3f} R={recall:.3f} F1={f1:.3f}")
    assert f1 >= 0.8


def _sample_texts() -> list[str]:
    reports = Path(__file__).parent.parent / "samples" / "reports"
    return [p.read_text(encoding="utf-8") for p in sorted(reports.glob("*.txt"))]


@pytest.mark.parametrize(
    ("pattern", "last_chars", "window"),
    [
        (institutions._GENERIC_BEFORE, institutions._GENERIC_LAST, 9),
        (institutions._PARTY_BEFORE, institutions._PARTY_LAST, 3),
        (institutions._CPPCC_BEFORE, institutions._CPPCC_LAST, 6),
    ],
)
def test_the_last_character_test_never_skips_a_regex_match(
    pattern: re.Pattern[str], last_chars: frozenset[str], window: int
) -> None:
    # Every position of the sample reports, plus texts built to end in each word (and a newline).
    texts = [*_sample_texts(), "各级的\n政府", "县委、\n政府", "政协\n委员会", "全国\n"]
    matched = 0
    for text in texts:
        for end in range(len(text) + 1):
            if pattern.search(text, max(0, end - window), end):
                matched += 1
                assert text[end - 1 : end] in last_chars, (text[end - 9 : end], end)
    assert matched > 0


def test_noun_spans_are_what_the_regex_finds() -> None:
    texts = [*_sample_texts(), "领导小组办公室小组委员会办公室办公室委员会委员会"]
    for noun in (institutions._GROUP_NOUN, institutions._COMMITTEE_NOUN):
        regex = re.compile(f"{noun}(?:{institutions._OFFICE})?")
        for text in texts:
            expected = [m.span() for m in regex.finditer(text)]
            assert list(institutions._noun_spans(text, noun)) == expected
