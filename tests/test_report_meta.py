"""Report metadata: the traps of how reports present themselves, and the five gold samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.clean import clean_text
from ingest.extract.regions import extract_regions
from ingest.extract.report import extract_report_meta, read_head, year_of_head
from ingest.gazetteer import Gazetteer, load_gazetteer
from ingest.model import PageMeta, ReportMeta

SAMPLES = sorted(Path("samples/reports").glob("*.txt"))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def meta(text: str, gaz: Gazetteer, page: PageMeta | None = None) -> ReportMeta:
    regions = extract_regions(text, gazetteer=gaz)
    return extract_report_meta(text, page=page or PageMeta(), regions=regions, gazetteer=gaz)


def test_title_line_gives_title_region_and_year(gaz: Gazetteer) -> None:
    m = meta("某某县不存在\n通江县2019年度法治政府建设工作情况报告\n正文。", gaz)
    assert m.title == "通江县2019年度法治政府建设工作情况报告"  # a complete title stands alone
    m = meta("通江县2019年度法治政府建设工作情况报告\n2019年，全县……", gaz)
    assert m.title == "通江县2019年度法治政府建设工作情况报告"
    assert (m.region, m.region_code, m.year) == ("通江县", "511921", 2019)
    assert m.region_path == ("四川省", "巴中市", "通江县")


def test_damaged_signature_date_falls_back_to_the_page_date(gaz: Gazetteer) -> None:
    text = "2019年，通江县持续推进法治政府建设。\n通江县人民政府\n2020312"
    m = meta(text, gaz, PageMeta(date="2020-06-01", source="县司法局"))
    assert (m.published, m.author) == ("2020-06-01", "通江县人民政府")


def test_legible_signature_date_wins_over_the_page_date(gaz: Gazetteer) -> None:
    text = "2019年，通江县持续推进法治政府建设。\n通江县人民政府\n二〇二〇年三月十二日"
    assert meta(text, gaz, PageMeta(date="2020-06-01")).published == "2020-03-12"


def test_posting_source_is_not_the_author(gaz: Gazetteer) -> None:
    text = "2023年，海州区委、区政府坚持依法行政。现将2023年法治政府建设情况报告如下：\n一、成效"
    m = meta(text, gaz, PageMeta(date="2024-02-08", source="海州区司法局"))
    assert m.author is None
    assert m.published == "2024-02-08"


def test_year_reported_on_not_year_published(gaz: Gazetteer) -> None:
    text = "一年来，区政府……，现将我区2019年法治政府建设情况报告如下：\n……\n2020年3月12日"
    m = meta(text, gaz)
    assert (m.year, m.published) == (2019, "2020-03-12")


def test_region_from_the_opening_sentence(gaz: Gazetteer) -> None:
    m = meta("2020年，锡林郭勒盟认真贯彻落实《自治区2020年度法治政府建设工作计划》。", gaz)
    assert (m.region, m.region_code, m.year) == ("锡林郭勒盟", "152500", 2020)
    assert m.region_path == ("内蒙古自治区", "锡林郭勒盟")


def test_region_named_inside_a_cited_title_is_not_the_report_region(gaz: Gazetteer) -> None:
    text = "2023年，全县落实《柳州市法治政府建设实施方案》部署。柳城县……我县……柳城县"
    assert meta(text, gaz).region == "柳城县"


def test_ambiguous_region_decided_by_a_higher_level_name(gaz: Gazetteer) -> None:
    text = "2023年，海州区委、区政府坚持依法行政。\n落实阜新市部署。"
    m = meta(text, gaz)
    assert (m.region, m.region_code) == ("海州区", "210902")
    assert m.region_path == ("辽宁省", "阜新市", "海州区")


def test_ambiguous_region_without_evidence_has_no_code(gaz: Gazetteer) -> None:
    m = meta("2023年，海州区委、区政府坚持依法行政。", gaz)
    assert (m.region, m.region_code, m.region_path) == ("海州区", None, ())


def test_page_title_used_when_it_reads_as_a_report_title(gaz: Gazetteer) -> None:
    page = PageMeta(title="柳城县2023年法治政府建设年度报告_柳城县人民政府门户网站")
    m = meta("2023年，我县坚持依法行政。", gaz, page)
    assert m.title == "柳城县2023年法治政府建设年度报告"
    assert m.region_code == "450222"


def test_nothing_stated_gives_nothing(gaz: Gazetteer) -> None:
    m = meta("坚持依法行政，推进法治政府建设。", gaz)
    assert m == ReportMeta(needs_review=True)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_gold_report_fields(sample: Path, gaz: Gazetteer) -> None:
    gold = json.loads((Path("tests/gold") / f"{sample.stem}.json").read_text(encoding="utf-8"))
    cleaned = clean_text(sample.read_text(encoding="utf-8"))
    m = meta(cleaned.body, gaz, cleaned.page)
    expected = gold["report"]
    got = {
        "region": m.region,
        "adcode": m.region_code,
        "region_path": list(m.region_path),
        "year": m.year,
        "author": m.author,
        "published": m.published,
        "title": m.title,
    }
    assert got == {key: expected[key] for key in got}


def test_title_and_year_skip_leading_blank_lines_and_indentation(gaz: Gazetteer) -> None:
    text = "\n   \n  某县2019年法治政府建设工作报告\n2020年以来，我县……"
    head = read_head(text, PageMeta())
    assert head.title is not None
    assert (head.title.text, year_of_head(head)) == ("某县2019年法治政府建设工作报告", 2019)
    meta = extract_report_meta(text, page=PageMeta(), regions=(), gazetteer=gaz, head=head)
    assert (meta.title, meta.year) == (head.title.text, 2019)
    assert extract_report_meta(text, page=PageMeta(), regions=(), gazetteer=gaz) == meta


def test_a_signature_date_that_does_not_exist_gives_way_to_the_page_date(gaz: Gazetteer) -> None:
    text = "2019年，我县……\n某县人民政府\n2020年2月31日"
    page = PageMeta(date="2020-03-02")
    meta = extract_report_meta(text, page=page, regions=(), gazetteer=gaz)
    assert meta.published == "2020-03-02"
