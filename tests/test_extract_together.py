"""Reports extracted together, a stage at a time (ingest.pipeline.extract_texts and
try_extract_sources), give what each gives alone; a file that breaks the batch fails alone."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from config import get_settings
from ingest.extract.metrics import extract_metrics
from ingest.model import Extraction, PageMeta
from ingest.names import source_name
from ingest.pipeline import (
    ReportText,
    extract_file,
    extract_text,
    extract_texts,
    try_extract_sources,
)

SAMPLES = sorted((Path(__file__).parent.parent / "samples" / "reports").glob("*.txt"))
BREAKS_EXTRACTION = "本报告的指标无法读取"  # the test makes the metrics extractor fail on it
UNSUPPORTED = "unsupported extension .md (supported: .txt .html .htm .pdf .docx)"


def test_reports_extracted_together_equal_each_alone() -> None:
    texts = [
        ReportText(path.read_text(encoding="utf-8"), path.name, PageMeta(title=f"标题{index}"))
        for index, path in enumerate(SAMPLES)
    ]
    alone = [extract_text(text.text, source=text.source, page=text.page) for text in texts]
    assert extract_texts(texts) == alone
    assert extract_texts(texts[::-1]) == alone[::-1]
    assert extract_texts([]) == []


def test_a_batch_of_files_keeps_order_and_names_the_bad_ones(tmp_path: Path) -> None:
    unsupported = tmp_path / "notes.md"
    unsupported.write_text("不是报告", "utf-8")
    files = [SAMPLES[0], unsupported, SAMPLES[1]]
    outcomes = try_extract_sources(files, settings=get_settings(corrections=None))
    assert outcomes[1] == f"{source_name(unsupported)}: {UNSUPPORTED}"
    assert outcomes[::2] == [extract_file(path) for path in files[::2]]


def test_a_file_that_breaks_the_batch_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def breaking(text: str) -> object:
        if BREAKS_EXTRACTION in text:
            raise ValueError("no figure can be read")
        return extract_metrics(text)

    bad = tmp_path / "bad.txt"
    bad.write_text(f"{SAMPLES[2].read_text(encoding='utf-8')}\n{BREAKS_EXTRACTION}\n", "utf-8")
    files = [SAMPLES[0], bad, SAMPLES[1]]
    expected = [extract_file(path) for path in files[::2]]
    monkeypatch.setattr("ingest.pipeline.extract_metrics", breaking)
    outcomes = try_extract_sources(files, settings=get_settings(corrections=None))
    problem = "extraction failed (ValueError: no figure can be read)"
    assert outcomes[1] == f"{source_name(bad)}: {problem}"
    assert outcomes[::2] == expected
    assert all(isinstance(outcome, Extraction) for outcome in outcomes[::2])


def test_the_collector_is_paused_for_a_batch_and_restored_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []

    def watching(text: str) -> object:
        seen.append(gc.isenabled())
        if BREAKS_EXTRACTION in text:
            raise ValueError("no figure can be read")
        return extract_metrics(text)

    monkeypatch.setattr("ingest.pipeline.extract_metrics", watching)
    extract_texts([ReportText("2021年，通江县调解纠纷120件。")])
    with pytest.raises(ValueError, match="no figure"):
        extract_texts([ReportText(BREAKS_EXTRACTION)])
    assert seen == [False, False]
    assert gc.isenabled()
