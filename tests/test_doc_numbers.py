"""文号 extraction: every bracket form, issuer codes bounded by the words before them, and the
boilerplate numbers that look like 文号 but are not; scored on the five gold reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.extract.doc_numbers import _tails, extract_doc_numbers, issuer_code_before
from ingest.normalize import DOC_NUMBER_TAIL, canonical_doc_number
from ingest.pipeline import extract_text

GOLD = Path(__file__).parent / "gold"
REPORTS = Path(__file__).parent.parent / "samples" / "reports"


def _gold_files() -> list[dict[str, Any]]:
    files = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]
    assert len(files) == 5
    return files


def _canonicals(text: str) -> list[str]:
    return [ref.canonical for ref in extract_doc_numbers(text)]


@pytest.mark.parametrize(
    "written",
    [
        "郧政办发〔2019〕29号",
        "郧政办发[2019]29号",
        "郧政办发［2019］29号",
        "郧政办发【2019】29号",
        "郧政办发(2019)29号",
        "郧政办发（2019）29号",
        "郧政办发〔2019〕第29号",
    ],
)
def test_every_bracket_form_is_found_and_parsed(written: str) -> None:
    (ref,) = extract_doc_numbers(f"区政府印发了{written}文件。")
    assert (ref.text, ref.canonical) == (written, "郧政办发〔2019〕29号")
    assert (ref.issuer_code, ref.year, ref.serial) == ("郧政办发", 2019, 29)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("以郧政办发〔2019〕29号", "郧政办发"),
        ("按照国务院国发〔2015〕12号", "国发"),
        ("中共中央办公厅印发中办发〔2016〕14号", "中办发"),
        ("区政府办公室郧政办电〔2019〕21号", "郧政办电"),
        ("两办印发的通知(办字〔2020〕14号)", "办字"),
        ("根据柳政规〔2021〕3号", "柳政规"),
        ("转发川经信〔2019〕3号", "川经信"),
        ("文件厅字〔2016〕34号", "厅字"),
        ("关于承接落实黑政规〔2017〕34号", "黑政规"),
        ("贯彻执行鄂政发〔2020〕5号", "鄂政发"),
    ],
)
def test_issuer_code_stops_at_the_words_before_it(text: str, code: str) -> None:
    (ref,) = extract_doc_numbers(text)
    assert ref.issuer_code == code
    assert text[ref.mentions[0].start : ref.mentions[0].end] == ref.text


def test_issuer_code_needs_cjk_right_before_the_bracket() -> None:
    assert issuer_code_before("号码 〔2019〕", 3) == ""
    assert issuer_code_before("印发〔2019〕", 2) == ""


@pytest.mark.parametrize(
    "text",
    [
        "Copyright © 2019-2022 民生巴中网版权所有 蜀ICP备17027093号-1",
        "京ICP证030173号",
        "辽公网安备 21090202000066号",
        "地址:四川省成都市新都区方营路555号 邮政编码:610000",
        "地址:阜新市海州区中华路66号 邮编:123000",
        "网站监督举报热线:0418-3309188 网站标识码:2109020001",
        "国务院令第708号",
        "司法部令第1号",
        "《重大行政决策程序暂行条例》(国务院令第713号)",
        "省人民政府令第256号",
        "在〔2019〕年度",
        "(2019)鄂0304民初123号判决",
        "郧政发〔1900〕2号",
        "郧政发〔2019〕号",
    ],
)
def test_lookalikes_are_not_doc_numbers(text: str) -> None:
    assert extract_doc_numbers(text) == ()


def test_one_reference_per_distinct_number_with_every_mention() -> None:
    text = "印发(郧政发〔2019〕1号);郧政发[2019]1号明确;郧政发〔2019〕2号"
    refs = extract_doc_numbers(text)
    assert [(r.canonical, len(r.mentions)) for r in refs] == [
        ("郧政发〔2019〕1号", 2),
        ("郧政发〔2019〕2号", 1),
    ]
    assert refs[0].text == "郧政发〔2019〕1号"


def _written(text: str) -> list[tuple[str, list[str]]]:
    """(canonical, the written mentions) of every 文号 in ``text``."""
    refs = extract_doc_numbers(text)
    return [(r.canonical, [text[m.start : m.end] for m in r.mentions]) for r in refs]


def test_bare_serials_after_a_full_number_share_its_issuer_code_and_year() -> None:
    text = "区政府办公室印发郧政办发〔2024〕4号、5号、第6号文件。"
    assert _written(text) == [
        ("郧政办发〔2024〕4号", ["郧政办发〔2024〕4号"]),
        ("郧政办发〔2024〕5号", ["5号"]),
        ("郧政办发〔2024〕6号", ["第6号"]),
    ]


def test_a_bracketed_year_after_a_full_number_shares_its_issuer_code() -> None:
    text = "按照郧政办发〔2023〕9号、[2024]4号和5号文件精神"
    assert _written(text) == [
        ("郧政办发〔2023〕9号", ["郧政办发〔2023〕9号"]),
        ("郧政办发〔2024〕4号", ["[2024]4号"]),
        ("郧政办发〔2024〕5号", ["5号"]),
    ]


def test_a_continuation_is_no_spelling_of_its_number() -> None:
    refs = extract_doc_numbers("转发郧政发〔2019〕1号、2号;郧政发〔2019〕2号明确")
    assert [(r.canonical, r.text) for r in refs] == [
        ("郧政发〔2019〕1号", "郧政发〔2019〕1号"),
        ("郧政发〔2019〕2号", "郧政发〔2019〕2号"),
    ]
    assert len(refs[1].mentions) == 2


def test_a_lone_continuation_takes_its_canonical_form_as_text() -> None:
    (_, ref) = extract_doc_numbers("印发郧政发〔2019〕1号、2号文件")
    assert (ref.text, ref.issuer_code, ref.year, ref.serial) == (
        "郧政发〔2019〕2号",
        "郧政发",
        2019,
        2,
    )


def test_a_traditional_page_gives_simplified_doc_numbers_as_written() -> None:
    (ref,) = extract_text("按照《實施意見》(寧政發〔2019〕35號)要求").doc_numbers
    assert (ref.canonical, ref.issuer_code, ref.text) == (
        "宁政发〔2019〕35号",
        "宁政发",
        "寧政發〔2019〕35號",
    )


@pytest.mark.parametrize(
    "after",
    [
        "、2号楼",  # a building, not a serial
        "和省政府第3号令",  # an order's 令号
        "、第3号令",  # an order's 令号 right after the number
        ")、2号文件",  # the bracket around the number closes the list
        ",2号文件",  # a comma ends the clause, not the list
    ],
)
def test_what_follows_a_number_without_continuing_it_is_not_a_doc_number(after: str) -> None:
    assert _canonicals(f"郧政发〔2019〕1号{after}") == ["郧政发〔2019〕1号"]


@pytest.mark.parametrize(
    "text",
    [
        "国务院令第711号、第712号",  # 令号 (GB/T 9704 §10.2) are no 文号
        "〔2024〕4号、5号文件",  # no full number before: no issuer code to share
    ],
)
def test_serials_without_a_full_number_before_them_are_not_doc_numbers(text: str) -> None:
    assert extract_doc_numbers(text) == ()


@pytest.fixture(scope="module")
def gold_and_found() -> list[tuple[dict[str, Any], set[str], list[str]]]:
    rows = []
    for gold in _gold_files():
        refs = extract_doc_numbers((REPORTS / gold["file"]).read_text(encoding="utf-8"))
        rows.append((gold, {r.canonical for r in refs}, [r.text for r in refs]))
    return rows


def test_gold_doc_numbers_f1_is_one(
    gold_and_found: list[tuple[dict[str, Any], set[str], list[str]]],
) -> None:
    tp = fp = fn = 0
    for gold, found, _ in gold_and_found:
        expected = {d["canonical"] for d in gold["doc_numbers"]}
        tp, fp, fn = (
            tp + len(found & expected),
            fp + len(found - expected),
            fn + len(expected - found),
        )
    assert tp > 0
    assert (fp, fn) == (0, 0)


def test_gold_doc_numbers_are_parsed_like_gold(
    gold_and_found: list[tuple[dict[str, Any], set[str], list[str]]],
) -> None:
    for gold, _, _ in gold_and_found:
        text = (REPORTS / gold["file"]).read_text(encoding="utf-8")
        by_canonical = {r.canonical: r for r in extract_doc_numbers(text)}
        for expected in gold["doc_numbers"]:
            ref = by_canonical[expected["canonical"]]
            assert (ref.text, ref.issuer_code, ref.year, ref.serial) == (
                expected["text"],
                expected["issuer_code"],
                expected["year"],
                expected["serial"],
            )


def test_no_gold_negative_is_taken_for_a_doc_number(
    gold_and_found: list[tuple[dict[str, Any], set[str], list[str]]],
) -> None:
    for gold, _, texts in gold_and_found:
        hits = [t for t in texts for n in gold["negatives"] if t in n or n in t]
        assert hits == [], gold["file"]


@pytest.mark.parametrize(
    "written",
    ["郧政办发[2019]第029号", "国发（2015）7号", "鄂发【2016】22号", "郧政办电(2019)21号"],
)
def test_a_typed_doc_number_canonicalises_like_an_extracted_one(written: str) -> None:
    [ref] = extract_doc_numbers(f"印发了{written}。")
    assert canonical_doc_number(written) == ref.canonical


@pytest.mark.parametrize(
    "written", ["国发〔1948〕7号", "国发〔2101〕7号", "甲乙丙丁戊己庚辛壬癸子〔2019〕1号"]
)
def test_what_the_extractor_refuses_a_user_cannot_type_either(written: str) -> None:
    extracted = [ref.canonical for ref in extract_doc_numbers(f"按{written}执行")]
    assert written not in extracted
    with pytest.raises(ValueError, match="not a document number"):
        canonical_doc_number(written)


@pytest.mark.parametrize(
    "text",
    [
        "郧政办发（（2019）29号",  # a bracket inside the one a number starts with
        "(见郧政办发〔2019〕29号(2020)3号)",  # a number inside brackets, a bracket after it
        "办字【2020】14号和[2021]15号；（ 2022 ）16号",
        "（2019）（2020）1号",
    ],
)
def test_bracket_led_scan_finds_what_the_regex_scan_finds(text: str) -> None:
    expected = [m.span() for m in DOC_NUMBER_TAIL.finditer(text)]
    assert expected
    assert [m.span() for m in _tails(text)] == expected


def test_bracket_led_scan_matches_the_regex_scan_on_the_sample_reports() -> None:
    for path in sorted(REPORTS.glob("*.txt")):
        text = extract_text(path.read_text(encoding="utf-8")).text
        assert [m.span() for m in _tails(text)] == [
            m.span() for m in DOC_NUMBER_TAIL.finditer(text)
        ], path.name
