"""The boilerplate cleaner: every kind of site furniture goes, report text never does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.clean import clean_text, is_boilerplate, parse_page_header
from ingest.model import PageMeta

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples" / "reports").glob("*.txt"))
GOLD_DIR = ROOT / "tests" / "gold"

BOILERPLATE = {
    "breadcrumb": "当前位置：首页 > 政务公开 > 法治政府建设",
    "breadcrumb_you_are_here": "您现在的位置：首页 >> 工作动态",
    "breadcrumb_bare": "首页 > 信息公开 > 法定主动公开内容",
    "menu": "首页 | 政务公开 | 办事服务 | 互动交流",
    "prev_next": "上一篇：关于开展法治宣传月活动的通知",
    "header_full": "日期: 2024-02-08 浏览量:122 来源:某区司法局 责任编辑:张三 文字大小: 大 中 小",
    "header_glued": "时间:2020年06月01日来源:县司法局阅读:",
    "header_publish": "发布时间：2021-03-05 10:12  来源：某县人民政府办公室",
    "header_single": "信息来源：某市司法局",
    "header_disclosure": "索引号：11510000MB1234567X/2021-00012 发布机构：某县司法局",
    "font_widget": "【字体：大 中 小】",
    "print_close": "打印本页 关闭窗口",
    "print_brackets": "【打印】【关闭】",
    "share": "分享到：微信 微博 QQ空间",
    "lone_symbol": ">",
    "host": "主办单位：某某县人民政府办公室 承办单位：某某县大数据中心",
    "copyright": "Copyright © 2019-2022 某某网 版权所有",
    "copyright_cn": "版权所有：某市人民政府办公室",
    "address": "地址：某省某市某区人民路88号 邮编：100000",
    "postcode": "邮政编码：610000",
    "phone": "联系电话：0418-3309188",
    "hotline_field": "网站监督举报热线：0418-3309188",
    "submission_phone": "投稿及商务合作电话:17780758009",
    "email": "Email：abc@126.com",
    "mailbox": "投稿邮箱：1345926431@qq.com",
    "icp": "京ICP备05070218号-1",
    "icp_with_site_code": "辽ICP备2020013237号 网站标识码：2109020001",
    "police_record": "京公网安备 11010202000001号",
    "site_code": "网站标识码：1100000088",
    "browser": "建议使用1440*768分辨率 IE9.0及以上版本浏览器",
    "browser_suffix": "本站支持IE8及以上浏览器浏览",
    "tech_support": "技术支持：某某信息技术有限公司",
    "visitor": "您是本站第 1234567 位访客",
}

REPORT_LINES = {
    "hotline_sentence": "开通12345政务服务热线，受理群众来电1.2万件。",
    "address_sentence": "规范企业住所（地址）登记，推行“一照多址”改革。",
    "phone_sentence": "12348热线平台接听蒙汉语电话8266个，其中蒙语1119个，部门沟通118次。",
    "year_range_title": "全面落实《法治政府建设实施纲要(2015—2020年)》各项任务。",
    "source_in_prose": "从源头上预防和化解行政争议，来源于基层的经验得到推广。",
    "time_in_prose": "时间紧、任务重，我县按期完成清理工作。",
    "heading": "一、2023年推进法治政府建设主要举措和成效",
    "sub_heading": "(三)健全决策机制，保证重大行政决策质量",
    "website_sentence": "在区政府门户网站设置“规范性文件”公开查询平台。",
    "icp_prose": "开展网站ICP备案清理，关停僵尸网站12家。",
    "signature_body": "通江县人民政府",
    "signature_date_lost": "2020312",
    "signature_date": "2019年12月31日",
    "copyright_prose": "加强知识产权保护，查办侵犯版权案件3件。",
    "review_heading": "(二)合法性审核：全年审核规范性文件12件",
    "print_prose": "印发法治宣传资料2万余份，打印发放学习手册500册。",
}


@pytest.mark.parametrize("line", BOILERPLATE.values(), ids=BOILERPLATE.keys())
def test_each_kind_of_boilerplate_is_dropped(line: str) -> None:
    cleaned = clean_text(f"报告第一段。\n{line}\n报告第二段。")
    assert cleaned.body == "报告第一段。\n报告第二段。"
    assert cleaned.dropped == (line.strip(),)


@pytest.mark.parametrize("line", REPORT_LINES.values(), ids=REPORT_LINES.keys())
def test_report_lines_that_look_like_boilerplate_are_kept(line: str) -> None:
    assert not is_boilerplate(line)
    assert clean_text(f"正文。\n{line}\n正文。").body == f"正文。\n{line}\n正文。"


@pytest.mark.parametrize(
    ("line", "date", "source"),
    [
        (
            "日期: 2024-02-08 浏览量:122 来源:海州区司法局 责任编辑:杨婧姣",
            "2024-02-08",
            "海州区司法局",
        ),
        ("时间:2020年06月01日来源:县司法局阅读:", "2020-06-01", "县司法局"),
        (
            "发布时间：2021-03-05 10:12  来源：某县人民政府办公室",
            "2021-03-05",
            "某县人民政府办公室",
        ),
        ("发布日期：2022/3/5 信息来源：市司法局 浏览次数：88", "2022-03-05", "市司法局"),
        ("【发布时间：2019.12.31】【来源：县政府办】【字体：大 中 小】", "2019-12-31", "县政府办"),
        ("来源：  浏览次数：12 日期：2023年1月9日", "2023-01-09", None),
    ],
)
def test_page_header_date_and_source(line: str, date: str, source: str | None) -> None:
    assert parse_page_header(line) == PageMeta(date=date, source=source)
    assert clean_text(f"{line}\n正文。").page == PageMeta(date=date, source=source)


def test_first_header_line_wins_and_invalid_dates_are_ignored() -> None:
    assert parse_page_header("发布时间：2021-13-40 来源：县司法局").date is None
    text = "时间：2020年06月01日 来源：县司法局\n正文。\n发布时间：2021-01-01 来源：别处"
    assert clean_text(text).page == PageMeta(date="2020-06-01", source="县司法局")


def test_title_sharing_the_header_line_is_kept() -> None:
    line = "某县2019年度法治政府建设工作情况报告 时间：2020年06月01日 来源：县司法局"
    cleaned = clean_text(f"{line}\n正文。")
    assert cleaned.body == "某县2019年度法治政府建设工作情况报告\n正文。"
    assert cleaned.page.source == "县司法局"


def test_blank_runs_collapse_and_trailing_spaces_go() -> None:
    text = "\n\n第一段。   \n\n\n\n第二段。\t\n  \n\n　　第三段。\n\n"
    assert clean_text(text).body == "第一段。\n\n第二段。\n\n　　第三段。"


def test_trailing_site_furniture_goes_but_the_signature_stays() -> None:
    text = (
        "报告正文。\n\n某县人民政府\n2019年12月31日\n\n"
        "网址：www.example.gov.cn\n手机版 | 微信公众号\n京ICP备05070218号"
    )
    cleaned = clean_text(text)
    assert cleaned.body == "报告正文。\n\n某县人民政府\n2019年12月31日"
    assert len(cleaned.dropped) == 3


def test_a_url_inside_the_report_is_kept() -> None:
    text = "登录www.example.gov.cn办理\n报告正文。\n京ICP备05070218号"
    assert clean_text(text).body == "登录www.example.gov.cn办理\n报告正文。"


def _boilerplate_negatives(gold: dict[str, object]) -> list[str]:
    """The gold negatives that are site boilerplate (ICP, 公网安备, address, phone, codes)."""
    negatives = [str(n) for n in gold["negatives"]]  # type: ignore[attr-defined]
    pattern = re.compile(r"ICP|公网安备|路\d+号|^[\d-]{6,}$|Copyright")
    return [n for n in negatives if pattern.search(n)]


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_samples_lose_boilerplate_and_keep_every_policy_title(sample: Path) -> None:
    gold = json.loads((GOLD_DIR / f"{sample.stem}.json").read_text(encoding="utf-8"))
    cleaned = clean_text(sample.read_text(encoding="utf-8"))
    for negative in _boilerplate_negatives(gold):
        assert negative not in cleaned.body, negative
    for policy in gold["policies"]:
        assert policy["title"] in cleaned.body, policy["title"]
        for variant in policy["variants"]:
            assert variant in cleaned.body, variant


def test_the_boilerplate_negatives_are_actually_checked() -> None:
    counts = [
        len(_boilerplate_negatives(json.loads(p.read_text(encoding="utf-8"))))
        for p in sorted(GOLD_DIR.glob("*.json"))
    ]
    assert sum(counts) >= 9  # 001 and 003 carry ICP, 公网安备, address, phone, postcode, code


def test_samples_keep_every_report_line() -> None:
    for sample in SAMPLES:
        cleaned = clean_text(sample.read_text(encoding="utf-8"))
        for line in cleaned.dropped:
            assert "。" not in line, line
        assert len(cleaned.body) > 0.9 * len(sample.read_text(encoding="utf-8").strip())


def test_page_header_date_that_does_not_exist_is_dropped() -> None:
    assert parse_page_header("发布时间：2021-02-30 来源：县司法局").date is None


def test_a_line_the_first_character_gate_passes_over_is_never_a_line_of_furniture() -> None:
    """The gate of is_boilerplate: navigation, greeting and widget lines open with one of the
    characters it lets through (a case-blind word with its first letter in any case re reads
    as that letter), so lines opening with any other letter are decided by fields alone."""
    from ingest import clean

    opening = re.compile(
        "|".join(
            f"(?:{p.pattern})"
            for p in (clean._NAVIGATION_LINE, clean._SITE_GREETING, clean._WIDGET_OR_SYMBOLS)
        )
    )
    for letter in ("E", "Q"):  # of (?i:English) and (?i:QQ)空间
        case_blind = re.compile(f"(?i:{letter})")
        letters = {chr(c) for c in range(0x10000) if case_blind.fullmatch(chr(c))}
        assert letters <= clean._FURNITURE_WORD_FIRST
    for line in ("首页 > 政务公开", "English | 简体", "QQ空间 微信", "大 中 小", "【打印】", "_"):
        assert clean._may_open_furniture(line), line
        assert opening.match(line) or line.startswith("首页"), line
    for line in ("一、主要举措和成效", "柳城县人民政府", "2020年3月12日"):
        assert not clean._may_open_furniture(line), line
        assert not clean._may_hold_fields(line), line
        assert not is_boilerplate(line), line
