"""The shared dictionary scan: character offsets whatever the text holds."""

from __future__ import annotations

import pytest

from ingest.extract.dictionaries import scan_dictionaries
from ingest.extract.programs import extract_programs
from ingest.gazetteer import Gazetteer, load_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


@pytest.mark.parametrize(
    "text",
    [
        "通江县司法局推行双随机一公开",
        "𠀋𠀋通江县司法局，ABC通江县",  # characters beyond the BMP before the names
        "\0通江县\0",  # NULs, even at the end
        "",
        "繁體：通江縣司法局",
    ],
)
def test_region_matches_are_the_gazetteers_own(gaz: Gazetteer, text: str) -> None:
    assert list(scan_dictionaries(text, gaz).regions) == gaz.find_all(text, overlapping=True)


def test_offsets_count_characters(gaz: Gazetteer) -> None:
    text = "𠀋通江县司法局推行双随机一公开"
    found = scan_dictionaries(text, gaz)
    assert [text[start:end] for start, end, _ in found.regions] == ["通江", "通江县"]
    assert [text[start:end] for _, start, end in found.programmes] == ["双随机", "双随机一公开"]


def test_numbered_names_are_found_from_their_anchors() -> None:
    refs = extract_programs("落实八五普法规划，推行32证合一，再谈五普法。")
    assert [p.canonical for p in refs] == ["八五普法", "32证合一"]
