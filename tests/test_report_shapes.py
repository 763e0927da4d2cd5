"""Report attribution on the page shapes real report pages come in, one fixture per shape.

Every fixture is written for this test in the genre's language (no third-party page text); each
goes through the whole pipeline (cleaning included), as a downloaded page would.
"""

from __future__ import annotations

from ingest.jsonview import extraction_json
from ingest.model import PageMeta, ReportMeta
from ingest.pipeline import extract_text

OPENING = "坚持以习近平新时代中国特色社会主义思想为指导，深入推进依法行政，法治政府建设取得新成效。"


def report(text: str, page: PageMeta | None = None) -> ReportMeta:
    return extract_text(text, page=page).report


def attributed(meta: ReportMeta) -> tuple[str | None, int | None, str | None, str | None]:
    region = meta.region_attribution.source if meta.region_attribution else None
    year = meta.year_attribution.source if meta.year_attribution else None
    return meta.region_code, meta.year, region, year


def test_navigation_and_breadcrumbs_before_the_title() -> None:
    text = (
        "设为首页 | 加入收藏 | 无障碍浏览\n首页 政务公开 政务服务 互动交流\n"
        "您当前的位置：首页 > 政务公开 > 法治政府建设\n"
        f"彭水苗族土家族自治县2021年法治政府建设情况报告\n2021年，全县{OPENING}"
    )
    meta = report(text)
    assert meta.title == "彭水苗族土家族自治县2021年法治政府建设情况报告"
    assert attributed(meta) == ("500243", 2021, "title", "title")
    assert not meta.needs_review


def test_metadata_table_before_the_title() -> None:
    text = (
        "索 引 号：000014349/2020-01234 主题分类：司法\n"
        "发布机构：临泽县人民政府 成文日期：2020-03-18\n"
        "发文字号：临政发〔2020〕15号\n"
        "标    题：临泽县人民政府关于2019年法治政府建设工作情况的报告\n"
        f"一年来，我县{OPENING}"
    )
    meta = report(text)
    assert meta.title == "临泽县人民政府关于2019年法治政府建设工作情况的报告"
    assert attributed(meta) == ("620723", 2019, "metadata", "metadata")
    assert meta.author == "临泽县人民政府"
    assert meta.published == "2020-03-18"


def test_metadata_as_a_table_with_bars() -> None:
    text = (
        "发文机关 | 三江侗族自治县人民政府 | 发文字号 | 三政报〔2023〕4号 |\n"
        "成文日期 | 2023-02-10 | 发布日期 | 2023-02-14 |\n"
        f"我县2022年法治政府建设情况报告\n2022年，我县{OPENING}"
    )
    meta = report(text)
    assert attributed(meta)[:2] == ("450226", 2022)
    assert meta.region_path == ("广西壮族自治区", "柳州市", "三江侗族自治县")


def test_title_split_over_two_lines() -> None:
    text = f"阿荣旗人民政府\n2024年法治政府建设年度报告\n2024年，旗政府{OPENING}"
    meta = report(text)
    assert meta.title == "阿荣旗人民政府2024年法治政府建设年度报告"
    assert attributed(meta) == ("150721", 2024, "title", "title")
    assert meta.author == "阿荣旗人民政府"


def test_issuer_line_above_a_title_that_starts_with_guanyu() -> None:
    text = f"泾阳县人民政府\n关于2021年度法治政府建设情况的报告\n2021年，我县{OPENING}"
    meta = report(text)
    assert meta.title == "泾阳县人民政府关于2021年度法治政府建设情况的报告"
    assert attributed(meta) == ("610423", 2021, "title", "title")


def test_title_only_in_a_page_field() -> None:
    page = PageMeta(title="岚皋县2018年度法治政府建设工作报告_岚皋县人民政府")
    meta = report(f"一、主要工作\n2018年，我县{OPENING}", page)
    assert attributed(meta) == ("610925", 2018, "metadata", "metadata")


def test_year_after_a_salutation() -> None:
    text = (
        "关于法治政府建设情况的报告\n县人大常委会：\n"
        f"2022年，县政府{OPENING}现将有关情况报告如下：\n来源：旬邑县司法局"
    )
    meta = report(text, PageMeta(source="旬邑县司法局"))
    assert meta.year == 2022
    assert meta.year_attribution is not None
    assert meta.year_attribution.source == "opening"
    assert meta.region_code == "610429"


def test_year_in_a_sentence_that_calls_the_year_what_it_was() -> None:
    meta = report(f"2023年是全面贯彻党的二十大精神的开局之年。会宁县{OPENING}")
    assert attributed(meta)[:2] == ("620422", 2023)


def test_year_since_the_start_of() -> None:
    meta = report(f"2024年以来，在市委、市政府的坚强领导下，镇原县{OPENING}")
    assert attributed(meta)[:2] == ("621027", 2024)


def test_over_the_year_with_the_year_only_in_the_page_date() -> None:
    text = f"平利县法治政府建设年度报告\n一年来，县政府{OPENING}"
    meta = report(text, PageMeta(date="2021-03-02"))
    assert meta.year == 2020
    assert meta.year_attribution is not None
    assert meta.year_attribution.source == "publication_date"
    assert meta.year_attribution.inferred


def test_a_report_published_late_in_the_year_is_not_inferred_from_its_date() -> None:
    meta = report(f"一年来，平利县{OPENING}", PageMeta(date="2021-08-02"))
    assert meta.year is None
    assert meta.needs_review


def test_self_reference_resolved_against_the_source_field() -> None:
    text = f"来源：泾源县司法局 发布时间：2022-02-21\n一年来，我县{OPENING}本县持续推进。"
    meta = report(text)
    assert meta.region_code == "640424"
    assert meta.region_attribution is not None
    assert meta.region_attribution.source in {"self_reference", "source_field"}


def test_self_reference_resolved_against_the_publisher() -> None:
    page = PageMeta(publisher="隆德县人民政府办公室", date="2023-03-01")
    meta = report(f"2022年，我县{OPENING}", page)
    assert attributed(meta)[:2] == ("640423", 2022)


def test_superiors_in_the_opening_are_not_the_report_region() -> None:
    text = f"2021年，在铜仁市委、市政府的坚强领导下，松桃苗族自治县{OPENING}"
    assert attributed(report(text))[:2] == ("520628", 2021)


def test_district_of_a_municipality() -> None:
    meta = report(f"重庆市渝北区2020年法治政府建设情况报告\n2020年，渝北区{OPENING}")
    assert attributed(meta)[:2] == ("500112", 2020)
    assert meta.region_path == ("重庆市", "渝北区")


def test_shared_district_name_decided_by_the_page_fields() -> None:
    text = f"朝阳区2021年法治政府建设年度报告\n2021年，朝阳区{OPENING}"
    meta = report(text, PageMeta(publisher="长春市朝阳区人民政府"))
    assert meta.region_code == "220104"


def test_renamed_county_keeps_the_code_valid_in_the_report_year() -> None:
    meta = report(f"彬县2017年法治政府建设情况报告\n2017年，彬县{OPENING}")
    assert (meta.region, meta.region_code, meta.year) == ("彬县", "610427", 2017)


def test_page_cut_before_the_signature() -> None:
    meta = report(
        f"尖扎县2019年度法治政府建设工作报告\n2019年，我县{OPENING}\n一、加强组织领导\n（一）"
    )
    assert attributed(meta) == ("632322", 2019, "title", "title")
    assert meta.author is None


def test_no_region_and_no_year_needs_review() -> None:
    meta = report(f"县政府{OPENING}")
    assert (meta.region_code, meta.year, meta.needs_review) == (None, None, True)


def test_date_widget_of_the_site_is_not_the_publication_date() -> None:
    text = f"今天是：2019年10月31日 星期四\n麦积区2018年法治政府建设情况报告\n2018年，全区{OPENING}"
    meta = report(text)
    assert meta.published is None
    assert meta.region_code == "620503"


def test_weak_attribution_is_a_warning_and_in_the_json() -> None:
    x = extract_text(
        f"平利县法治政府建设年度报告\n一年来，县政府{OPENING}", page=PageMeta(date="2021-03-02")
    )
    assert x.warnings == ("report year 2020 is inferred: from publication_date (confidence 0.60)",)
    report = extraction_json(x)["report"]
    assert report["attribution"]["year"] == {
        "source": "publication_date",
        "confidence": 0.6,
        "inferred": True,
    }
    assert report["attribution"]["region"]["source"] == "title"
    assert report["needs_review"] is False


def test_a_name_several_regions_share_is_named_in_the_warning() -> None:
    x = extract_text(f"2021年，朝阳区{OPENING}")
    assert x.warnings == ("report region not found (朝阳区: a name several regions share)",)
    assert x.report.needs_review


def test_self_reference_with_the_short_name_only_in_a_slogan() -> None:
    text = (
        "2022年，市政府认真落实省委、省政府部署，深入推进依法行政，"
        "为谱写中国式现代化广元篇章提供坚实法治保障。\n"
        "我市在四川省法治政府建设考核中位列前茅，我市行政复议案件办理质效持续提升。"
    )
    meta = report(text)
    assert attributed(meta) == ("510800", 2022, "self_reference", "opening")
    assert meta.region_path == ("四川省", "广元市")


def test_pinyin_glosses_of_a_mirror_site_are_dropped() -> None:
    x = extract_text("2022年，某县落实《四川省市县重大经(jīng)济事项决策规(guī)定(试行)》。")
    assert [p.canonical for p in x.policies] == ["四川省市县重大经济事项决策规定(试行)"]


def test_the_reports_own_doc_number_from_the_metadata_table() -> None:
    text = (
        "文  号  汉政发〔2021〕5号  公开日期  2021-02-26\n"
        f"汉阴县2020年度法治政府建设工作报告\n2020年，汉阴县{OPENING}"
    )
    x = extract_text(text)
    assert x.report.doc_number == "汉政发〔2021〕5号"
    assert x.doc_numbers == ()  # the report does not cite itself
    assert extraction_json(x)["report"]["doc_number"] == "汉政发〔2021〕5号"


def test_the_reports_own_doc_number_on_a_line_under_the_title() -> None:
    text = f"汉阴县2020年度法治政府建设工作报告\n汉政呈〔2021〕2号\n2020年，汉阴县{OPENING}"
    assert extract_text(text).report.doc_number == "汉政呈〔2021〕2号"


def test_self_reference_with_a_unique_short_name_in_a_slogan() -> None:
    text = f"2023年，我县{OPENING}严格落实我县法治建设规划，为法治黎平建设提供保障。"
    meta = report(text)
    assert (meta.region_code, meta.needs_review) == ("522631", True)
    assert meta.region_attribution is not None
    assert meta.region_attribution.confidence == 0.55


def test_self_reference_resolved_against_the_signature() -> None:
    text = (
        f"关于法治政府建设情况的报告\n一年来，我县{OPENING}\n"
        "一、主要做法\n略。\n西吉县人民政府\n2022年2月15日"
    )
    meta = report(text)
    assert attributed(meta) == ("640422", 2021, "signature", "publication_date")
    assert meta.author == "西吉县人民政府"


def test_self_reference_resolved_against_the_page_title() -> None:
    page = PageMeta(title="关于2020年度法治政府建设情况的报告-彭阳县人民政府门户网站")
    meta = report(f"2020年，我县{OPENING}", page)
    assert attributed(meta)[:3] == ("640425", 2020, "self_reference")
