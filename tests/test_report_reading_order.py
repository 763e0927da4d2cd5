"""A report's region and year are read from their sources in order of trust, stopping once no
later source can win: the answer must be the one reading every source gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract import report, report_head, report_year
from ingest.jsonview import extraction_json
from ingest.model import PageMeta
from ingest.pipeline import extract_text

SAMPLES = sorted(Path("samples/reports").glob("*.txt"))
OPENING = "坚持依法行政，深入推进法治政府建设，取得新成效。"
# Shapes where early sources are missing, weak or name a region several regions share.
SHAPES = [
    f"朝阳区2023年法治政府建设情况报告\n2023年，我区{OPENING}\n北京市朝阳区人民政府\n2024年3月1日",
    f"朝阳区法治政府建设情况报告\n一年来，我区{OPENING}",
    f"法治政府建设工作报告\n2022年，通江县{OPENING}",
    f"今年以来，我县{OPENING}通江县司法局、通江县人民法院协同推进。",
    f"县人大常委会：\n2021年，我县{OPENING}\n通江县人民政府",
    f"一、主要工作\n全市{OPENING}达州市、通川区、达川区共同推进，2020年、2020年完成。",
    f"法治政府建设情况\n我县坚持依法行政，2022年，{OPENING}\n现将通江县2021年法治工作报告如下",
    f"依法行政工作总结\n在达州市委的领导下，通江县{OPENING}\n平昌县人民政府\n2023年1月5日",
]


def _read_every_source(
    sources: list[report_head.Source[object]], **_: object
) -> list[report_head.Candidate[object]]:
    return [found for read, _ in sources if (found := read()) is not None]


def _texts() -> list[tuple[str, str]]:
    samples = [(path.name, path.read_text(encoding="utf-8")) for path in SAMPLES]
    return samples + [(f"shape-{i}", text) for i, text in enumerate(SHAPES)]


@pytest.mark.parametrize(("name", "text"), _texts(), ids=[name for name, _ in _texts()])
def test_reading_in_order_of_trust_gives_what_reading_every_source_gives(
    name: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = [None, PageMeta(date="2024-02-08", publisher="通江县人民政府", source="达州市司法局")]
    in_order = [extraction_json(extract_text(text, page=page))["report"] for page in pages]
    monkeypatch.setattr(report, "read_in_order", _read_every_source)
    monkeypatch.setattr(report_year, "read_in_order", _read_every_source)
    every = [extraction_json(extract_text(text, page=page))["report"] for page in pages]
    assert in_order == every, name


def test_a_late_source_is_not_read_once_an_early_one_is_sure() -> None:
    sure = report_head.candidate(2023, "title", 0.95)
    never = (lambda: pytest.fail("read a source that could not win"), 0.85)
    assert report_head.read_in_order([(lambda: sure, 0.95), never]) == [sure]
