"""SentenceIndex answers what sentence_bounds answers, for every mention span of real reports
(graph.rows takes every evidence sentence from it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.rows import rows_for
from ingest.pipeline import extract_text
from ingest.sentences import SentenceIndex, sentence_bounds

SAMPLES = sorted(Path("samples/reports").glob("*.txt"))
EDGE_CASES = ["", "甲", "。", "\n", "甲。乙", "  甲！\r\n乙？ ”丙", "a!b?c\n\nd。”", "《法》。\n  "]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_every_span_of_small_texts(text: str) -> None:
    index = SentenceIndex(text)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            assert index.bounds(start, end) == sentence_bounds(text, start, end), (start, end)


def test_every_position_of_the_sample_reports() -> None:
    assert SAMPLES, "no sample reports: the test would prove nothing"
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        index = SentenceIndex(text)
        for start in range(0, len(text), 7):  # every 7th offset, with spans of 0, 3 and 40
            for end in (start, start + 3, start + 40):
                assert index.bounds(start, end) == sentence_bounds(text, start, end)


def test_rows_carry_the_evidence_extraction_gives() -> None:
    for path in SAMPLES:
        x = extract_text(path.read_text(encoding="utf-8"), source=str(path))
        rows = rows_for(x, evidence_cap=1000)
        texts = {t for e in rows.edges for t in e.props.get("evidence_text", [])}
        starts = {s for e in rows.edges for s in e.props.get("evidence_start", [])}
        mentions = [m for p in x.policies for m in p.mentions]
        assert mentions, f"{path}: no policy mention"
        for mention in mentions:
            sentence = x.evidence(mention)
            assert sentence.text in texts
            assert sentence.start in starts
