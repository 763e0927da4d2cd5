"""Normalisation rules of titles and 文号, policy kinds and the bundled legal-system lists."""

from __future__ import annotations

from importlib import resources

import pytest

from ingest.normalize import (
    canonical_doc_number,
    canonical_title,
    classify_policy_kind,
    expand_law_name,
    is_central_title,
    is_law,
    iso_date,
    region_short_name,
)


def _data_lines(name: str) -> list[str]:
    text = resources.files("ingest").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


@pytest.mark.parametrize("dash", ["—", "–", "－", "-", "─", "～", "~", "——", " — "])
def test_every_dash_in_a_year_range_becomes_a_hyphen(dash: str) -> None:
    raw = f"法治政府建设实施方案(2016{dash}2020年)"
    assert canonical_title(raw) == "法治政府建设实施方案(2016-2020年)"


def test_dash_outside_a_year_range_is_kept() -> None:
    assert canonical_title("“一站式”服务——工作方案") == "“一站式”服务——工作方案"


def test_full_width_parentheses_and_digits_become_ascii() -> None:
    assert canonical_title("实施纲要（２０１５—２０２０年）") == "实施纲要(2015-2020年)"


@pytest.mark.parametrize(
    ("opening", "closing"), [("<", ">"), ("〈", "〉"), ("《", "》"), ("＜", "＞"), ("‹", "›")]
)
def test_nested_title_brackets_become_angle_brackets(opening: str, closing: str) -> None:
    raw = f"柳州市落实{opening}广西法治政府建设实施方案(2021—2025年){closing}工作方案"
    assert canonical_title(raw) == "柳州市落实〈广西法治政府建设实施方案(2021-2025年)〉工作方案"


def test_outer_brackets_and_spaces_are_dropped_quotes_kept() -> None:
    assert canonical_title(" 《关于坚持“枫桥经验” 的 方案》 ") == "关于坚持“枫桥经验”的方案"


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("宪法", "中华人民共和国宪法"),
        ("行政处罚法", "中华人民共和国行政处罚法"),
        ("民法典", "中华人民共和国民法典"),
        ("行政复议法", "中华人民共和国行政复议法"),
        ("国家赔偿法", "中华人民共和国国家赔偿法"),
        ("民法总则", "中华人民共和国民法总则"),
        ("选举法", "中华人民共和国全国人民代表大会和地方各级人民代表大会选举法"),
        ("监督法", "中华人民共和国各级人民代表大会常务委员会监督法"),
        ("中华人民共和国土地管理法", "中华人民共和国土地管理法"),
    ],
)
def test_short_names_of_national_laws_get_the_official_name(short: str, full: str) -> None:
    assert canonical_title(f"《{short}》") == full


def test_expansion_keeps_a_revision_note_and_leaves_other_titles_alone() -> None:
    assert expand_law_name("行政处罚法(2021年修订)") == "中华人民共和国行政处罚法(2021年修订)"
    assert canonical_title("反分裂国家法") == "反分裂国家法"
    assert canonical_title("政府信息公开条例") == "政府信息公开条例"
    assert canonical_title("郧阳区矿产资源管理办法") == "郧阳区矿产资源管理办法"
    assert canonical_title("新时代枫桥工作法") == "新时代枫桥工作法"


@pytest.mark.parametrize(
    "raw",
    [
        "郧政办发〔2019〕29号",
        "郧政办发[2019]29号",
        "郧政办发［2019］29号",
        "郧政办发【2019】29号",
        "郧政办发(2019)29号",
        "郧政办发（2019）29号",
        "郧政办发〔2019〕第029号",
        " 郧政办发 〔 2019 〕 29 号 ",
    ],
)
def test_doc_number_brackets_become_tortoise_shell(raw: str) -> None:
    assert canonical_doc_number(raw) == "郧政办发〔2019〕29号"


@pytest.mark.parametrize("raw", ["蜀ICP备17027093号-1", "〔2019〕", "第5号", "方营路555号"])
def test_non_doc_numbers_are_refused_with_the_input_named(raw: str) -> None:
    with pytest.raises(ValueError, match="not a document number"):
        canonical_doc_number(raw)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("中华人民共和国宪法", "law"),
        ("中华人民共和国行政许可法", "law"),
        ("中华人民共和国人民警察警衔条例", "law"),
        ("全国人民代表大会常务委员会关于完善人民陪审员制度的决定", "law"),
        ("重大行政决策程序暂行条例", "administrative_regulation"),
        ("优化营商环境条例", "administrative_regulation"),
        ("中华人民共和国政府信息公开条例", "administrative_regulation"),
        ("城市供水条例", "administrative_regulation"),
        ("自然保护区条例", "administrative_regulation"),
        ("阜新市优化营商环境条例", "local_regulation"),
        ("湖北省法治宣传教育条例", "local_regulation"),
        ("中国共产党纪律处分条例", "party_regulation"),
        ("中国共产党党内法规制定条例", "party_regulation"),
        ("党政主要负责人履行推进法治建设第一责任人职责规定", "party_regulation"),
        ("法治政府建设与责任落实督察工作规定", "party_regulation"),
        ("关于新形势下党内政治生活的若干准则", "party_regulation"),
        ("法治政府建设实施纲要(2015-2020年)", "normative_document"),
        ("郧阳区人民政府工作规则", "normative_document"),
        ("海州区行政规范性文件合法性审核办法", "normative_document"),
        ("柳城县突发事件总体应急预案", "normative_document"),
        ("阜新市海州区街道权责清单", "normative_document"),
        ("锡林郭勒盟行政公署审查工作规程", "normative_document"),
        ("规范性文件目录(2000-2019年)", "normative_document"),
        ("行政执法公示办法(试行)", "normative_document"),
        ("2023年柳城县优化营商环境工作要点", "normative_document"),
        ("支持复工复产若干措施", "normative_document"),
        ("党政主要负责人履行第一责任人职责自查实施方案", "normative_document"),
        ("新时代枫桥工作法", "other"),
        ("习近平谈治国理政", "other"),
    ],
)
def test_kind_follows_how_the_title_is_formed(title: str, kind: str) -> None:
    assert classify_policy_kind(title) == kind


def test_a_named_region_makes_a_regulation_local() -> None:
    assert classify_policy_kind("物业服务条例", has_region=True) == "local_regulation"
    assert classify_policy_kind("物业服务条例", has_region=False) == "administrative_regulation"
    assert classify_policy_kind("中国共产党纪律处分条例", has_region=False) == "party_regulation"


def test_central_titles_are_recognised_by_issuer_or_by_name() -> None:
    assert is_central_title("法治政府建设实施纲要(2021-2025年)")
    assert is_central_title("中共中央国务院关于加强法治政府建设的意见")
    assert is_central_title("司法部关于印发某某办法的通知")
    assert not is_central_title("区委宣传部关于印发某某办法的通知")
    assert not is_central_title("郧阳区法治政府建设实施方案(2016-2020年)")


def test_autonomous_regions_use_the_common_short_form() -> None:
    assert region_short_name("内蒙古自治区", "province") == "内蒙古"
    assert region_short_name("新疆维吾尔自治区", "province") == "新疆"
    assert region_short_name("湖北省", "province") == "湖北省"
    assert region_short_name("恩施土家族苗族自治州", "prefecture") == "恩施土家族苗族自治州"


def test_law_list_is_complete_for_administrative_law_and_well_formed() -> None:
    laws = _data_lines("laws.txt")
    assert len(laws) >= 280
    assert len(laws) == len(set(laws))
    for name in ("行政许可法", "行政处罚法", "行政强制法", "行政复议法", "行政诉讼法"):
        assert f"中华人民共和国{name}" in laws
    assert all(law.endswith(("法", "条例", "规则", "办法", "法典", "通则", "总则")) for law in laws)
    assert not any("政府信息公开条例" in law for law in laws)
    assert "全国人民代表大会议事规则" in laws
    assert all(is_law(law) for law in laws)


def test_law_aliases_point_to_listed_laws() -> None:
    laws = set(_data_lines("laws.txt"))
    for line in _data_lines("law_aliases.txt"):
        short, full = line.split("\t")
        assert full in laws, short


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ((2020, 3, 12), "2020-03-12"),
        ((2020, 2, 29), "2020-02-29"),
        ((2019, 2, 29), None),
        ((2019, 2, 31), None),
        ((2019, 13, 1), None),
        ((2019, 4, 0), None),
    ],
)
def test_iso_dates_exist_or_are_none(parts: tuple[int, int, int], expected: str | None) -> None:
    assert iso_date(*parts) == expected
