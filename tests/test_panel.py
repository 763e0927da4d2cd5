"""The panel export (README: Panel export) on both stores: the ``panel`` query's rows agree, the
bundled samples' panel has the right cited / not cited / missing cells, and its CSV, Parquet and
Stata files load in pandas and pyreadstat with the documented columns. Then the choice of
policies, two reports on one region-year, the ``fazhi export --format panel`` command and
``fz.panel`` on the hand-built reports of ``tests/store_fixtures.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat
import pytest
from typer.testing import CliRunner

from cli import app
from client import Fazhi
from config.settings import Settings
from graph.memory import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore
from ingest.model import Extraction
from ingest.pipeline import extract_file
from queries import run_query
from queries.panel import QUERY as PANEL_QUERY
from services.errors import NotFoundError, UserInputError
from services.panel import (
    Panel,
    PanelFilters,
    PolicySelection,
    build_panel,
    select_policies,
    write_panel,
)
from services.reviewing import find_reports
from tests.neo4j_server import wipe_all_nodes
from tests.store_fixtures import (
    LAW,
    PROVINCE_PLAN,
    PROVINCE_PLAN_NUMBER,
    YUNYANG,
    all_reports,
    report_b,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"
POLICY = "重大行政决策程序暂行条例"
ID_COLUMNS = [
    "region_code",
    "region_name",
    "level",
    "province_code",
    "prefecture_code",
    "year",
    "has_report",
    "reports",
    "report_id",
    "published",
]
WIDE_COLUMNS = [*ID_COLUMNS, "cited_p1", "mentions_p1", "cited_p2", "mentions_p2"]
LONG_COLUMNS = [*ID_COLUMNS, "policy_key", "policy_id", "policy_title", "cited", "mentions"]
TEXT_COLUMNS = dict.fromkeys(("region_code", "province_code", "prefecture_code", "report_id"), str)


# --- the bundled samples on both stores ------------------------------------------------------


@pytest.fixture(scope="module")
def sample_extractions() -> list[Extraction]:
    return [extract_file(path) for path in sorted(SAMPLES.glob("*.txt"))]


@pytest.fixture(scope="module")
def memory(sample_extractions: list[Extraction]) -> GraphStore:
    store = MemoryStore(data_dir=None)
    for extraction in sample_extractions:
        store.upsert_report(extraction)
    return store


@pytest.fixture(scope="module")
def neo4j(neo4j_settings: Settings, sample_extractions: list[Extraction]) -> Iterator[GraphStore]:
    wipe_all_nodes(neo4j_settings)
    with Neo4jStore(neo4j_settings) as store:
        for extraction in sample_extractions:
            store.upsert_report(extraction)
        yield store
    wipe_all_nodes(neo4j_settings)


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> GraphStore:
    found: GraphStore = request.getfixturevalue(request.param)
    return found


def top_ids(store: GraphStore, limit: int) -> list[str]:
    rows = run_query(store, "top_cited_policies", {"limit": limit})
    return [row["policy_id"] for row in rows]


@pytest.mark.neo4j
@pytest.mark.parametrize(
    "filters",
    [{}, {"level": "county"}, {"year_from": 2020}, {"province_code": "420000"}],
    ids=str,
)
def test_panel_query_gives_identical_rows_on_both_stores(
    filters: dict[str, Any], memory: GraphStore, neo4j: GraphStore
) -> None:
    params = {**filters, "policy_ids": [*top_ids(memory, 8), "no such policy"]}
    embedded = run_query(memory, PANEL_QUERY, params)
    served = run_query(neo4j, PANEL_QUERY, params)
    assert served == embedded
    assert embedded
    assert all(tuple(row) == PANEL_QUERY.columns for row in embedded)
    assert all(row["mentions"][-1] == 0 for row in embedded)
    assert any(sum(row["mentions"]) for row in embedded)


def expected_cell(key: tuple[str, int], citing: set[Any], reported: set[Any]) -> Any:
    """1 when a report of the region-year cites the policy, 0 when one exists but does not,
    missing without a report."""
    if key in citing:
        return 1
    return 0 if key in reported else None


def facts(store: GraphStore) -> tuple[set[Any], set[Any]]:
    """(region, year) pairs whose reports cite :data:`POLICY`, and those with any report."""
    citing = run_query(store, "regions_citing_policy", {"policy": POLICY})
    reports = find_reports(store)
    return (
        {(row["region_code"], row["year"]) for row in citing},
        {(r.props["region_code"], r.props["year"]) for r in reports},
    )


def test_cells_are_cited_not_cited_or_missing(store: GraphStore) -> None:
    panel = build_panel(store, PolicySelection(titles=[POLICY]))
    citing, reported = facts(store)
    assert {("152500", 2020), ("210902", 2023)} <= citing  # 锡林郭勒盟, 海州区 (README)
    frame = panel.frame
    assert list(frame.columns) == WIDE_COLUMNS[:-2]
    keys = list(zip(frame["region_code"], frame["year"], strict=True))
    assert set(keys) == {(code, year) for code, _ in reported for year in range(2019, 2024)}
    cells = [expected_cell(key, citing, reported) for key in keys]
    assert {0, 1, None} <= set(cells)  # each kind of cell is there to be checked
    for key, cell, cited, has_report in zip(
        keys, cells, frame["cited_p1"], frame["has_report"], strict=True
    ):
        assert (None if pd.isna(cited) else int(cited)) == cell, key
        assert has_report == (key in reported), key
    assert frame.loc[frame["has_report"] == 0, "mentions_p1"].isna().all()


def read_back(path: Path, fmt: str) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(path, dtype=TEXT_COLUMNS)
    if fmt == "parquet":
        return pd.read_parquet(path)
    return pd.read_stata(path)


def same_cells(loaded: pd.DataFrame, panel: Panel, columns: list[str]) -> None:
    """Every loaded cell is the panel's: missing where missing (an empty string in Stata)."""
    assert len(loaded) == len(panel.frame)
    for name in columns:
        for got, want in zip(loaded[name], panel.frame[name], strict=True):
            if pd.isna(want):
                assert pd.isna(got) or got == "", (name, got)
            elif isinstance(want, str):
                assert got == want, (name, got, want)
            else:
                assert int(got) == int(want), (name, got, want)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "dta"])
@pytest.mark.parametrize("shape", ["wide", "long"])
def test_files_load_with_the_documented_columns(
    store: GraphStore, tmp_path: Path, fmt: str, shape: Any
) -> None:
    other = next(i for i in top_ids(store, 2) if i != POLICY)
    panel = build_panel(store, PolicySelection(titles=[POLICY, other]), None, shape)
    columns = WIDE_COLUMNS if shape == "wide" else LONG_COLUMNS
    data, labels = write_panel(panel, tmp_path / f"panel.{fmt}")
    loaded = read_back(data, fmt)
    assert list(loaded.columns) == columns
    same_cells(loaded, panel, columns)
    titles = pd.read_csv(labels)
    assert titles["key"].tolist() == ["p1", "p2"]
    assert titles["title"].iloc[0] == POLICY
    if fmt == "dta":
        read, meta = pyreadstat.read_dta(str(data))
        assert list(read.columns) == columns
        assert "锡林郭勒盟" in set(read["region_name"])  # UTF-8 strings (Stata 118)
        same_cells(read, panel, columns)
        if shape == "wide":
            assert meta.column_names_to_labels["cited_p1"] == f"cited {POLICY}"


# --- choosing the policies, on the hand-built reports ----------------------------------------


@pytest.fixture(scope="module")
def fixture_store() -> GraphStore:
    store = MemoryStore(data_dir=None)
    for extraction in [*all_reports(), second_yunyang_2019()]:
        store.upsert_report(extraction)
    return store


def second_yunyang_2019() -> Extraction:
    """Report B's text as a second report on 郧阳区 2019, published before report A."""
    b = report_b()
    meta = dataclasses.replace(
        b.report, region="郧阳区", region_code="420304", published="2020-01-10"
    )
    return dataclasses.replace(
        b,
        source="reports/yunyang-2019-second.txt",
        report_id="d" * 16,
        report=meta,
        region_info=(*b.region_info[:2], YUNYANG),
    )


def chosen(store: GraphStore, **selection: Any) -> list[tuple[str, str]]:
    found = select_policies(store, PolicySelection(**selection))
    return [(p.key, p.policy_id) for p in found]


def test_a_near_title_is_suggested(fixture_store: GraphStore) -> None:
    with pytest.raises(NotFoundError, match="did you mean: 中华人民共和国行政处罚法"):
        select_policies(fixture_store, PolicySelection(titles=["中华人民共和国行政处罚"]))


def test_titles_keep_their_order_and_two_spellings_are_one_column(
    fixture_store: GraphStore,
) -> None:
    titles = [f"《{PROVINCE_PLAN}》", "《行政处罚法》", PROVINCE_PLAN_NUMBER]
    assert chosen(fixture_store, titles=titles) == [("p1", PROVINCE_PLAN), ("p2", LAW)]


def test_kind_and_top_choose_the_most_cited(fixture_store: GraphStore) -> None:
    top = top_ids(fixture_store, 20)
    assert [i for _, i in chosen(fixture_store, top=2)] == top[:2]
    assert [i for _, i in chosen(fixture_store)] == top  # nothing chosen: the top 20
    laws = select_policies(fixture_store, PolicySelection(kind="law"))
    assert [(p.policy_id, p.kind) for p in laws] == [(LAW, "law")]


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ({"titles": ["《不存在的办法》"]}, "no policy titled '《不存在的办法》'"),
        ({"titles": [LAW], "kind": "law"}, "by title, or by kind and / or top N: not both"),
        ({"kind": "statute"}, "policy kind 'statute': not one of law, administrative_regulation"),
        ({"top": 0}, "top 0: give a number from 1 to 1000"),
    ],
)
def test_a_bad_choice_is_one_clear_error(
    fixture_store: GraphStore, selection: dict[str, Any], message: str
) -> None:
    with pytest.raises(UserInputError, match=message):
        select_policies(fixture_store, PolicySelection(**selection))


def test_bad_filters_and_file_names_are_clear_errors(fixture_store: GraphStore) -> None:
    with pytest.raises(UserInputError, match="parameter 'level'"):
        build_panel(fixture_store, filters=PanelFilters(level="city"))
    with pytest.raises(UserInputError, match="panel filter region unknown"):
        PanelFilters.of(region="420304")
    panel = build_panel(fixture_store)
    with pytest.raises(UserInputError, match=r"panel\.xlsx: file format 'xlsx' unknown"):
        write_panel(panel, Path("panel.xlsx"))


def test_two_reports_on_one_region_year_make_one_row(fixture_store: GraphStore) -> None:
    frame = build_panel(fixture_store, PolicySelection(titles=[LAW, PROVINCE_PLAN])).frame
    rows = {(r.region_code, r.year): r for r in frame.itertuples()}
    assert len(rows) == len(frame) == 6  # 郧阳区, 房县, 十堰市 × 2019, 2020
    yunyang = rows["420304", 2019]
    assert (yunyang.has_report, yunyang.reports) == (1, 2)
    assert yunyang.report_id == f"{'a' * 16};{'d' * 16}"
    assert yunyang.published == "2020-01-10"  # the earlier of the two
    assert (yunyang.cited_p1, yunyang.mentions_p1) == (1, 2)  # each cites the law once
    assert (yunyang.cited_p2, yunyang.mentions_p2) == (1, 2)  # by a nested title, by title
    shiyan = rows["420300", 2020]
    assert (shiyan.cited_p1, shiyan.cited_p2) == (0, 1)  # the plan by 文号 alone
    assert rows["420304", 2020].cited_p1 is pd.NA
    assert rows["420304", 2020].has_report == 0
    assert (shiyan.province_code, shiyan.prefecture_code) == ("420000", "420300")


def test_year_span_and_filters_choose_the_rows(fixture_store: GraphStore) -> None:
    filters = PanelFilters(year_from=2018, year_to=2019, level="county")
    frame = build_panel(fixture_store, PolicySelection(titles=[LAW]), filters).frame
    assert sorted(set(frame["year"])) == [2018, 2019]
    assert sorted(set(frame["region_code"])) == ["420304", "420325"]
    assert frame.loc[frame["year"] == 2018, "has_report"].eq(0).all()


# --- front ends -------------------------------------------------------------------------------


def test_fazhi_export_format_panel(tmp_path: Path) -> None:
    with MemoryStore(data_dir=tmp_path / "store") as store:
        for extraction in all_reports():
            store.upsert_report(extraction)
    base = ["export", "--format", "panel", "--data-dir", str(tmp_path / "store")]
    out = tmp_path / "p.parquet"
    done = CliRunner().invoke(app, [*base, "--policy", LAW, "--long", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert f"wrote {out}" in done.stdout
    loaded = pd.read_parquet(out)
    assert list(loaded.columns) == LONG_COLUMNS
    assert set(loaded["policy_id"]) == {LAW}
    failed = CliRunner().invoke(
        app, [*base, "--policy", "《无此法》", "--out", str(tmp_path / "p.csv")]
    )
    assert failed.exit_code == 2
    [line] = failed.stderr.strip().splitlines()  # one line, whatever it suggests
    assert line.startswith("error: no policy titled '《无此法》'")


def test_notebook_panel(fixture_store: GraphStore) -> None:
    with Fazhi(store=fixture_store) as fz:
        frame = fz.panel(LAW, year_to=2020)
        long = fz.panel(kind="law", long=True)
    assert list(frame.columns) == WIDE_COLUMNS[:-2]
    assert frame.attrs["policies"][0]["title"] == LAW
    assert list(long.columns) == LONG_COLUMNS
    with pytest.raises(UserInputError, match="panel filter"):
        fz.panel(LAW, years=2020)
