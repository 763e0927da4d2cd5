"""The notebook client on real stores: named queries as DataFrames, subgraphs, stats, ingest."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest

from client import Fazhi
from config.settings import get_settings
from graph.memory import MemoryStore
from graph.model import Label
from graph.store import StoreError, UpsertResult
from ingest.model import Extraction
from queries import QUERIES
from services.errors import UserInputError
from services.ingesting import ingest_files
from tests.api_support import filled_memory_store
from tests.store_fixtures import LAW, PROVINCE_PLAN

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"

# One valid value for each required parameter name of the named queries, on the fixtures.
REQUIRED_VALUES: dict[str, Any] = {
    "policy": LAW,
    "region": "420304",
    "issuer": "郧阳区人民政府办公室",
    "text": "法治",
    "from_label": "Region",
    "from_key": "420304",
    "to_label": "Policy",
    "to_key": LAW,
    "year": 2019,
}


@pytest.fixture(scope="module")
def fz() -> Iterator[Fazhi]:
    """A client over a memory store holding reports A, B and C."""
    with Fazhi(get_settings(), store=filled_memory_store()) as client:
        yield client


@pytest.fixture(scope="module")
def samples_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the sample reports, ingested through the client."""
    data_dir = tmp_path_factory.mktemp("fazhi")
    with Fazhi.open(store="memory", data_dir=data_dir) as client:
        ingested = client.ingest(SAMPLES)
    assert list(ingested["status"]) == ["new"] * len(list(SAMPLES.glob("*.txt")))
    return data_dir


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_named_query_answers_a_dataframe_with_its_columns(fz: Fazhi, name: str) -> None:
    fields = QUERIES[name].params_model.model_fields
    params = {k: REQUIRED_VALUES[k] for k, field in fields.items() if field.is_required()}
    frame = fz.query(name, **params)
    assert isinstance(frame, pd.DataFrame)
    assert tuple(frame.columns) == QUERIES[name].columns


def test_coverage_lists_regions_with_and_without_reports(fz: Fazhi) -> None:
    counties = fz.coverage(2019, province="420300", level="county")
    assert counties.set_index("region_code").loc[["420304", "420302"], "reports"].tolist() == [1, 0]
    summary = fz.coverage_summary(2019, province="420300", level="county")
    assert (summary["with_report"], summary["on_time"], summary["undated"]) == (2, 1, 1)


def test_typed_methods_answer_the_main_questions(fz: Fazhi) -> None:
    citing = fz.regions_citing_policy("《行政处罚法》")
    assert sorted(citing["region_code"]) == ["420304", "420325"]
    cited = fz.policies_cited_by_region("十堰市", include_subregions=True)
    assert cited["policy_id"].iloc[0] == PROVINCE_PLAN
    assert set(fz.top_cited_policies(limit=3)["policy_id"]) >= {PROVINCE_PLAN}
    assert LAW in set(fz.co_cited_policies(PROVINCE_PLAN)["policy_id"])
    assert "420325" in set(fz.similar_regions("420304")["region_code"])


def test_bad_parameters_raise_a_clear_error(fz: Fazhi) -> None:
    with pytest.raises(UserInputError, match="parameter 'year_from'"):
        fz.regions_citing_policy(LAW, year_from="soon")
    with pytest.raises(UserInputError, match="unknown query 'nope'"):
        fz.query("nope")


def test_stats_and_query_listing(fz: Fazhi) -> None:
    stats = fz.stats()
    reports = stats[(stats["kind"] == "node") & (stats["name"] == "Report")]
    assert reports["count"].tolist() == [3]
    assert set(fz.queries()["name"]) == set(QUERIES)


def test_subgraph_around_a_policy_grows_with_hops(fz: Fazhi) -> None:
    one = fz.subgraph(policy="行政处罚法", hops=1)
    two = fz.subgraph(policy="行政处罚法", hops=2)
    assert isinstance(one, nx.MultiDiGraph)
    labels = {data["label"] for _, data in one.nodes(data=True)}
    assert labels == {"Policy", "Report"}
    assert one.has_edge("Report:" + "b" * 16, f"Policy:{LAW}", key="CITES")
    assert set(one.nodes) < set(two.nodes)
    assert "Region:420325" in two.nodes
    assert fz.subgraph(policy="行政处罚法", hops=0).number_of_nodes() == 1


def test_subgraph_around_a_region_by_name_or_code(fz: Fazhi) -> None:
    by_name = fz.subgraph(region="郧阳区")
    by_code = fz.subgraph(region="420304")
    assert set(by_name.nodes) == set(by_code.nodes)
    assert "Region:420300" in by_name.nodes
    assert by_name.nodes["Region:420304"]["label"] == Label.REGION


def test_subgraph_refuses_unknown_or_missing_starts(fz: Fazhi) -> None:
    with pytest.raises(UserInputError, match=r"^no policy titled '没有这个文件'$"):
        fz.subgraph(policy="没有这个文件")
    with pytest.raises(UserInputError, match="exactly one of"):
        fz.subgraph()


def test_ingested_samples_persist_and_answer_the_example(samples_dir: Path) -> None:
    with Fazhi.open(store="memory", data_dir=samples_dir) as client:
        citing = client.regions_citing_policy("重大行政决策程序暂行条例")
        reports = client.stats().query("name == 'Report'")["count"].tolist()
    assert reports == [5]
    assert {("210902", 2023), ("152500", 2020)} <= set(
        zip(citing.region_code, citing.year, strict=True)
    )


def test_memory_client_without_data_dir_starts_empty() -> None:
    with Fazhi.open(store="memory") as client:
        assert client.stats().empty


class BatchRecordingStore(MemoryStore):
    """A memory store that remembers the size of every batch it was asked to write."""

    def __init__(self) -> None:
        super().__init__(None)
        self.batches: list[int] = []

    def upsert_reports(self, extractions: Sequence[Extraction]) -> list[UpsertResult | StoreError]:
        self.batches.append(len(extractions))
        return super().upsert_reports(extractions)


def test_ingest_writes_in_batches_and_names_a_bad_file_without_stopping(tmp_path: Path) -> None:
    bad = tmp_path / "report.xyz"
    bad.write_text("某县2019年度法治政府建设工作情况报告", encoding="utf-8")
    store = BatchRecordingStore()
    with Fazhi(get_settings(ingest_batch_reports=2), store=store) as client:
        frame = client.ingest(bad, SAMPLES)
    assert store.batches == [2, 2, 1]
    assert list(frame.columns) == ["source", "report_id", "status", "problem"]
    assert list(frame.status) == ["failed"] + ["new"] * 5
    assert frame.source[0] == str(bad)
    assert str(bad) in frame.problem[0]
    assert frame.problem[1:].isna().all()


def test_ingest_summary_counts_and_reports_progress(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    done: list[int] = []
    with MemoryStore(None) as store:
        settings = get_settings()
        first = ingest_files(store, [sample, empty], settings=settings, on_progress=done.append)
        again = ingest_files(store, [sample], settings=settings)
        held = store.stats()
    assert (first.new, len(first.failed), sum(done)) == (1, 1, 2)
    assert first.failed[0].startswith(str(empty))
    assert first.nodes == sum(held.nodes.values()) > 0
    assert (again.nodes_added, again.relationships_added) == (0, 0)
    assert [f.status for f in again.files] == ["unchanged"]
