"""Readers: every format and encoding, and a clear error naming the file for every bad input."""

from __future__ import annotations

import codecs
import html
import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from config import get_settings
from config.settings import Settings
from ingest.clean import clean_text
from ingest.errors import (
    EmptyDocumentError,
    FileNotReadableError,
    FileTooLargeError,
    IngestError,
    UndecodableError,
    UnsupportedFormatError,
)
from ingest.readers import decode_bytes, normalise_text, read_document, reflow_pdf_lines

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples" / "reports").glob("*.txt"))
GOLD_DIR = ROOT / "tests" / "gold"
SETTINGS = get_settings()


def sample(index: int) -> str:
    return SAMPLES[index].read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def read(path: Path, settings: Settings = SETTINGS) -> str:
    return read_document(path, settings=settings).text


# --- plain text and encodings ------------------------------------------------------------------

ENCODERS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "gb18030": lambda text: text.encode("gb18030"),
    "gbk": lambda text: text.encode("gbk"),
    "utf-16le-bom": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16be-bom": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
}
SHORT_TEXTS = ["报告", "依法行政", "县司法局", "法治政府建设年度报告", "2019年12月31日"]


@pytest.mark.parametrize("encoding", ENCODERS)
@pytest.mark.parametrize("index", [0, 2, 3, 4])
def test_full_reports_decode_in_every_encoding(tmp_path: Path, encoding: str, index: int) -> None:
    text = sample(index)
    path = tmp_path / "report.txt"
    path.write_bytes(ENCODERS[encoding](text))
    doc = read_document(path, settings=SETTINGS)
    assert doc.text == normalise_text(text)
    assert (doc.fmt, doc.byte_size, doc.warnings) == ("txt", path.stat().st_size, ())


def test_report_with_characters_outside_gbk_decodes_as_gb18030(tmp_path: Path) -> None:
    text = sample(1)  # holds ©, which GBK cannot encode
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("gb18030"))
    doc = read_document(path, settings=SETTINGS)
    assert (doc.text, doc.encoding) == (normalise_text(text), "gb18030")


@pytest.mark.parametrize("encoding", ENCODERS)
@pytest.mark.parametrize("text", SHORT_TEXTS)
def test_short_texts_decode_in_every_encoding(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes(ENCODERS[encoding](text))
    assert read(path) == text


def test_traditional_chinese_big5_is_detected(tmp_path: Path) -> None:
    text = "各級政府應依法行政，建設法治政府。本年度共辦理行政復議案件十二件，行政訴訟案件八件。"
    path = tmp_path / "big5.txt"
    path.write_bytes((text * 3).encode("big5"))
    doc = read_document(path, settings=SETTINGS)
    assert (doc.text, doc.encoding) == (text * 3, "big5")


def test_a_few_bad_bytes_in_gb18030_are_replaced_with_a_warning(tmp_path: Path) -> None:
    data = bytearray(sample(3).encode("gb18030"))
    for position in (200, 4000, 9000):
        data[position : position + 2] = b"\x81\x20"  # a lead byte without a valid trail byte
    path = tmp_path / "damaged.txt"
    path.write_bytes(bytes(data))
    doc = read_document(path, settings=SETTINGS)
    assert doc.encoding == "gb18030"
    assert doc.text.count("\ufffd") == 3
    assert len(doc.warnings) == 1
    assert "3 undecodable byte sequence(s)" in doc.warnings[0]
    assert len(doc.text) > 0.99 * len(sample(3))


def test_newlines_and_control_characters_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    head = "第一行\r\n第二\x00行\x07\r第三行（全角）\u00a0，\u200b完\r\n"
    path.write_bytes((head + sample(0)).encode())
    assert read(path) == "第一行\n第二行\n第三行（全角） ，完\n" + sample(0)


def test_full_width_forms_are_kept_as_written() -> None:
    text = "《实施方案（2021—2025年）》：１２件，ＡＢＣ"
    assert normalise_text(text) == text


def test_decode_bytes_names_the_codec() -> None:
    assert decode_bytes("依法行政".encode("gbk"), "x.txt").encoding == "gb18030"
    assert decode_bytes("依法行政".encode(), "x.txt").encoding == "utf-8"


# --- HTML --------------------------------------------------------------------------------------

NAV = (
    '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>'
    '<li><a href="/bsfw">办事服务</a></li><li><a href="/hdjl">互动交流</a></li></ul></div>'
)
CRUMB = '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>'
INFO = (
    '<div class="info">发布时间：2021-03-05 10:12 &nbsp; 来源：县司法局 &nbsp; 浏览次数：356'
    " &nbsp;【字体：<a>大</a> <a>中</a> <a>小</a>】</div>"
)
TOOLS = '<div class="tools"><a>打印本页</a> <a>关闭窗口</a> 分享到：<a>微信</a><a>微博</a></div>'
FOOTER = (
    '<div class="footer"><p>主办单位：某某县人民政府办公室 承办单位：某某县大数据中心</p>'
    "<p>地址：某某县人民路1号 邮编：123456 电话：0123-4567890</p>"
    '<p><a href="https://beian.miit.gov.cn">某ICP备12345678号-1</a>'
    " 某公网安备 12345602000123号 网站标识码：1234560001</p>"
    "<p>建议使用1280*768分辨率 IE9以上浏览器</p></div>"
)
CHROME = ["当前位置", "浏览次数", "【字体", "打印本页", "主办单位", "ICP备", "公网安备", "分辨率"]
MENU = {"首页", "政务公开", "办事服务", "互动交流", "首页 政务公开 办事服务 互动交流"}


def gov_page(paras: list[str], title: str, layout: str, charset: str = "utf-8") -> str:
    """A county-government article page: header, menu, breadcrumb, post, widgets, footer."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    heading = f"<h1>{html.escape(title)}</h1>"
    if layout == "div":
        main = f'<div class="main">{heading}{INFO}<div class="TRS_Editor">{body}</div>{TOOLS}</div>'
        page = f'<div class="header">某某县人民政府</div>{NAV}{CRUMB}{main}{FOOTER}'
    else:
        if layout == "cell":  # the whole post in one cell of a layout table
            rows = f"<tr><td>{body}</td></tr>"
        elif layout == "rows":  # one table row per paragraph
            rows = "".join(f"<tr><td>{html.escape(p)}</td></tr>" for p in paras)
        else:  # "br": one cell, paragraphs separated by <br>
            rows = "<tr><td>" + "<br>".join(html.escape(p) for p in paras) + "</td></tr>"
        inner = f"<table><tr><td>{heading}</td></tr><tr><td>{INFO}</td></tr>{rows}</table>"
        page = (
            f"<table><tr><td>{NAV}</td></tr><tr><td>{CRUMB}</td></tr>"
            f"<tr><td>{inner}{TOOLS}</td></tr><tr><td>{FOOTER}</td></tr></table>"
        )
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{html.escape(title)}_某某县人民政府</title>"
        f"</head><body>{page}</body></html>"
    )


@pytest.mark.parametrize("layout", ["div", "cell", "rows", "br"])
@pytest.mark.parametrize("index", [0, 2, 4])
def test_html_main_text_keeps_every_paragraph(tmp_path: Path, layout: str, index: int) -> None:
    paras = paragraphs(sample(index))
    path = tmp_path / "page.html"
    path.write_text(gov_page(paras, "某某县2023年法治政府建设年度报告", layout), encoding="utf-8")
    doc = read_document(path, settings=SETTINGS)
    lines = {line.strip() for line in doc.text.split("\n")}
    assert [p for p in paras if p not in lines] == []
    body = clean_text(doc.text).body
    assert [c for c in CHROME if c in body] == []
    assert MENU.isdisjoint(line.strip() for line in body.split("\n"))
    assert doc.page.title == "某某县2023年法治政府建设年度报告"
    assert (doc.page.date, doc.page.source) == ("2021-03-05", "县司法局")


def test_html_declared_gb2312_is_read_as_gb18030(tmp_path: Path) -> None:
    paras = paragraphs(sample(3))
    path = tmp_path / "page.htm"
    page = gov_page(paras, "海州区2023年法治政府建设情况报告", "div", charset="gb2312")
    path.write_bytes(page.encode("gb18030"))
    doc = read_document(path, settings=SETTINGS)
    assert doc.encoding == "gb18030"
    assert squeeze("".join(paras)) in squeeze(doc.text)


def test_html_with_a_wrong_declared_charset_is_detected(tmp_path: Path) -> None:
    paras = paragraphs(sample(4))
    path = tmp_path / "page.html"
    path.write_bytes(gov_page(paras, "某盟法治政府建设报告", "div").encode("gb18030"))
    doc = read_document(path, settings=SETTINGS)
    assert doc.encoding == "gb18030"
    assert any("declared charset utf-8" in w for w in doc.warnings)
    assert paras[3] in doc.text


def test_html_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><head><title></title></head><body><div></div></body></html>")
    with pytest.raises(EmptyDocumentError, match=r"blank\.html: no text in this html file"):
        read(path)


# --- PDF ---------------------------------------------------------------------------------------


def write_pdf(path: Path, paras: list[str], title: str) -> None:
    """A text PDF set in the built-in CID font STSong-Light (no font file needed)."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")
    document = SimpleDocTemplate(str(path), pagesize=A4, title=title)
    document.build([Paragraph(html.escape(p), style) for p in paras])


def test_pdf_text_layer_is_read_and_reflowed(tmp_path: Path) -> None:
    paras = paragraphs(sample(2))
    path = tmp_path / "report.pdf"
    write_pdf(path, paras, "柳城县2023年法治政府建设年度报告")
    doc = read_document(path, settings=SETTINGS)
    assert doc.fmt == "pdf"
    assert doc.page.title == "柳城县2023年法治政府建设年度报告"
    assert squeeze(doc.text) == squeeze("".join(paras))
    lines = set(doc.text.split("\n"))
    assert sum(p in lines for p in paras) >= 0.85 * len(paras)  # 56 of 62 measured
    gold = json.loads((GOLD_DIR / f"{SAMPLES[2].stem}.json").read_text(encoding="utf-8"))
    for policy in gold["policies"]:
        assert policy["title"] in doc.text, policy["title"]


def test_pdf_reflow_joins_wrapped_lines_only() -> None:
    lines = [
        "一、总体情况",
        "全年共办理行政复议案件12件，同比增长百分之二十，其中维持",
        "8件，撤销2件。",
        "二、存在问题",
        "  执法人员不足。",
    ]
    assert reflow_pdf_lines(lines) == [
        "一、总体情况",
        "全年共办理行政复议案件12件，同比增长百分之二十，其中维持8件，撤销2件。",
        "二、存在问题",
        "执法人员不足。",
    ]


def test_scanned_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.rect(100, 100, 300, 500, fill=1)
    canvas.showPage()
    canvas.save()
    with pytest.raises(EmptyDocumentError, match=r"scan\.pdf: no text layer \(scanned PDF\?\)"):
        read(path)


def test_broken_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    with pytest.raises(UndecodableError, match=r"broken\.pdf: not a readable PDF"):
        read(path)


def test_truncated_pdf_is_one_error_line_and_pypdf_logs_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    whole = tmp_path / "whole.pdf"
    write_pdf(whole, paragraphs(sample(2)), "柳城县2023年法治政府建设年度报告")
    path = tmp_path / "truncated.pdf"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with caplog.at_level(logging.WARNING), pytest.raises(UndecodableError) as caught:
        read(path)
    assert [r for r in caplog.records if r.name.startswith("pypdf")] == []
    message = str(caught.value)
    assert message.startswith(f"{path}: not a readable PDF")
    assert "EOF marker not found" in message  # what pypdf logged, in the error line
    assert "\n" not in message


# --- DOCX --------------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "某县2022年法治政府建设年度报告"
    document.add_heading("某县2022年法治政府建设年度报告", level=1)
    document.add_paragraph("一、主要举措和成效")
    data = document.add_table(rows=2, cols=2)
    for (row, col), value in {
        (0, 0): "指标",
        (0, 1): "数量",
        (1, 0): "复议案件",
        (1, 1): "12件",
    }.items():
        data.cell(row, col).text = value
    document.add_paragraph("二、存在的问题")
    layout = document.add_table(rows=1, cols=1)
    layout.cell(0, 0).text = "执法力量不足。"
    layout.cell(0, 0).add_paragraph("培训不够。")
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并单元格"
    merged.cell(0, 2).text = "尾"
    path = tmp_path / "report.docx"
    document.save(str(path))
    doc = read_document(path, settings=SETTINGS)
    assert doc.text.split("\n") == [
        "某县2022年法治政府建设年度报告",
        "一、主要举措和成效",
        "指标\t数量",
        "复议案件\t12件",
        "二、存在的问题",
        "执法力量不足。",
        "培训不够。",
        "合并单元格\t尾",
    ]
    assert (doc.fmt, doc.page.title) == ("docx", "某县2022年法治政府建设年度报告")


def test_broken_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(os.urandom(3000))
    with pytest.raises(UndecodableError, match=r"broken\.docx: not a readable \.docx file"):
        read(path)


def test_docx_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))
    with pytest.raises(EmptyDocumentError, match=r"blank\.docx: no text in this docx file"):
        read(path)


# --- bad input ---------------------------------------------------------------------------------

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06"


@pytest.mark.parametrize(
    ("content", "error", "reason"),
    [
        (b"", EmptyDocumentError, "empty file"),
        (b" \r\n\t\n   ", EmptyDocumentError, "empty file"),
        (codecs.BOM_UTF16_LE + "  \n ".encode("utf-16-le"), EmptyDocumentError, "empty file"),
        (os.urandom(4096), UndecodableError, "binary or undecodable content"),
        (PNG_HEADER + os.urandom(2048), UndecodableError, "binary or undecodable content"),
        (bytes(range(256)) * 8, UndecodableError, "binary or undecodable content"),
    ],
    ids=["empty", "whitespace", "utf16-whitespace", "random", "png", "byte-range"],
)
def test_bad_text_files_are_refused_naming_the_file(
    tmp_path: Path, content: bytes, error: type[IngestError], reason: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        read(path)
    assert str(caught.value) == f"{path}: {reason}"
    assert (caught.value.path, caught.value.reason) == (str(path), reason)


def test_oversized_file_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(100 * 2**20)  # sparse: costs no disk
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    with pytest.raises(FileTooLargeError) as caught:
        read(path, get_settings(max_file_bytes=20 * 2**20))
    assert str(caught.value) == (
        f"{path}: file is 100 MB, larger than the limit of 20 MB (FAZHI_MAX_FILE_BYTES)"
    )


def test_size_limit_comes_from_settings(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_text("法治政府建设" * 100, encoding="utf-8")
    assert read(path, get_settings(max_file_bytes=2000)).startswith("法治政府建设")
    with pytest.raises(
        FileTooLargeError,
        match=r"small\.txt: file is 0\.0017 MB, larger than the limit of 0\.00095 MB",
    ):
        read(path, get_settings(max_file_bytes=1000))


@pytest.mark.parametrize("name", ["report.xyz", "report.doc", "README"])
def test_unsupported_extension_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("法治政府建设年度报告", encoding="utf-8")
    suffix = path.suffix or "(none)"
    with pytest.raises(UnsupportedFormatError) as caught:
        read(path)
    assert str(caught.value) == (
        f"{path}: unsupported extension {suffix} (supported: .txt .html .htm .pdf .docx)"
    )


def test_missing_file_and_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FileNotReadableError, match=r"nope\.txt: no such file"):
        read(tmp_path / "nope.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(FileNotReadableError, match=r"folder\.txt: is a directory, not a file"):
        read(folder)


def test_upper_case_extension_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "REPORT.TXT"
    path.write_bytes("依法行政".encode("gb18030"))
    assert read(path) == "依法行政"
