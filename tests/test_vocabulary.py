"""One vocabulary (docs/vocabulary.md): policy kinds, region levels and node labels are spelled
the same in the StrEnums, GraphQL introspection, named-query rows (services, GraphQL and the
notebook client) and the exports, on both stores."""

from __future__ import annotations

import csv
import json
from enum import StrEnum
from pathlib import Path

import pytest

from client import Fazhi
from graph.model import Label
from graph.store import GraphStore
from ingest.vocabulary import PolicyKind, RegionLevel
from services.exporting import export_store
from services.querying import run_named
from tests.api_support import (  # noqa: F401 (abc_store: the `store` fixture)
    abc_store,
    filled_memory_store,
    graphql_body,
    post_graphql,
)
from tests.store_fixtures import PROVINCE_PLAN

VOCABULARY: dict[str, type[StrEnum]] = {
    "PolicyKind": PolicyKind,
    "RegionLevel": RegionLevel,
    "Label": Label,
}


def values(enum: type[StrEnum]) -> set[str]:
    return {member.value for member in enum}


def test_graphql_enums_are_the_strenums_values(store: GraphStore) -> None:
    for name, enum in VOCABULARY.items():
        body = graphql_body(store, f'{{ __type(name: "{name}") {{ enumValues {{ name }} }} }}')
        assert {v["name"] for v in body["data"]["__type"]["enumValues"]} == values(enum), name


@pytest.mark.parametrize("level", list(RegionLevel))
def test_a_level_filter_answers_rows_of_that_very_value(
    store: GraphStore, level: RegionLevel
) -> None:
    rows = run_named(store, "regions_citing_policy", {"policy": PROVINCE_PLAN, "level": level})
    body = graphql_body(
        store, f'{{ regionsCitingPolicy(policy: "{PROVINCE_PLAN}", level: {level}) {{ level }} }}'
    )
    assert [row["level"] for row in rows] == [
        r["level"] for r in body["data"]["regionsCitingPolicy"]
    ]
    assert {row["level"] for row in rows} <= {level.value}
    if level is RegionLevel.COUNTY:
        assert rows  # both counties cite the provincial plan: the filter matched the rows' value


def test_named_query_rows_speak_the_vocabulary(store: GraphStore) -> None:
    levels = {
        row["level"] for row in run_named(store, "regions_citing_policy", {"policy": PROVINCE_PLAN})
    }
    kinds = {
        row["kind"] for row in run_named(store, "policies_cited_by_region", {"region": "420304"})
    }
    labels = {row["label"] for row in run_named(store, "search", {"text": "郧阳"})}
    assert levels == {"county", "prefecture"}
    assert "law" in kinds
    assert kinds <= values(PolicyKind)
    assert {"Region", "Institution"} <= labels <= values(Label)
    body = graphql_body(store, '{ search(text: "郧阳", labels: [Region, Policy]) { label } }')
    assert {row["label"] for row in body["data"]["search"]} == labels & {"Region", "Policy"}


def test_client_frames_speak_the_vocabulary(store: GraphStore) -> None:
    fz = Fazhi(store=store)
    frame = fz.policies_cited_by_region("420304", kind=PolicyKind.LAW.value)
    assert set(frame["kind"]) == {"law"}
    assert set(fz.regions_citing_policy(PROVINCE_PLAN)["level"]) <= values(RegionLevel)


def test_exports_speak_the_vocabulary(store: GraphStore, tmp_path: Path) -> None:
    export_store(store, "jsonl", tmp_path / "graph.jsonl")
    export_store(store, "csv", tmp_path / "csv")
    lines = (tmp_path / "graph.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    jsonl = [{"label": r["label"], **r["props"]} for r in records if r["kind"] == "node"]
    with (tmp_path / "csv" / "nodes.csv").open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    for rows in (jsonl, table):
        assert {row["label"] for row in rows} == values(Label)
        levels = {row["level"] for row in rows if row["label"] == "Region"}
        kinds = {row.get("kind") for row in rows if row["label"] == "Policy"} - {None, ""}
        assert levels == {"province", "prefecture", "county"}
        assert "law" in kinds
        assert kinds <= values(PolicyKind)
